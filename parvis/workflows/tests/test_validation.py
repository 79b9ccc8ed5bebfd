"""validate_workflow: one test (at least) per kind of problem the builder must show."""

import pytest

from parvis.workflows import Problem, validate_workflow
from parvis.workflows.tests.conftest import minimal_workflow


def codes(data, **kwargs):
    return [problem.code for problem in validate_workflow(data, **kwargs)]


def status(data, key):
    return next(s for s in data["statuses"] if s["key"] == key)


def transition(data, key):
    return next(t for t in data["transitions"] if t["key"] == key)


def only(data, code, **kwargs):
    """The problems of `data`, asserting they are all of the kind `code`."""
    problems = validate_workflow(data, **kwargs)
    assert problems, f"expected a {code} problem"
    assert {p.code for p in problems} == {code}, problems
    return problems


def test_minimal_workflow_is_valid(workflow_data):
    assert validate_workflow(workflow_data) == []


def test_problems_are_french_strings_with_a_code_and_a_place(workflow_data):
    transition(workflow_data, "accept")["from"] = ["new", "nowhere"]
    [problem] = validate_workflow(workflow_data)
    assert isinstance(problem, Problem) and isinstance(problem, str)
    assert problem.code == "unknown_status"
    assert problem.where == "Transition « accept »"
    assert problem == "Transition « accept » : le statut de départ « nowhere » n'existe pas."


# --- The document itself ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [None, [], "workflow", 1])
def test_not_an_object(data):
    assert codes(data) == ["invalid_format"]


@pytest.mark.parametrize("version", [None, 2, "1", True, 1.0])
def test_unknown_version(workflow_data, version):
    workflow_data["version"] = version
    [problem] = only(workflow_data, "version")
    assert "Version du format inconnue" in problem


def test_missing_version(workflow_data):
    del workflow_data["version"]
    only(workflow_data, "version")


def test_unknown_top_level_field(workflow_data):
    workflow_data["timers"] = []
    [problem] = only(workflow_data, "unknown_field")
    assert "« timers »" in problem


@pytest.mark.parametrize("statuses", [None, [], {}])
def test_no_statuses(workflow_data, statuses):
    workflow_data["statuses"] = statuses
    assert "missing_field" in codes(workflow_data)
    assert "La liste des statuts (« statuses ») est absente ou vide." in validate_workflow(workflow_data)


def test_no_transitions_list(workflow_data):
    del workflow_data["transitions"]
    assert "La liste des transitions (« transitions ») est absente." in validate_workflow(workflow_data)


# --- Statuses -----------------------------------------------------------------------------------------------------

def test_status_not_an_object(workflow_data):
    workflow_data["statuses"].append("archived")
    [problem] = only(workflow_data, "invalid_format")
    assert problem.where == "Statut n° 6"


@pytest.mark.parametrize("key", ["", "Received", "reçue", "1st", "with-dash", "a" * 41, None, 3])
def test_invalid_status_key(workflow_data, key):
    workflow_data["statuses"].append({"key": key, "label": "X", "resident_label": "X", "final": True})
    assert "invalid_key" in codes(workflow_data)


def test_status_key_of_40_characters_is_fine(workflow_data):
    workflow_data["statuses"].append({"key": "a" * 40, "label": "X", "resident_label": "X", "final": True,
                                      "system": True})
    assert validate_workflow(workflow_data) == []


def test_duplicate_status_key(workflow_data):
    workflow_data["statuses"].append({"key": "done", "label": "Bis", "resident_label": "Bis", "final": True})
    [problem] = only(workflow_data, "duplicate_status")
    assert "plusieurs statuts" in problem


@pytest.mark.parametrize("field", ["label", "resident_label"])
@pytest.mark.parametrize("value", [None, "", "   ", 12])
def test_status_labels_are_required(workflow_data, field, value):
    status(workflow_data, "new")[field] = value
    [problem] = only(workflow_data, "missing_field")
    assert f"« {field} »" in problem


def test_status_label_too_long(workflow_data):
    status(workflow_data, "new")["label"] = "x" * 121
    only(workflow_data, "invalid_field")


@pytest.mark.parametrize("field", ["final", "system"])
def test_status_flags_are_booleans(workflow_data, field):
    status(workflow_data, "new")[field] = "yes"
    only(workflow_data, "invalid_field")


