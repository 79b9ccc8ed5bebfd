"""Who may use the builder: procedure administrators of the procedure's department only (each denial tested);
test mode also for the department's agents."""

import pytest
from django.urls import reverse

from parvis.builder import services
from parvis.builder.tests.helpers import make_published_procedure
from parvis.organisation.models import Role
from parvis.testing.factories import make_agent, make_resident

pytestmark = pytest.mark.django_db

LIST_URLS = ["builder:list", "builder:create", "builder:import", "builder:library"]
PROCEDURE_URLS = ["builder:overview", "builder:information", "builder:access", "builder:legal", "builder:privacy",
                  "builder:form", "builder:workflow", "builder:preview", "builder:publish", "builder:history",
                  "builder:export", "builder:page_add", "builder:status_add", "builder:transition_add",
                  "builder:unpublish", "builder:close", "builder:discard", "builder:preview_review"]
POST_URLS = ["builder:republish", "builder:form_move", "builder:workflow_move", "builder:test_cases_delete"]
KEYED_URLS = [("builder:page_edit", "vous"), ("builder:section_edit", "identite"), ("builder:field_edit", "nom"),
              ("builder:field_add", "identite"), ("builder:status_edit", "received"),
              ("builder:transition_edit", "start"), ("builder:status_delete", "received"),
              ("builder:transition_delete", "start"),
              ("builder:section_add", "vous"), ("builder:preview_page", "vous")]
TEST_URLS = ["builder:test_home"]


@pytest.fixture
def procedure(admin, department, category):
    """Published, with a draft in progress: every page has something to show."""
    procedure = make_published_procedure(admin, department, category)
    services.edit_settings(procedure, admin, {"summary": "Réserver une salle municipale, nouvelle version."})
    return procedure


def all_urls(procedure):
    urls = [reverse(name) for name in LIST_URLS] + [reverse("builder:library_detail", args=["inscription-scolaire"])]
    urls += [reverse(name, args=[procedure.pk]) for name in PROCEDURE_URLS]
    urls += [reverse(name, args=[procedure.pk, key]) for name, key in KEYED_URLS]
    urls += [reverse("builder:action_add", args=[procedure.pk, "in_progress"]) + "?type=email_resident"]
    urls += [reverse("builder:condition", args=[procedure.pk, "champ", "nom"]),
             reverse("builder:element_delete", args=[procedure.pk, "champ", "nom"]),
             reverse("builder:action_edit", args=[procedure.pk, "in_progress", 0]),
             reverse("builder:action_delete", args=[procedure.pk, "in_progress", 0])]
    return urls


def procedure_urls(procedure):
    return [url for url in all_urls(procedure) if f"/{procedure.pk}/" in url]


def test_the_administrator_opens_every_page(admin_client, procedure):
    for url in all_urls(procedure):
        response = admin_client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_anonymous_visitors_are_sent_to_the_login_page(client, procedure):
    for url in all_urls(procedure) + [reverse(name, args=[procedure.pk]) for name in POST_URLS + TEST_URLS]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url


def test_a_resident_is_refused(client, procedure):
    client.force_login(make_resident())
    for url in all_urls(procedure) + [reverse(name, args=[procedure.pk]) for name in POST_URLS + TEST_URLS]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.HEAD, Role.FRONT_DESK, Role.DPO])
def test_other_roles_of_the_department_are_refused(client, procedure, department, role):
    client.force_login(make_agent(department, role=role))
    for url in all_urls(procedure):
        assert client.get(url).status_code == 403, url
    for name in POST_URLS:
        assert client.post(reverse(name, args=[procedure.pk]), {}).status_code == 403, name


def test_a_platform_administrator_without_the_role_is_refused(client, procedure):
    client.force_login(make_resident(is_staff=True, is_superuser=True))
    for url in all_urls(procedure):
        assert client.get(url).status_code == 403, url


def test_an_administrator_of_another_department_does_not_see_the_procedure(client, procedure, other_department):
    other = make_agent(other_department, role=Role.PROCEDURE_ADMIN)
    client.force_login(other)
    for url in procedure_urls(procedure):
        assert client.get(url).status_code == 404, url
    for name in POST_URLS:
        assert client.post(reverse(name, args=[procedure.pk]), {"kind": "champ", "key": "nom",
                                                                "direction": "up"}).status_code == 404, name
    response = client.get(reverse("builder:list"))
    assert procedure.title not in response.content.decode()
    # and cannot change it by posting either
    response = client.post(reverse("builder:information", args=[procedure.pk]), {"title": "Piraté"})
    assert response.status_code == 404
    procedure.builder_draft.refresh_from_db()
    assert procedure.builder_draft.settings["title"] == "Location de salle"


def test_the_department_agents_may_test_but_not_edit(client, procedure, department):
    officer = make_agent(department, role=Role.CASE_OFFICER)
    client.force_login(officer)
    assert client.get(reverse("builder:test_home", args=[procedure.pk])).status_code == 200
    assert client.get(reverse("builder:to_test")).status_code == 200
    assert procedure.title in client.get(reverse("builder:to_test")).content.decode()
    assert client.get(reverse("builder:overview", args=[procedure.pk])).status_code == 403
    assert client.post(reverse("builder:test_cases_delete", args=[procedure.pk])).status_code == 403


def test_agents_of_another_department_cannot_test(client, procedure, other_department):
    client.force_login(make_agent(other_department, role=Role.CASE_OFFICER))
    assert client.get(reverse("builder:test_home", args=[procedure.pk])).status_code == 404
    assert client.post(reverse("builder:test_home", args=[procedure.pk])).status_code == 404
    assert procedure.title not in client.get(reverse("builder:to_test")).content.decode()


def test_the_agents_space_links_to_the_builder_for_administrators_only(client, admin, department):
    client.force_login(admin)
    link = f'href="{reverse("builder:list")}"'
    assert link in client.get(reverse("organisation:home")).content.decode()
    client.force_login(make_agent(department, role=Role.CASE_OFFICER))
    page = client.get(reverse("organisation:home")).content.decode()
    assert link not in page and f'href="{reverse("builder:to_test")}"' in page
