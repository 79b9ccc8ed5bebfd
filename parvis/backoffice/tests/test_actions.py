"""Saved filters, bulk assignment (with forged input) and exports of the filtered list (with their log line)."""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.backoffice.inbox import has_assignee
from parvis.backoffice.models import SavedFilter
from parvis.cases.models import Case, CaseEvent
from parvis.privacy.models import AccessAction, AccessLog
from parvis.testing.factories import make_resident

pytestmark = pytest.mark.django_db
needs_assignee = pytest.mark.skipif(not has_assignee(), reason="Case.assignee n'existe pas encore (partie dossiers)")

INBOX = reverse("backoffice:inbox")
ASSIGN = reverse("backoffice:assign")


# --- Saved filters ------------------------------------------------------------------------------------

def test_save_apply_and_delete_a_filter(client, world):
    client.force_login(world.officer_a)
    response = client.post(reverse("backoffice:saved_filter_create"), {
        "name": "  Copies  en retard ", "querystring": f"demarche={world.proc_a2.pk}&echeance=depassee&apres=12.3&x=1",
    })
    saved = SavedFilter.objects.get(owner=world.officer_a)
    assert saved.name == "Copies en retard"
    # Only the known filters are kept (no cursor, nothing unknown), in a stable order.
    assert saved.querystring == f"demarche={world.proc_a2.pk}&echeance=depassee"
    assert response.status_code == 302 and response["Location"] == f"{INBOX}?{saved.querystring}"
    page = client.get(INBOX).content.decode()
    assert f'href="{INBOX}?demarche={world.proc_a2.pk}&amp;echeance=depassee">Copies en retard</a>' in page
    listing = client.get(reverse("backoffice:saved_filters")).content.decode()
    assert "Copies en retard" in listing
    response = client.post(reverse("backoffice:saved_filter_delete", args=[saved.pk]))
    assert response.status_code == 302
    assert not SavedFilter.objects.exists()


def test_saved_filter_keeps_only_valid_values(client, world):
    client.force_login(world.officer_a)
    client.post(reverse("backoffice:saved_filter_create"), {
        "name": "Piégé", "querystring": f"service={world.dept_b.pk}&statut=tous&demarche={world.proc_b.pk}",
    })
    assert SavedFilter.objects.get().querystring == "statut=tous"


def test_saved_filter_errors(client, world, settings):
    client.force_login(world.officer_a)
    url = reverse("backoffice:saved_filter_create")
    assert client.post(url, {"name": "", "querystring": ""}).status_code == 400
    client.post(url, {"name": "Le mien", "querystring": ""})
    response = client.post(url, {"name": "Le mien", "querystring": "statut=tous"})
    assert response.status_code == 400
    assert "Vous avez déjà un filtre de ce nom" in response.content.decode()
    settings.BACKOFFICE_MAX_SAVED_FILTERS = 1
    response = client.post(url, {"name": "Un autre", "querystring": ""})
    assert "nombre maximal de filtres" in response.content.decode()
    assert SavedFilter.objects.count() == 1


def test_an_agent_cannot_delete_or_see_another_agents_filter(client, world):
    theirs = SavedFilter.objects.create(owner=world.head_a, name="Le chef", querystring="statut=tous")
    client.force_login(world.officer_a)
    assert client.post(reverse("backoffice:saved_filter_delete", args=[theirs.pk])).status_code == 404
    assert "Le chef" not in client.get(INBOX).content.decode()
    assert client.get(reverse("backoffice:saved_filter_delete", args=[theirs.pk])).status_code == 405
    assert SavedFilter.objects.filter(pk=theirs.pk).exists()


# --- Bulk assignment ----------------------------------------------------------------------------------

def _assign(client, references, agent, back=""):
    return client.post(ASSIGN, {"attribution-dossiers": references, "attribution-agent": agent, "retour": back})