def test_unknown_outcome(workflow_data):
    status(workflow_data, "no")["outcome"] = "rejected"
    [problem] = only(workflow_data, "invalid_field")
    assert "issue (« outcome ») inconnue : « rejected »" in problem


def test_outcome_on_a_non_final_status(workflow_data):
    status(workflow_data, "new")["outcome"] = "accepted"
    [problem] = only(workflow_data, "outcome_not_final")
    assert problem.where == "Statut « new »"


def test_next_step_for_residents(workflow_data):
    status(workflow_data, "new")["next_step"] = "Le service {{ department.name }} examine votre demande."
    status(workflow_data, "done")["next_step"] = ""
    assert validate_workflow(workflow_data) == []


@pytest.mark.parametrize("next_step", [None, 3, "x" * 301])
def test_invalid_next_step(workflow_data, next_step):
    status(workflow_data, "new")["next_step"] = next_step
    only(workflow_data, "invalid_field")


def test_next_step_placeholders_are_checked(workflow_data):
    status(workflow_data, "new")["next_step"] = "{{ service.nom }}"
    status(workflow_data, "done")["next_step"] = "{{ decision.motivation }}"
    assert codes(workflow_data) == ["unknown_placeholder", "placeholder_unavailable"]
    assert "Statut « new » : prochaine étape : le champ de fusion « {{ service.nom }} » n'existe pas." in (
        validate_workflow(workflow_data))


def test_unknown_status_field(workflow_data):
    status(workflow_data, "new")["color"] = "blue"
    only(workflow_data, "unknown_field")


def test_on_enter_must_be_a_list(workflow_data):
    status(workflow_data, "new")["on_enter"] = {"type": "request_pieces"}
    only(workflow_data, "invalid_field")


# --- Initial status -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("initial", [None, ""])
def test_no_initial_status(workflow_data, initial):
    workflow_data["initial"] = initial
    [problem] = only(workflow_data, "missing_initial")
    assert problem == "Aucun statut initial (« initial ») n'est indiqué."


def test_missing_initial_key(workflow_data):
    del workflow_data["initial"]
    only(workflow_data, "missing_initial")


@pytest.mark.parametrize("initial", ["started", ["new"]])
def test_unknown_initial_status(workflow_data, initial):
    workflow_data["initial"] = initial
    [problem] = only(workflow_data, "unknown_initial")
    assert "Le statut initial" in problem and "n'existe pas" in problem


# --- Transitions --------------------------------------------------------------------------------------------------

def test_transition_not_an_object(workflow_data):
    workflow_data["transitions"].append(["new", "done"])
    only(workflow_data, "invalid_format")


def test_invalid_transition_key(workflow_data):
    transition(workflow_data, "accept")["key"] = "Accepter !"
    assert "invalid_key" in codes(workflow_data)


def test_duplicate_transition_key(workflow_data):
    workflow_data["transitions"].append(dict(transition(workflow_data, "accept")))
    [problem] = only(workflow_data, "duplicate_transition")
    assert "plusieurs transitions" in problem


def test_transition_label_required(workflow_data):
    del transition(workflow_data, "accept")["label"]
    only(workflow_data, "missing_field")


def test_unknown_source_status(workflow_data):
    transition(workflow_data, "accept")["from"] = ["new", "ghost"]
    [problem] = only(workflow_data, "unknown_status")
    assert problem == "Transition « accept » : le statut de départ « ghost » n'existe pas."


def test_unknown_target_status(workflow_data):
    transition(workflow_data, "refuse")["to"] = "ghost"
    assert "Transition « refuse » : le statut d'arrivée « ghost » n'existe pas." in validate_workflow(workflow_data)


@pytest.mark.parametrize("sources", [None, [], "new", [1]])
def test_sources_must_be_a_non_empty_list(workflow_data, sources):
    transition(workflow_data, "accept")["from"] = sources
    assert "missing_field" in codes(workflow_data)


def test_final_status_with_an_outgoing_transition(workflow_data):
    workflow_data["transitions"].append({"key": "reopen", "label": "Rouvrir", "from": ["done"], "to": "new",
                                         "roles": ["head"]})
    [problem] = only(workflow_data, "final_has_exit")
    assert "le statut « done » est final : aucune transition ne peut en partir" in problem


def test_unknown_role(workflow_data):
    transition(workflow_data, "accept")["roles"] = ["case_officer", "mayor"]
    [problem] = only(workflow_data, "unknown_role")
    assert "rôle inconnu : « mayor »" in problem


