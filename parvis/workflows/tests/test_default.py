"""The workflow shipped with Parvis."""

import json

import pytest

from parvis.cases.models import Case
from parvis.workflows import DEFAULT_WORKFLOW, Workflow, default_workflow, validate_workflow
from parvis.workflows.placeholders import example_context, find_placeholders, render_template_text

HANDLERS = {"case_officer", "head"}
OPEN = ["received", "in_progress", "pieces_requested"]
FINALS = ["accepted", "refused", "closed_without_action", "implicitly_accepted", "implicitly_refused"]


@pytest.fixture
def workflow():
    return Workflow(DEFAULT_WORKFLOW)


@pytest.mark.parametrize("regime", [None, "SVA", "SVR", "none"])
def test_default_workflow_is_valid(regime):
    assert validate_workflow(DEFAULT_WORKFLOW, regime=regime) == []


def test_default_workflow_is_json():
    assert json.loads(json.dumps(DEFAULT_WORKFLOW)) == DEFAULT_WORKFLOW


def test_default_workflow_copy_is_independent():
    copy = default_workflow()
    copy["transitions"][0]["roles"].append("front_desk")
    assert DEFAULT_WORKFLOW["transitions"][0]["roles"] == ["case_officer", "head"]
    assert all(t["roles"] == ["case_officer", "head"] for t in DEFAULT_WORKFLOW["transitions"])


def test_default_workflow_is_written_out_in_full(workflow):
    assert workflow.to_data() == DEFAULT_WORKFLOW


def test_statuses(workflow):
    assert workflow.initial == "received"
    assert [s.key for s in workflow.statuses] == OPEN + FINALS
    assert [s.label for s in workflow.statuses] == [
        "Reçue", "En cours d'instruction", "Pièces demandées", "Acceptée", "Refusée", "Classée sans suite",
        "Acceptée implicitement", "Refusée implicitement"]
    assert [s.key for s in workflow.statuses if s.final] == FINALS
    assert {s.key: s.outcome for s in workflow.statuses if s.final} == {
        "accepted": "accepted", "refused": "refused", "closed_without_action": "closed",
        "implicitly_accepted": "accepted", "implicitly_refused": "refused"}
    assert [s.key for s in workflow.system_statuses()] == ["implicitly_accepted", "implicitly_refused"]


def test_status_keys_fit_the_case_status_column(workflow):
    max_length = Case._meta.get_field("status").max_length
    assert all(len(s.key) <= max_length for s in workflow.statuses)
    assert Case._meta.get_field("status").default == workflow.initial


def test_implicit_decisions(workflow):
    assert workflow.implicit_status("SVA").key == "implicitly_accepted"
    assert workflow.implicit_status("SVR").key == "implicitly_refused"
    assert workflow.implicit_status("none") is None


def keys(transitions):
    return [t.key for t in transitions]


@pytest.mark.parametrize("role", sorted(HANDLERS))
def test_case_officers_and_heads_handle_cases(workflow, role):
    assert keys(workflow.transitions_from("received", {role})) == ["start", "request_pieces", "accept", "refuse",
                                                                  "close"]
    assert keys(workflow.transitions_from("in_progress", {role})) == ["request_pieces", "accept", "refuse", "close"]
    assert keys(workflow.transitions_from("pieces_requested", {role})) == ["pieces_received", "accept", "refuse",
                                                                          "close"]


@pytest.mark.parametrize("role", ["front_desk", "procedure_admin"])
def test_other_roles_do_not_handle_cases(workflow, role):
    for status in OPEN:
        assert workflow.transitions_from(status, {role}) == []


def test_nothing_leaves_a_decision(workflow):
    for status in FINALS:
        assert workflow.transitions_from(status) == []


def test_the_system_returns_a_case_when_the_pieces_arrive(workflow):
    assert keys(workflow.transitions_from("pieces_requested", set(), system=True)) == ["pieces_received"]
    assert workflow.transition("pieces_received").to == "in_progress"
    assert workflow.can_trigger("pieces_received", "pieces_requested", {"case_officer"})
    assert not workflow.can_trigger("accept", "pieces_requested", set(), system=True)


def test_what_each_transition_asks_the_agent(workflow):
    assert {t.key: t.requires for t in workflow.transitions} == {
        "start": (), "request_pieces": ("pieces",), "pieces_received": (), "accept": (),
        "refuse": ("motivation",), "close": ("motivation",)}


def action_types(workflow, status):
    return [action["type"] for action in workflow.status(status).on_enter]


def test_entry_actions(workflow):
    assert action_types(workflow, "received") == []
    assert action_types(workflow, "in_progress") == ["assign"]
    assert action_types(workflow, "pieces_requested") == ["request_pieces", "email_resident", "start_timer"]
    for status in ["accepted", "refused", "closed_without_action"]:
        # An explicit decision produces a letter, which the email points to.
        assert action_types(workflow, status) == ["record_decision", "produce_document", "email_resident"]
    for status in ["implicitly_accepted", "implicitly_refused"]:
        assert action_types(workflow, status) == ["record_decision", "email_resident"]
    for status in FINALS:
        [decision] = [a for a in workflow.status(status).on_enter if a["type"] == "record_decision"]
        assert decision["outcome"] == workflow.status(status).outcome


def test_reminder_while_pieces_are_awaited(workflow):
    [timer] = workflow.status("pieces_requested").timers
    assert timer["then"] == "remind" and timer["days"] == 7


def test_every_status_tells_residents_what_comes_next(workflow):
    for status in workflow.statuses:
        rendered = render_template_text(status.next_step, example_context())
        assert rendered.endswith(".") and "{" not in rendered, status.key


def default_texts():
    for status in DEFAULT_WORKFLOW["statuses"]:
        for action in status["on_enter"]:
            for field in ("subject", "body"):
                if field in action:
                    yield status["key"], field, action[field]


@pytest.mark.parametrize(("status", "field", "text"), list(default_texts()))
def test_default_texts_render(status, field, text):
    rendered = render_template_text(text, example_context())
    assert "{" not in rendered and "}" not in rendered
    if field == "body":
        assert "ADM-2026-000123" in rendered
        assert "Démarches administratives et état civil" in rendered


def test_refusals_give_the_reasons_and_the_appeal_routes():
    texts = {status: text for status, field, text in default_texts() if field == "body"}
    assert "decision.motivation" in find_placeholders(texts["refused"])
    assert "decision.motivation" in find_placeholders(texts["closed_without_action"])
    for status in ("refused", "implicitly_refused"):
        assert "tribunal administratif" in texts[status]
    assert "L232-4" in texts["implicitly_refused"]
    assert "L232-3" in texts["implicitly_accepted"]
    assert {"pieces.list", "pieces.deadline"} <= find_placeholders(texts["pieces_requested"])


def test_pieces_email_mentions_the_implicit_decision_only_when_there_is_one():
    [body] = [a["body"] for a in Workflow(DEFAULT_WORKFLOW).status("pieces_requested").on_enter
              if a["type"] == "email_resident"]
    assert "L114-5" in render_template_text(body, example_context())
    assert "L114-5" not in render_template_text(body, {**example_context(), "case.silence_means": ""})
