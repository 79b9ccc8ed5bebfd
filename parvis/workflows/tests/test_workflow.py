"""The Workflow object: what a valid workflow answers to the services of the cases app."""

import json

import pytest

from parvis.organisation.models import Role
from parvis.workflows import (
    DEFAULT_WORKFLOW,
    REQUIREMENTS,
    ROLES,
    Workflow,
    WorkflowError,
    describe_action,
    load_workflow,
)
from parvis.workflows.placeholders import PLACEHOLDERS, example_context
from parvis.workflows.tests.conftest import minimal_workflow


@pytest.fixture
def workflow():
    return Workflow(minimal_workflow())


def test_roles_are_the_organisation_roles():
    # Every role of a department may be given transitions, except the DPO's, who reads the access log only.
    assert set(ROLES) == set(Role.values) - {Role.DPO}


def test_placeholder_requirements_are_transition_requirements():
    assert {p.requires for p in PLACEHOLDERS if p.requires} <= set(REQUIREMENTS)


def test_invalid_definition_raises_with_its_problems():
    data = minimal_workflow()
    data["initial"] = "ghost"
    with pytest.raises(WorkflowError) as error:
        Workflow(data)
    assert error.value.problems == ["Le statut initial « ghost » n'existe pas."]
    assert "ghost" in str(error.value)


def test_regime_is_checked_when_given():
    with pytest.raises(WorkflowError):
        Workflow(minimal_workflow(), regime="SVR")
    assert Workflow(minimal_workflow(), regime="SVA")


def test_statuses(workflow):
    assert workflow.version == 1
    assert workflow.initial == "new"
    assert [s.key for s in workflow.statuses] == ["new", "waiting", "done", "no", "auto_yes"]
    done = workflow.status("done")
    assert (done.label, done.resident_label, done.final, done.outcome, done.system) == (
        "Acceptée", "Acceptée", True, "accepted", False)
    assert workflow.is_final("done") and not workflow.is_final("new")
    assert workflow.resident_label("new") == "Reçue"
    assert workflow.label("new") == "Nouvelle"
    with pytest.raises(KeyError):
        workflow.status("ghost")
    with pytest.raises(KeyError):
        workflow.is_final("ghost")


def test_defaults_of_optional_fields(workflow):
    new = workflow.status("new")
    assert (new.next_step, new.final, new.outcome, new.system, new.on_enter) == ("", False, None, False, ())
    back = workflow.transition("back")
    assert back.requires == () and back.system
    assert workflow.transition("accept").system is False


def test_entry_actions_are_read_only(workflow):
    [action] = workflow.status("waiting").on_enter
    assert action["type"] == "request_pieces"
    with pytest.raises(TypeError):
        action["type"] = "assign"


def test_transition(workflow):
    accept = workflow.transition("accept")
    assert (accept.label, accept.from_, accept.to) == ("Accepter", ("new", "waiting"), "done")
    assert accept.roles == {"case_officer", "head"}
    with pytest.raises(KeyError):
        workflow.transition("ghost")


def keys(transitions):
    return [t.key for t in transitions]


def test_transitions_from_filtered_by_roles(workflow):
    assert keys(workflow.transitions_from("new")) == ["ask", "accept", "refuse"]
    assert keys(workflow.transitions_from("new", {"case_officer"})) == ["ask", "accept"]
    assert keys(workflow.transitions_from("new", {"head"})) == ["accept", "refuse"]
    assert keys(workflow.transitions_from("new", {"case_officer", "head"})) == ["ask", "accept", "refuse"]
    assert keys(workflow.transitions_from("new", {"front_desk"})) == []
    assert keys(workflow.transitions_from("new", set())) == []
    assert keys(workflow.transitions_from("new", [Role.HEAD])) == ["accept", "refuse"]
    assert keys(workflow.transitions_from("done")) == []


def test_transitions_from_for_the_system(workflow):
    assert keys(workflow.transitions_from("waiting", set(), system=True)) == ["back"]
    assert keys(workflow.transitions_from("waiting", {"head"}, system=True)) == ["back", "accept"]
    assert keys(workflow.transitions_from("new", None, system=True)) == []


def test_transitions_from_an_unknown_status(workflow):
    with pytest.raises(KeyError):
        workflow.transitions_from("ghost")


