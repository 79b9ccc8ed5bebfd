"""The processing register (GDPR art. 30): generated from the published procedures' privacy metadata, for the
DPO and the platform administrators, exported to ODS, XLSX and PDF."""

import io
from html import unescape

import pytest
from django.urls import reverse

from parvis.builder import services
from parvis.builder.tests.helpers import make_published_procedure, make_ready_procedure
from parvis.organisation.models import Role
from parvis.testing.factories import make_agent, make_resident
from parvis.testing.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedures(admin, department, category):
    published = make_published_procedure(admin, department, category, title="Location de salle",
                                         privacy_purpose="Gérer la réservation et le contrat.",
                                         privacy_legal_basis="contract", retention_months=60,
                                         retention_detail="après la fin du contrat")
    make_ready_procedure(admin, department, category, title="Démarche en préparation",
                         privacy_purpose="Ne doit pas figurer au registre.")
    return published


@pytest.fixture
def dpo_client(client, department):
    client.force_login(make_agent(department, role=Role.DPO))
    return client


def test_the_register_lists_the_published_procedures(dpo_client, procedures, commune):
    page = unescape(dpo_client.get(reverse("register:index")).content.decode())
    assert "T-001 — Location de salle" in page
    assert "Gérer la réservation et le contrat." in page
    assert "Exécution d'un contrat (art. 6.1.b RGPD)" in page
    assert "5 ans (après la fin du contrat)" in page
    assert "Démarche en préparation" not in page and "Ne doit pas figurer" not in page
    assert f"Le maire de {commune.name}" in page and commune.dpo_email in page
    assert "1 traitement." in page


def test_the_register_follows_publications(dpo_client, procedures, admin):
    services.edit_settings(procedures, admin, {"privacy_purpose": "Nouvelle finalité."})
    assert "Nouvelle finalité." not in dpo_client.get(reverse("register:index")).content.decode()
    services.publish(procedures, admin)
    assert "Nouvelle finalité." in dpo_client.get(reverse("register:index")).content.decode()
    services.unpublish(procedures, admin)
    assert "Aucune démarche publiée" in dpo_client.get(reverse("register:index")).content.decode()


def test_xlsx_export(dpo_client, procedures):
    from openpyxl import load_workbook

    response = dpo_client.get(reverse("register:export", args=["xlsx"]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith(
        'attachment; filename="registre-des-traitements-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["N°", "Traitement (démarche)", "Service responsable", "Finalité"]
    assert rows[1][1] == "Location de salle" and rows[1][3] == "Gérer la réservation et le contrat."
    assert rows[1][10] == "5 ans (après la fin du contrat)"
    assert len(rows) == 2


def test_ods_export(dpo_client, procedures):
    from odf.opendocument import load
    from odf.table import TableRow
    from odf.teletype import extractText

    response = dpo_client.get(reverse("register:export", args=["ods"]))
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    document = load(io.BytesIO(response.content))
    rows = [extractText(row) for row in document.spreadsheet.getElementsByType(TableRow)]
    assert "Finalité" in rows[0] and "Location de salle" in rows[1] and "Gérer la réservation" in rows[1]


def test_pdf_export(dpo_client, procedures, commune):
    response = dpo_client.get(reverse("register:export", args=["pdf"]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Registre des activités de traitement" in text and "Location de salle" in text
    assert "Gérer la réservation et le contrat." in text and commune.dpo_email in text


def test_platform_administrators_read_the_register(client, procedures):
    client.force_login(make_resident(is_staff=True))
    assert client.get(reverse("register:index")).status_code == 200
    assert client.get(reverse("register:export", args=["pdf"])).status_code == 200


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.HEAD, Role.FRONT_DESK, Role.PROCEDURE_ADMIN])
def test_other_agents_are_refused(client, procedures, department, role):
    client.force_login(make_agent(department, role=role))
    for url in (reverse("register:index"), *(reverse("register:export", args=[fmt]) for fmt in ("ods", "xlsx",
                                                                                                 "pdf"))):
        assert client.get(url).status_code == 403, url


def test_residents_and_anonymous_visitors_are_refused(client, procedures):
    url = reverse("register:export", args=["xlsx"])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(make_resident())
    assert client.get(reverse("register:index")).status_code == 403 and client.get(url).status_code == 403


def test_unknown_format(dpo_client):
    assert dpo_client.get(reverse("register:export", args=["csv"])).status_code == 404


def test_the_dpo_finds_the_register_in_the_agents_space(dpo_client):
    assert reverse("register:index") in dpo_client.get(reverse("organisation:home")).content.decode()
