"""The Admiville demo: loading it twice changes nothing, and what it loads is legally consistent."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from parvis.accounts.models import User
from parvis.demo import data
from parvis.demo.forms import FORMS
from parvis.organisation.models import AgentRole, Commune, Department, Role
from parvis.procedures.models import Category, LifeEvent, Procedure, ProcedureRevision, ProcedureStatus, Regime

pytestmark = pytest.mark.django_db

MODELS = [Commune, Department, User, AgentRole, Category, LifeEvent, Procedure, ProcedureRevision]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load(capsys=None):
    call_command("load_demo", "--core")
    return capsys.readouterr().out if capsys else None


def snapshot():
    return {
        model.__name__: sorted(
            (str(row) for row in model.objects.values_list(*[f.attname for f in model._meta.concrete_fields
                                                               if f.attname != "password"])),
        )
        for model in MODELS
    }


def test_load_demo_twice_changes_nothing(capsys):
    first_output = load(capsys)
    assert "chargées" in first_output
    before = snapshot()
    links_before = sorted(Procedure.life_events.through.objects.values_list("procedure_id", "lifeevent_id"))

    second_output = load(capsys)

    assert "rien à changer" in second_output
    assert snapshot() == before
    assert sorted(Procedure.life_events.through.objects.values_list("procedure_id", "lifeevent_id")) == links_before


def test_demo_has_the_commune_and_its_departments():
    load()
    commune = Commune.current()
    assert commune.name == "Admiville"
    assert commune.mayor_name and commune.dpo_email and commune.phone and commune.website
    names = set(Department.objects.values_list("name", flat=True))
    assert {"Démarches administratives et état civil", "Citoyenneté et conseils de quartier",
            "Accueil, courrier et location de salles", "Guichet unique d'inscription", "Voirie",
            "Espaces verts"} <= names
    for department in Department.objects.all():
        assert department.email and department.phone and department.opening_hours and department.street


def test_demo_people_can_log_in_with_the_shared_password():
    load()
    for role in Role.values:
        assert AgentRole.objects.filter(role=role).exists(), role
    officer = authenticate(email="instructeur.etatcivil@admiville.fr", password=data.DEMO_PASSWORD)
    assert officer is not None
    assert officer.agent_roles.get().role == Role.CASE_OFFICER
    admin = User.objects.get(email="admin@admiville.fr")
    assert admin.is_staff and admin.is_superuser
    assert authenticate(email="admin@admiville.fr", password=data.DEMO_PASSWORD) == admin
    for resident in data.RESIDENTS:
        user = User.objects.get(email=resident["email"])
        assert user.is_email_verified and user.street and user.phone and user.birth_date
        assert not user.is_agent


def test_demo_procedures_are_published_with_legal_and_privacy_metadata():
    load()
    procedures = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
    assert procedures.count() >= 10
    assert len(set(procedures.values_list("family", flat=True))) >= 5
    for procedure in procedures:
        assert procedure.offline_alternative and procedure.description and procedure.summary, procedure.slug
        assert procedure.privacy_purpose and procedure.privacy_data_categories, procedure.slug
        assert procedure.privacy_recipients and procedure.retention_months, procedure.slug
        if procedure.regime != Regime.NONE:
            assert procedure.period_value and procedure.legal_basis, procedure.slug
        revision = procedure.published_revision
        assert revision.number == 1 and revision.published_at
        assert revision.form_schema == FORMS[procedure.slug]
    assert LifeEvent.objects.filter(procedures__isnull=False).distinct().count() >= 5


@pytest.mark.parametrize("slug, regime, period, basis_start, acknowledgement", [
    ("copie-acte-naissance", Regime.NONE, None, "Décret n° 2017-890", False),
    ("occupation-domaine-public-demenagement", Regime.SVR, 2, "CRPA L231-4 ; décret n° 2014-1273", True),
    ("location-salle-particulier", Regime.SVR, 2, "CRPA L231-4", True),
    ("reduction-tarifaire", Regime.SVR, 2, "CRPA L231-4, 3°", True),
    ("operation-tranquillite-vacances", Regime.NONE, None, "", False),
    ("inscription-conseil-quartier", Regime.SVA, 2, "CRPA L231-1", True),
    ("concession-funeraire", Regime.SVR, 2, "CRPA L231-4", True),
    ("inscription-scolaire", Regime.SVA, 2, "CRPA L231-1", True),
    ("inscription-creche", Regime.SVR, 4, "CRPA L231-4", True),
    ("signalement-espace-public", Regime.NONE, None, "", False),
    ("rendez-vous-elu", Regime.NONE, None, "", False),
    ("changement-adresse", Regime.NONE, None, "", False),
])
def test_demo_regimes(slug, regime, period, basis_start, acknowledgement):
    load()
    procedure = Procedure.objects.get(slug=slug)
    assert procedure.regime == regime
    assert procedure.period_value == period
    assert procedure.legal_basis.startswith(basis_start)
    assert procedure.acknowledgement_due is acknowledgement


def test_report_can_be_made_without_an_account():
    load()
    report = Procedure.objects.get(slug="signalement-espace-public")
    assert report.family == "report" and report.allow_anonymous and not report.account_required


def test_a_new_form_schema_in_data_publishes_a_new_revision(monkeypatch):
    load()
    schema = {"version": 1, "pages": [{"key": "demande", "title": "Votre demande", "fields": []}]}
    monkeypatch.setitem(data.PROCEDURES["rendez-vous-elu"], "form_schema", schema)
    load()
    procedure = Procedure.objects.get(slug="rendez-vous-elu")
    assert procedure.published_revision.number == 2
    assert procedure.published_revision.form_schema == schema
    assert procedure.revisions.get(number=1).form_schema == FORMS["rendez-vous-elu"]


def test_every_demo_page_renders(client):
    load()
    for url in ["/", "/demarches/", "/demarches/?q=salle", "/accessibilite/", "/mentions-legales/",
                "/donnees-personnelles/", "/contact/",
                *[f"/demarches/{slug}/" for slug in data.PROCEDURES],
                *[f"/demarches/categorie/{slug}/" for slug in data.CATEGORIES],
                *[f"/demarches/evenement/{slug}/" for slug in data.LIFE_EVENTS]]:
        assert client.get(url).status_code == 200, url


def test_demo_search_finds_demo_procedures(client):
    load()
    page = client.get("/demarches/", {"q": "acte de naissance"}).content.decode()
    assert "Copie ou extrait d&#x27;acte de naissance" in page


def test_demo_accounts_prints_a_table_with_password_and_url(capsys, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    load(capsys)
    call_command("demo_accounts")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000" in out
    assert data.DEMO_PASSWORD in out
    for email in ["instructeur.etatcivil@admiville.fr", "admin@admiville.fr", "camille.durand@example.org",
                  "agent.accueil@admiville.fr", "chef.etatcivil@admiville.fr", "admin.demarches@admiville.fr"]:
        assert email in out
    assert "absent" not in out


def test_demo_accounts_before_loading_says_what_to_do(capsys):
    call_command("demo_accounts")
    assert "load_demo" in capsys.readouterr().out


def test_full_demo_has_every_feature_and_loads_twice(capsys):
    """`make demo` loads the core and every feature's demo; a second run adds nothing."""
    from parvis.appointments.models import Appointment
    from parvis.billing.models import Invoice
    from parvis.cases.models import Case
    from parvis.families.models import Registration
    from parvis.reports.models import Report
    from parvis.workflows import load_workflow

    call_command("load_demo")
    counts = {model: model.objects.count() for model in (Case, Appointment, Report, Invoice, Registration)}
    assert all(counts.values()), counts
    assert Procedure.objects.filter(status=ProcedureStatus.PUBLISHED).count() >= 25
    default_statuses = {status.key for status in load_workflow({}).statuses}
    assert default_statuses <= set(Case.objects.values_list("status", flat=True))
    assert Invoice.objects.filter(status="paid").exists() and Invoice.objects.exclude(status="paid").exists()

    call_command("load_demo")
    assert "rien à changer" in capsys.readouterr().out
    assert {model: model.objects.count() for model in counts} == counts