def test_roles_must_be_a_list(workflow_data):
    transition(workflow_data, "accept")["roles"] = "head"
    assert "invalid_field" in codes(workflow_data)


def test_every_role_of_the_organisation_is_known(workflow_data):
    transition(workflow_data, "accept")["roles"] = ["front_desk", "case_officer", "head", "procedure_admin"]
    assert validate_workflow(workflow_data) == []


def test_transition_nobody_can_trigger(workflow_data):
    transition(workflow_data, "accept")["roles"] = []
    [problem] = only(workflow_data, "nobody_can_trigger")
    assert "aucun rôle" in problem


def test_system_only_transition_is_fine(workflow_data):
    transition(workflow_data, "back")["roles"] = []
    assert validate_workflow(workflow_data) == []


def test_agents_cannot_lead_into_a_system_status(workflow_data):
    workflow_data["transitions"].append({"key": "force", "label": "Forcer", "from": ["new"], "to": "auto_yes",
                                         "roles": ["head"]})
    [problem] = only(workflow_data, "agent_into_system_status")
    assert "réservé au système" in problem


def test_the_system_may_lead_into_a_system_status(workflow_data):
    workflow_data["transitions"].append({"key": "force", "label": "Forcer", "from": ["new"], "to": "auto_yes",
                                         "system": True})
    assert validate_workflow(workflow_data) == []


def test_unknown_requirement(workflow_data):
    transition(workflow_data, "refuse")["requires"] = ["motivation", "signature"]
    [problem] = only(workflow_data, "unknown_requirement")
    assert "exigence inconnue : « signature »" in problem


def test_unknown_transition_field(workflow_data):
    transition(workflow_data, "refuse")["confirm"] = True
    only(workflow_data, "unknown_field")


def test_transition_system_flag_is_a_boolean(workflow_data):
    transition(workflow_data, "back")["system"] = 1
    assert "invalid_field" in codes(workflow_data)


# --- The graph ----------------------------------------------------------------------------------------------------

def test_unreachable_status(workflow_data):
    workflow_data["statuses"].append({"key": "lost", "label": "Perdue", "resident_label": "Perdue", "final": True})
    [problem] = only(workflow_data, "unreachable")
    assert problem == "Statut « lost » : il ne peut pas être atteint depuis le statut initial « new »."


def test_system_statuses_are_reachable_by_definition(workflow_data):
    assert not any(t["to"] == "auto_yes" for t in workflow_data["transitions"])
    assert validate_workflow(workflow_data) == []


def test_what_follows_a_system_status_is_reachable(workflow_data):
    workflow_data["statuses"].append({"key": "suspended", "label": "Suspendue", "resident_label": "Suspendue",
                                      "system": True})
    workflow_data["transitions"].append({"key": "resume", "label": "Reprendre", "from": ["suspended"],
                                         "to": "new", "roles": ["head"]})
    assert validate_workflow(workflow_data) == []


def test_non_final_status_with_no_way_out(workflow_data):
    workflow_data["statuses"].append({"key": "stuck", "label": "Bloquée", "resident_label": "Bloquée"})
    workflow_data["transitions"].append({"key": "block", "label": "Bloquer", "from": ["new"], "to": "stuck",
                                         "roles": ["head"]})
    [problem] = only(workflow_data, "no_exit")
    assert problem == "Statut « stuck » : ce statut n'est pas final et aucune transition n'en sort."


def test_non_final_statuses_that_loop_without_reaching_a_final_one(workflow_data):
    workflow_data["statuses"] += [
        {"key": "ping", "label": "Ping", "resident_label": "En cours"},
        {"key": "pong", "label": "Pong", "resident_label": "En cours"},
    ]
    workflow_data["transitions"] += [
        {"key": "to_ping", "label": "Ping", "from": ["new"], "to": "ping", "roles": ["head"]},
        {"key": "to_pong", "label": "Pong", "from": ["ping"], "to": "pong", "roles": ["head"]},
        {"key": "to_ping_again", "label": "Ping", "from": ["pong"], "to": "ping", "roles": ["head"]},
    ]
    problems = only(workflow_data, "no_path_to_final")
    assert {p.where for p in problems} == {"Statut « ping »", "Statut « pong »"}


