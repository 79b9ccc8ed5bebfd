"""The workflow editor through its pages: statuses, transitions and who may trigger them, actions and their
texts with placeholders; the guard rails (unreachable status, no way out, unknown placeholder)."""

from html import unescape

import pytest
from django.urls import reverse

from parvis.builder import services, workflow_ops
from parvis.builder.tests.helpers import make_ready_procedure
from parvis.workflows import DEFAULT_WORKFLOW, validate_workflow

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure(admin, department, category):
    return make_ready_procedure(admin, department, category)


def workflow_of(procedure):
    return services.state(procedure).workflow


def url(name, procedure, *args):
    return reverse(f"builder:{name}", args=[procedure.pk, *args])


def text(response):
    return unescape(response.content.decode())


def workflow_messages(procedure):
    return [str(problem) for problem in services.problems(procedure) if problem.area == "circuit"]


def test_a_new_procedure_has_the_default_workflow(admin_client, procedure):
    assert workflow_of(procedure) == DEFAULT_WORKFLOW
    page = text(admin_client.get(url("workflow", procedure)))
    for status in DEFAULT_WORKFLOW["statuses"]:
        assert status["label"] in page
    assert "Courriel à l'usager" in page and "Accepter" in page


def test_statuses_and_transitions_are_added_and_reachable(admin_client, procedure):
    response = admin_client.post(url("status_add", procedure), {
        "label": "En attente de la commission", "resident_label": "Examinée en commission",
        "next_step": "La commission se réunit le premier lundi du mois ({{ department.name }}).", "outcome": ""})
    assert response.status_code == 302
    keys = workflow_ops.status_keys(workflow_of(procedure))
    assert "en_attente_de_la_commission" in keys
    # Nobody can reach it yet, and nothing leaves it: both are said, with the status's label.
    messages = workflow_messages(procedure)
    assert ("Circuit de traitement : Statut « En attente de la commission » : il ne peut pas être atteint depuis le "
            "statut initial « received ».") in messages
    assert ("Circuit de traitement : Statut « En attente de la commission » : ce statut n'est pas final et aucune "
            "transition n'en sort.") in messages
    status_page = text(admin_client.get(url("status_edit", procedure, "en_attente_de_la_commission")))
    assert "il ne peut pas être atteint" in status_page
    admin_client.post(url("transition_add", procedure), {
        "label": "Présenter en commission", "sources": ["in_progress"], "to": "en_attente_de_la_commission",
        "roles": ["head"], "requires": ["comment"]})
    admin_client.post(url("transition_add", procedure), {
        "label": "Décision de la commission", "sources": ["en_attente_de_la_commission"], "to": "accepted",
        "roles": ["head", "case_officer"]})
    assert workflow_messages(procedure) == []
    transition = workflow_ops.find_transition(workflow_of(procedure), "presenter_en_commission")[1]
    assert transition == {"key": "presenter_en_commission", "label": "Présenter en commission",
                          "from": ["in_progress"], "to": "en_attente_de_la_commission", "roles": ["head"],
                          "system": False, "requires": ["comment"]}
    assert validate_workflow(workflow_of(procedure), regime="SVR") == []


def test_a_transition_nobody_can_trigger_is_refused(admin_client, procedure):
    response = admin_client.post(url("transition_add", procedure), {
        "label": "Fantôme", "sources": ["received"], "to": "accepted"})
    assert response.status_code == 200 and "Choisissez au moins un rôle" in text(response)
    response = admin_client.post(url("transition_add", procedure), {
        "label": "Forcer", "sources": ["received"], "to": "implicitly_accepted", "roles": ["head"]})
    assert "Ce statut est réservé au système" in text(response)


def test_removing_a_status_removes_the_transitions_into_it(admin_client, procedure):
    confirm = text(admin_client.get(url("status_delete", procedure, "pieces_requested")))
    assert "Demander des pièces" in confirm and "Pièces reçues" in confirm
    admin_client.post(url("status_delete", procedure, "pieces_requested"))
    workflow = workflow_of(procedure)
    assert "pieces_requested" not in workflow_ops.status_keys(workflow)
    assert "request_pieces" not in workflow_ops.transition_keys(workflow)
    accept = workflow_ops.find_transition(workflow, "accept")[1]
    assert accept["from"] == ["received", "in_progress"]
    assert workflow_messages(procedure) == []


def test_a_non_final_status_with_no_way_out_is_reported(admin_client, procedure):
    for key in ("accept", "refuse", "close", "request_pieces"):
        admin_client.post(url("transition_delete", procedure, key))
    messages = workflow_messages(procedure)
    assert ("Circuit de traitement : Statut « En cours d'instruction » : ce statut n'est pas final et aucune "
            "transition n'en sort.") in messages
    assert any("Statut « Acceptée » : il ne peut pas être atteint" in message for message in messages)
    page = text(admin_client.get(url("overview", procedure)))
    assert "ce statut n'est pas final et aucune transition n'en sort" in page


def test_the_initial_status_and_the_order_are_chosen(admin_client, procedure):
    admin_client.post(url("workflow", procedure), {"action": "initial", "initial": "in_progress"})
    assert workflow_of(procedure)["initial"] == "in_progress"
    admin_client.post(url("workflow_move", procedure), {"kind": "status", "key": "in_progress", "direction": "up"})
    assert workflow_ops.status_keys(workflow_of(procedure))[:2] == ["in_progress", "received"]
    admin_client.post(url("workflow_move", procedure), {"kind": "transition", "key": "refuse", "direction": "up"})
    assert workflow_ops.transition_keys(workflow_of(procedure)).index("refuse") == 3
    admin_client.post(url("workflow", procedure), {"action": "reset"})
    assert workflow_of(procedure) == DEFAULT_WORKFLOW


