"""The library of ready-made procedures: at least 25 models covering every family, each reads without a problem,
installs in a click, publishes, and is filed end to end through the real filing pages."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from parvis import library
from parvis.builder import services
from parvis.builder.tests.helpers import field_keys
from parvis.demo import data as demo_data
from parvis.demo.tests.test_demo_forms import CONTACT_EMAIL, check_case, check_emails, file_online
from parvis.formengine import FormDefinition
from parvis.procedures.models import Family, Procedure, ProcedureStatus, Regime
from parvis.testing.factories import make_department, make_resident

MODELS = [model.slug for model in library.list_models()]
FORBIDDEN = re.compile(r"santé|médic|maladi|handicap|religi|confession|culte|allerg", re.IGNORECASE)


def test_the_library_has_at_least_25_models_covering_every_family():
    assert len(MODELS) >= 25
    assert {model.family for model in library.list_models()} == set(Family.values)
    titles = [model.title for model in library.list_models()]
    assert len(set(titles)) == len(titles)
    # The examples of the issue are there.
    for slug in ("copie-acte-naissance", "copie-acte-mariage", "copie-acte-deces",
                 "occupation-domaine-public-demenagement", "occupation-domaine-public-benne", "autorisation-terrasse",
                 "location-salle-particulier", "location-salle-association", "operation-tranquillite-vacances",
                 "reduction-tarifaire", "concession-funeraire", "inscription-scolaire",
                 "inscription-restauration-periscolaire", "changement-adresse", "rendez-vous-elu",
                 "inscription-conseil-quartier", "dossier-mariage", "parrainage-civil", "permis-detention-chien",
                 "emplacement-marche", "carte-stationnement-residentiel", "autorisation-tournage",
                 "plainte-nuisances-sonores"):
        assert slug in MODELS, slug
    # The demo's procedures are all in the library (same addresses): the demo installs the others.
    assert set(demo_data.PROCEDURES) <= set(MODELS)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", MODELS)
def test_each_model_reads_without_any_problem_and_is_legally_complete(slug):
    result = library.read_model(slug)
    assert result.errors == [] and result.warnings == []
    settings = result.settings
    assert settings["privacy_purpose"] and settings["privacy_legal_basis"] and settings["retention_months"]
    assert settings["offline_alternative"] and settings["summary"]
    if settings["regime"] != Regime.NONE:
        assert settings["period_value"] and settings["legal_basis"], slug
    assert isinstance(settings["acknowledgement_due"], bool)
    definition = FormDefinition(result.schema)
    assert any(field.prefill for field in definition.fields.values()), "say it once: something is pre-filled"
    assert any(field.required for field in definition.fields.values())
    for page in result.schema["pages"]:
        texts = [page.get("title", ""), page.get("help", "")]
        for section in page["sections"]:
            for field in section["fields"]:
                texts += [field["label"], field.get("help", "")] + [c["label"] for c in field.get("choices", [])]
        for text in texts:
            assert not FORBIDDEN.search(text), (slug, text)


@pytest.fixture
def departments(department):
    """Admiville's departments (the administrator's one, "accueil-salles", among them)."""
    result = {department.slug: department}
    for slug, values in demo_data.DEPARTMENTS.items():
        if slug not in result:
            result[slug] = make_department(slug=slug, name=values["name"], email=values["email"],
                                           phone=values["phone"])
    return result


@pytest.fixture
def resident(db):
    return make_resident("camille.durand@example.org", first_name="Camille", last_name="Durand", civility="mme",
                         phone="06 12 34 56 78", street="8 rue des Lilas", postcode="99100", city="Admiville")


def install_and_publish(slug, departments, admin):
    model = library.get_model(slug)
    procedure = library.install_model(slug, departments[model.department_slug], admin)
    assert procedure.status == ProcedureStatus.DRAFT and procedure.published_revision is None
    assert services.problems(procedure) == []
    services.publish(procedure, admin)
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.PUBLISHED and procedure.slug == slug
    return procedure


@pytest.mark.parametrize("variant", ["complet", "obligatoire"])
@pytest.mark.parametrize("slug", MODELS)
def test_each_model_installs_publishes_and_is_filed_online(slug, variant, departments, admin, resident, client,
                                                          mailbox, django_capture_on_commit_callbacks):
    procedure = install_and_publish(slug, departments, admin)
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        case, definition, visited, file_count = file_online(client, slug, full=variant == "complet")
    assert case.revision == procedure.published_revision and not case.is_test
    check_case(case, definition, visited, file_count, slug)
    check_emails(mailbox, case, resident.email)


@pytest.mark.parametrize("slug", [model.slug for model in library.list_models()
                                  if '"allow_anonymous": true' in model.path.read_text()])
def test_models_open_without_account_are_filed_anonymously(slug, departments, admin, client, mailbox,
                                                          django_capture_on_commit_callbacks):
    install_and_publish(slug, departments, admin)
    with django_capture_on_commit_callbacks(execute=True):
        case, definition, visited, file_count = file_online(client, slug, full=True, contact_email=CONTACT_EMAIL)
    assert case.applicant is None
    check_case(case, definition, visited, file_count, slug)
    check_emails(mailbox, case, CONTACT_EMAIL)


def test_an_administrator_installs_a_model_in_a_click_and_adapts_it(admin_client, admin, department):
    page = admin_client.get(reverse("builder:library")).content.decode()
    for model in library.list_models():
        assert reverse("builder:library_detail", args=[model.slug]) in page
    detail = admin_client.get(reverse("builder:library_detail", args=["autorisation-terrasse"])).content.decode()
    assert "Silence vaut rejet" in detail and "2 mois" in detail
    response = admin_client.post(reverse("builder:library_detail", args=["autorisation-terrasse"]),
                                 {"department": department.pk})
    procedure = Procedure.objects.get()
    assert response["Location"] == reverse("builder:overview", args=[procedure.pk])
    assert procedure.department == department and procedure.status == ProcedureStatus.DRAFT
    assert services.state(procedure).draft.source == "library:autorisation-terrasse"
    assert procedure.publication_events.get().action == "install"
    # Adapt it: a field less, then publish.
    admin_client.post(reverse("builder:element_delete", args=[procedure.pk, "champ", "licence"]))
    assert "licence" not in field_keys(services.state(procedure).schema)
    admin_client.post(reverse("builder:publish", args=[procedure.pk]), {"message": ""})
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.PUBLISHED
    assert admin_client.get(reverse("builder:library_detail", args=["inconnu"])).status_code == 404


@pytest.mark.django_db
def test_the_demo_gets_every_model_installed_and_published(capsys):
    call_command("load_demo")
    before = set(Procedure.objects.values_list("slug", flat=True))
    installed = library.install_library_into_demo()
    assert set(installed) == set(MODELS) - before
    assert set(Procedure.objects.filter(status=ProcedureStatus.PUBLISHED).values_list("slug", flat=True)) >= set(MODELS)
    for slug in installed:
        model = library.get_model(slug)
        assert Procedure.objects.get(slug=slug).department.slug == model.department_slug
    assert library.install_library_into_demo() == []  # idempotent
