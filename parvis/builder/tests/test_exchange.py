"""Import and export as JSON (docs/procedure-format.md): round trip, every problem reported at once."""

import copy
import json
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parvis.builder import exchange, services
from parvis.builder.tests.helpers import SCHEMA, make_published_procedure, make_ready_procedure
from parvis.procedures.models import Category, LifeEvent, Procedure, ProcedureStatus
from parvis.testing.catalogue_factories import make_life_event
from parvis.workflows import DEFAULT_WORKFLOW

pytestmark = pytest.mark.django_db


def upload(document, name="demarche.json"):
    raw = document if isinstance(document, bytes) else json.dumps(document, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, raw, content_type="application/json")


def test_export_then_import_gives_the_same_procedure(admin, department, category, other_department):
    life_event = make_life_event(name="J'organise un événement", slug="j-organise-un-evenement")
    procedure = make_published_procedure(admin, department, category)
    services.edit_settings(procedure, admin, {"life_events": [life_event.pk], "description": "Trois salles."})
    document = exchange.export_document(procedure)
    assert document["format"] == "parvis.procedure" and document["version"] == 1
    assert document["source"]["draft"] is True and document["source"]["revision"] == 2
    assert document["procedure"]["legal"] == {"regime": "SVR", "period": {"value": 2, "unit": "months"},
                                              "legal_basis": "CRPA L231-4, 3°", "acknowledgement_due": True}
    assert document["procedure"]["privacy"]["retention_months"] == 24
    assert document["procedure"]["category"] == {"slug": category.slug, "name": category.name}
    assert document["procedure"]["life_events"] == ["j-organise-un-evenement"]
    assert document["workflow"] == DEFAULT_WORKFLOW

    result = exchange.read_document(exchange.dumps(document).encode())
    assert result.ok and result.warnings == []
    imported = exchange.import_procedure(result, user=admin, department=department)
    assert imported.pk != procedure.pk and imported.status == ProcedureStatus.DRAFT
    assert imported.slug == f"{procedure.slug}-2"  # the address was taken
    copy_state, original = services.state(imported), services.state(procedure)
    assert copy_state.schema == original.schema == SCHEMA and copy_state.workflow == original.workflow
    for name, value in original.settings.items():
        if name != "slug":
            assert copy_state.settings[name] == value, name
    assert services.problems(imported) == []
    assert imported.publication_events.get().action == "import"


def test_the_import_page_creates_a_draft_procedure(admin_client, admin, department, category):
    document = exchange.export_document(make_ready_procedure(admin, department, category))
    document["procedure"]["category"] = {"slug": "vie-associative", "name": "Vie associative"}
    document["procedure"]["privacy"]["purpose"] = ""
    response = admin_client.post(reverse("builder:import"), {"file": upload(document), "department": department.pk})
    procedure = Procedure.objects.order_by("-pk").first()
    assert response["Location"] == reverse("builder:overview", args=[procedure.pk])
    assert procedure.category == Category.objects.get(slug="vie-associative")  # created from the file
    page = unescape(admin_client.get(response["Location"]).content.decode())
    assert "est importée, en brouillon" in page
    assert ("À compléter avant de publier : Données personnelles : la finalité du traitement est obligatoire pour "
            "publier.") in page
    # A category chosen on the page wins over the file's.
    admin_client.post(reverse("builder:import"), {"file": upload(document), "department": department.pk,
                                                  "category": category.pk})
    assert Procedure.objects.order_by("-pk").first().category == category