def test_can_trigger(workflow):
    assert workflow.can_trigger("refuse", "new", {"head"})
    assert not workflow.can_trigger("refuse", "new", {"case_officer"})
    assert not workflow.can_trigger("refuse", "waiting", {"head"})  # not from this status
    assert not workflow.can_trigger("refuse", "new", None)  # no role, no right
    assert not workflow.can_trigger("refuse", "new", {"head"} - {"head"})
    assert not workflow.can_trigger("ghost", "new", {"head"})
    assert not workflow.can_trigger("refuse", "ghost", {"head"})
    assert workflow.can_trigger("back", "waiting", {"case_officer"})
    assert workflow.can_trigger("back", "waiting", None, system=True)
    assert not workflow.can_trigger("accept", "waiting", None, system=True)


def test_system_statuses_and_implicit_decisions(workflow):
    assert [s.key for s in workflow.system_statuses()] == ["auto_yes"]
    assert workflow.implicit_status("SVA").key == "auto_yes"
    assert workflow.implicit_status("SVR") is None
    assert workflow.implicit_status("none") is None


def test_timers(workflow):
    data = minimal_workflow()
    timer = {"type": "start_timer", "days": 10, "then": "transition:back"}
    data["statuses"][1]["on_enter"].append(timer)
    assert Workflow(data).status("waiting").timers == (timer,)
    assert workflow.status("waiting").timers == ()


def test_workflow_keeps_its_own_copy():
    data = minimal_workflow()
    workflow = Workflow(data)
    data["statuses"][0]["label"] = "Changée"
    data["statuses"][1]["on_enter"].append({"type": "assign", "to": "actor"})
    assert workflow.label("new") == "Nouvelle"
    assert len(workflow.status("waiting").on_enter) == 1
    assert workflow.to_data()["statuses"][0]["label"] == "Nouvelle"


def test_to_data_writes_every_field_out_and_stays_valid(workflow):
    data = workflow.to_data()
    assert data["statuses"][0] == {"key": "new", "label": "Nouvelle", "resident_label": "Reçue", "next_step": "",
                                   "final": False, "outcome": None, "system": False, "on_enter": []}
    assert data["transitions"][2]["requires"] == [] and data["transitions"][2]["system"] is False
    data["statuses"][0]["label"] = "Changée"
    assert workflow.label("new") == "Nouvelle"
    assert Workflow(json.loads(json.dumps(data))).to_data() == data


@pytest.mark.parametrize("empty", [{}, None])
def test_load_workflow_gives_the_default_to_revisions_without_one(empty):
    workflow = load_workflow(empty)
    assert workflow.to_data() == DEFAULT_WORKFLOW
    assert load_workflow(empty) is workflow  # validated once


def test_load_workflow_of_a_revision():
    assert load_workflow(minimal_workflow()).initial == "new"
    with pytest.raises(WorkflowError):
        load_workflow({"version": 1})


def test_describe_action():
    values = example_context()
    assert describe_action({"type": "email_resident", "subject": "Demande {{ case.reference }}", "body": "."}) == (
        "Courriel à l'usager : « Demande {{ case.reference }} »")
    assert describe_action({"type": "email_resident", "subject": "Demande {{ case.reference }}"}, values) == (
        "Courriel à l'usager : « Demande ADM-2026-000123 »")
    assert describe_action({"type": "assign", "to": "actor"}) == "Affectation à l'agent qui a déclenché la transition"
    assert describe_action({"type": "assign", "to": "agent:a@b.fr"}) == "Affectation à l'agent a@b.fr"
    assert describe_action({"type": "assign", "to": "department:voirie"}) == "Affectation au service « voirie »"
    assert describe_action({"type": "request_pieces"}) == "Demande de pièces à l'usager"
    assert describe_action({"type": "produce_document", "title": "Arrêté {{ case.reference }}"}, values) == (
        "Production du document « Arrêté ADM-2026-000123 »")
    assert describe_action({"type": "record_decision", "outcome": "closed"}) == (
        "Enregistrement de la décision : classée sans suite")
    assert describe_action({"type": "start_timer", "days": 1, "then": "remind"}) == "Relance de l'usager dans 1 jour"
    assert describe_action({"type": "start_timer", "days": 30, "then": "transition:expire"}) == (
        "Transition « expire » automatique dans 30 jours")
