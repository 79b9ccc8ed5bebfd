"""Who may open which page: the access helpers, and every page's denial for each kind of visitor."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from parvis.organisation import access
from parvis.organisation.models import Role
from parvis.testing import factories

from .conftest import PASSWORD


def admin_urls(department, agent):
    return [
        reverse("organisation:commune"),
        reverse("organisation:department_list"),
        reverse("organisation:department_create"),
        reverse("organisation:department_edit", args=[department.pk]),
        reverse("organisation:department_deactivate", args=[department.pk]),
        reverse("organisation:department_delete", args=[department.pk]),
        reverse("organisation:agent_list") + "?q=x&role=head",
        reverse("organisation:agent_create"),
        reverse("organisation:agent_detail", args=[agent.pk]),
        reverse("organisation:agent_edit", args=[agent.pk]),
        reverse("organisation:agent_roles", args=[agent.pk]),
        reverse("organisation:agent_deactivate", args=[agent.pk]),
    ]


POST_ONLY = ["department_reactivate", "agent_send_activation", "agent_reactivate"]


# --- Helpers --------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_is_platform_admin(platform_admin, agent, resident):
    from django.contrib.auth.models import AnonymousUser

    superuser = factories.make_resident(is_superuser=True)
    assert access.is_platform_admin(platform_admin)
    assert access.is_platform_admin(superuser)
    assert not access.is_platform_admin(agent)
    assert not access.is_platform_admin(resident)
    assert not access.is_platform_admin(AnonymousUser())
    assert not access.is_platform_admin(None)
    platform_admin.is_active = False
    assert not access.is_platform_admin(platform_admin)


@pytest.mark.django_db
def test_departments_of_and_has_role(department, agent, platform_admin, resident):
    other = factories.make_department(name="Voirie")
    third = factories.make_department(name="Urbanisme")
    factories.make_department(name="Cimetières")
    access.forget_roles(agent)
    from parvis.organisation.models import AgentRole

    AgentRole.objects.create(user=agent, department=other, role=Role.HEAD)
    AgentRole.objects.create(user=agent, department=third, role=Role.FRONT_DESK)
    third.is_active = False
    third.save()

    assert set(access.departments_of(agent)) == {department, other, third}
    assert set(access.departments_of(agent, Role.HEAD, Role.CASE_OFFICER)) == {department, other}
    assert list(access.departments_of(agent, Role.PROCEDURE_ADMIN)) == []
    assert access.has_role(agent, department)
    assert access.has_role(agent, department.pk, Role.CASE_OFFICER)
    assert not access.has_role(agent, department, Role.HEAD)
    assert access.has_role(agent, other, Role.HEAD, Role.PROCEDURE_ADMIN)
    assert not access.has_role(agent, None)
    # A platform administrator holds no role by that fact alone; a resident neither.
    assert list(access.departments_of(platform_admin)) == []
    assert not access.has_role(platform_admin, department)
    assert list(access.departments_of(resident)) == []
    # A deactivated agent holds nothing.
    agent.is_active = False
    access.forget_roles(agent)
    assert list(access.departments_of(agent)) == []
    assert not access.has_role(agent, department)


@pytest.mark.django_db
def test_agents_of(department, agent):
    head = factories.make_agent(department, Role.HEAD)
    gone = factories.make_agent(department, Role.HEAD, is_active=False)
    assert set(access.agents_of(department)) == {agent, head}
    assert list(access.agents_of(department, Role.HEAD)) == [head]
    assert gone not in access.agents_of(department, Role.HEAD)


@pytest.mark.django_db
def test_roles_of_is_read_once_per_user_object(agent, department, django_assert_num_queries):
    access.forget_roles(agent)
    with django_assert_num_queries(1):
        assert access.has_role(agent, department)
        assert access.has_role(agent, department, Role.CASE_OFFICER)
        assert not access.has_role(agent, department, Role.HEAD)


# --- Every administration page --------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_admin_page_opens_for_a_platform_admin(admin_client, department, agent):
    for url in admin_urls(department, agent):
        response = admin_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_with_next(client, department, agent):
    login = reverse("accounts:login")
    for url in [reverse("organisation:home"), *admin_urls(department, agent)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login + "?next="), url
        assert response["Location"].endswith(quote(url, safe="/")), url
    for name in POST_ONLY:
        pk = department.pk if name.startswith("department") else agent.pk
        response = client.post(reverse(f"organisation:{name}", args=[pk]))
        assert response.status_code == 302 and response["Location"].startswith(login), name


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["resident", "agent", "head_and_procedure_admin"])
def test_logged_in_non_admin_gets_themed_403_and_changes_nothing(client, who, resident, agent, department):
    user = {"resident": resident, "agent": agent}.get(who)
    if user is None:
        user = factories.make_agent(department, Role.HEAD)
        factories.make_agent(department, Role.PROCEDURE_ADMIN, email="x@admiville.fr")
        from parvis.organisation.models import AgentRole

        AgentRole.objects.create(user=user, department=department, role=Role.PROCEDURE_ADMIN)
    client.force_login(user)
    for url in admin_urls(department, agent):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Accès refusé" in response.content.decode(), url
    # Writes are refused the same way, and leave data untouched.
    name_before = department.name
    response = client.post(reverse("organisation:department_edit", args=[department.pk]), {"name": "Piraté"})
    assert response.status_code == 403
    response = client.post(reverse("organisation:agent_deactivate", args=[agent.pk]))
    assert response.status_code == 403
    response = client.post(reverse("organisation:agent_roles", args=[agent.pk]),
                           {"roles": [f"{department.pk}:head"]})
    assert response.status_code == 403
    response = client.post(reverse("organisation:agent_create"), {
        "first_name": "X", "last_name": "Y", "email": "intrus@admiville.fr", "roles": [f"{department.pk}:head"]})
    assert response.status_code == 403
    for name in POST_ONLY:
        pk = department.pk if name.startswith("department") else agent.pk
        assert client.post(reverse(f"organisation:{name}", args=[pk])).status_code == 403, name
    department.refresh_from_db()
    agent.refresh_from_db()
    assert department.name == name_before
    assert agent.is_active
    assert list(agent.agent_roles.values_list("role", flat=True)) == [Role.CASE_OFFICER]
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="intrus@admiville.fr").exists()


@pytest.mark.django_db
def test_a_deactivated_admin_loses_access_at_once(client, platform_admin):
    client.force_login(platform_admin)
    assert client.get(reverse("organisation:commune")).status_code == 200
    platform_admin.is_active = False
    platform_admin.save()
    response = client.get(reverse("organisation:commune"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- The agents' space landing page ----------------------------------------------------------------------

@pytest.mark.django_db
def test_home_shows_an_agent_their_departments_and_roles(client, agent, department):
    other = factories.make_department(name="Guichet unique")
    from parvis.organisation.models import AgentRole

    AgentRole.objects.create(user=agent, department=other, role=Role.FRONT_DESK)
    AgentRole.objects.create(user=agent, department=other, role=Role.HEAD)
    factories.make_department(name="Voirie")
    client.login(email=agent.email, password=PASSWORD)
    response = client.get(reverse("organisation:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "État civil" in page and "Guichet unique" in page
    assert "Voirie" not in page
    assert "Instructeur" in page and "Agent d&#x27;accueil" in page and "Chef de service" in page
    # No administration links for an agent who is not a platform administrator.
    assert reverse("organisation:agent_list") not in page
    assert reverse("organisation:commune") not in page


@pytest.mark.django_db
def test_home_shows_a_platform_admin_the_administration_links(admin_client):
    response = admin_client.get(reverse("organisation:home"))
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("commune", "department_list", "agent_list"):
        assert reverse(f"organisation:{name}") in page
    assert "Vous n’avez pas encore de rôle" in page
    assert reverse("admin:index") not in page  # only for superusers (the technical team)


@pytest.mark.django_db
def test_home_is_refused_to_a_resident_and_to_anonymous(client, resident):
    response = client.get(reverse("organisation:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(resident)
    response = client.get(reverse("organisation:home"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


@pytest.mark.django_db
def test_home_links_registered_by_other_apps_follow_roles(client, agent, department):
    from parvis.organisation.agent_space import AgentLink, _links, register_link

    saved = dict(_links)
    try:
        register_link(AgentLink("test-heads", "Tableau des délais", "organisation:home", roles=(Role.HEAD,)))
        register_link(AgentLink("test-all", "Annuaire interne", "organisation:home"))
        register_link(AgentLink("test-missing", "Pas encore là", "cases:does_not_exist"))
        client.force_login(agent)
        page = client.get(reverse("organisation:home")).content.decode()
        assert "Annuaire interne" in page
        assert "Tableau des délais" not in page
        assert "Pas encore là" not in page
    finally:
        _links.clear()
        _links.update(saved)
