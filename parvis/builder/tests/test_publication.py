"""Revisions, test mode, differences, publication and its guard rails, unpublishing and closing."""

import io
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from parvis.builder import services, testmode
from parvis.builder.models import ProcedureClosure, PublicationEvent, TestDraft
from parvis.builder.tests.helpers import SCHEMA, make_published_procedure, make_ready_procedure
from parvis.cases.models import Case, CaseDocument
from parvis.files.models import StoredFile
from parvis.formengine.tests.helpers import pdf_bytes
from parvis.organisation.models import Role
from parvis.procedures.models import ProcedureRevision, ProcedureStatus
from parvis.testing.factories import make_agent, make_resident

pytestmark = pytest.mark.django_db


def url(name, procedure, *args):
    return reverse(f"builder:{name}", args=[procedure.pk, *args])


def text(response):
    return unescape(response.content.decode())


def file_as_resident(client, procedure, answers):
    """Files the procedure through the real filing pages; returns the case."""
    start = f"/demarches/{procedure.slug}/deposer/"
    response = client.post(start)
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    while "/verification/" not in location:
        page_key = location.rstrip("/").rsplit("/", 1)[-1]
        data = {key: value for key, value in answers.items() if key in page_keys(procedure, page_key)}
        response = client.post(location, {**data, "action": "continue"})
        assert response.status_code == 302, text(response)[:3000]
        location = response["Location"]
    draft_id = location.rstrip("/").split("/")[-2]
    response = client.post(f"{start}{draft_id}/envoyer/")
    assert response.status_code == 302, text(response)[:2000]
    return Case.objects.order_by("-pk").first()


def page_keys(procedure, page_key):
    for page in procedure.published_revision.form_schema["pages"]:
        if page["key"] == page_key:
            return {field["key"] for section in page["sections"] for field in section["fields"]}
    return set()


# --- Guard rails of the settings ------------------------------------------------------------------------

def test_an_implicit_decision_regime_needs_a_period(admin_client, admin, department, category):
    procedure = make_ready_procedure(admin, department, category)
    response = admin_client.post(url("legal", procedure), {"regime": "SVA", "period_value": "", "period_unit": "months",
                                                           "legal_basis": "CRPA L231-1", "acknowledgement_due": "on"})
    assert response.status_code == 200
    assert ("Avec le régime « Silence vaut acceptation », indiquez le délai au terme duquel le silence vaut décision "
            "(deux mois en règle générale).") in text(response)
    # Stored otherwise (an import, an old draft), it is a problem that blocks publication.
    services.edit_settings(procedure, admin, {"regime": "SVA", "period_value": None})
    messages = [str(problem) for problem in services.problems(procedure)]
    assert ("Régime juridique : avec le régime « Silence vaut acceptation », indiquez le délai au terme duquel le "
            "silence vaut décision (deux mois en règle générale, CRPA L231-1 et L231-4).") in messages
    with pytest.raises(services.PublishRefused):
        services.publish(procedure, admin)
    admin_client.post(url("legal", procedure), {"regime": "SVR", "period_value": "2", "period_unit": "months",
                                                "legal_basis": "CRPA L231-4", "acknowledgement_due": "on"})
    assert services.problems(procedure) == []


def test_no_publication_without_purpose_legal_basis_and_retention(admin_client, admin, department, category):
    procedure = make_ready_procedure(admin, department, category)
    admin_client.post(url("privacy", procedure), {"privacy_purpose": "", "privacy_legal_basis": "public_task",
                                                  "retention_months": ""})
    services.edit_settings(procedure, admin, {"privacy_legal_basis": ""})
    expected = ["Données personnelles : la finalité du traitement est obligatoire pour publier.",
                "Données personnelles : la base légale du traitement est obligatoire pour publier.",
                "Données personnelles : la durée de conservation est obligatoire pour publier."]
    assert [str(problem) for problem in services.problems(procedure)] == expected
    page = text(admin_client.get(url("publish", procedure)))
    for message in expected:
        assert message in page
    assert "Publier la démarche" not in page
    response = admin_client.post(url("publish", procedure), {"message": ""})
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.DRAFT and procedure.published_revision is None
    assert "La démarche n'a pas été publiée" in text(admin_client.get(response["Location"]))


def test_every_problem_is_listed_at_once_on_the_overview(admin_client, admin, department, category):
    procedure = services.create_procedure(user=admin, title="Vide", department=department, category=category,
                                          family="decision")
    page = text(admin_client.get(url("overview", procedure)))
    for message in ("le résumé est obligatoire", "décrivez l'alternative non numérique",
                    "la finalité du traitement est obligatoire", "la durée de conservation est obligatoire",
                    "ajoutez au moins une page"):
        assert message in page
    assert f'href="{url("privacy", procedure)}"' in page and f'href="{url("form", procedure)}"' in page


