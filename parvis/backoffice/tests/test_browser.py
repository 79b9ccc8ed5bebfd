"""The back-office pages in a real browser: axe-core (WCAG 2.1 A/AA) at desktop width and at 360 px, the
filters used with the keyboard only, and bulk assignment."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.backoffice.tests.conftest import build_world
from parvis.privacy.services import log_access
from parvis.testing.browser import check_accessibility, fits_width, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe solide"


def test_inbox_workload_and_overdue_are_accessible(page, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    world = build_world()
    today = timezone.localdate()
    world.file(implicit_decision_on=today - dt.timedelta(days=3), answers={"objet": "Mariage", "details": "Samedi"})
    world.file(implicit_decision_on=today + dt.timedelta(days=4), status="in_progress")
    world.file(world.proc_a2, channel="counter", filed_by=world.front_desk)
    world.file(implicit_decision_on=today + dt.timedelta(days=40), contact_email="anonyme@example.org")

    log_in(page, world.head_a.email, PASSWORD, "/agents/")
    page.get_by_role("heading", name="Dossiers à traiter").wait_for()
    check_accessibility(page, "liste des dossiers")
    screenshot(page, "inbox")

    # Keyboard only: type a search, choose a filter, submit with Enter.
    page.get_by_label("Rechercher", exact=True).focus()
    page.keyboard.type("mariage")
    page.get_by_label("Décision implicite", exact=True).select_option("depassee")
    page.get_by_label("Rechercher", exact=True).press("Enter")
    page.get_by_text("1 dossier", exact=True).wait_for()
    assert page.get_by_text("Dépassée de 3 jours").count() == 1
    check_accessibility(page, "liste filtrée")

    # Bulk assignment with an error (nothing ticked), then done.
    page.goto(f"{page.base_url}/agents/")
    page.get_by_role("button", name="Attribuer", exact=True).click()
    page.wait_for_selector("#erreurs")
    check_accessibility(page, "attribution en erreur")
    page.locator("input[name=attribution-dossiers]").first.check()
    page.get_by_label("Attribuer à").select_option(label="Lucie GARNIER")
    page.get_by_role("button", name="Attribuer", exact=True).click()
    page.get_by_text("1 dossier attribué à Lucie GARNIER.").wait_for()

    page.goto(f"{page.base_url}/agents/charge/")
    check_accessibility(page, "charge du service")
    screenshot(page, "workload")
    page.goto(f"{page.base_url}/agents/en-retard/")
    check_accessibility(page, "dossiers en retard")

    page.set_viewport_size({"width": 360, "height": 800})
    for path in ("/agents/", "/agents/en-retard/", "/agents/filtres/"):
        page.goto(f"{page.base_url}{path}")
        check_accessibility(page, f"{path} à 360 px")
        assert fits_width(page), path
        screenshot(page, "360" + path.rstrip("/").replace("/", "-"))


def test_access_log_is_accessible(page, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    world = build_world()
    case = world.file()
    log_access(world.officer_a, "view", case=case)
    log_access(world.officer_b, "denied", case_reference=case.reference, detail=f"dossier {case.reference}")
    log_in(page, world.dpo.email, PASSWORD, "/agents/")
    page.goto(f"{page.base_url}/agents/donnees-personnelles/")
    page.get_by_role("heading", name="Journal des accès aux données").wait_for()
    check_accessibility(page, "journal des accès")
    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    check_accessibility(page, "journal des accès à 360 px")
    assert fits_width(page)
    screenshot(page, "access-log-360")
