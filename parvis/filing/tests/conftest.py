"""Fixtures for the filing tests: a procedure with a four-page form, residents, and page helpers."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.filing.models import Draft
from parvis.testing.factories import make_commune, make_procedure, make_resident

ROOMS = [{"value": "salle", "label": "Salle des fêtes"}, {"value": "gymnase", "label": "Gymnase"},
         {"value": "stade", "label": "Stade"}]

SCHEMA = {"version": 1, "pages": [
    {"key": "demandeur", "title": "Vos coordonnées", "sections": [
        {"key": "identite", "title": "Identité", "fields": [
            {"key": "prenom", "type": "text", "label": "Prénom", "required": True, "prefill": "profile.first_name"},
            {"key": "nom", "type": "text", "label": "Nom", "required": True, "prefill": "profile.last_name"},
            {"key": "telephone", "type": "phone", "label": "Téléphone", "prefill": "profile.phone"},
        ]}]},
    {"key": "reservation", "title": "Votre réservation", "sections": [
        {"key": "lieu", "title": "Le lieu", "fields": [
            {"key": "salle", "type": "choice", "label": "Salle", "required": True, "choices": ROOMS},
            {"key": "sono", "type": "yesno", "label": "Avez-vous besoin d'une sonorisation ?", "required": True,
             "condition": {"field": "salle", "op": "one_of", "value": ["salle", "gymnase"]}},
            {"key": "puissance", "type": "integer", "label": "Puissance (W)", "required": True, "min": 1,
             "condition": {"field": "sono", "op": "equals", "value": True}},
            {"key": "date", "type": "date", "label": "Date souhaitée", "required": True, "min": "today"},
            {"key": "plan", "type": "file", "label": "Plan d'installation", "required": True,
             "accept": ["pdf", "png"], "max_size_mb": 1},
        ]}]},
    {"key": "association", "title": "Votre association",
     "condition": {"field": "salle", "op": "not_equals", "value": "stade"}, "sections": [
        {"key": "asso", "title": "L'association", "fields": [
            {"key": "nom_asso", "type": "text", "label": "Nom de l'association", "required": True}]}]},
    {"key": "engagement", "title": "Engagement", "sections": [
        {"key": "regles", "title": "Règlement", "fields": [
            {"key": "reglement", "type": "consent", "label": "J'ai lu le règlement de la salle", "required": True}]}]},
]}


def future_date(days=30):
    return (timezone.localdate() + dt.timedelta(days=days)).strftime("%d/%m/%Y")


@pytest.fixture
def procedure(db):
    make_commune()
    return make_procedure(schema=SCHEMA, title="Réserver une salle", slug="reserver-une-salle")


@pytest.fixture
def resident(db):
    return make_resident(first_name="Camille", last_name="Durand", phone="0612345678")


@pytest.fixture
def logged_in(client, resident):
    client.force_login(resident)
    return client


def start(client, procedure):
    response = client.post(f"/demarches/{procedure.slug}/deposer/")
    assert response.status_code == 302, response.content.decode()[:500]
    return Draft.objects.order_by("-created_at").first(), response["Location"]


def page_url(draft, page_key):
    return f"/demarches/{draft.procedure.slug}/deposer/{draft.pk}/{page_key}/"


def post_page(client, draft, page_key, data=None, action="continue", **extra):
    payload = {"revision": str(draft.revision_id), "action": action}
    payload.update(data or {})
    return client.post(page_url(draft, page_key), payload, **extra)


def fill_all(client, draft, plan, salle="salle"):
    """Fills every page validly (the sound system is not needed)."""
    assert post_page(client, draft, "demandeur", {"prenom": "Camille", "nom": "Durand"}).status_code == 302
    response = post_page(client, draft, "reservation",
                         {"salle": salle, "sono": "false", "date": future_date(), "plan": plan})
    assert response.status_code == 302, response.content.decode()
    if salle != "stade":
        assert post_page(client, draft, "association", {"nom_asso": "Les Amis du Parc"}).status_code == 302
    assert post_page(client, draft, "engagement", {"reglement": "on"}).status_code == 302
