"""The access log: reads and denials are written, the DPO consults and exports it, old lines are purged."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from parvis.backoffice.access import get_case_for_agent
from parvis.backoffice.tests.conftest import build_world
from parvis.privacy.models import AccessAction, AccessLog
from parvis.privacy.services import log_access, purge_access_log, retention_cutoff

pytestmark = pytest.mark.django_db

LOG = reverse("privacy:access_log")
EXPORT = reverse("privacy:access_log_export")


@pytest.fixture(autouse=True)
def _no_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def world(db):
    """The back-office tests' little commune: two departments, their agents, a DPO, a resident."""
    return build_world()


# --- Writing ------------------------------------------------------------------------------------------

def test_reading_a_case_writes_a_line(world):
    case = world.file()
    request = RequestFactory().get(f"/agents/dossiers/{case.reference}/", REMOTE_ADDR="10.1.2.3")
    assert get_case_for_agent(world.officer_a, case.reference, request=request) == case
    line = AccessLog.objects.get()
    assert line.action == AccessAction.VIEW
    assert line.agent == world.officer_a and "Lucie GARNIER" in line.agent_label
    assert line.case_reference == case.reference and line.resident_id == world.resident.pk
    assert line.ip_address == "10.1.2.3" and line.path == f"/agents/dossiers/{case.reference}/"
    assert abs((timezone.now() - line.at).total_seconds()) < 60


def test_reading_a_case_of_another_department_is_denied_and_logged(world):
    case = world.file(world.proc_b)
    with pytest.raises(Http404):
        get_case_for_agent(world.officer_a, case.reference)
    line = AccessLog.objects.get()
    assert line.action == AccessAction.DENIED and line.agent == world.officer_a
    assert line.case_reference == case.reference
    assert line.resident_id is None  # a denial reveals nothing about the case
    with pytest.raises(Http404):
        get_case_for_agent(world.officer_a, "ADM-1999-000001")
    assert AccessLog.objects.filter(action=AccessAction.DENIED, case_reference="ADM-1999-000001").exists()


def test_reading_for_update_locks_the_case(world):
    from django.db import transaction

    case = world.file()
    with transaction.atomic():
        locked = get_case_for_agent(world.officer_a, case.reference, for_update=True)
    assert locked == case and locked.assignee is None
    assert AccessLog.objects.filter(action=AccessAction.VIEW).count() == 1


def test_reading_without_logging_when_asked(world):
    case = world.file()
    get_case_for_agent(world.officer_a, case.reference, log=False)
    assert not AccessLog.objects.exists()


def test_the_case_page_logs_the_read(client, world):
    """Through HTTP when the case part's page exists (it uses `get_case_for_agent`)."""
    from django.urls import NoReverseMatch

    case = world.file()
    try:
        url = reverse("casework:detail", kwargs={"reference": case.reference})
    except NoReverseMatch:
        pytest.skip("la page du dossier n'existe pas encore")
    client.force_login(world.officer_a)
    assert client.get(url).status_code == 200
    assert AccessLog.objects.filter(action=AccessAction.VIEW, case_reference=case.reference,
                                    agent=world.officer_a).exists()
    client.force_login(world.officer_b)
    assert client.get(url).status_code == 404
    assert AccessLog.objects.filter(action=AccessAction.DENIED, case_reference=case.reference,
                                    agent=world.officer_b).exists()


# --- The DPO's pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [LOG, EXPORT])
def test_only_the_dpo(client, world, url, django_user_model):
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    admin = django_user_model.objects.create_user("admin@admiville.fr", "x" * 12, is_staff=True, is_superuser=True)
    for user in (world.resident, world.officer_a, world.head_a, world.front_desk, admin):
        client.force_login(user)
        assert client.get(url).status_code == 403, user
    client.force_login(world.dpo)
    assert client.get(url).status_code == 200
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exclude(agent=world.dpo).exists()


def _at(days_ago, **fields):
    line = log_access(fields.pop("agent"), fields.pop("action", AccessAction.VIEW), **fields)
    AccessLog.objects.filter(pk=line.pk).update(at=timezone.now() - dt.timedelta(days=days_ago))
    line.refresh_from_db()
    return line


@pytest.fixture
def lines(world):
    case_a = world.file()
    case_b = world.file(world.proc_b)
    return {
        "a_view": _at(1, agent=world.officer_a, case=case_a),
        "b_view": _at(3, agent=world.officer_b, case=case_b),
        "denied": _at(2, agent=world.officer_a, action=AccessAction.DENIED, case_reference=case_b.reference),
        "old": _at(40, agent=world.head_a, case=case_a),
        "export": _at(0, agent=world.head_a, action=AccessAction.EXPORT, count=12, detail="Export CSV"),
    }


def test_dpo_lists_the_log_newest_first(client, world, lines):
    client.force_login(world.dpo)
    html = client.get(LOG).content.decode()
    assert "5 lignes" in html
    assert "<caption>Accès aux données personnelles, les plus récents d’abord</caption>" in html
    order = [html.index(text) for text in ("Export CSV", "Lucie GARNIER", "Bruno LEMAIRE")]
    assert order == sorted(order)
    assert "Camille DURAND" in html  # the resident concerned, by name
    assert "Accès refusé" in html and "(12)" in html


