"""The handling services with workflows other than the default one: every kind of entry action, each logged with
its actor and channel; timers that take a transition; the permission and input rules of the contract."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.cases.handling import (
    ActionNotAllowed,
    InvalidTransitionInput,
    StaleCase,
    TransitionNotAllowed,
    apply_transition,
    assign_case,
    available_transitions,
)
from parvis.cases.models import CaseTimer
from parvis.cases.status import next_step, status_label
from parvis.cases.tests.factories import Team
from parvis.cases.timers import fire_due_timers
from parvis.organisation.models import Role
from parvis.testing.factories import make_agent, make_department
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db


def workflow(**extra_on_enter):
    """A small workflow: new → review (→ expired by a timer) → done."""
    return {
        "version": 1, "initial": "new",
        "statuses": [
            {"key": "new", "label": "Nouvelle", "resident_label": "Déposée",
             "next_step": "Le service {{ department.name }} la lira ; réponse avant le "
                          "{{ case.implicit_decision_on|date:'j F Y' }}."},
            {"key": "review", "label": "En revue", "resident_label": "Examinée",
             "on_enter": extra_on_enter.get("review", [])},
            {"key": "done", "label": "Traitée", "resident_label": "Traitée", "final": True, "outcome": "accepted",
             "on_enter": [{"type": "record_decision", "outcome": "accepted"}]},
            {"key": "expired", "label": "Expirée", "resident_label": "Expirée", "final": True, "outcome": "closed",
             "on_enter": [{"type": "record_decision", "outcome": "closed"}]},
            {"key": "implicit_ok", "label": "Acceptée implicitement", "resident_label": "Acceptée",
             "final": True, "outcome": "accepted", "system": True},
        ],
        "transitions": [
            {"key": "review", "label": "Examiner", "from": ["new", "review"], "to": "review",
             "roles": ["case_officer", "front_desk"], "requires": ["comment"]},
            {"key": "finish", "label": "Terminer", "from": ["review"], "to": "done", "roles": ["head"]},
            {"key": "expire", "label": "Expirer", "from": ["review"], "to": "expired", "system": True},
        ],
    }


def test_every_action_runs_in_order_and_is_logged(mailbox, django_capture_on_commit_callbacks):
    other = make_department(slug="voirie", name="Voirie")
    flow = workflow(review=[
        {"type": "email_resident", "subject": "Demande {{ case.reference }} en revue",
         "body": "Bonjour {{ resident.first_name }}, {{ agent.full_name }} examine votre demande."},
        {"type": "produce_document", "title": "Fiche de revue", "template": "Revue par {{ agent.full_name }}.",
         "visible_to_resident": False},
        {"type": "assign", "to": "department:voirie"},
        {"type": "start_timer", "days": 3, "then": "transition:expire"},
    ])
    team = Team(workflow=flow)
    case = team.file()
    assert status_label(case) == "Déposée"
    from django.utils.formats import date_format

    assert next_step(case) == (f"Le service {team.department.name} la lira ; réponse avant le "
                               f"{date_format(case.implicit_decision_on, 'j F Y')}.")
    assert [t.key for t in available_transitions(case, team.officer)] == ["review"]
    assert [t.key for t in available_transitions(case, team.front_desk)] == ["review"]
    assert available_transitions(case, team.head) == []
    with django_capture_on_commit_callbacks(execute=True):
        case = apply_transition(case, "review", actor=team.officer, expected_version=case.version,
                                comment="Vérifier le plan.", channel="phone")
    kinds = [event.kind for event in case.events.exclude(kind__in=["received", "email_sent"]).order_by("at", "pk")]
    assert kinds == ["status_changed", "comment", "action_email", "action_document", "action_assign",
                     "timer_started"]
    for event in case.events.exclude(kind__in=["received", "email_sent"]):
        assert event.actor == team.officer and event.channel == "phone" and event.channel_label == "Téléphone"
    assert case.events.get(kind="comment").description == "Commentaire : Vérifier le plan."
    assert not case.events.get(kind="comment").visible_to_resident
    [email] = mailbox.wait_for(1)
    assert email["Subject"] == f"Demande {case.reference} en revue"
    assert body_text(email).startswith("Bonjour Camille, Élodie MARCHAND examine votre demande.")
    document = case.documents.get(kind="letter")
    assert document.label == "Fiche de revue" and not document.visible_to_resident
    assert not case.events.get(kind="action_document").visible_to_resident
    case.refresh_from_db()
    assert case.department == other and case.assignee is None
    assert case.events.get(kind="action_assign").description == "Dossier transmis au service Voirie"
    # The department changed: the former one's agents may no longer act (their roles are elsewhere).
    with pytest.raises(TransitionNotAllowed):
        apply_transition(case, "review", actor=team.officer, expected_version=case.version, comment="x")

    # The timer takes the system's transition, once.
    timer = CaseTimer.objects.get(case=case)
    assert timer.action["then"] == "transition:expire"
    later = timezone.now() + dt.timedelta(days=3, minutes=1)
    assert fire_due_timers(now=later) == {"done": 1}
    assert fire_due_timers(now=later) == {}
    case.refresh_from_db()
    assert case.status == "expired" and case.decisions.get().outcome == "closed"
    change = case.events.filter(kind="status_changed").last()
    assert change.actor is None and change.data["system"] and change.channel_label == "Automatique"


def test_self_loop_restarts_the_timer():
    flow = workflow(review=[{"type": "start_timer", "days": 3, "then": "transition:expire"}])
    team = Team(workflow=flow)
    case = team.file()
    case = apply_transition(case, "review", actor=team.officer, expected_version=case.version, comment="1")
    case = apply_transition(case, "review", actor=team.officer, expected_version=case.version, comment="2")
    assert list(CaseTimer.objects.filter(case=case).order_by("pk").values_list("state", flat=True)) == [
        "cancelled", "pending"]


def test_timer_is_skipped_when_the_transition_is_no_longer_possible():
    flow = workflow(review=[{"type": "start_timer", "days": 1, "then": "transition:expire"}])
    team = Team(workflow=flow)
    case = team.file()
    case = apply_transition(case, "review", actor=team.officer, expected_version=case.version, comment="x")
    timer = CaseTimer.objects.get(case=case)
    # A status change that the engine did not make (e.g. data fixed by hand) leaves the timer pending.
    type(case).objects.filter(pk=case.pk).update(status="new")
    assert fire_due_timers(now=timezone.now() + dt.timedelta(days=2)) == {"skipped": 1}
    timer.refresh_from_db()
    assert timer.state == "skipped"


def test_assign_to_a_named_agent_and_to_someone_who_left():
    team = Team()
    colleague = make_agent(team.department, Role.CASE_OFFICER, email="colleague@admiville.fr")
    flow = workflow(review=[{"type": "assign", "to": "agent:Colleague@admiville.fr"},
                            {"type": "assign", "to": "agent:gone@admiville.fr"}])
    team.procedure.published_revision.workflow = flow
    team.procedure.published_revision.save()
    case = team.file()
    case = apply_transition(case, "review", actor=team.officer, expected_version=case.version, comment="x")
    assert case.assignee == colleague
    descriptions = list(case.events.filter(kind="action_assign").order_by("pk").values_list("description", flat=True))
    assert descriptions[0] == f"Dossier affecté à {colleague.full_name}"
    assert "impossible : cet agent n'est pas un agent actif du service" in descriptions[1]


def test_inputs_and_permissions():
    team = Team()
    case = team.file()
    with pytest.raises(InvalidTransitionInput) as error:
        apply_transition(case, "refuse", actor=team.officer, expected_version=1)
    assert error.value.errors == {"motivation": ["Indiquez les motifs de la décision : ils sont communiqués à "
                                                 "l'usager."]}
    with pytest.raises(InvalidTransitionInput) as error:
        apply_transition(case, "request_pieces", actor=team.officer, expected_version=1, pieces=[],
                         deadline=timezone.localdate() - dt.timedelta(days=1))
    assert set(error.value.errors) == {"pieces", "deadline"}
    with pytest.raises(TransitionNotAllowed) as error:
        apply_transition(case, "accept", actor=None, expected_version=1)
    assert error.value.reason == "role"
    with pytest.raises(TransitionNotAllowed) as error:
        apply_transition(case, "accept", actor=make_agent(make_department(), Role.HEAD), expected_version=1)
    assert error.value.reason == "role"
    with pytest.raises(TransitionNotAllowed) as error:
        apply_transition(case, "accept", actor=team.officer, expected_version=1, system=True)  # no system way
    with pytest.raises(TransitionNotAllowed) as error:
        apply_transition(case, "nope", actor=team.officer, expected_version=1)
    assert error.value.reason == "unknown"
    with pytest.raises(StaleCase) as error:
        apply_transition(case, "accept", actor=team.officer, expected_version=7)
    assert error.value.case.version == 1 and "modifié par quelqu'un d'autre" in str(error.value)
    # Inactive agents hold no role.
    team.officer.is_active = False
    team.officer.save()
    from parvis.organisation.access import forget_roles

    forget_roles(team.officer)
    with pytest.raises(TransitionNotAllowed):
        apply_transition(case, "accept", actor=team.officer, expected_version=1)
    case.refresh_from_db()
    assert case.status == "received" and case.version == 1 and case.events.count() == 1


def test_assign_case_rules():
    team = Team()
    case = team.file()
    with pytest.raises(ActionNotAllowed):
        assign_case(case, team.officer, actor=team.front_desk)
    with pytest.raises(InvalidTransitionInput) as error:
        assign_case(case, team.front_desk, actor=team.head)
    assert "n'est pas un agent actif du service" in error.value.errors["assignee"][0]
    case = assign_case(case, team.officer, actor=team.head, expected_version=1)
    assert case.version == 2
    assert assign_case(case, team.officer, actor=team.head).version == 2  # no change, no new version
    with pytest.raises(StaleCase):
        assign_case(case, team.head, actor=team.head, expected_version=1)
    # The system may assign (the inbox's bulk assignment passes the head as actor).
    assert assign_case(case, None, actor=None).assignee is None


def test_unknown_status_falls_back_to_words():
    team = Team()
    case = team.file()
    type(case).objects.filter(pk=case.pk).update(status="withdrawn")
    case.refresh_from_db()
    assert status_label(case) == "Retirée" and available_transitions(case, team.officer) == []
    type(case).objects.filter(pk=case.pk).update(status="mystery")
    case.refresh_from_db()
    assert status_label(case) == "mystery" and next_step(case) == ""
