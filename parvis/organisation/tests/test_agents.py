"""Agents: creation with an activation email, roles, deactivation, list and search, forged input."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from parvis.organisation.models import AgentRole, Role
from parvis.testing import factories
from parvis.testing.smtp import body_text

from .conftest import PASSWORD, activation_path

User = get_user_model()
LIST = "/administration/agents/"
CREATE = "/administration/agents/nouveau/"
NEW_PASSWORD = "Cloche-Beffroi-2026!"


def roles_url(agent):
    return reverse("organisation:agent_roles", args=[agent.pk])


def held(agent):
    return set(AgentRole.objects.filter(user=agent).values_list("department_id", "role"))


def create(client, capture, **overrides):
    data = {"first_name": "Jeanne", "last_name": "Moreau", "email": "Jeanne.Moreau@Admiville.fr"}
    data.update(overrides)
    with capture(execute=True):
        return client.post(CREATE, data)


def test_url_names():
    assert reverse("organisation:agent_list") == LIST
    assert reverse("organisation:agent_create") == CREATE
    assert reverse("organisation:activate", args=["MQ", "abc-123"]) == "/administration/agents/activer/MQ/abc-123/"


# --- Creation and activation ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_create_agent_email_activation_then_login(admin_client, other_client, department, mailbox, platform_admin,
                                                  django_capture_on_commit_callbacks, caplog):
    caplog.set_level("INFO", logger="parvis.organisation.audit")
    other = factories.make_department(name="Guichet unique")
    response = create(admin_client, django_capture_on_commit_callbacks,
                      roles=[f"{department.pk}:case_officer", f"{other.pk}:front_desk", f"{other.pk}:head"])
    agent = User.objects.get(email="jeanne.moreau@admiville.fr")  # stored lower-cased
    assert response.status_code == 302 and response["Location"] == reverse("organisation:agent_detail",
                                                                           args=[agent.pk])
    assert not agent.has_usable_password() and agent.is_active
    assert held(agent) == {(department.pk, "case_officer"), (other.pk, "front_desk"), (other.pk, "head")}
    assert f"user #{platform_admin.pk}" in caplog.text and "created agent" in caplog.text
    # The detail page says the account waits for activation.
    assert "En attente d’activation" in admin_client.get(response["Location"]).content.decode()

    [message] = mailbox.wait_for(1)
    assert message["To"] == "jeanne.moreau@admiville.fr"
    assert "Activez votre compte d'agent" in message["Subject"]
    assert "Bonjour Jeanne" in body_text(message)
    path = activation_path(message)

    # Before activation the agent cannot log in.
    assert not other_client.login(email="jeanne.moreau@admiville.fr", password=NEW_PASSWORD)
    # The link moves the token out of the address (no leak through Referer), then shows the form.
    response = other_client.get(path)
    assert response.status_code == 302 and response["Location"].endswith("/choisir-mot-de-passe/")
    form_url = response["Location"]
    page = other_client.get(form_url).content.decode()
    assert "Choisissez le mot de passe" in page and "jeanne.moreau@admiville.fr" in page
    # The project's password validators apply.
    response = other_client.post(form_url, {"new_password1": "court", "new_password2": "court"})
    assert response.status_code == 200 and "trop court" in response.content.decode()
    response = other_client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "autre chose"})
    assert response.status_code == 200
    response = other_client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("organisation:activate_done")
    assert "Votre compte est activé" in other_client.get(response["Location"]).content.decode()

    agent.refresh_from_db()
    assert agent.has_usable_password() and agent.email_verified_at is not None
    assert other_client.login(email="Jeanne.Moreau@admiville.fr", password=NEW_PASSWORD)
    page = other_client.get(reverse("organisation:home")).content.decode()
    assert "État civil" in page and "Guichet unique" in page and "Instructeur" in page
    assert other_client.get(reverse("organisation:agent_list")).status_code == 403  # an agent, not an administrator

    # The link is single-use.
    other_client.logout()
    response = other_client.get(path)
    assert response.status_code == 200 and "n’est plus valable" in response.content.decode()


@pytest.mark.django_db
def test_activation_link_forged_or_for_a_deactivated_agent(other_client, admin_client, department, mailbox,
                                                          django_capture_on_commit_callbacks):
    create(admin_client, django_capture_on_commit_callbacks, roles=[f"{department.pk}:head"])
    path = activation_path(mailbox.wait_for(1)[0])
    uidb64 = path.split("/")[-3]
    for forged in (f"/administration/agents/activer/{uidb64}/1-abcdef/",
                   "/administration/agents/activer/zzzz/1-abcdef/",
                   f"/administration/agents/activer/{uidb64}/choisir-mot-de-passe/"):
        response = other_client.get(forged)
        assert response.status_code == 200 and "n’est plus valable" in response.content.decode(), forged
        response = other_client.post(forged, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert response.status_code == 200
    agent = User.objects.get(email="jeanne.moreau@admiville.fr")
    assert not agent.has_usable_password()
    # A resident's password-reset token does not activate an agent account.
    from django.contrib.auth.tokens import default_token_generator

    response = other_client.get(f"/administration/agents/activer/{uidb64}/{default_token_generator.make_token(agent)}/")
    assert "n’est plus valable" in response.content.decode()
    # Deactivated before using the link: the link is dead.
    admin_client.post(reverse("organisation:agent_deactivate", args=[agent.pk]))
    response = other_client.get(path)
    assert response.status_code == 200 and "n’est plus valable" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("existing", ["agent", "resident", "admin"])
def test_duplicate_email_is_refused_with_a_clear_message(admin_client, department, agent, resident, mailbox,
                                                         django_capture_on_commit_callbacks, existing):
    email = {"agent": "INSTRUCTEUR@admiville.fr", "resident": "usager@example.org", "admin": "admin@admiville.fr"}
    response = create(admin_client, django_capture_on_commit_callbacks, email=email[existing], first_name="Typé",
                      roles=[f"{department.pk}:head"])
    assert response.status_code == 200
    page = response.content.decode()
    if existing == "resident":
        assert "déjà celle d’un compte usager" in page or "déjà celle d&#x27;un compte usager" in page
    else:
        assert "Un agent utilise déjà cette adresse" in page
    assert 'value="Typé"' in page and 'checked' in page  # typed values and ticked roles are kept
    assert User.objects.filter(email=email[existing].lower()).count() == 1
    assert mailbox.messages == []
    agent.refresh_from_db()
    assert held(agent) == {(department.pk, "case_officer")}  # the existing agent is untouched


@pytest.mark.django_db
def test_create_needs_a_role(admin_client, department, django_capture_on_commit_callbacks, mailbox):
    response = create(admin_client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choisissez au moins un rôle" in page and 'href="#roles"' in page
    assert not User.objects.filter(email="jeanne.moreau@admiville.fr").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["999999:head", "abc", "{pk}:king", "{pk}", ":head", "{inactive}:head", ""])
def test_forged_roles_on_creation_are_form_errors(admin_client, department, mailbox, forged,
                                                  django_capture_on_commit_callbacks):
    inactive = factories.make_department(name="Fermé", is_active=False)
    value = forged.format(pk=department.pk, inactive=inactive.pk)
    response = create(admin_client, django_capture_on_commit_callbacks, roles=[value])
    assert response.status_code == 200
    assert "Il y a une erreur" in response.content.decode()
    assert not User.objects.filter(email="jeanne.moreau@admiville.fr").exists()
    assert mailbox.messages == []


@pytest.mark.django_db
def test_resend_activation(admin_client, department, mailbox, django_capture_on_commit_callbacks, agent):
    create(admin_client, django_capture_on_commit_callbacks, roles=[f"{department.pk}:head"])
    new = User.objects.get(email="jeanne.moreau@admiville.fr")
    url = reverse("organisation:agent_send_activation", args=[new.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, follow=True)
    assert "Un nouveau lien d’activation" in response.content.decode() or "nouveau lien" in response.content.decode()
    assert len(mailbox.wait_for(2)) == 2
    # An agent who already has a password gets a clear refusal, and no email.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("organisation:agent_send_activation", args=[agent.pk]), follow=True)
    assert "Mot de passe oublié" in response.content.decode()
    assert len(mailbox.messages) == 2


# --- Roles ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_set_roles_adds_and_removes(admin_client, agent, department, platform_admin, caplog):
    caplog.set_level("INFO", logger="parvis.organisation.audit")
    other = factories.make_department(name="Voirie")
    page = admin_client.get(roles_url(agent)).content.decode()
    assert f'value="{department.pk}:case_officer" id="role-{department.pk}-case_officer" checked' in page
    assert "<legend>Voirie" in page
    response = admin_client.post(roles_url(agent), {"roles": [f"{department.pk}:head", f"{other.pk}:case_officer",
                                                              f"{other.pk}:procedure_admin"]})
    assert response.status_code == 302
    assert held(agent) == {(department.pk, "head"), (other.pk, "case_officer"), (other.pk, "procedure_admin")}
    assert "set roles of" in caplog.text and f"user #{platform_admin.pk}" in caplog.text
    detail = admin_client.get(reverse("organisation:agent_detail", args=[agent.pk])).content.decode()
    assert "Chef de service" in detail and "Administrateur fonctionnel" in detail
    # Posting the same set again changes nothing.
    admin_client.post(roles_url(agent), {"roles": [f"{department.pk}:head", f"{other.pk}:case_officer",
                                                   f"{other.pk}:procedure_admin"]})
    assert AgentRole.objects.filter(user=agent).count() == 3


@pytest.mark.django_db
def test_last_role_cannot_be_removed(admin_client, agent, department):
    response = admin_client.post(roles_url(agent), {})
    assert response.status_code == 200
    assert "au moins un rôle" in response.content.decode()
    assert held(agent) == {(department.pk, "case_officer")}


@pytest.mark.django_db
def test_roles_in_a_deactivated_department_can_be_kept_or_removed_not_added(admin_client, agent, department):
    closed = factories.make_department(name="Ancien service")
    AgentRole.objects.create(user=agent, department=closed, role=Role.HEAD)
    closed.is_active = False
    closed.save()
    page = admin_client.get(roles_url(agent)).content.decode()
    assert "Ancien service (service désactivé)" in page
    assert f'value="{closed.pk}:case_officer"' not in page  # only the role held is offered
    keep = {"roles": [f"{department.pk}:case_officer", f"{closed.pk}:head"]}
    assert admin_client.post(roles_url(agent), keep).status_code == 302
    response = admin_client.post(roles_url(agent), {"roles": [*keep["roles"], f"{closed.pk}:case_officer"]})
    assert response.status_code == 200 and "service désactivé" in response.content.decode()
    assert admin_client.post(roles_url(agent), {"roles": [f"{department.pk}:case_officer"]}).status_code == 302
    assert held(agent) == {(department.pk, "case_officer")}


@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["999999:head", "1:2:3", "x:head", "{pk}:superuser", "<script>", "9" * 40,
                                    "9" * 30 + ":head", "-1:head"])
def test_forged_roles_are_form_errors_never_500(admin_client, agent, department, forged):
    response = admin_client.post(roles_url(agent), {"roles": [forged.format(pk=department.pk)]})
    assert response.status_code == 200
    assert "Un des rôles choisis n’existe pas" in response.content.decode() or \
        "Un des rôles choisis n&#x27;existe pas" in response.content.decode()
    assert held(agent) == {(department.pk, "case_officer")}


@pytest.mark.django_db
def test_forged_user_ids_are_404(admin_client, resident, department):
    for name in ("agent_detail", "agent_edit", "agent_roles", "agent_deactivate"):
        # A resident is not reachable through the agents pages (no way to turn them into an agent here).
        assert admin_client.get(reverse(f"organisation:{name}", args=[resident.pk])).status_code == 404, name
        assert admin_client.post(reverse(f"organisation:{name}", args=[resident.pk]),
                                 {"roles": [f"{department.pk}:head"]}).status_code == 404, name
        assert admin_client.get(reverse(f"organisation:{name}", args=[999999])).status_code == 404, name
    for name in ("agent_send_activation", "agent_reactivate"):
        assert admin_client.post(reverse(f"organisation:{name}", args=[resident.pk])).status_code == 404, name
    assert admin_client.get("/administration/agents/abc/").status_code == 404
    assert admin_client.get("/administration/agents/" + "9" * 30 + "/").status_code == 404
    assert admin_client.post("/administration/agents/" + "9" * 30 + "/roles/").status_code == 404
    assert not AgentRole.objects.filter(user=resident).exists()
    resident.refresh_from_db()
    assert resident.is_active


# --- Edit, deactivate, reactivate ----------------------------------------------------------------------

@pytest.mark.django_db
def test_edit_identity(admin_client, agent, resident):
    url = reverse("organisation:agent_edit", args=[agent.pk])
    response = admin_client.post(url, {"first_name": "Léa", "last_name": "Martin", "email": "LEA.martin@admiville.fr"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.first_name, agent.last_name, agent.email) == ("Léa", "Martin", "lea.martin@admiville.fr")
    response = admin_client.post(url, {"first_name": "Léa", "last_name": "Martin", "email": resident.email})
    assert response.status_code == 200 and "compte usager" in response.content.decode()
    agent.refresh_from_db()
    assert agent.email == "lea.martin@admiville.fr"


@pytest.mark.django_db
def test_deactivate_agent_keeps_history_and_blocks_login(admin_client, other_client, agent, department, caplog):
    caplog.set_level("INFO", logger="parvis.organisation.audit")
    other_client.login(email=agent.email, password=PASSWORD)
    assert other_client.get(reverse("organisation:home")).status_code == 200
    url = reverse("organisation:agent_deactivate", args=[agent.pk])
    assert "ses rôles et tout ce qu’il a fait" in admin_client.get(url).content.decode()
    response = admin_client.post(url)
    assert response.status_code == 302
    agent.refresh_from_db()
    assert not agent.is_active
    assert held(agent) == {(department.pk, "case_officer")}  # kept for history and reactivation
    assert "deactivated agent" in caplog.text
    # The running session stops and the agent can no longer log in.
    response = other_client.get(reverse("organisation:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not other_client.login(email=agent.email, password=PASSWORD)
    # Still listed, as deactivated.
    page = admin_client.get(LIST + "?status=inactive").content.decode()
    assert agent.email in page and "Désactivé" in page
    # Reactivation gives the same roles back.
    assert admin_client.post(reverse("organisation:agent_reactivate", args=[agent.pk])).status_code == 302
    assert other_client.login(email=agent.email, password=PASSWORD)
    assert held(agent) == {(department.pk, "case_officer")}


@pytest.mark.django_db
def test_an_admin_cannot_deactivate_themselves_nor_a_superuser(admin_client, platform_admin):
    response = admin_client.post(reverse("organisation:agent_deactivate", args=[platform_admin.pk]), follow=True)
    assert "propre compte" in response.content.decode()
    platform_admin.refresh_from_db()
    assert platform_admin.is_active
    superuser = factories.make_resident("tech@admiville.fr", is_staff=True, is_superuser=True)
    response = admin_client.post(reverse("organisation:agent_deactivate", args=[superuser.pk]), follow=True)
    assert "équipe technique" in response.content.decode()
    superuser.refresh_from_db()
    assert superuser.is_active


@pytest.mark.django_db
def test_reactivating_an_agent_who_never_activated_sends_a_new_link(admin_client, department, mailbox,
                                                                     django_capture_on_commit_callbacks):
    create(admin_client, django_capture_on_commit_callbacks, roles=[f"{department.pk}:head"])
    new = User.objects.get(email="jeanne.moreau@admiville.fr")
    admin_client.post(reverse("organisation:agent_deactivate", args=[new.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("organisation:agent_reactivate", args=[new.pk]))
    assert len(mailbox.wait_for(2)) == 2


# --- List, filters, search -----------------------------------------------------------------------------

@pytest.fixture
def staff(department, agent, platform_admin):
    voirie = factories.make_department(name="Voirie")
    head = factories.make_resident("chef.voirie@admiville.fr", first_name="Bernard", last_name="Lefèvre")
    AgentRole.objects.create(user=head, department=voirie, role=Role.HEAD)
    AgentRole.objects.create(user=head, department=department, role=Role.FRONT_DESK)
    pending = User.objects.create_user("nouveau@admiville.fr", None, first_name="Zoé", last_name="Nouvelle")
    AgentRole.objects.create(user=pending, department=voirie, role=Role.CASE_OFFICER)
    gone = factories.make_agent(voirie, Role.CASE_OFFICER, email="parti@admiville.fr", is_active=False)
    factories.make_resident("simple.usager@example.org")
    return {"voirie": voirie, "head": head, "pending": pending, "gone": gone}


def listed(response):
    return {agent.email for agent in response.context["page"].object_list}


@pytest.mark.django_db
def test_list_shows_agents_and_admins_not_residents(admin_client, staff, agent, platform_admin):
    response = admin_client.get(LIST)
    assert response.status_code == 200
    assert listed(response) == {agent.email, platform_admin.email, "chef.voirie@admiville.fr",
                                "nouveau@admiville.fr", "parti@admiville.fr"}
    page = response.content.decode()
    assert "<caption>5 agents" in page and 'scope="row"' in page
    assert "Administrateur de la plateforme" in page and "En attente d’activation" in page


@pytest.mark.django_db
def test_list_filters(admin_client, staff, agent, department):
    voirie = staff["voirie"]
    assert listed(admin_client.get(LIST, {"department": department.pk})) == {agent.email, "chef.voirie@admiville.fr"}
    assert listed(admin_client.get(LIST, {"role": "head"})) == {"chef.voirie@admiville.fr"}
    # Department and role together mean "this role in this department".
    assert listed(admin_client.get(LIST, {"department": department.pk, "role": "head"})) == set()
    assert listed(admin_client.get(LIST, {"department": voirie.pk, "role": "case_officer"})) == {
        "nouveau@admiville.fr", "parti@admiville.fr"}
    assert listed(admin_client.get(LIST, {"status": "pending"})) == {"nouveau@admiville.fr"}
    assert listed(admin_client.get(LIST, {"status": "inactive"})) == {"parti@admiville.fr"}
    assert listed(admin_client.get(LIST, {"q": "lefèvre"})) == {"chef.voirie@admiville.fr"}
    assert listed(admin_client.get(LIST, {"q": "bernard chef"})) == {"chef.voirie@admiville.fr"}
    assert listed(admin_client.get(LIST, {"q": "INSTRUCTEUR@"})) == {agent.email}
    assert listed(admin_client.get(LIST, {"q": "simple.usager"})) == set()
    page = admin_client.get(LIST, {"q": "personne"}).content.decode()
    assert "Aucun agent ne correspond" in page


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"department": "abc"}, {"department": "999999"}, {"department": "9" * 30},
                                   {"department": "-1"}, {"role": "king"},
                                   {"status": "x"}, {"page": "abc"}, {"page": "999"}, {"q": "x" * 500}])
def test_list_with_forged_filters_never_fails(admin_client, staff, query):
    response = admin_client.get(LIST, query)
    assert response.status_code == 200


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_agents(admin_client, department, django_assert_max_num_queries):
    for _n in range(30):
        agent = factories.make_agent(department, Role.CASE_OFFICER)
        AgentRole.objects.create(user=agent, department=factories.make_department(), role=Role.HEAD)
    with django_assert_max_num_queries(10):
        response = admin_client.get(LIST)
    assert len(response.context["page"].object_list) == 31
