"""Heads of department: workload per agent and per status, the overdue list; every denial."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.backoffice.inbox import has_assignee
from parvis.backoffice.services import assign_cases
from parvis.cases.models import CaseEvent

pytestmark = pytest.mark.django_db
needs_assignee = pytest.mark.skipif(not has_assignee(), reason="Case.assignee n'existe pas encore (partie dossiers)")

WORKLOAD = reverse("backoffice:workload")
OVERDUE = reverse("backoffice:overdue")


def today():
    return timezone.localdate()


@pytest.mark.parametrize("url", [WORKLOAD, OVERDUE])
def test_only_heads_of_department(client, world, url):
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    for user in (world.resident, world.officer_a, world.front_desk, world.dpo):
        client.force_login(user)
        assert client.get(url).status_code == 403, user
    client.force_login(world.head_a)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [WORKLOAD, OVERDUE])
def test_a_head_cannot_look_at_another_department(client, world, url):
    client.force_login(world.head_a)
    assert client.get(url, {"service": world.dept_b.pk}).status_code == 403
    assert client.get(url, {"service": "abc"}).status_code == 403
    assert client.get(url, {"service": world.dept_a.pk}).status_code == 200


def _cells(html, label):
    """The figures of the row whose header is `label`."""
    row = re.search(r'<th scope="row">' + re.escape(label) + r"</th>(.*?)</tr>", html, re.S).group(1)
    return [int(n) for n in re.findall(r"(?:</span>|<td>)(\d+)(?:</a>)?</td>", row)]


@needs_assignee
def test_workload_per_agent_and_status(client, world):
    late = today() - dt.timedelta(days=2)
    soon = today() + dt.timedelta(days=3)
    world.file(assignee=world.officer_a, implicit_decision_on=late)
    world.file(assignee=world.officer_a, status="in_progress", implicit_decision_on=soon)
    world.file(assignee=world.officer_a2, status="pieces_requested")
    world.file()  # unassigned, received
    world.file(assignee=world.officer_a, status="accepted")  # closed: not counted
    world.file(world.proc_b, assignee=world.officer_b)  # other department
    world.file(assignee=world.officer_a, is_test=True)  # test case: not counted
    client.force_login(world.head_a)
    html = client.get(WORKLOAD).content.decode()
    assert "Charge du service : État civil" in html
    assert "<caption>Dossiers en cours par agent et par statut</caption>" in html
    # Columns: Reçue, En cours d'instruction, Pièces demandées, total, overdue, due soon.
    assert _cells(html, "Lucie GARNIER") == [1, 1, 0, 2, 1, 1]
    assert _cells(html, "Marc PETIT") == [0, 0, 1, 1, 0, 0]
    assert _cells(html, "Non attribués") == [1, 0, 0, 1, 0, 0]
    assert _cells(html, "Philippe ROUX") == [0, 0, 0, 0, 0, 0]
    assert "Bruno LEMAIRE" not in html
    assert f"?service={world.dept_a.pk}&amp;agent={world.officer_a.pk}&amp;echeance=depassee" in html


def test_workload_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.head_a)
    for _ in range(3):
        world.file()
    with django_assert_max_num_queries(12):
        client.get(WORKLOAD)
    for _ in range(20):
        world.file(status="in_progress")
    with django_assert_max_num_queries(12):
        client.get(WORKLOAD)


def test_overdue_list(client, world):
    late = world.file(implicit_decision_on=today() - dt.timedelta(days=10))
    later = world.file(implicit_decision_on=today() - dt.timedelta(days=1))
    world.file(implicit_decision_on=today())  # due tonight: not late yet
    world.file(implicit_decision_on=today() - dt.timedelta(days=5), status="implicitly_accepted")
    world.file(world.proc_b, implicit_decision_on=today() - dt.timedelta(days=5))
    world.file(implicit_decision_on=today() - dt.timedelta(days=5), is_test=True)
    client.force_login(world.head_a)
    html = client.get(OVERDUE).content.decode()
    found = re.findall(r'<th scope="row">\s*(?:<a href="[^"]*">)?([A-Z]+-\d{4}-\d{6})', html)
    assert found == [late.reference, later.reference]
    assert "2 dossiers en retard" in html
    assert "Dépassée de 10 jours" in html and "Dépassée de 1 jour<" in html


def test_overdue_list_pages(client, world, settings):
    settings.BACKOFFICE_PAGE_SIZE = 5
    cases = [world.file(implicit_decision_on=today() - dt.timedelta(days=n + 1)) for n in range(7)]
    client.force_login(world.head_a)
    html = client.get(OVERDUE).content.decode()
    found = re.findall(r'<th scope="row">\s*(?:<a href="[^"]*">)?([A-Z]+-\d{4}-\d{6})', html)
    assert found == [case.reference for case in reversed(cases)][:5]
    link = re.search(r'href="\?([^"]*apres=[^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    html = client.get(f"{OVERDUE}?{link}").content.decode()
    found = re.findall(r'<th scope="row">\s*(?:<a href="[^"]*">)?([A-Z]+-\d{4}-\d{6})', html)
    assert found == [cases[1].reference, cases[0].reference]


@needs_assignee
def test_assignment_without_the_handling_service_writes_the_history(world, monkeypatch):
    """The fallback used while `parvis.cases.handling.assign_case` is missing."""
    from parvis.backoffice import services

    monkeypatch.setattr(services, "_handling", lambda: None)
    case = world.file()
    assert assign_cases([case], world.officer_a, actor=world.head_a) == 1
    case.refresh_from_db()
    assert case.assignee == world.officer_a and case.version == 2
    event = CaseEvent.objects.get(case=case, kind="assigned")
    assert event.actor == world.head_a and not event.visible_to_resident and "GARNIER" in event.description