@needs_assignee
def test_head_assigns_cases_in_bulk_with_history(client, world):
    first, second = world.file(), world.file()
    client.force_login(world.head_a)
    page = client.get(INBOX).content.decode()
    assert 'name="attribution-dossiers"' in page and "Attribuer les dossiers cochés" in page
    response = _assign(client, [first.reference, second.reference], world.officer_a2.pk, back="tri=recentes")
    assert response.status_code == 302
    assert response["Location"] == f"{INBOX}?tri=recentes"
    assert set(Case.objects.filter(assignee=world.officer_a2).values_list("reference", flat=True)) == {
        first.reference, second.reference}
    events = CaseEvent.objects.filter(case=first, kind="assigned")
    assert events.count() == 1 and events.get().actor == world.head_a
    assert not events.get().visible_to_resident
    # Again: nothing changes, no new history line.
    _assign(client, [first.reference], world.officer_a2.pk)
    assert CaseEvent.objects.filter(case=first, kind="assigned").count() == 1


@needs_assignee
def test_forged_assignee_is_a_form_error(client, world):
    case = world.file()
    client.force_login(world.head_a)
    for forged in (world.officer_b.pk, 999999, "abc", "", world.resident.pk):
        response = _assign(client, [case.reference], forged)
        assert response.status_code == 400, forged
        assert "Choisissez" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee_id is None


@needs_assignee
def test_cases_of_another_department_or_unknown_are_refused_all_or_nothing(client, world):
    mine = world.file()
    other = world.file(world.proc_b)
    client.force_login(world.head_a)
    response = _assign(client, [mine.reference, other.reference], world.officer_a.pk)
    assert response.status_code == 400
    assert "1 dossier sélectionné n’existe pas ou ne vous est pas accessible" in response.content.decode()
    response = _assign(client, [mine.reference, "ADM-1999-999999", "<script>"], world.officer_a.pk)
    assert "2 dossiers sélectionnés n’existent pas" in response.content.decode()
    assert response.status_code == 400
    assert not Case.objects.filter(assignee__isnull=False).exists()
    assert _assign(client, [], world.officer_a.pk).status_code == 400


@needs_assignee
def test_case_officers_may_only_take_cases_themselves(client, world):
    case = world.file()
    client.force_login(world.officer_a)
    assert _assign(client, [case.reference], world.officer_a2.pk).status_code == 400
    response = _assign(client, [case.reference], world.officer_a.pk)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == world.officer_a


@needs_assignee
def test_a_filed_case_in_another_department_cannot_be_assigned(client, world):
    filed = world.file(world.proc_b, channel="counter", filed_by=world.officer_a)
    client.force_login(world.officer_a)
    response = _assign(client, [filed.reference], world.officer_a.pk)
    assert response.status_code == 400
    assert "Vous ne pouvez pas attribuer le dossier" in response.content.decode()


@needs_assignee
def test_assignee_must_handle_the_department(client, world):
    """A head of two departments cannot give a case of A to an officer of B."""
    from parvis.organisation.models import AgentRole, Role

    AgentRole.objects.create(user=world.head_a, department=world.dept_b, role=Role.HEAD)
    case = world.file()
    client.force_login(world.head_a)
    response = _assign(client, [case.reference], world.officer_b.pk)
    assert response.status_code == 400
    assert "n’instruit pas les dossiers du service" in response.content.decode()


@needs_assignee
def test_front_desk_and_residents_cannot_assign(client, world):
    case = world.file()
    client.force_login(world.front_desk)
    assert 'name="attribution-dossiers"' not in client.get(INBOX).content.decode()
    assert _assign(client, [case.reference], world.officer_a.pk).status_code == 403
    client.force_login(world.resident)
    assert _assign(client, [case.reference], world.officer_a.pk).status_code == 403
    client.logout()
    assert _assign(client, [case.reference], world.officer_a.pk).status_code == 302
    assert client.get(ASSIGN).status_code == 405


@needs_assignee
def test_back_parameter_cannot_redirect_elsewhere(client, world):
    case = world.file()
    client.force_login(world.head_a)
    response = _assign(client, [case.reference], world.officer_a.pk, back="https://evil.example/&statut=tous")
    assert response["Location"].startswith(f"{INBOX}?")


# --- Exports ------------------------------------------------------------------------------------------

def _export(client, fmt, **params):
    return client.get(reverse("backoffice:export", args=[fmt]), params)


def _exports_logged():
    return list(AccessLog.objects.filter(action=AccessAction.EXPORT))