def test_information_and_access_settings_are_saved_in_the_draft(admin_client, admin, department, category,
                                                                other_department):
    procedure = make_published_procedure(admin, department, category)
    response = admin_client.post(url("information", procedure), {
        "title": "Réserver une salle municipale", "slug": "autre-adresse", "summary": "Pour vos fêtes.",
        "category": category.pk, "family": "decision", "cost": "Selon la salle"})
    assert response.status_code == 302
    draft = services.state(procedure)
    assert draft.settings["title"] == "Réserver une salle municipale" and draft.settings["cost"] == "Selon la salle"
    assert draft.settings["slug"] == procedure.slug  # a published address does not move
    procedure.refresh_from_db()
    assert procedure.title == "Location de salle"  # live until publication
    response = admin_client.post(url("access", procedure), {"department": other_department.pk,
                                                            "channel_web": "on", "offline_alternative": "Guichet."})
    assert response.status_code == 200  # not a department this administrator holds
    response = admin_client.post(url("access", procedure), {"department": department.pk, "account_required": "on",
                                                            "allow_anonymous": "on", "offline_alternative": "Guichet."})
    page = text(response)
    assert "Le dépôt sans compte n'est possible que si le compte n'est pas requis" in page
    assert "Proposez la démarche sur au moins un canal." in page


# --- Revisions ---------------------------------------------------------------------------------------------

def test_the_published_revision_stays_live_while_the_draft_changes(admin_client, admin, department, category):
    client = Client()
    procedure = make_published_procedure(admin, department, category)
    first = procedure.published_revision
    assert first.number == 1 and first.published_at and not services.state(procedure).has_draft
    resident = make_resident(first_name="Camille", last_name="Durand")
    client.force_login(resident)
    case = file_as_resident(client, procedure, {"prenom": "Camille", "nom": "Durand", "salle": "fetes",
                                                "sono": "true"})
    assert case.revision == first and case.answers["sono"] is True

    # The administrator changes the draft: removes a field, adds one, renames the procedure.
    admin_client.post(url("element_delete", procedure, "champ", "sono"))
    admin_client.post(url("field_add", procedure, "salle_date"), {"type": "integer", "label": "Nombre d'invités",
                                                                 "key": "invites", "min": "1", "max": "200",
                                                                 "required": "on"})
    admin_client.post(url("field_edit", procedure, "salle"), {"label": "Salle souhaitée", "key": "salle",
                                                             "required": "on",
                                                             "choices": "fetes | Salle des fêtes\n"
                                                                        "parc | Salle du Parc"})
    admin_client.post(url("information", procedure), {
        "title": "Réserver une salle", "slug": procedure.slug, "summary": "Réserver une salle municipale.",
        "category": category.pk, "family": "decision"})
    draft_revision = services.state(procedure).draft.revision
    assert draft_revision.number == 2 and draft_revision.published_at is None
    procedure.refresh_from_db()
    assert procedure.published_revision == first and procedure.title == "Location de salle"
    assert first.form_schema == SCHEMA  # published revisions never change
    public = text(client.get(procedure.get_absolute_url()))
    assert "<h1>Location de salle</h1>" in public and "<h1>Réserver une salle</h1>" not in public

    # The differences before publishing
    page = text(admin_client.get(url("publish", procedure)))
    assert "Ce qui change par rapport à la version en ligne (1)" in page
    assert "champ « Nombre d'invités » (nombre entier, page « La réservation »)." in page
    assert "champ « Sonorisation ? »." in page
    assert "champ « Salle », devenu « Salle souhaitée » : libellé." in page
    assert "Titre : « Location de salle » → « Réserver une salle »." in page

    response = admin_client.post(url("publish", procedure), {"message": "Nombre d'invités demandé"})
    assert response.status_code == 302
    procedure.refresh_from_db()
    second = procedure.published_revision
    assert second.pk == draft_revision.pk and second.number == 2 and second.published_at
    assert procedure.title == "Réserver une salle" and procedure.status == ProcedureStatus.PUBLISHED
    assert not services.state(procedure).has_draft
    event = PublicationEvent.objects.filter(procedure=procedure, action="publish").first()
    assert event.actor == admin and event.revision == second and event.message == "Nombre d'invités demandé"
    assert any("Nombre d'invités" in line for line in event.changes)
    assert "Nombre d'invités demandé" in text(admin_client.get(url("history", procedure)))

    # The old case keeps its revision and still displays its answers, the removed field included.
    case.refresh_from_db()
    assert case.revision == first
    detail = text(client.get(reverse("cases:detail", args=[case.reference])))
    assert "Sonorisation ?" in detail and "Nombre d'invités" not in detail
    # New filings use the new revision.
    new_case = file_as_resident(client, procedure, {"prenom": "Camille", "nom": "Durand", "salle": "parc",
                                                    "invites": "40"})
    assert new_case.revision == second and new_case.answers["invites"] == 40


