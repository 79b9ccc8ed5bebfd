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