@pytest.fixture
def two_cases(world):
    resident = make_resident(first_name="=HYPERLINK", last_name="Piège", email="piege@example.org")
    first = world.file(implicit_decision_on=timezone.localdate() + dt.timedelta(days=3), channel="counter",
                       filed_by=world.front_desk)
    second = world.file(applicant=resident)
    world.file(world.proc_b)  # another department: never exported
    return first, second


def test_csv_export(client, world, two_cases):
    first, second = two_cases
    client.force_login(world.officer_a)
    response = _export(client, "csv", tri="anciennes")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Référence", "Démarche", "Usager", "Canal", "Reçue le", "Statut", "Décision implicite le",
                       "Agent attribué"]
    assert [row[0] for row in rows[1:]] == [first.reference, second.reference]
    assert rows[1][1] == "Location de salle" and rows[1][2] == "Camille DURAND" and rows[1][3] == "Guichet"
    assert rows[1][5] == "Reçue"
    assert rows[1][6] == (timezone.localdate() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    assert rows[2][2] == "'=HYPERLINK PIÈGE"  # a formula is never written as such
    [line] = _exports_logged()
    assert line.agent == world.officer_a and line.count == 2 and "CSV" in line.detail
    assert "tri=anciennes" in line.detail


def test_xlsx_export(client, world, two_cases):
    from openpyxl import load_workbook

    first, second = two_cases
    client.force_login(world.officer_a)
    response = _export(client, "xlsx", tri="anciennes")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Référence"
    assert [row[0] for row in values[1:]] == [first.reference, second.reference]
    assert isinstance(values[1][4], dt.datetime)
    assert values[1][6].date() == timezone.localdate() + dt.timedelta(days=3)
    assert values[2][2] == "'=HYPERLINK PIÈGE"
    assert sheet.cell(row=3, column=3).data_type == "s"
    assert [line.count for line in _exports_logged()] == [2]


def test_ods_export(client, world, two_cases):
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    first, second = two_cases
    client.force_login(world.officer_a)
    response = _export(client, "ods", tri="anciennes")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    document = load(io.BytesIO(response.content))
    table = document.spreadsheet.getElementsByType(Table)[0]
    rows = []
    for row in table.getElementsByType(TableRow):
        cells = []
        for cell in row.getElementsByType(TableCell):
            cells.append("".join(str(p) for p in cell.getElementsByType(P)))
        rows.append(cells)
    assert rows[0][0] == "Référence"
    assert [row[0] for row in rows[1:]] == [first.reference, second.reference]
    date_cell = table.getElementsByType(TableRow)[1].getElementsByType(TableCell)[6]
    assert date_cell.getAttribute("valuetype") == "date"
    assert [line.count for line in _exports_logged()] == [2]


def test_export_follows_the_filters_and_the_agents_departments(client, world, two_cases):
    first, _second = two_cases
    client.force_login(world.officer_a)
    response = _export(client, "csv", canal="counter")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [first.reference]
    client.force_login(world.officer_b)
    rows = list(csv.reader(io.StringIO(_export(client, "csv").content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[1][0].startswith("ADM-")
    assert first.reference not in {row[0] for row in rows}


def test_export_too_large_is_refused_and_not_logged(client, world, two_cases, settings):
    settings.BACKOFFICE_EXPORT_MAX_ROWS = 1
    client.force_login(world.officer_a)
    response = _export(client, "csv", tri="recentes")
    assert response.status_code == 302 and response["Location"] == f"{INBOX}?tri=recentes"
    assert "limité à 1 dossiers" in client.get(response["Location"]).content.decode()
    assert not _exports_logged()


def test_export_access(client, world):
    assert _export(client, "csv").status_code == 302
    client.force_login(world.resident)
    assert _export(client, "csv").status_code == 403
    client.force_login(world.officer_a)
    assert _export(client, "pdf").status_code == 404
    assert not _exports_logged()


def test_export_links_carry_the_filters(client, world):
    client.force_login(world.officer_a)
    page = client.get(INBOX, {"canal": "phone", "apres": "5.5"}).content.decode()
    assert re.search(r'href="/agents/export/xlsx/\?canal=phone"', page)
