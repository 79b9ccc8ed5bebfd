"""Issue "Foundation": a newcomer signs up, verifies the email through a real SMTP server, logs in
and finds a procedure; axe-core checks every page of the journey (WCAG 2.1 AA)."""

import re

import pytest

from parvis.procedures.models import Regime
from parvis.testing.browser import check_accessibility
from parvis.testing.factories import make_category, make_procedure
from parvis.testing.smtp import body_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "une phrase de passe solide"


def test_sign_up_verify_log_in_and_find_a_procedure(page, mailbox):
    civil = make_category(name="État civil", slug="etat-civil")
    make_procedure(title="Copie d'acte de naissance", slug="copie-acte-naissance", category=civil,
                   summary="Recevoir une copie intégrale ou un extrait d'acte de naissance.",
                   regime=Regime.NONE, period_value=None, acknowledgement_due=False)
    make_procedure(title="Location d'une salle municipale", slug="location-salle", regime=Regime.SVR)

    page.goto(page.base_url + "/")
    check_accessibility(page, "accueil")
    page.get_by_role("link", name="Créer un compte").first.click()
    check_accessibility(page, "inscription")
    page.locator("#id_first_name").fill("Inès")
    page.locator("#id_last_name").fill("Lefèvre")
    page.locator("#id_email").fill("ines.lefevre@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Consultez votre messagerie").wait_for()

    message = mailbox.wait_for(1)[0]
    assert "ines.lefevre@example.org" in str(message["To"])
    link = next(url for url in re.findall(r"https?://\S+", body_text(message)) if "/verification/" in url)
    page.goto(page.base_url + re.sub(r"^https?://[^/]+", "", link))
    page.get_by_text("Votre adresse électronique est confirmée").wait_for()

    check_accessibility(page, "connexion")
    page.locator("#id_email").fill("ines.lefevre@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Mes demandes").wait_for()

    page.get_by_role("link", name="Démarches", exact=True).first.click()
    page.get_by_role("searchbox").first.fill("etat civil naissance")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Copie d'acte de naissance").wait_for()
    check_accessibility(page, "résultats de recherche")
    assert page.get_by_role("link", name="Location d'une salle municipale").count() == 0
    page.get_by_role("link", name="Copie d'acte de naissance").click()
    page.get_by_role("heading", level=1, name="Copie d'acte de naissance").wait_for()
    check_accessibility(page, "page de la démarche")