@pytest.mark.parametrize(("params", "expected"), [
    ({"agent": "garnier"}, {"a_view", "denied"}),
    ({"agent": "lucie.garnier@admiville.fr"}, {"a_view", "denied"}),
    ({"action": "denied"}, {"denied"}),
    ({"usager": "Durand"}, {"a_view", "b_view", "old"}),
])
def test_dpo_filters(client, world, lines, params, expected):
    client.force_login(world.dpo)
    assert client.get(LOG, params).status_code == 200
    # The CSV export lists exactly the filtered lines (plus, afterwards, its own line).
    rows = list(csv.reader(io.StringIO(client.get(EXPORT, params).content.decode("utf-8-sig")), delimiter=";"))
    times = {timezone.localtime(line.at).strftime("%d/%m/%Y %H:%M:%S"): key for key, line in lines.items()}
    assert {times[row[0]] for row in rows[1:]} == expected


def test_dpo_filters_survive_odd_input(client, world, lines):
    client.force_login(world.dpo)
    for params in ({"usager": "9" * 30}, {"usager": "12"}, {"dossier": "%_'\""}, {"du": "2026-13-45"},
                   {"apres": "1.9999999999999999999"}, {"action": "pirate"}, {"agent": "<script>"}):
        response = client.get(LOG, params)
        assert response.status_code == 200, params


def test_dpo_filters_by_reference_and_dates(client, world, lines):
    client.force_login(world.dpo)
    reference = lines["a_view"].case_reference
    rows = list(csv.reader(io.StringIO(client.get(EXPORT, {"dossier": reference.lower()}).content
                                       .decode("utf-8-sig")), delimiter=";"))
    assert {row[3] for row in rows[1:]} == {reference}
    assert len(rows) == 3  # the recent read and the old one
    start = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    end = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    rows = list(csv.reader(io.StringIO(client.get(EXPORT, {"du": start, "au": end}).content.decode("utf-8-sig")),
                           delimiter=";"))
    assert sorted(row[2] for row in rows[1:]) == ["Accès refusé", "Consultation"]
    html = client.get(LOG, {"du": end, "au": start}).content.decode()
    assert "La date de fin doit suivre la date de début" in html


def test_dpo_export_is_a_csv_and_is_logged(client, world, lines):
    client.force_login(world.dpo)
    response = client.get(EXPORT)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Date", "Agent", "Action", "Dossier", "Usager concerné"]
    assert len(rows) == 6
    line = AccessLog.objects.filter(agent=world.dpo, action=AccessAction.EXPORT).get()
    assert line.count == 5 and "journal des accès" in line.detail


def test_dpo_pages(client, world, lines, settings):
    settings.BACKOFFICE_PAGE_SIZE = 2
    client.force_login(world.dpo)
    html = client.get(LOG).content.decode()
    assert 'rel="next"' in html
    assert 'rel="prev"' not in html


# --- Retention ----------------------------------------------------------------------------------------

def test_purge_keeps_the_retention_period_and_is_idempotent(world, settings):
    settings.ACCESS_LOG_RETENTION_MONTHS = 12
    now = timezone.now()
    kept = _at(360, agent=world.officer_a)
    gone = _at(400, agent=world.officer_a)
    assert purge_access_log(now=now, dry_run=True) == 1
    assert purge_access_log(now=now) == 1
    assert purge_access_log(now=now) == 0
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AccessLog.objects.filter(pk=gone.pk).exists()


def test_retention_is_counted_in_calendar_months(settings):
    from parvis.cases.deadlines import PARIS

    settings.ACCESS_LOG_RETENTION_MONTHS = 6
    now = dt.datetime(2026, 8, 31, 10, 0, tzinfo=PARIS)
    assert retention_cutoff(now) == dt.datetime(2026, 2, 28, 10, 0, tzinfo=PARIS)


def test_purge_in_batches(world):
    for _ in range(7):
        _at(800, agent=world.officer_a)
    assert purge_access_log(batch_size=3) == 7
    assert not AccessLog.objects.exists()


def test_purge_command(world, settings):
    settings.ACCESS_LOG_RETENTION_MONTHS = 6
    _at(200, agent=world.officer_a)
    _at(10, agent=world.officer_a)
    out = io.StringIO()
    call_command("purge_access_log", "--dry-run", stdout=out)
    assert out.getvalue().startswith("1 ligne(s)") and "seraient supprimées" in out.getvalue()
    assert AccessLog.objects.count() == 2
    out = io.StringIO()
    call_command("purge_access_log", stdout=out)
    assert "1 ligne(s)" in out.getvalue() and "conservation : 6 mois" in out.getvalue()
    call_command("purge_access_log", stdout=io.StringIO())
    assert AccessLog.objects.count() == 1