def test_no_final_status(workflow_data):
    for s in workflow_data["statuses"]:
        s["final"] = False
        s.pop("outcome", None)
    workflow_data["statuses"] = [s for s in workflow_data["statuses"] if s["key"] in ("new", "waiting")]
    workflow_data["transitions"] = [t for t in workflow_data["transitions"] if t["key"] in ("ask", "back")]
    [problem] = only(workflow_data, "no_final_status")
    assert "Aucun statut n'est final" in problem


def test_self_loop_is_allowed(workflow_data):
    workflow_data["transitions"].append({"key": "reassign", "label": "Réaffecter", "from": ["new"], "to": "new",
                                         "roles": ["head"]})
    assert validate_workflow(workflow_data) == []


# --- Implicit decisions -------------------------------------------------------------------------------------------

def test_two_implicit_statuses_with_the_same_outcome(workflow_data):
    workflow_data["statuses"].append({"key": "auto_yes_bis", "label": "Acceptée tacitement", "resident_label": "A",
                                      "final": True, "outcome": "accepted", "system": True})
    [problem] = only(workflow_data, "duplicate_implicit")
    assert "auto_yes, auto_yes_bis" in problem


def test_regime_needs_its_implicit_status(workflow_data):
    assert validate_workflow(workflow_data, regime="SVA") == []
    [problem] = only(workflow_data, "missing_implicit", regime="SVR")
    assert "« SVR »" in problem and "« refused »" in problem
    assert validate_workflow(workflow_data, regime="none") == []


# --- Actions ------------------------------------------------------------------------------------------------------

def add_action(data, status_key, action):
    status(data, status_key).setdefault("on_enter", []).append(action)


def test_action_not_an_object(workflow_data):
    add_action(workflow_data, "done", "email")
    [problem] = only(workflow_data, "invalid_format")
    assert problem.where == "Statut « done », action n° 2"


@pytest.mark.parametrize("kind", ["send_sms", None, ["email_resident"]])
def test_unknown_action_type(workflow_data, kind):
    add_action(workflow_data, "done", {"type": kind})
    [problem] = only(workflow_data, "unknown_action")
    assert "type d'action inconnu" in problem and "email_resident" in problem


def test_unknown_action_field(workflow_data):
    add_action(workflow_data, "done", {"type": "request_pieces", "deadline_days": 15})
    assert "unknown_field" in codes(workflow_data)


EMAIL = {"type": "email_resident", "subject": "Demande {{ case.reference }}",
         "body": "Bonjour {{ resident.full_name }}"}


def test_valid_email(workflow_data):
    add_action(workflow_data, "done", dict(EMAIL))
    assert validate_workflow(workflow_data) == []


@pytest.mark.parametrize("field", ["subject", "body"])
def test_email_needs_a_subject_and_a_body(workflow_data, field):
    add_action(workflow_data, "done", {**EMAIL, field: ""})
    only(workflow_data, "missing_field")


def test_email_subject_on_one_line(workflow_data):
    add_action(workflow_data, "done", {**EMAIL, "subject": "Votre demande\nBcc: x@example.org"})
    [problem] = only(workflow_data, "invalid_field")
    assert "une ligne" in problem


def test_unknown_placeholder(workflow_data):
    add_action(workflow_data, "done", {**EMAIL, "body": "Bonjour {{ resident.name }}, {{ case.reference }}"})
    [problem] = only(workflow_data, "unknown_placeholder")
    assert problem == ("Statut « done », action n° 2 (email_resident) : texte : le champ de fusion "
                       "« {{ resident.name }} » n'existe pas.")


@pytest.mark.parametrize("body", [
    "{% if case.reference %}pas de fin",
    "{{ case.reference|safe }}",
    "{% load static %}",
    '{% include "/etc/passwd" %}',
    "{% debug %}",
    "{{ }}",
])
def test_template_syntax(workflow_data, body):
    add_action(workflow_data, "done", {**EMAIL, "body": body})
    assert "template_syntax" in codes(workflow_data)


def test_placeholder_needing_an_input_the_transition_does_not_ask_for(workflow_data):
    add_action(workflow_data, "done", {**EMAIL, "body": "Motifs : {{ decision.motivation }}"})
    [problem] = only(workflow_data, "placeholder_unavailable")
    assert "« {{ decision.motivation }} »" in problem
    assert "la transition « accept » y mène sans l'exiger" in problem


