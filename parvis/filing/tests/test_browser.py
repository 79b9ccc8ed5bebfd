"""Filing in a real browser: live conditions (conditions.js), error focus, accessibility (axe-core)."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.cases.models import Case
from parvis.filing.tests.conftest import SCHEMA
from parvis.formengine.tests.helpers import pdf_bytes
from parvis.testing.browser import check_accessibility
from parvis.testing.factories import make_commune, make_procedure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_filing_with_live_conditions_is_accessible(page, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    make_commune()
    procedure = make_procedure(schema=SCHEMA, account_required=False, allow_anonymous=True,
                               title="Réserver une salle", slug="reserver")
    page.goto(f"{page.base_url}/demarches/{procedure.slug}/deposer/")
    check_accessibility(page, "démarrage")
    page.get_by_role("button", name="Commencer").click()

    page.get_by_role("heading", name="Vos coordonnées").wait_for()
    check_accessibility(page, "coordonnées")
    page.locator("#id_prenom").fill("Camille")
    page.locator("#id_nom").fill("Durand")
    page.get_by_role("button", name="Continuer", exact=True).click()

    page.get_by_role("heading", name="Votre réservation").wait_for()
    sono, puissance = page.locator("#champ-sono"), page.locator("#champ-puissance")
    assert sono.is_hidden() and puissance.is_hidden()
    assert page.locator(".fe-condition-hint").first.is_hidden()  # the no-JS hint is not needed
    page.get_by_label("Salle des fêtes").check()
    assert sono.is_visible() and puissance.is_hidden()
    sono.get_by_label("Oui").check()
    assert puissance.is_visible()
    sono.get_by_label("Non").check()
    assert puissance.is_hidden()
    page.get_by_label("Stade").check()
    assert sono.is_hidden()
    check_accessibility(page, "réservation")

    # Errors: the summary is focused, what was typed stays, the valid file is kept.
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(pdf_bytes())
    page.locator("#id_plan").set_input_files(str(plan))
    page.get_by_label("Date souhaitée").fill("30/02/2025")
    page.get_by_role("button", name="Continuer", exact=True).click()
    page.wait_for_selector("#erreurs")
    assert page.evaluate("document.activeElement.id") == "erreurs"
    assert page.get_by_label("Date souhaitée").input_value() == "30/02/2025"
    assert page.get_by_text("Déjà joint").is_visible()
    check_accessibility(page, "réservation avec erreurs")
    date = (timezone.localdate() + dt.timedelta(days=20)).strftime("%d/%m/%Y")
    page.get_by_label("Date souhaitée").fill(date)
    page.get_by_role("button", name="Continuer", exact=True).click()

    page.get_by_role("heading", name="Engagement").wait_for()  # no association page for the stadium
    page.get_by_label("J'ai lu le règlement de la salle").check()
    page.get_by_role("button", name="Continuer", exact=True).click()

    page.get_by_role("heading", name="Vérifiez votre demande avant de l'envoyer").wait_for()
    check_accessibility(page, "vérification")
    page.get_by_label("Votre adresse électronique").fill("voisin@example.org")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.get_by_role("heading", name="Votre demande a bien été enregistrée").wait_for()
    check_accessibility(page, "confirmation")
    case = Case.objects.get()
    assert page.get_by_text(case.reference).is_visible()
    assert case.answers["salle"] == "stade" and "sono" not in case.answers


def test_resident_files_with_a_condition_and_an_attachment_then_opens_the_acknowledgement(page, tmp_path):
    """Issue "Online filing": a logged-in resident files a multi-page procedure with a condition and an
    attachment, and opens the acknowledgement PDF from the case page; axe-core on every page."""
    from parvis.testing.factories import make_resident
    from parvis.testing.pdf import pdf_text

    make_commune()
    procedure = make_procedure(schema=SCHEMA, title="Réserver une salle", slug="reserver")
    make_resident(email="camille@example.org", password="une phrase de passe solide",
                  first_name="Camille", last_name="Durand")
    page.goto(f"{page.base_url}/compte/connexion/?next=/demarches/{procedure.slug}/deposer/")
    page.locator("#id_email").fill("camille@example.org")
    page.locator("#id_password").fill("une phrase de passe solide")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Commencer").click()

    page.get_by_role("heading", name="Vos coordonnées").wait_for()
    page.get_by_role("button", name="Continuer", exact=True).click()  # pre-filled from the profile
    page.get_by_role("heading", name="Votre réservation").wait_for()
    page.get_by_label("Salle des fêtes").check()
    page.locator("#champ-sono").get_by_label("Non").check()
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(pdf_bytes())
    page.locator("#id_plan").set_input_files(str(plan))
    page.get_by_label("Date souhaitée").fill((timezone.localdate() + dt.timedelta(days=20)).strftime("%d/%m/%Y"))
    check_accessibility(page, "réservation")
    page.get_by_role("button", name="Continuer", exact=True).click()
    while not page.get_by_role("heading", name="Vérifiez votre demande avant de l'envoyer").is_visible():
        check_accessibility(page, "page suivante")
        for box in page.locator("input[type=checkbox]").all():
            box.check()
        for field in page.locator("input[type=text]").all():
            if not field.input_value():
                field.fill("Association des voisins")
        page.get_by_role("button", name="Continuer", exact=True).click()
        page.wait_for_load_state()
    check_accessibility(page, "vérification")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.get_by_role("heading", name="Votre demande a bien été enregistrée").wait_for()
    check_accessibility(page, "confirmation")

    case = Case.objects.get()
    assert case.documents.filter(kind="attachment").count() == 1
    page.get_by_role("link", name="Suivre ma demande").click()
    page.get_by_role("heading", level=1, name="Réserver une salle").wait_for()
    check_accessibility(page, "page de la demande")
    link = page.get_by_role("link", name="accusé de réception", exact=False).first
    response = page.request.get(page.base_url + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert case.reference in text and "Réserver une salle" in text
