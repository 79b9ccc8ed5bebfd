"""The account pages in a real browser: focus on the error summary, accessibility (axe-core)."""

import pytest

from parvis.accounts.tests.helpers import PASSWORD, link_to
from parvis.testing.browser import check_accessibility
from parvis.testing.factories import make_resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_errors_are_focused_and_accessible(page, mailbox):
    page.goto(f"{page.base_url}/compte/inscription/")
    check_accessibility(page, "inscription")
    page.locator("#id_first_name").fill("Camille")
    page.locator("#id_last_name").fill("Martin")
    page.locator("#id_email").fill("camille@")
    page.locator("#id_password").fill("court")
    page.get_by_role("button", name="Créer mon compte").click()

    page.wait_for_selector("#erreurs")
    assert page.evaluate("document.activeElement.id") == "erreurs"
    assert page.locator("#id_first_name").input_value() == "Camille"
    check_accessibility(page, "inscription avec erreurs")

    page.locator("#id_email").fill("camille.martin@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Consultez votre messagerie").wait_for()
    check_accessibility(page, "consultez votre messagerie")

    page.goto(page.base_url + link_to(mailbox, "camille.martin@example.org", "/verification/"))
    page.get_by_text("Votre adresse électronique est confirmée").wait_for()
    page.locator("#id_email").fill("camille.martin@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Afficher le mot de passe").click()
    assert page.locator("#id_password").get_attribute("type") == "text"
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Mes demandes").wait_for()
    check_accessibility(page, "mes demandes")


def test_profile_pages_are_accessible(page):
    make_resident(email="lea@example.org", password=PASSWORD)
    page.goto(f"{page.base_url}/compte/connexion/")
    check_accessibility(page, "connexion")
    page.locator("#id_email").fill("lea@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Mes demandes").wait_for()

    page.goto(f"{page.base_url}/compte/profil/")
    page.locator("#id_phone").fill("123")
    page.locator("#id_postcode").fill("12")
    page.get_by_role("button", name="Enregistrer mes informations").click()
    page.wait_for_selector("#erreurs")
    assert page.evaluate("document.activeElement.id") == "erreurs"
    assert page.locator("#id_phone").get_attribute("aria-describedby") == "id_phone-aide id_phone-erreur"
    check_accessibility(page, "profil avec erreurs")
    for path in ("/compte/profil/mot-de-passe/", "/compte/profil/adresse-electronique/", "/compte/profil/cloturer/"):
        page.goto(page.base_url + path)
        check_accessibility(page, path)