def test_the_slug_is_set_before_the_first_publication(admin_client, admin, department, category):
    procedure = make_ready_procedure(admin, department, category)
    admin_client.post(url("information", procedure), {
        "title": "Location de salle", "slug": "location-de-salle-municipale", "summary": "Réserver.",
        "category": category.pk, "family": "decision"})
    services.publish(procedure, admin)
    procedure.refresh_from_db()
    assert procedure.slug == "location-de-salle-municipale"
    other = make_ready_procedure(admin, department, category, title="Autre")
    response = admin_client.post(url("information", other), {
        "title": "Autre", "slug": "location-de-salle-municipale", "summary": "Réserver.",
        "category": category.pk, "family": "decision"})
    assert "Une autre démarche a déjà l'adresse « location-de-salle-municipale »." in text(response)


# --- Test mode ------------------------------------------------------------------------------------------------

def test_agents_file_test_cases_on_the_draft_and_publication_deletes_them(
        admin_client, admin, department, category, mailbox, django_capture_on_commit_callbacks):
    schema = {"version": 1, "pages": [
        {"key": "vous", "title": "Vous", "sections": [{"key": "identite", "title": "Identité", "fields": [
            {"key": "nom", "type": "text", "label": "Nom", "required": True, "prefill": "profile.last_name"},
            {"key": "plan", "type": "file", "label": "Plan", "accept": ["pdf"]},
        ]}]}]}
    procedure = make_published_procedure(admin, department, category, schema=schema)
    live = procedure.published_revision
    # The draft asks silence = acceptance after 1 month; the live procedure says SVR 2 months.
    admin_client.post(url("legal", procedure), {"regime": "SVA", "period_value": "1", "period_unit": "months",
                                                "legal_basis": "CRPA L231-1", "acknowledgement_due": "on"})
    officer = make_agent(department, role=Role.CASE_OFFICER, email="instructeur@admiville.fr")
    admin_client.force_login(officer)
    response = admin_client.post(url("test_home", procedure))
    test_draft = TestDraft.objects.get()
    assert response["Location"] == url("test_page", procedure, test_draft.pk, "vous")
    page = text(admin_client.get(response["Location"]))
    assert "Mode test." in page and 'value="N' in page  # pre-filled from the agent's profile
    response = admin_client.post(response["Location"], {"nom": "Essai", "plan": SimpleUploadedFile(
        "plan.pdf", pdf_bytes(), content_type="application/pdf"), "action": "continue"})
    assert response["Location"] == url("test_review", procedure, test_draft.pk)
    assert "Essai" in text(admin_client.get(response["Location"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url("test_review", procedure, test_draft.pk))
    case = Case.objects.get()
    assert response["Location"] == url("test_case", procedure, case.reference)
    assert case.is_test and case.revision == services.state(procedure).draft.revision and case.revision != live
    assert case.applicant == officer and case.regime == "SVA" and case.period_value == 1
    assert case.events.filter(kind="test_case").exists()
    assert not TestDraft.objects.exists()
    messages = mailbox.wait_for(2)
    assert all("instructeur@admiville.fr" in str(message["To"]) for message in messages)
    assert "Dossier de test" in text(admin_client.get(response["Location"]))
    assert case.reference in text(admin_client.get(url("test_home", procedure)))
    stored_ids = list(CaseDocument.objects.filter(case=case).values_list("stored_file_id", flat=True))
    assert stored_ids

    admin_client.force_login(admin)
    assert "Le dossier de test sera supprimé." in text(admin_client.get(url("publish", procedure)))
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(procedure, admin)
    assert not Case.objects.filter(is_test=True).exists()
    assert not StoredFile.objects.filter(pk__in=stored_ids).exists()
    event = PublicationEvent.objects.filter(action="publish").first()
    assert "1 dossier(s) de test supprimé(s)." in event.changes


def test_test_mode_needs_a_usable_form_and_reports_missing_answers(admin_client, admin, department, category):
    procedure = services.create_procedure(user=admin, title="Vide", department=department, category=category,
                                          family="decision")
    response = admin_client.post(url("test_home", procedure))
    assert "pas encore utilisable" in text(admin_client.get(response["Location"]))
    services.edit_form(procedure, admin, lambda schema: schema.update(SCHEMA))
    admin_client.post(url("test_home", procedure))
    test_draft = TestDraft.objects.get()
    response = admin_client.post(url("test_review", procedure, test_draft.pk))
    assert response["Location"] == url("test_page", procedure, test_draft.pk, "vous") + "?verifier=1"
    page = text(admin_client.get(response["Location"]))
    assert "Il y a 2 erreurs sur cette page" in page
    assert not Case.objects.exists()
    # Someone else's test filing is not reachable.
    admin_client.force_login(make_agent(department, role=Role.PROCEDURE_ADMIN))
    assert admin_client.get(url("test_review", procedure, test_draft.pk)).status_code == 404


def test_test_cases_are_deleted_with_an_abandoned_draft(admin_client, admin, department, category):
    procedure = make_published_procedure(admin, department, category)
    services.edit_settings(procedure, admin, {"summary": "Autre résumé."})
    test_draft = testmode.start(procedure, admin)
    test_draft.answers = {"prenom": "A", "nom": "B", "salle": "parc"}
    test_draft.save()
    testmode.submit(test_draft)
    assert Case.objects.filter(is_test=True).count() == 1
    response = admin_client.post(url("discard", procedure))
    assert response.status_code == 302
    assert not Case.objects.exists() and not services.state(procedure).has_draft
    assert ProcedureRevision.objects.filter(procedure=procedure).count() == 1
    procedure.refresh_from_db()
    assert procedure.summary == "Réserver une salle municipale."


# --- Unpublish, close, put back online -----------------------------------------------------------------------

def test_unpublish_and_put_back_online(admin_client, admin, department, category):
    client = Client()
    procedure = make_published_procedure(admin, department, category)
    assert client.get(procedure.get_absolute_url()).status_code == 200
    admin_client.post(url("unpublish", procedure))
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.DRAFT and procedure.published_revision.number == 1
    assert client.get(procedure.get_absolute_url()).status_code == 404
    client.force_login(make_resident())
    assert client.get(f"/demarches/{procedure.slug}/deposer/").status_code == 404
    admin_client.post(url("republish", procedure))
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.PUBLISHED
    assert [e.action for e in PublicationEvent.objects.filter(procedure=procedure)][:2] == ["republish", "unpublish"]


def test_close_with_a_message_and_a_replacement(admin_client, admin, department, category):
    procedure = make_published_procedure(admin, department, category)
    replacement = make_published_procedure(admin, department, category, title="Location de salle (nouvelle)")
    page = text(admin_client.get(url("close", procedure)))
    assert "Location de salle (nouvelle)" in page
    response = admin_client.post(url("close", procedure), {"message": ""})
    assert response.status_code == 200 and "Ce champ est obligatoire" in text(response)
    admin_client.post(url("close", procedure), {"message": "Les salles se réservent désormais par la nouvelle "
                                                           "démarche.", "replacement": replacement.pk})
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.CLOSED
    closure = ProcedureClosure.objects.get(procedure=procedure)
    assert closure.closed_by == admin and closure.replacement == replacement
    assert services.closure_notice(procedure) == ("Les salles se réservent désormais par la nouvelle démarche.",
                                                  replacement)
    assert "Les salles se réservent désormais" in text(admin_client.get(url("overview", procedure)))
    # Publishing again lifts the closure.
    services.republish(procedure, admin)
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.PUBLISHED and services.closure_notice(procedure) is None


def test_export_of_the_draft_downloads_json(admin_client, admin, department, category):
    procedure = make_ready_procedure(admin, department, category)
    response = admin_client.get(url("export", procedure))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="demarche-{procedure.slug}.json"'
    import json

    document = json.load(io.BytesIO(response.content))
    assert document["format"] == "parvis.procedure" and document["form"] == SCHEMA


def test_the_closure_notice_for_residents(admin, department, category):
    from django.template.loader import render_to_string

    procedure = make_published_procedure(admin, department, category)
    replacement = make_published_procedure(admin, department, category, title="Nouvelle location")
    services.close(procedure, admin, message="Démarche remplacée.", replacement=replacement)
    procedure.refresh_from_db()
    html = render_to_string("builder/_closure_notice.html", {"closure": services.closure_notice(procedure)})
    assert "Démarche remplacée." in html and f'href="{replacement.get_absolute_url()}"' in html
    services.unpublish(replacement, admin)  # a replacement offline is not offered
    assert services.closure_notice(procedure) == ("Démarche remplacée.", None)
    with pytest.raises(ValueError):
        services.close(procedure, admin, message="x", replacement=procedure)


def test_a_procedure_created_by_mistake_can_be_deleted_with_its_draft(admin, department, category):
    from parvis.builder.models import ProcedureDraft

    procedure = make_ready_procedure(admin, department, category)
    procedure.delete()
    assert not ProcedureDraft.objects.exists() and not ProcedureRevision.objects.exists()
