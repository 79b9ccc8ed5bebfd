"""The family quotient: from the CAF through API Particulier (local server speaking the protocol), or from a
certificate checked by an agent; source and date shown to the family and to agents."""

import datetime as dt
import html
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parvis.cases.deadlines import add_months
from parvis.connectors.apiparticulier.testserver import ApiParticulierTestServer
from parvis.families import quotient, services
from parvis.families.models import FamilyQuotient
from parvis.families.tests.factories import make_family_agent, make_family_department, make_household, make_session

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def caf(settings):
    with ApiParticulierTestServer(token="cle-de-la-commune") as server:
        server.add_family("1234567", "99100", quotient=851, month=3, year=2026)
        settings.API_PARTICULIER_URL = server.url
        settings.API_PARTICULIER_TOKEN = "cle-de-la-commune"
        settings.API_PARTICULIER_TIMEOUT_SECONDS = 2
        yield server


def test_quotient_from_the_caf_with_source_and_date(client, caf):
    household = make_household()
    client.force_login(household.primary_user)
    response = client.post(reverse("families:quotient"), {"number": "123 4567", "postcode": "99100",
                                                          "consent": "on"})
    assert response.status_code == 302
    value = FamilyQuotient.objects.get(household=household)
    assert (value.value, value.source, value.provider, value.reference_month) == (
        851, "api_particulier", "CAF", dt.date(2026, 3, 1))
    assert value.valid_until == dt.date(2027, 2, 28)
    household.refresh_from_db()
    assert household.caf_number == "1234567"  # asked again next year without typing it
    page = text(client.get(reverse("families:quotient")))
    assert "851" in page and "CAF via API Particulier" in page and "mars 2026" in page
    assert caf.requests[-1].key == "cle-de-la-commune"


def test_consent_is_required(client, caf):
    household = make_household()
    client.force_login(household.primary_user)
    response = client.post(reverse("families:quotient"), {"number": "1234567", "postcode": "99100"})
    assert response.status_code == 200 and not caf.requests
    assert not FamilyQuotient.objects.exists()


def test_unknown_allocataire_explains_and_offers_the_certificate(client, caf):
    household = make_household()
    client.force_login(household.primary_user)
    response = client.post(reverse("families:quotient"), {"number": "7654321", "postcode": "99100",
                                                          "consent": "on"})
    content = text(response)
    assert "ne trouve pas de dossier" in content and "attestation de quotient familial" in content
    assert "Envoyer mon attestation" in content


def test_bad_key_is_logged_for_the_team_and_explained_to_the_family(client, caf, settings, caplog):
    settings.API_PARTICULIER_TOKEN = "mauvaise"
    household = make_household()
    client.force_login(household.primary_user)
    with caplog.at_level(logging.ERROR, logger="parvis.families.quotient"):
        response = client.post(reverse("families:quotient"), {"number": "1234567", "postcode": "99100",
                                                              "consent": "on"})
    assert "momentanément indisponible" in text(response)
    assert any("API_PARTICULIER_TOKEN" in record.message for record in caplog.records)


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_then_retry_later(client, caf, status):
    caf.misbehave(fail_status=status)
    household = make_household()
    with pytest.raises(services.FamilyError, match="Réessayez plus tard"):
        quotient.fetch_from_caf(household, number="1234567", postcode="99100", actor=household.primary_user)


def test_timeout(client, caf, settings):
    settings.API_PARTICULIER_TIMEOUT_SECONDS = 1
    caf.misbehave(slow_seconds=1.5)
    household = make_household()
    with pytest.raises(services.FamilyError, match="ne répond pas"):
        quotient.fetch_from_caf(household, number="1234567", postcode="99100", actor=household.primary_user)


def test_without_connection_the_page_offers_the_certificate_only(client, settings):
    settings.API_PARTICULIER_URL = ""
    household = make_household()
    client.force_login(household.primary_user)
    content = text(client.get(reverse("families:quotient")))
    assert "Le demander directement à la CAF" not in content and "Envoyer mon attestation" in content


def _certificate(household, document_date=None):
    return services.add_document(household, kind="quotient_certificate",
                                 document_date=document_date or timezone.localdate(),
                                 upload=SimpleUploadedFile("qf.pdf", b"%PDF-1.4\n%%EOF"),
                                 content_type="application/pdf", actor=household.primary_user)


def test_agent_reads_the_certificate(client):
    department = make_family_department()
    make_session()  # an activity makes the department a family desk
    from parvis.families.models import Activity

    Activity.objects.update(department=department)
    agent = make_family_agent(department)
    household = make_household()
    document = _certificate(household)
    client.force_login(agent)
    month = add_months(timezone.localdate(), -1).replace(day=1)
    response = client.post(reverse("families:agent_document", args=[document.pk]), {
        "decision-decision": "valid", "qf-value": "420", "qf-reference_month": month.strftime("%Y-%m")})
    assert response.status_code == 302
    value = FamilyQuotient.objects.get(household=household)
    assert (value.value, value.source, value.document, value.recorded_by) == (420, "document", document, agent)
    document.refresh_from_db()
    assert document.status == "valid"
    page = text(client.get(reverse("families:agent_household", args=[household.pk])))
    assert "420" in page and "Attestation vérifiée par un agent" in page
    client.force_login(household.primary_user)
    assert "Attestation vérifiée par un agent" in text(client.get(reverse("families:home")))


def test_agent_rejects_an_unreadable_certificate(client):
    department = make_family_department()
    from parvis.families.models import Activity

    make_session()
    Activity.objects.update(department=department)
    agent = make_family_agent(department)
    household = make_household()
    document = _certificate(household)
    client.force_login(agent)
    response = client.post(reverse("families:agent_document", args=[document.pk]), {
        "decision-decision": "reject", "decision-reason": "unreadable"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == "rejected" and document.rejection_reason == "Document illisible"
    client.force_login(household.primary_user)
    assert "Refusé : Document illisible" in text(client.get(reverse("families:documents")))


def test_expired_certificate_cannot_give_a_quotient():
    household = make_household()
    document = _certificate(household, document_date=timezone.localdate() - dt.timedelta(days=20))
    document.valid_until = timezone.localdate() - dt.timedelta(days=1)
    document.save()
    with pytest.raises(services.FamilyError, match="expiré"):
        quotient.record_from_document(document, value=400, reference_month=dt.date(2026, 1, 1), agent=None)


def test_latest_valid_quotient_applies():
    household = make_household()
    old = FamilyQuotient.objects.create(household=household, value=300, source="document",
                                        reference_month=dt.date(2020, 1, 1), valid_until=dt.date(2020, 12, 31))
    assert quotient.current_quotient(household) is None
    assert quotient.quotient_for_month(household, dt.date(2020, 6, 1)) == old
