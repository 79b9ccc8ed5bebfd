"""Departments: list, create, edit, deactivate, delete (only when nothing depends on them)."""

import pytest
from django.urls import reverse

from parvis.organisation.models import AgentRole, Commune, Department, Role
from parvis.procedures.models import ProcedureStatus
from parvis.testing import factories

LIST = "/administration/services/"
CREATE = "/administration/services/nouveau/"


def department_data(**overrides):
    data = {
        "name": "Démarches administratives et état civil", "slug": "", "pole": "Services à la population",
        "street": "1 place de la Mairie", "postcode": "99100", "city": "Admiville",
        "email": "etat-civil@admiville.fr", "phone": "01 23 45 67 10",
        "opening_hours": "Lundi au vendredi, 8 h 30 – 17 h\nSamedi, 9 h – 12 h",
    }
    data.update(overrides)
    return data


def test_url_names():
    assert reverse("organisation:department_list") == LIST
    assert reverse("organisation:department_create") == CREATE


@pytest.mark.django_db
def test_list_shows_departments_with_counts(admin_client, department, agent):
    factories.make_agent(department, Role.HEAD, is_active=False)  # deactivated agents are not counted
    factories.make_procedure(department=department)
    closed = factories.make_department(name="Ancien service")
    closed.is_active = False
    closed.save()
    response = admin_client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page
    assert "État civil" in page and "Ancien service" in page and "Désactivé" in page
    row = response.context["departments"].get(pk=department.pk)
    assert (row.agent_count, row.procedure_count) == (1, 1)


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_departments(admin_client, commune, django_assert_max_num_queries):
    for n in range(15):
        department = factories.make_department(name=f"Service {n}")
        factories.make_agent(department)
        factories.make_procedure(department=department)
    with django_assert_max_num_queries(8):
        assert admin_client.get(LIST).status_code == 200


@pytest.mark.django_db
def test_create_with_slug_made_from_name(admin_client, commune, platform_admin, caplog):
    caplog.set_level("INFO", logger="parvis.organisation.audit")
    response = admin_client.post(CREATE, department_data(phone="0123456710"))
    assert response.status_code == 302
    department = Department.objects.get(name="Démarches administratives et état civil")
    assert department.slug == "demarches-administratives-et-etat-civil"
    assert department.phone == "01 23 45 67 10"
    assert department.commune == commune and department.is_active
    assert f"user #{platform_admin.pk}" in caplog.text and "created department" in caplog.text
    # Same name again: the generated slug gets a suffix rather than an error.
    assert admin_client.post(CREATE, department_data()).status_code == 302
    assert Department.objects.filter(slug="demarches-administratives-et-etat-civil-2").exists()