def test_every_problem_of_a_file_is_reported_at_once(admin_client, department):
    document = {
        "format": "parvis.procedure", "version": 1, "extra": True,
        "procedure": {
            "title": "", "slug": "Pas un slug !", "family": "inconnue", "couleur": "bleu",
            "category": {"slug": "etat-civil"},
            "access": {"account_required": "oui"},
            "legal": {"regime": "SVA", "period": None, "legal_basis": "CRPA"},
            "privacy": {"purpose": "Instruire.", "legal_basis": "interet_legitime", "retention_months": 5000},
        },
        "form": {"version": 1, "pages": [{"key": "vous", "title": "Vous", "sections": [
            {"key": "identite", "title": "Identité", "fields": [
                {"key": "nom", "type": "text", "label": "Nom"},
                {"key": "nom", "type": "text", "label": "Nom d'usage"},
                {"key": "prenom", "type": "text", "label": "Prénom",
                 "condition": {"field": "supprime", "op": "filled"}},
            ]}]}]},
        "workflow": {**copy.deepcopy(DEFAULT_WORKFLOW), "statuses": copy.deepcopy(DEFAULT_WORKFLOW["statuses"]) + [
            {"key": "oubliee", "label": "Oubliée", "resident_label": "Oubliée"}]},
    }
    document["workflow"]["statuses"][0]["next_step"] = "Le service {{ service.nom }} examine votre demande."
    result = exchange.read_document(json.dumps(document))
    expected = [
        "champ inconnu « extra »",
        "procedure : champ inconnu « couleur »",
        "procedure.title : ne peut pas être vide.",
        "procedure.slug : « Pas un slug ! » n'est pas un identifiant valide",
        "procedure.family : valeur inconnue « inconnue »",
        "procedure.category.name : obligatoire.",
        "procedure.access.account_required : doit valoir true ou false.",
        "procedure.legal.period : le régime « Silence vaut acceptation » a besoin d'un délai",
        "procedure.privacy.legal_basis : valeur inconnue « interet_legitime »",
        "procedure.privacy.retention_months : doit être un nombre entier de 1 à 1200.",
        "form : Page « vous », section « identite », champ 2 : identifiant « nom » en double.",
        "form : Page « vous », champ « prenom », condition : porte sur le champ inconnu « supprime ».",
        "workflow : Statut « received » : prochaine étape : le champ de fusion « {{ service.nom }} » n'existe pas.",
        "workflow : Statut « oubliee » : il ne peut pas être atteint depuis le statut initial « received ».",
        "workflow : Statut « oubliee » : ce statut n'est pas final et aucune transition n'en sort.",
    ]
    assert not result.ok
    for message in expected:
        assert any(error.startswith(message) or message in error for error in result.errors), (message, result.errors)
    assert len(result.errors) == len(expected)
    response = admin_client.post(reverse("builder:import"), {"file": upload(document), "department": department.pk})
    page = unescape(response.content.decode())
    assert response.status_code == 400 and f"{len(expected)} problèmes" in page
    for message in expected:
        assert message in page, message
    assert not Procedure.objects.exists()


@pytest.mark.parametrize(("raw", "message"), [
    (b"{ pas du json", "Le fichier n'est pas un JSON valide"),
    (b"\xff\xfe\x00", "Le fichier n'est pas un texte UTF-8"),
    (b"[]", "Le fichier doit contenir un objet JSON"),
    (json.dumps({"format": "parvis.procedure", "version": 2}).encode(), "version 2 du format, plus récente"),
    (json.dumps({"format": "autre"}).encode(), "ce fichier n'est pas une démarche Parvis"),
])
def test_unreadable_files_are_explained(raw, message):
    result = exchange.read_document(raw)
    assert not result.ok and any(message in error for error in result.errors), result.errors


def test_a_too_large_file_is_refused():
    result = exchange.read_document(b" " * (exchange.MAX_FILE_BYTES + 1))
    assert result.errors == ["Le fichier dépasse 2 Mo."]


def test_the_default_workflow_may_be_named_and_assignments_are_checked(admin, department, category):
    document = exchange.export_document(make_ready_procedure(admin, department, category))
    document["workflow"] = "default"
    result = exchange.read_document(document)
    assert result.ok and result.workflow == DEFAULT_WORKFLOW
    document["workflow"] = copy.deepcopy(DEFAULT_WORKFLOW)
    document["workflow"]["statuses"][0]["on_enter"] = [{"type": "assign", "to": "department:service-inconnu"}]
    result = exchange.read_document(document)
    assert result.errors == ["workflow : Statut « received », action n° 1 (assign) : aucun service n'a l'identifiant "
                             "« service-inconnu »."]


def test_life_events_are_linked_when_the_commune_has_them(admin, department, category):
    LifeEvent.objects.create(name="Je déménage", slug="je-demenage")
    document = exchange.export_document(make_ready_procedure(admin, department, category))
    document["procedure"]["life_events"] = ["je-demenage", "inconnu"]
    procedure = exchange.import_procedure(exchange.read_document(document), user=admin, department=department)
    assert services.state(procedure).settings["life_events"] == [LifeEvent.objects.get().pk]
