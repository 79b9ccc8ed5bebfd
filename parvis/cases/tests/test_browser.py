"""The resident's case pages in a real browser: accessibility (axe-core) and the message form."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.cases.acknowledgements import issue_acknowledgement
from parvis.cases.services import request_pieces
from parvis.cases.tests.factories import SCHEMA, file_case
from parvis.filing.models import Draft
from parvis.testing.browser import check_accessibility, fits_width, log_in, screenshot
from parvis.testing.factories import make_procedure, make_resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe solide"

def test_case_pages_are_accessible(page, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    resident = make_resident(email="lea@example.org", password=PASSWORD)
    procedure = make_procedure(schema=SCHEMA, title="Location de salle", regime="SVR", period_value=2)
    Draft.objects.create(procedure=make_procedure(title="Terrasse de café"), revision=procedure.published_revision,
                         user=resident, expires_at=timezone.now() + dt.timedelta(days=30))
    case = file_case(procedure=procedure, applicant=resident,
                     answers={"objet": "Salle des fêtes <b>samedi</b>", "details": "50 personnes\nBuffet"})
    issue_acknowledgement(case)
    request_pieces(case, pieces=["Attestation d'assurance"], deadline=timezone.localdate() + dt.timedelta(days=15))
    file_case(procedure=make_procedure(title="Carte de stationnement"), applicant=resident)

    log_in(page, "lea@example.org", PASSWORD, "/mes-demandes/")
    page.get_by_role("heading", name="Mes demandes", exact=True).wait_for()
    page.goto(f"{page.base_url}/mes-demandes/")
    check_accessibility(page, "mes demandes")
    screenshot(page, "mes-demandes")

    page.get_by_role("link", name=f"Location de salle — {case.reference}").click()
    page.get_by_role("heading", name="Historique").wait_for()
    check_accessibility(page, "page d'une demande")
    screenshot(page, "demande")

    page.get_by_role("button", name="Envoyer", exact=True).click()
    page.wait_for_selector("#erreurs")
    check_accessibility(page, "message vide")
    page.get_by_label("Votre message").fill("Voici l'attestation.")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    page.get_by_text("Votre message a été envoyé au service.").wait_for()
    assert page.get_by_text("Voici l'attestation.").count() == 1
    screenshot(page, "demande-message")


def test_tracking_page_is_accessible(page, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    case = file_case(applicant=None, contact_email="anonyme@example.org")
    page.goto(f"{page.base_url}/mes-demandes/suivi/{case.tracking_token}/")
    page.get_by_role("heading", name="Historique").wait_for()
    check_accessibility(page, "suivi sans compte")


def _login(page, email):
    page.context.clear_cookies()
    log_in(page, email, PASSWORD)
    page.wait_for_load_state()


def test_agent_case_page_on_a_phone(page, settings):
    """The agent's case page at 360 px: accessible (axe-core), no horizontal scrolling, a refusal without
    motivation gives the error summary, then the refusal is recorded."""
    from parvis.cases.handling import apply_transition
    from parvis.cases.services import add_internal_note, send_agent_message
    from parvis.cases.tests.factories import Team

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    team = Team(regime="SVR")
    case = team.file(answers={"objet": "Salle des fêtes pour un anniversaire très long " * 3, "details": "50"})
    case = apply_transition(case, "start", actor=team.officer, expected_version=case.version)
    send_agent_message(case, body="Pouvez-vous préciser l'horaire ?", author=team.officer)
    add_internal_note(case, body="Usager rappelé le matin.", author=team.officer)
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, team.officer.email)
    page.goto(f"{page.base_url}/agents/dossiers/{case.reference}/")
    page.get_by_role("heading", name=f"Dossier {case.reference}").wait_for()
    check_accessibility(page, "page d'un dossier (agent, 360 px)")
    assert fits_width(page)
    screenshot(page, "agent-dossier-360")

    page.get_by_text("Refuser", exact=True).click()
    page.get_by_role("button", name="Confirmer : Refuser").click()
    page.wait_for_selector("#erreurs")
    assert page.get_by_text("Indiquez les motifs de la décision").count() >= 1
    check_accessibility(page, "refus sans motifs")
    page.get_by_label("Motifs (Refuser)").fill("La salle est déjà réservée ce jour-là.")
    page.get_by_role("button", name="Confirmer : Refuser").click()
    page.get_by_text("« Refuser » : c'est fait.").wait_for()
    assert case.decisions.get().outcome == "refused"
    check_accessibility(page, "dossier refusé")
    assert fits_width(page)

    _login(page, team.head.email)
    page.goto(f"{page.base_url}/agents/dossiers/delais/")
    page.get_by_role("heading", name="Délais et décisions implicites").wait_for()
    check_accessibility(page, "délais (chef de service)")


def test_anonymous_filer_sends_a_message_from_the_tracking_page(page, settings):
    """The tracking page's forms post back in a real browser: a `no-referrer` policy made Chromium send
    `Origin: null`, which the CSRF check refused (403)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    case = file_case(applicant=None, contact_email="anonyme@example.org")
    page.goto(f"{page.base_url}/mes-demandes/suivi/{case.tracking_token}/")
    page.get_by_label("Votre message").fill("Le lampadaire clignote aussi le matin.")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    page.wait_for_load_state()
    assert "Formulaire expiré" not in page.content(), "refusé par la protection CSRF"
    page.get_by_text("Le lampadaire clignote aussi le matin.").first.wait_for()
    assert case.messages.filter(body__contains="clignote").exists()