@pytest.mark.django_db
def test_duplicate_slug_is_refused_and_typed_values_are_kept(admin_client, department):
    response = admin_client.post(CREATE, department_data(name="Nouveau service", slug="etat-civil",
                                                         pole="Pôle typé"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Un objet service avec ce champ identifiant existe déjà." in page or "existe déjà" in page
    assert 'value="Nouveau service"' in page and 'value="Pôle typé"' in page and 'value="etat-civil"' in page
    assert 'aria-invalid="true"' in page
    assert Department.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("field, value, message", [
    ("phone", "12 34", "numéro de téléphone français valide"),
    ("phone", "+44 20 7946 0958", "numéro de téléphone français valide"),
    ("postcode", "ABCDE", "code postal de 5 chiffres"),
    ("slug", "État Civil", "lettres minuscules sans accent"),
    ("email", "pas-un-courriel", "adresse de courriel valide"),
    ("name", "", "Ce champ est obligatoire"),
])
def test_validation_errors_keep_typed_values(admin_client, commune, field, value, message):
    response = admin_client.post(CREATE, department_data(**{field: value}, city="Ville tapée"))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="Ville tapée"' in page
    assert not Department.objects.exists()


@pytest.mark.django_db
def test_overseas_number_is_accepted(admin_client, commune):
    assert admin_client.post(CREATE, department_data(phone="0262 12 34 56")).status_code == 302


@pytest.mark.django_db
def test_create_without_commune_sends_to_commune_page(client, platform_admin):
    Commune.objects.all().delete()
    client.force_login(platform_admin)
    response = client.get(CREATE)
    assert response.status_code == 302 and response["Location"] == reverse("organisation:commune")
    response = client.post(CREATE, department_data())
    assert response.status_code == 302 and not Department.objects.exists()


@pytest.mark.django_db
def test_edit(admin_client, department):
    url = reverse("organisation:department_edit", args=[department.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'value="État civil"' in response.content.decode()
    response = admin_client.post(url, department_data(name="État civil et citoyenneté", slug="etat-civil"))
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.name == "État civil et citoyenneté" and department.slug == "etat-civil"


@pytest.mark.django_db
def test_edit_to_a_slug_used_elsewhere_is_refused(admin_client, department):
    other = factories.make_department(name="Voirie", slug="voirie")
    url = reverse("organisation:department_edit", args=[other.pk])
    response = admin_client.post(url, department_data(name="Voirie modifiée", slug="etat-civil"))
    assert response.status_code == 200
    assert 'value="Voirie modifiée"' in response.content.decode()
    other.refresh_from_db()
    assert other.slug == "voirie" and other.name == "Voirie"


@pytest.mark.django_db
def test_unknown_department_is_404(admin_client):
    for name in ("department_edit", "department_deactivate", "department_delete"):
        assert admin_client.get(reverse(f"organisation:{name}", args=[999999])).status_code == 404
        assert admin_client.post(reverse(f"organisation:{name}", args=[999999])).status_code == 404
    assert admin_client.post(reverse("organisation:department_reactivate", args=[999999])).status_code == 404
    assert admin_client.get("/administration/services/abc/").status_code == 404
    assert admin_client.get("/administration/services/" + "9" * 30 + "/").status_code == 404
    assert admin_client.post("/administration/services/" + "9" * 30 + "/supprimer/").status_code == 404


@pytest.mark.django_db
def test_deactivate_and_reactivate(admin_client, department, agent, platform_admin, caplog):
    caplog.set_level("INFO", logger="parvis.organisation.audit")
    factories.make_procedure(department=department, publish=False)
    url = reverse("organisation:department_deactivate", args=[department.pk])
    page = admin_client.get(url).content.decode()
    assert "garde ses démarches fermées, ses dossiers et son historique" in page
    response = admin_client.post(url)
    assert response.status_code == 302
    department.refresh_from_db()
    assert not department.is_active
    assert "deactivated department" in caplog.text
    # Roles are kept: the agent still reaches the department's history.
    assert AgentRole.objects.filter(user=agent, department=department).exists()
    response = admin_client.post(reverse("organisation:department_reactivate", args=[department.pk]))
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.is_active


@pytest.mark.django_db
def test_deactivate_is_refused_while_procedures_are_online(admin_client, department):
    procedure = factories.make_procedure(department=department, title="Mariage")
    assert procedure.status == ProcedureStatus.PUBLISHED
    url = reverse("organisation:department_deactivate", args=[department.pk])
    page = admin_client.get(url).content.decode()
    assert "ne peut pas être désactivé" in page and "Mariage" in page
    response = admin_client.post(url, follow=True)
    assert "1 démarche en ligne" in response.content.decode()
    department.refresh_from_db()
    assert department.is_active


@pytest.mark.django_db
def test_delete_is_refused_when_the_department_owns_procedures(admin_client, department):
    factories.make_procedure(department=department, publish=False)
    url = reverse("organisation:department_delete", args=[department.pk])
    page = admin_client.get(url).content.decode()
    assert "ne peut pas être supprimé" in page and "désactivez-le" in page
    response = admin_client.post(url, follow=True)
    assert response.status_code == 200
    assert "ne peut pas être supprimé : 1 démarche lui est rattachée" in response.content.decode()
    assert Department.objects.filter(pk=department.pk).exists()


@pytest.mark.django_db
def test_delete_is_refused_when_agents_hold_roles_in_it(admin_client, department, agent):
    url = reverse("organisation:department_delete", args=[department.pk])
    assert "rôle d’agent y est attribué" in admin_client.get(url).content.decode()
    response = admin_client.post(url, follow=True)
    assert "1 rôle d&#x27;agent y est attribué" in response.content.decode()
    assert Department.objects.filter(pk=department.pk).exists()


@pytest.mark.django_db
def test_delete_a_department_created_by_mistake(admin_client, commune, caplog):
    caplog.set_level("INFO", logger="parvis.organisation.audit")
    mistake = factories.make_department(name="Erreur")
    response = admin_client.post(reverse("organisation:department_delete", args=[mistake.pk]))
    assert response.status_code == 302
    assert not Department.objects.filter(pk=mistake.pk).exists()
    assert "deleted department" in caplog.text


@pytest.mark.django_db
def test_reactivate_needs_post(admin_client, department):
    assert admin_client.get(reverse("organisation:department_reactivate", args=[department.pk])).status_code == 405


@pytest.mark.django_db
def test_anything_attached_to_a_department_blocks_its_deletion(department):
    """Beyond procedures and roles (checked first, with their own message), any other data blocks deletion."""
    from parvis.organisation.services import _dependants_of

    assert _dependants_of(department) == []
    factories.make_procedure(department=department, publish=False)
    assert _dependants_of(department) == ["1 démarches"]
