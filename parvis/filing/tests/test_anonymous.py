"""Filing without an account, on procedures that allow it: the draft is bound to the browser session."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from parvis.cases.models import Case
from parvis.filing.models import Draft
from parvis.filing.tests.conftest import SCHEMA, fill_all, page_url, start
from parvis.formengine.tests.helpers import pdf_bytes
from parvis.testing.factories import make_commune, make_procedure, make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_procedure(db):
    make_commune()
    return make_procedure(schema=SCHEMA, account_required=False, allow_anonymous=True, slug="signaler")


def pdf():
    return SimpleUploadedFile("plan.pdf", pdf_bytes())


def submit(client, draft, data=None):
    payload = {"revision": str(draft.revision_id)}
    payload.update(data or {})
    return client.post(f"/demarches/{draft.procedure.slug}/deposer/{draft.pk}/envoyer/", payload)


def test_anonymous_filing_needs_a_contact_email(client, open_procedure, mailbox, django_capture_on_commit_callbacks):
    response = client.get(f"/demarches/{open_procedure.slug}/deposer/")
    assert response.status_code == 200
    assert "liée à ce navigateur" in unescape(response.content.decode())
    draft, _ = start(client, open_procedure)
    assert draft.user is None and len(draft.session_key) >= 32
    fill_all(client, draft, pdf())
    review = unescape(client.get(f"/demarches/{open_procedure.slug}/deposer/{draft.pk}/verification/")
                      .content.decode())
    assert "Votre adresse électronique" in review and "Pour recevoir l'accusé et le lien de suivi" in review
    assert 'autocomplete="email"' in review

    response = submit(client, draft)
    assert response.status_code == 200
    content = unescape(response.content.decode())
    assert "Indiquez votre adresse électronique pour recevoir l'accusé et le lien de suivi." in content
    assert 'aria-invalid="true"' in content
    response = submit(client, draft, {"email": "pas une adresse"})
    assert "Indiquez une adresse électronique valide" in unescape(response.content.decode())
    assert not Case.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, draft, {"email": "voisin@example.org"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.applicant is None and case.contact_email == "voisin@example.org"
    confirmation = unescape(client.get(response["Location"]).content.decode())
    assert case.reference in confirmation
    assert "Un courriel de confirmation vous a été envoyé à l'adresse voisin@example.org" in confirmation
    assert f'href="/mes-demandes/suivi/{case.tracking_token}/"' in confirmation
    assert mailbox.to("voisin@example.org")


def test_another_session_cannot_reach_an_anonymous_draft(client, open_procedure):
    draft, _ = start(client, open_procedure)
    stranger = Client()
    assert stranger.get(page_url(draft, "demandeur")).status_code == 404
    assert stranger.get(f"/demarches/{open_procedure.slug}/deposer/{draft.pk}/verification/").status_code == 404
    # A logged-in resident is a stranger too.
    stranger.force_login(make_resident())
    assert stranger.get(page_url(draft, "demandeur")).status_code == 404
    assert "Vous avez déjà commencé" not in unescape(
        stranger.get(f"/demarches/{open_procedure.slug}/deposer/").content.decode())


def test_an_anonymous_draft_follows_its_owner_who_logs_in(client, open_procedure):
    draft, _ = start(client, open_procedure)
    resident = make_resident()
    client.force_login(resident)  # the session key changes; the session's data (the owner token) stays
    assert client.get(page_url(draft, "demandeur")).status_code == 200
    draft.refresh_from_db()
    assert draft.user == resident and draft.session_key == ""


def test_procedures_without_anonymous_filing_need_login(client):
    make_commune()
    procedure = make_procedure(schema=SCHEMA, account_required=False, allow_anonymous=False)
    response = client.get(f"/demarches/{procedure.slug}/deposer/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/?next=")
    assert not Draft.objects.exists()
