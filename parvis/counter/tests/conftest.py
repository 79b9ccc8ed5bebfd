"""Fixtures of the counter tests: a commune with three departments, agents of every role, residents with
and without email, a two-page procedure, and helpers to drive the counter's pages."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.cases.deadlines import PARIS
from parvis.counter.models import CounterDraft
from parvis.formengine.tests.helpers import pdf_bytes
from parvis.organisation.models import AgentRole, Role
from parvis.testing.factories import make_agent, make_commune, make_department, make_procedure, make_resident

PASSWORD = "un mot de passe solide"

SCHEMA = {"version": 1, "pages": [
    {"key": "demandeur", "title": "Le demandeur", "sections": [
        {"key": "identite", "title": "Identité", "fields": [
            {"key": "nom", "type": "text", "label": "Nom", "required": True, "prefill": "profile.last_name"},
            {"key": "courriel", "type": "email", "label": "Adresse électronique", "required": True,
             "prefill": "profile.email"},
            {"key": "adresse", "type": "address", "label": "Adresse", "required": True, "prefill": "profile.address"},
        ]}]},
    {"key": "demande", "title": "La demande", "sections": [
        {"key": "objet_section", "title": "Objet", "fields": [
            {"key": "objet", "type": "text", "label": "Objet de la demande", "required": True},
            {"key": "justificatif", "type": "file", "label": "Justificatif", "required": False,
             "accept": ["pdf", "png"]},
        ]}]},
]}


def paris_now():
    return timezone.localtime(timezone.now(), PARIS)


def days_ago(days, hour=10, minute=15):
    """An aware Paris datetime `days` days ago at hour:minute."""
    day = paris_now().date() - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def fr(day):
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def commune(db):
    return make_commune()


@pytest.fixture
def accueil(commune):
    return make_department(name="Accueil et courrier", slug="accueil", phone="01 23 45 67 10")


@pytest.fixture
def etat_civil(commune):
    return make_department(name="État civil", slug="etat-civil", phone="01 23 45 67 20",
                           email="etat-civil@admiville.fr")


@pytest.fixture
def urbanisme(commune):
    return make_department(name="Urbanisme", slug="urbanisme", phone="01 23 45 67 30")


@pytest.fixture
def front_desk(accueil):
    agent = make_agent(accueil, Role.FRONT_DESK, email="accueil@admiville.fr", password=PASSWORD)
    agent.first_name, agent.last_name = "Sophie", "Lambert"
    agent.save(update_fields=["first_name", "last_name"])
    return agent


@pytest.fixture
def officer(etat_civil):
    return make_agent(etat_civil, Role.CASE_OFFICER, email="instructeur.ec@admiville.fr")


@pytest.fixture
def head(etat_civil):
    return make_agent(etat_civil, Role.HEAD, email="chef.ec@admiville.fr")


@pytest.fixture
def other_officer(urbanisme):
    return make_agent(urbanisme, Role.CASE_OFFICER, email="instructeur.urba@admiville.fr")


@pytest.fixture
def procedure_admin(etat_civil):
    return make_agent(etat_civil, Role.PROCEDURE_ADMIN, email="admin.demarches@admiville.fr")


@pytest.fixture
def dpo(accueil):
    return make_agent(accueil, Role.DPO, email="dpo@admiville.fr")


@pytest.fixture
def procedure(etat_civil):
    return make_procedure(schema=SCHEMA, department=etat_civil, title="Copie d'acte de naissance",
                          slug="acte-naissance", keywords="état civil, naissance")


@pytest.fixture
def urbanisme_procedure(urbanisme):
    return make_procedure(schema=SCHEMA, department=urbanisme, title="Certificat d'urbanisme", slug="cu",
                          regime="SVR", period_value=2)


@pytest.fixture
def resident(commune):
    return make_resident(email="camille.durand@example.org", first_name="Camille", last_name="Durand",
                         birth_date=dt.date(1985, 7, 14), street="3 rue des Lilas", postcode="99100", city="Admiville",
                         phone="06 98 76 54 32")


@pytest.fixture
def resident_without_email(commune):
    from parvis.accounts.models import User

    return User.objects.create_user(None, None, first_name="Éloïse", last_name="Lefèvre", civility="mme",
                                    birth_date=dt.date(1950, 3, 2), street="12 rue de la Mairie", postcode="99100",
                                    city="Admiville", phone="01 44 55 66 77")


@pytest.fixture
def as_front_desk(client, front_desk):
    client.force_login(front_desk)
    return client


def give_role(user, department, role):
    AgentRole.objects.create(user=user, department=department, role=role)


def start_filing(client, resident, procedure, channel="counter", received=None, expect=302):
    received = received or paris_now()
    response = client.post(f"/agents/guichet/usagers/{resident.pk}/deposer/", {
        "procedure": str(procedure.pk), "channel": channel, "date_reception": fr(received.date()),
        "heure_reception": received.strftime("%H:%M"),
    })
    assert response.status_code == expect, response.content.decode()[:3000]
    if expect != 302:
        return None, response
    return CounterDraft.objects.order_by("-created_at").first(), response


def page_url(draft, key):
    return f"/agents/guichet/depots/{draft.pk}/pages/{key}/"


def post_page(client, draft, key, data=None, files=None, action="continue"):
    payload = {"revision": str(draft.revision_id), "action": action}
    payload.update(data or {})
    payload.update(files or {})
    return client.post(page_url(draft, key), payload)


def fill_form(client, draft, nom="Lefèvre", email="", justificatif=None):
    response = post_page(client, draft, "demandeur", {
        "nom": nom, "courriel": email, "adresse__street": "12 rue de la Mairie", "adresse__postcode": "99100",
        "adresse__city": "Admiville"})
    assert response.status_code == 302, response.content.decode()[:3000]
    files = {"justificatif": justificatif} if justificatif else None
    response = post_page(client, draft, "demande", {"objet": "Copie intégrale"}, files=files)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/agents/guichet/depots/{draft.pk}/documents/"


def submit(client, draft):
    return client.post(f"/agents/guichet/depots/{draft.pk}/deposer/", {"revision": str(draft.revision_id)})


def pdf_upload(name="scan.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")