def test_placeholder_needing_an_input_is_fine_when_every_transition_asks_for_it(workflow_data):
    add_action(workflow_data, "no", {**EMAIL, "body": "Motifs : {{ decision.motivation }}"})
    add_action(workflow_data, "waiting", {**EMAIL, "body": "{{ pieces.list }} avant le {{ pieces.deadline }}"})
    assert validate_workflow(workflow_data) == []


def test_placeholder_needing_an_input_in_a_status_entered_without_transition(workflow_data):
    add_action(workflow_data, "auto_yes", {**EMAIL, "body": "{{ decision.motivation }}"})
    add_action(workflow_data, "new", {**EMAIL, "body": "{{ pieces.deadline }}"})
    problems = only(workflow_data, "placeholder_unavailable")
    assert any("le système y fait entrer la demande sans transition" in p for p in problems)
    assert any("c'est le statut initial" in p for p in problems)


def test_assign_targets(workflow_data):
    for to in ["actor", "agent:claire.dupont@admiville.fr", "department:etat-civil"]:
        add_action(workflow_data, "new", {"type": "assign", "to": to})
    assert validate_workflow(workflow_data) == []


@pytest.mark.parametrize("to", ["agent:claire", "department:état civil", "claire@admiville.fr", "", None, "team:x"])
def test_invalid_assign_target(workflow_data, to):
    add_action(workflow_data, "new", {"type": "assign", "to": to})
    only(workflow_data, "invalid_assignee")


def test_assign_to_an_unknown_agent_or_department(workflow_data):
    add_action(workflow_data, "new", {"type": "assign", "to": "agent:Claire.Dupont@admiville.fr"})
    add_action(workflow_data, "new", {"type": "assign", "to": "department:voirie"})
    known = {"agents": ["claire.dupont@admiville.fr"], "departments": ["voirie"]}
    assert validate_workflow(workflow_data, **known) == []
    assert codes(workflow_data, agents=[], departments=[]) == ["unknown_agent", "unknown_department"]


def test_request_pieces_needs_transitions_asking_for_the_pieces(workflow_data):
    transition(workflow_data, "ask")["requires"] = []
    [problem] = only(workflow_data, "pieces_not_requested")
    assert "la transition « ask » y mène sans l'exiger" in problem


def test_request_pieces_on_the_initial_status(workflow_data):
    add_action(workflow_data, "new", {"type": "request_pieces"})
    [problem] = only(workflow_data, "pieces_not_requested")
    assert "c'est le statut initial" in problem


DOCUMENT = {"type": "produce_document", "title": "Décision {{ case.reference }}",
            "template": "{{ commune.name }}, le {{ today|date:'j F Y' }}"}


def test_valid_document(workflow_data):
    add_action(workflow_data, "done", {**DOCUMENT, "visible_to_resident": False})
    assert validate_workflow(workflow_data) == []


@pytest.mark.parametrize("field", ["title", "template"])
def test_document_needs_a_title_and_a_template(workflow_data, field):
    document = dict(DOCUMENT)
    del document[field]
    add_action(workflow_data, "done", document)
    only(workflow_data, "missing_field")


def test_document_template_placeholders_are_checked(workflow_data):
    add_action(workflow_data, "done", {**DOCUMENT, "template": "{{ commune.mayor }}"})
    [problem] = only(workflow_data, "unknown_placeholder")
    assert "modèle : le champ de fusion « {{ commune.mayor }} »" in problem


def test_document_visibility_is_a_boolean(workflow_data):
    add_action(workflow_data, "done", {**DOCUMENT, "visible_to_resident": "yes"})
    only(workflow_data, "invalid_field")


def test_record_decision_with_an_unknown_outcome(workflow_data):
    status(workflow_data, "no")["on_enter"] = [{"type": "record_decision", "outcome": "denied"}]
    only(workflow_data, "invalid_field")


def test_record_decision_contradicting_the_status(workflow_data):
    status(workflow_data, "no")["on_enter"] = [{"type": "record_decision", "outcome": "accepted"}]
    [problem] = only(workflow_data, "decision_mismatch")
    assert "contredit" in problem


def test_record_decision_on_a_non_final_status_is_allowed(workflow_data):
    add_action(workflow_data, "new", {"type": "record_decision", "outcome": "closed"})
    assert validate_workflow(workflow_data) == []


# --- Timers -------------------------------------------------------------------------------------------------------