def test_actions_with_email_and_letter_templates(admin_client, procedure):
    page = text(admin_client.get(url("status_edit", procedure, "accepted")))
    assert "Champs de fusion disponibles" in page and "{{ case.reference }}" in page
    assert "Référence de la demande" in page
    add = url("action_add", procedure, "accepted")
    page = text(admin_client.get(add + "?type=produce_document"))
    assert "Texte du courrier" in page and "{{ decision.date }}" in page
    response = admin_client.post(add, {"type": "produce_document", "save": "1",
                                       "title": "Autorisation {{ case.reference }}",
                                       "template": "Madame, Monsieur,\n\nLa salle vous est réservée le "
                                                   "{{ decision.date|date:\"j F Y\" }}.",
                                       "visible_to_resident": "on"})
    assert response.status_code == 302
    actions = workflow_ops.actions(workflow_of(procedure), "accepted")
    assert actions[-1] == {"type": "produce_document", "title": "Autorisation {{ case.reference }}",
                           "template": "Madame, Monsieur,\n\nLa salle vous est réservée le "
                                       "{{ decision.date|date:\"j F Y\" }}.", "visible_to_resident": True}
    index = len(actions) - 1
    admin_client.post(url("workflow_move", procedure), {"kind": "action", "key": "accepted", "index": index,
                                                        "direction": "up"})
    assert workflow_ops.actions(workflow_of(procedure), "accepted")[index - 1]["type"] == "produce_document"
    admin_client.post(url("action_edit", procedure, "accepted", index - 1), {
        "type": "produce_document", "title": "Votre autorisation", "template": "Réservée.",
        "visible_to_resident": ""})
    assert workflow_ops.actions(workflow_of(procedure), "accepted")[index - 1] == {
        "type": "produce_document", "title": "Votre autorisation", "template": "Réservée.",
        "visible_to_resident": False}
    admin_client.post(url("action_delete", procedure, "accepted", index - 1))
    assert len(workflow_ops.actions(workflow_of(procedure), "accepted")) == index
    assert validate_workflow(workflow_of(procedure)) == []


def test_an_unknown_placeholder_is_refused_beside_the_text(admin_client, procedure):
    response = admin_client.post(url("action_add", procedure, "received"), {
        "type": "email_resident", "save": "1", "subject": "Demande {{ case.numero }}",
        "body": "Bonjour {{ usager.nom }},\n{% load static %}"})
    page = text(response)
    assert response.status_code == 400
    assert "Le champ de fusion « {{ case.numero }} » n'existe pas." in page
    assert "Balise non autorisée" in page
    assert workflow_ops.actions(workflow_of(procedure), "received") == []
    response = admin_client.post(url("status_edit", procedure, "received"), {
        "label": "Reçue", "resident_label": "Reçue", "next_step": "Le service {{ service.nom }} vous répond."})
    assert "Le champ de fusion « {{ service.nom }} » n'existe pas." in text(response)


def test_an_unknown_placeholder_arriving_otherwise_is_a_problem_to_fix(admin, procedure):
    def typo(workflow):
        workflow_ops.actions(workflow, "accepted")[-1]["subject"] = "Votre demande {{ case.numero }}"

    services.edit_workflow(procedure, admin, typo)
    messages = workflow_messages(procedure)
    assert messages == ["Circuit de traitement : Statut « Acceptée », action n° 3 (email_resident) : sujet : le champ "
                        "de fusion « {{ case.numero }} » n'existe pas."]
    with pytest.raises(services.PublishRefused):
        services.publish(procedure, admin)


def test_a_placeholder_needing_an_input_the_transition_does_not_ask(admin_client, procedure):
    admin_client.post(url("action_add", procedure, "accepted"), {
        "type": "email_resident", "save": "1", "subject": "Motifs", "body": "{{ decision.motivation }}"})
    assert any("n'a de valeur que si la transition qui mène à ce statut l'exige" in message
               for message in workflow_messages(procedure))


def test_timer_and_assignment_actions(admin_client, procedure):
    add = url("action_add", procedure, "pieces_requested")
    page = text(admin_client.get(add + "?type=start_timer"))
    assert "Déclencher la transition « Pièces reçues »" in page
    response = admin_client.post(add, {"type": "start_timer", "save": "1", "days": "15", "then": "remind",
                                       "subject": "", "body": ""})
    assert "Obligatoire pour une relance." in text(response)
    admin_client.post(add, {"type": "start_timer", "save": "1", "days": "30", "then": "transition:pieces_received"})
    assert workflow_ops.actions(workflow_of(procedure), "pieces_requested")[-1] == {
        "type": "start_timer", "days": 30, "then": "transition:pieces_received"}
    admin_client.post(url("action_add", procedure, "received"), {"type": "assign", "save": "1", "to": "actor"})
    assert workflow_ops.actions(workflow_of(procedure), "received") == [{"type": "assign", "to": "actor"}]
    admin_client.post(url("action_add", procedure, "received"), {"type": "request_pieces"})
    assert any("la liste des pièces n'est connue que si la transition" in message
               for message in workflow_messages(procedure))


def test_a_status_outcome_needs_a_final_status(admin_client, procedure):
    response = admin_client.post(url("status_add", procedure), {
        "label": "Bizarre", "resident_label": "Bizarre", "outcome": "accepted"})
    assert "Seul un statut final peut avoir une issue" in text(response)


def test_the_regime_needs_its_implicit_decision_status(admin_client, admin, procedure):
    admin_client.post(url("status_delete", procedure, "implicitly_refused"))
    assert any("la démarche relève du régime « SVR »" in message for message in workflow_messages(procedure))
    services.edit_settings(procedure, admin, {"regime": "none", "period_value": None})
    assert not any("SVR" in message for message in workflow_messages(procedure))
