"""The organisation pages in a real browser at 360 px: axe-core (WCAG 2.1 A/AA) and no sideways scrolling."""

import pytest
from django.conf import settings
from django.test import Client

from parvis.organisation.models import AgentRole, Role
from parvis.testing import factories
from parvis.testing.browser import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.base_url}])


def check_page(page, path, context):
    page.goto(page.base_url + path)
    check_accessibility(page, context)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{context} : la page déborde ({width} px)"


def test_admin_pages_are_accessible_at_360px(page):
    page.set_viewport_size({"width": 360, "height": 800})
    commune = factories.make_commune()
    department = factories.make_department(commune=commune, name="Démarches administratives et état civil",
                                           pole="Services à la population")
    voirie = factories.make_department(commune=commune, name="Voirie")
    agent = factories.make_agent(department, Role.CASE_OFFICER, email="instructeur.etat-civil@admiville.fr")
    AgentRole.objects.create(user=agent, department=voirie, role=Role.HEAD)
    admin = factories.make_resident("admin@admiville.fr", is_staff=True)
    log_in(page, admin)

    for path, context in [
        ("/administration/", "espace agents (administrateur)"),
        ("/administration/commune/", "commune"),
        ("/administration/services/", "liste des services"),
        ("/administration/services/nouveau/", "créer un service"),
        (f"/administration/services/{department.pk}/", "modifier un service"),
        (f"/administration/services/{department.pk}/desactiver/", "désactiver un service"),
        ("/administration/agents/", "liste des agents"),
        ("/administration/agents/nouveau/", "créer un agent"),
        (f"/administration/agents/{agent.pk}/", "fiche agent"),
        (f"/administration/agents/{agent.pk}/roles/", "rôles"),
        (f"/administration/agents/{agent.pk}/desactiver/", "désactiver un agent"),
    ]:
        check_page(page, path, context)

    # Forms with errors: the summary links to the fields, typed values stay.
    page.goto(page.base_url + "/administration/services/nouveau/")
    page.locator("#id_name").fill("Espaces verts")
    page.locator("#id_phone").fill("12")
    page.get_by_role("button", name="Créer le service").click()
    page.wait_for_selector("#erreurs")
    assert page.locator("#id_name").input_value() == "Espaces verts"
    assert "id_phone-erreur" in page.locator("#id_phone").get_attribute("aria-describedby")
    check_accessibility(page, "créer un service avec erreurs")

    page.goto(page.base_url + "/administration/agents/nouveau/")
    page.locator("#id_first_name").fill("Jeanne")
    page.get_by_role("button", name="Créer l’agent et lui envoyer le courriel").click()
    page.wait_for_selector("#erreurs")
    check_accessibility(page, "créer un agent avec erreurs")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(page.base_url + "/administration/commune/")
    page.locator("#id_phone").fill("abc")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector("#erreurs")
    check_accessibility(page, "commune avec erreurs")


def test_agent_home_and_activation_page_are_accessible_at_360px(page):
    page.set_viewport_size({"width": 360, "height": 800})
    department = factories.make_department(name="Guichet unique d'inscription")
    agent = factories.make_agent(department, Role.FRONT_DESK)
    AgentRole.objects.create(user=agent, department=department, role=Role.PROCEDURE_ADMIN)
    log_in(page, agent)
    check_page(page, "/administration/", "espace agents (agent)")
    page.context.clear_cookies()
    check_page(page, "/administration/agents/activer/MQ/mauvais-jeton/", "lien d'activation invalide")