REMIND = {"type": "start_timer", "days": 7, "then": "remind", "subject": "Rappel {{ case.reference }}",
          "body": "Pièces attendues avant le {{ pieces.deadline }}"}


def test_valid_timers(workflow_data):
    add_action(workflow_data, "waiting", dict(REMIND))
    add_action(workflow_data, "waiting", {"type": "start_timer", "days": 30, "then": "transition:back"})
    assert validate_workflow(workflow_data) == []


@pytest.mark.parametrize("days", [0, -1, 366, "7", 7.5, True, None])
def test_timer_days(workflow_data, days):
    add_action(workflow_data, "waiting", {**REMIND, "days": days})
    [problem] = only(workflow_data, "invalid_field")
    assert "« days »" in problem


@pytest.mark.parametrize("then", ["nothing", None, "transition", "back"])
def test_timer_then(workflow_data, then):
    add_action(workflow_data, "waiting", {"type": "start_timer", "days": 3, "then": then})
    assert "invalid_field" in codes(workflow_data)


def test_reminder_needs_its_texts(workflow_data):
    add_action(workflow_data, "waiting", {"type": "start_timer", "days": 3, "then": "remind"})
    assert codes(workflow_data) == ["missing_field", "missing_field"]


def test_reminder_texts_are_checked(workflow_data):
    add_action(workflow_data, "waiting", {**REMIND, "body": "{{ pieces.date_limite }}"})
    only(workflow_data, "unknown_placeholder")


def test_texts_are_only_for_reminders(workflow_data):
    add_action(workflow_data, "waiting", {"type": "start_timer", "days": 3, "then": "transition:back",
                                          "subject": "Rappel"})
    [problem] = only(workflow_data, "invalid_field")
    assert "ne sert qu'à une relance" in problem


def test_timer_transition_that_does_not_exist(workflow_data):
    add_action(workflow_data, "waiting", {"type": "start_timer", "days": 3, "then": "transition:expire"})
    [problem] = only(workflow_data, "unknown_transition")
    assert "la transition « expire » du minuteur n'existe pas" in problem


def test_timer_transition_that_does_not_leave_the_status(workflow_data):
    transition(workflow_data, "refuse")["system"] = True
    add_action(workflow_data, "waiting", {"type": "start_timer", "days": 3, "then": "transition:refuse"})
    codes_ = set(codes(workflow_data))
    assert "timer_transition_not_from_status" in codes_


def test_timer_transition_the_system_may_not_trigger(workflow_data):
    add_action(workflow_data, "waiting", {"type": "start_timer", "days": 3, "then": "transition:accept"})
    only(workflow_data, "timer_transition_not_system")


def test_timer_transition_that_needs_an_input(workflow_data):
    transition(workflow_data, "refuse")["system"] = True
    add_action(workflow_data, "new", {"type": "start_timer", "days": 3, "then": "transition:refuse"})
    only(workflow_data, "timer_transition_requires_input")


def test_timer_on_a_final_status(workflow_data):
    add_action(workflow_data, "done", dict(REMIND, body="Rappel"))
    only(workflow_data, "timer_on_final")


# --- Robustness ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    {"version": 1, "initial": {}, "statuses": [{"key": []}], "transitions": [{"key": {}, "from": [[]], "to": []}]},
    {"version": 1, "initial": "a", "statuses": [{"key": "a", "on_enter": [{"type": {}}, None, 3]}],
     "transitions": None},
    {"version": 1, "initial": "a", "statuses": [{"key": "a", "outcome": [], "final": True,
                                                 "on_enter": [{"type": "assign", "to": 5}]}],
     "transitions": [{"key": "t", "from": ["a"], "to": "a", "roles": [None], "requires": [{}]}]},
    {"version": 1, "initial": "a", "statuses": [
        {"key": "a", "label": "A", "resident_label": "A",
         "on_enter": [{"type": "start_timer", "days": 1, "then": "transition:"},
                      {"type": "email_resident", "subject": 5, "body": ["x"]},
                      {"type": "record_decision"}, {"type": "produce_document"}]}],
     "transitions": []},
])
def test_garbage_gives_problems_not_exceptions(data):
    problems = validate_workflow(data)
    assert problems and all(isinstance(p, Problem) for p in problems)


def test_validation_does_not_change_the_data():
    data = minimal_workflow()
    validate_workflow(data)
    assert data == minimal_workflow()
