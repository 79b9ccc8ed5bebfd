"""The demo cases: every status of the default workflow, overdue and implicitly decided ones, assigned to the demo
agents, with messages and requests for pieces; a second run creates nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.cases.demo import load_cases_demo
from parvis.cases.models import Case, Decision, Message, ReasonsRequest
from parvis.demo.loader import load_demo
from parvis.workflows import DEFAULT_WORKFLOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_demo_cases(client):
    assert load_cases_demo() == {"missing": 1}  # without the demo's procedures and people: nothing
    load_demo()
    report = load_cases_demo()
    assert report["created"] == Case.objects.count() >= 15
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == {status["key"] for status in DEFAULT_WORKFLOW["statuses"]}
    today = timezone.localdate()
    overdue = Case.objects.filter(closed_at__isnull=True, implicit_decision_on__lt=today)
    assert overdue.count() >= 2 and all(case.assignee_id for case in overdue)
    assert Decision.objects.filter(implicit=True, outcome="accepted").exists()
    assert Decision.objects.filter(implicit=True, outcome="refused").count() >= 2
    assert ReasonsRequest.objects.filter(answered_at__isnull=True).exists()
    assert Message.objects.filter(from_resident=False).exists() and Message.objects.filter(from_resident=True).exists()
    assert Case.objects.filter(pieces_requests__completed_on__isnull=True).exists()
    assert Case.objects.filter(pieces_requests__completed_on__isnull=False, status="in_progress").exists()
    assert Case.objects.filter(channel="counter", filed_by__email="agent.accueil@admiville.fr").exists()
    assignees = set(Case.objects.exclude(assignee=None).values_list("assignee__email", flat=True))
    assert "instructeur.etatcivil@admiville.fr" in assignees and len(assignees) >= 4
    assert Decision.objects.filter(resident_opened_at__isnull=False).exists()

    # Pages open for the demo agents.
    client.force_login(Case.objects.get(status="pieces_requested").assignee)
    case = Case.objects.get(status="pieces_requested")
    assert client.get(reverse("casework:detail", args=[case.reference])).status_code == 200
    from parvis.accounts.models import User

    client.force_login(User.objects.get(email="chef.salles@admiville.fr"))
    html = client.get(reverse("casework:deadlines")).content.decode()
    assert "Demandes de motifs à traiter (1)" in html

    assert load_cases_demo() == {"skipped": report["created"]}
    assert Case.objects.count() == report["created"]
