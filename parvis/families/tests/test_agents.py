"""The family desk's agents: lists with places and waiting lists, attendance sheets, exports, documents to
check, families' files, registration at the counter — and every denial (403 for non-agents, 404 for what lies
outside the agent's departments), with the access log."""

import datetime as dt
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parvis.families import services
from parvis.families.models import Attendance, DocumentStatus, RegistrationStatus
from parvis.families.registrations import register_child
from parvis.families.tests.factories import (
    make_activity,
    make_child,
    make_family_agent,
    make_family_department,
    make_household,
    make_session,
)
from parvis.organisation.models import Role
from parvis.privacy.models import AccessLog
from parvis.testing.factories import make_agent, make_department

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def desk():
    department = make_family_department()
    activity = make_activity(department=department)
    today = timezone.localdate()
    session = make_session(activity, capacity=2, starts_on=today - dt.timedelta(days=40),
                           ends_on=today + dt.timedelta(days=100), weekdays=[0, 1, 2, 3, 4])
    agent = make_family_agent(department)
    return department, session, agent


def fill(session, count):
    regs = []
    for _ in range(count):
        household = make_household()
        child = make_child(household, has_food_allergy=True, menu="sans_viande")
        regs.append(register_child(child=child, session=session, actor=household.primary_user).registration)
    return regs


def test_home_lists_sessions_with_places_and_waiting(client, desk):
    _department, session, agent = desk
    fill(session, 3)
    client.force_login(agent)
    content = text(client.get(reverse("families:agent_home")))
    assert session.label in content and "<td class=\"amount\">2</td><td class=\"amount\">2</td>" in content


