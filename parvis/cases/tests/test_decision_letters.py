"""Decisions as the resident reads them: the letter in "Mes demandes" (PDF read back), the first opening recorded
and shown to agents; escaping of what agents type; a procedure's own letter template."""

import pytest
from django.urls import reverse

from parvis.cases.handling import apply_transition
from parvis.cases.models import Decision
from parvis.cases.tests.factories import Team
from parvis.testing.pdf import pdf_text
from parvis.workflows import default_workflow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_resident_reads_the_refusal_and_the_opening_is_shown_to_agents(client):
    team = Team(regime="SVR")
    case = team.file()
    case = apply_transition(case, "refuse", actor=team.head, expected_version=case.version,
                            motivation="La salle est réservée.\n<b>Aucune</b> autre date n'est libre.")
    decision = Decision.objects.get(case=case)
    client.force_login(team.resident)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Refusée" in page and "Votre demande a été refusée le" in page
    assert "&lt;b&gt;Aucune&lt;/b&gt; autre date" in page and "<b>Aucune</b>" not in page
    letter_url = reverse("cases:document", args=[case.reference, decision.letter.pk])
    assert letter_url in page
    assert "Votre demande est maintenant : Refusée" in page  # the resident's words for the status change
    assert "Refuser : Reçue → Refusée" not in page  # the agents' words are not shown to the resident
    decision.refresh_from_db()
    assert decision.resident_opened_at is None  # seeing the page is not reading the letter

    response = client.get(letter_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "Décision : demande refusée" in text and "<b>Aucune</b> autre date" in text
    assert "deux mois" in text and "recours gracieux" in text
    decision.refresh_from_db()
    first = decision.resident_opened_at
    assert first is not None
    client.get(letter_url)
    decision.refresh_from_db()
    assert decision.resident_opened_at == first  # the first opening only
    assert case.events.filter(kind="decision_opened").count() == 1
    assert not case.events.get(kind="decision_opened").visible_to_resident

    client.force_login(team.officer)
    html = client.get(reverse("casework:detail", args=[case.reference])).content.decode()
    assert "Consultée par l'usager le" in html


def test_agent_opening_the_letter_is_not_the_residents(client):
    team = Team()
    case = team.file()
    case = apply_transition(case, "accept", actor=team.head, expected_version=case.version)
    decision = case.decisions.get()
    client.force_login(team.officer)
    html = client.get(reverse("casework:detail", args=[case.reference])).content.decode()
    assert "Pas encore consultée par l'usager en ligne." in html
    assert client.get(reverse("casework:document", args=[case.reference, decision.letter.pk])).status_code == 200
    decision.refresh_from_db()
    assert decision.resident_opened_at is None


def test_a_procedures_own_letter_template(client):
    workflow = default_workflow()
    accepted = next(status for status in workflow["statuses"] if status["key"] == "accepted")
    accepted["on_enter"] = [
        {"type": "record_decision", "outcome": "accepted"},
        {"type": "produce_document", "title": "Arrêté d'occupation {{ case.reference }}",
         "template": "Vu la demande de {{ resident.full_name }} <script>,\n\nARRÊTE : l'occupation est autorisée."},
        {"type": "produce_document", "title": "Note interne", "template": "Pour le service.",
         "visible_to_resident": False},
    ]
    team = Team(workflow=workflow)
    case = team.file()
    case = apply_transition(case, "accept", actor=team.officer, expected_version=case.version)
    decision = case.decisions.get()
    assert decision.letter.label == f"Arrêté d'occupation {case.reference}"
    text = pdf_text(decision.letter.stored_file.file.read())
    assert "Vu la demande de Camille DURAND <script>," in text and "ARRÊTE" in text
    internal = case.documents.get(label="Note interne")
    assert not internal.visible_to_resident
    client.force_login(team.resident)
    html = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Arrêté d&#x27;occupation" in html and "Note interne" not in html
    assert client.get(reverse("cases:document", args=[case.reference, internal.pk])).status_code == 404


def test_decision_without_letter_is_read_on_the_case_page(client):
    workflow = default_workflow()
    accepted = next(status for status in workflow["statuses"] if status["key"] == "accepted")
    accepted["on_enter"] = [{"type": "record_decision", "outcome": "accepted"}]
    team = Team(workflow=workflow)
    case = team.file()
    apply_transition(case, "accept", actor=team.officer, expected_version=case.version)
    client.force_login(team.resident)
    html = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Votre demande a été acceptée le" in html
    assert Decision.objects.get(case=case).resident_opened_at is not None