def test_session_list_with_waiting_rank_and_access_log(client, desk):
    _department, session, agent = desk
    regs = fill(session, 3)
    client.force_login(agent)
    content = text(client.get(reverse("families:agent_session", args=[session.pk])))
    assert "Inscrits (2 sur 2 places)" in content and "Liste d'attente" in content
    assert regs[2].child.first_name in content and "sans viande" in content.lower()
    assert AccessLog.objects.filter(agent=agent, action="view", count=3).exists()


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_exports_for_schools_and_centres(client, desk, fmt):
    _department, session, agent = desk
    regs = fill(session, 3)
    client.force_login(agent)
    response = client.get(reverse("families:agent_session_export", args=[session.pk, fmt]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith(f'.{fmt}"')
    if fmt == "xlsx":
        from openpyxl import load_workbook

        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[0][:3] == ("Nom", "Prénom", "Date de naissance") and len(rows) == 4
        assert {row[1] for row in rows[1:]} == {r.child.first_name for r in regs}
        assert "rang 1" in [row[9] for row in rows]
    assert AccessLog.objects.filter(agent=agent, action="export", count=3).exists()


def test_attendance_sheet_records_presence_once_per_day(client, desk):
    _department, session, agent = desk
    regs = fill(session, 2)
    client.force_login(agent)
    day = timezone.localdate() - dt.timedelta(days=1)
    while day.weekday() > 4:
        day -= dt.timedelta(days=1)
    url = reverse("families:agent_attendance", args=[session.pk])
    from parvis.cases.deadlines import is_working_day

    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    page = client.get(url, {"jour": day.isoformat()})
    assert "Feuille de présence" in text(page)
    client.post(url, {"jour": day.isoformat(), f"present-{regs[0].pk}": "on"})
    client.post(url, {"jour": day.isoformat(), f"present-{regs[0].pk}": "on"})
    assert {(a.registration_id, a.present) for a in Attendance.objects.all()} == {(regs[0].pk, True),
                                                                                  (regs[1].pk, False)}
    future = timezone.localdate() + dt.timedelta(days=7)
    content = text(client.post(url, {"jour": future.isoformat(), f"present-{regs[0].pk}": "on"}))
    assert "jour à venir" in content or "pas un jour d'ouverture" in content
    assert Attendance.objects.count() == 2
    export = client.get(url, {"jour": day.isoformat(), "format": "ods"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.oasis")


def test_capacity_increase_offers_places(client, desk):
    _department, session, agent = desk
    regs = fill(session, 3)
    client.force_login(agent)
    client.post(reverse("families:agent_session_capacity", args=[session.pk]), {"capacity": "3"})
    regs[2].refresh_from_db()
    assert regs[2].status == RegistrationStatus.OFFERED


def test_agent_cancels_a_registration_and_the_next_is_offered(client, desk):
    _department, session, agent = desk
    regs = fill(session, 3)
    client.force_login(agent)
    response = client.post(reverse("families:agent_registration_cancel", args=[regs[0].pk]), {"reason": "déménagement"})
    assert response.status_code == 302
    regs[2].refresh_from_db()
    assert regs[2].status == RegistrationStatus.OFFERED


def test_documents_queue_and_validation_with_download_logged(client, desk):
    _department, _session, agent = desk
    household = make_household()
    document = services.add_document(household, kind="proof_of_address", document_date=timezone.localdate(),
                                     upload=SimpleUploadedFile("d.pdf", b"%PDF-1.4\n%%EOF"),
                                     content_type="application/pdf", actor=household.primary_user)
    client.force_login(agent)
    assert "Justificatif de domicile" in text(client.get(reverse("families:agent_documents")))
    download = client.get(reverse("families:agent_document_file", args=[document.pk]))
    assert download.status_code == 200
    assert AccessLog.objects.filter(agent=agent, action="download").exists()
    response = client.post(reverse("families:agent_document", args=[document.pk]), {"decision-decision": "valid"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID and document.checked_by == agent
    missing_reason = client.post(reverse("families:agent_document", args=[document.pk]),
                                 {"decision-decision": "reject"})
    assert "Indiquez le motif" in text(missing_reason)


def test_household_search_detail_and_counter_registration(client, desk):
    _department, session, agent = desk
    household = make_household()
    child = make_child(household, first_name="Noé")
    client.force_login(agent)
    found = text(client.get(reverse("families:agent_households"), {"q": household.primary_user.last_name}))
    assert household.primary_user.last_name.upper() in found
    response = client.post(reverse("families:agent_household", args=[household.pk]),
                           {"child": child.pk, "session": session.pk})
    assert response.status_code == 302
    registration = child.registrations.get()
    assert registration.channel == "counter" and registration.created_by == agent
    assert AccessLog.objects.filter(agent=agent, action="view", resident_id=household.primary_user.pk).exists()
    page = text(client.get(reverse("families:agent_household", args=[household.pk])))
    assert "Noé" in page and "Au guichet" in page


def test_counter_registration_refusals_are_shown(client, desk):
    department, _session, agent = desk
    now = timezone.now()
    closed = make_session(make_activity(department=department), registration_opens_at=now - dt.timedelta(days=3),
                          registration_closes_at=now + dt.timedelta(days=3), capacity=1)
    household = make_household()
    baby = make_child(household, birth_date=timezone.localdate() - dt.timedelta(days=100), school_level="")
    client.force_login(agent)
    response = client.post(reverse("families:agent_household", args=[household.pk]),
                           {"child": baby.pk, "session": closed.pk})
    assert "accueille les classes" in text(response)


def test_residents_and_other_agents_are_denied(client, desk):
    _department, session, _agent = desk
    household = make_household()
    urls = [reverse("families:agent_home"), reverse("families:agent_session", args=[session.pk]),
            reverse("families:agent_documents"), reverse("families:agent_households"),
            reverse("families:agent_household", args=[household.pk])]
    client.force_login(household.primary_user)
    for url in urls:
        assert client.get(url).status_code == 403, url
    other_agent = make_agent(department=make_department(), role=Role.CASE_OFFICER)
    client.force_login(other_agent)
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert AccessLog.objects.filter(agent=other_agent, action="denied").count() == len(urls)
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/compte/" in response.url


def test_sessions_of_another_family_desk_department_answer_404(client, desk):
    _department, _session, agent = desk
    other_department = make_family_department(slug="centre-social")
    other_session = make_session(make_activity(department=other_department))
    household = make_household()
    other_reg = register_child(child=make_child(household), session=other_session, actor=None).registration
    client.force_login(agent)
    assert client.get(reverse("families:agent_session", args=[other_session.pk])).status_code == 404
    assert client.get(reverse("families:agent_session_export", args=[other_session.pk, "xlsx"])).status_code == 404
    assert client.get(reverse("families:agent_attendance", args=[other_session.pk])).status_code == 404
    assert client.get(reverse("families:agent_registration_cancel", args=[other_reg.pk])).status_code == 404
    assert client.get(reverse("families:agent_household", args=[999999])).status_code == 404
    assert AccessLog.objects.filter(agent=agent, action="denied").count() == 5


def test_front_desk_agent_of_the_department_has_access(client, desk):
    department, _session, _agent = desk
    front = make_family_agent(department, role=Role.FRONT_DESK)
    client.force_login(front)
    assert client.get(reverse("families:agent_home")).status_code == 200


def test_agent_space_shows_the_link_to_family_agents_only(client, desk):
    _department, _session, agent = desk
    client.force_login(agent)
    assert "Guichet unique d'inscription" in text(client.get(reverse("organisation:home")))
    client.force_login(make_agent(department=make_department()))
    assert "Guichet unique d'inscription" not in text(client.get(reverse("organisation:home")))


def test_family_without_account_at_the_counter(client, desk):
    _department, session, agent = desk
    client.force_login(agent)
    response = client.post(reverse("families:agent_household_create"), {
        "first_name": "Marc", "last_name": "Petit", "email": "", "phone": "01 02 03 04 05",
        "street": "3 rue Haute", "postcode": "99100", "city": "Admiville"})
    assert response.status_code == 302
    from parvis.families.models import Household

    household = Household.objects.get()
    assert household.primary_user.email is None and household.is_resident
    client.post(reverse("families:agent_child_add", args=[household.pk]), {
        "first_name": "Zoé", "last_name": "Petit", "birth_date": "2019-04-02", "school_level": "CE1",
        "menu": "standard"})
    child = household.children.get()
    client.post(reverse("families:agent_household", args=[household.pk]), {"child": child.pk, "session": session.pk})
    assert child.registrations.get().channel == "counter"
    existing = make_household()
    again = client.post(reverse("families:agent_household_create"), {
        "first_name": "X", "last_name": "Y", "email": existing.primary_user.email.upper(),
        "street": "3 rue Haute", "postcode": "99100", "city": "Admiville"})
    assert "déjà partie d'un foyer" in text(again) and Household.objects.count() == 2
