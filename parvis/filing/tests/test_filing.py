"""Filing online, page by page, through HTTP."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parvis.cases.models import Case, CaseDocument
from parvis.filing.models import Draft, DraftFile, DraftStatus
from parvis.filing.tests.conftest import SCHEMA, fill_all, future_date, page_url, post_page, start
from parvis.formengine.tests.helpers import pdf_bytes, png_bytes
from parvis.procedures.models import ProcedureRevision, ProcedureStatus
from parvis.testing.factories import make_procedure, make_resident

pytestmark = pytest.mark.django_db


def pdf(name="plan.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def html(response):
    return unescape(response.content.decode())


# --- Starting ----------------------------------------------------------------------------------

def test_filing_urls_are_distinct_from_the_procedure_page(client, procedure):
    assert client.get(f"/demarches/{procedure.slug}/").status_code == 200
    assert client.get(f"/demarches/{procedure.slug}/deposer/").status_code == 302  # login first


def test_only_published_online_procedures_can_be_filed(logged_in):
    assert logged_in.get("/demarches/nexiste-pas/deposer/").status_code == 404
    offline = make_procedure(schema=SCHEMA, channel_web=False)
    assert logged_in.get(f"/demarches/{offline.slug}/deposer/").status_code == 404
    unpublished = make_procedure(schema=SCHEMA, publish=False)
    assert logged_in.get(f"/demarches/{unpublished.slug}/deposer/").status_code == 404
    closed = make_procedure(schema=SCHEMA)
    closed.status = ProcedureStatus.CLOSED
    closed.save()
    assert logged_in.post(f"/demarches/{closed.slug}/deposer/").status_code == 404


def test_account_required_redirects_to_login_with_next(client, procedure):
    response = client.get(f"/demarches/{procedure.slug}/deposer/")
    assert response.status_code == 302
    assert response["Location"] == f"/compte/connexion/?next=/demarches/{procedure.slug}/deposer/"
    assert client.post(f"/demarches/{procedure.slug}/deposer/").status_code == 302
    assert not Draft.objects.exists()


def test_start_page_then_first_page(logged_in, procedure):
    response = logged_in.get(f"/demarches/{procedure.slug}/deposer/")
    assert "Le formulaire compte de 3 à 4 étapes selon vos réponses" in html(response)
    assert "Commencer" in html(response)
    draft, location = start(logged_in, procedure)
    assert location == page_url(draft, "demandeur")
    assert draft.revision == procedure.published_revision
    response = logged_in.get(location)
    assert response.status_code == 200
    content = html(response)
    assert "Étape 1 sur 5" in content
    assert '<fieldset class="fe-section"' in content and "<legend" in content
    assert "formengine/conditions.js" in content
    assert "Enregistrer et continuer plus tard" in content


# --- Page by page, pre-fill and drafts ---------------------------------------------------------

def test_prefill_from_profile_with_its_source_and_override_for_this_request_only(logged_in, procedure, resident):
    draft, location = start(logged_in, procedure)
    content = html(logged_in.get(location))
    assert 'value="Camille"' in content and 'value="Durand"' in content
    assert 'value="06 12 34 56 78"' in content
    assert "Pré-rempli depuis votre profil — vous pouvez le modifier pour cette demande." in content
    assert 'autocomplete="family-name"' in content

    post_page(logged_in, draft, "demandeur", {"prenom": "Camille", "nom": "Durand-Martin", "telephone": ""})
    draft.refresh_from_db()
    assert draft.answers == {"prenom": "Camille", "nom": "Durand-Martin", "telephone": None}
    content = html(logged_in.get(page_url(draft, "demandeur")))
    assert 'value="Durand-Martin"' in content  # the answer for this request, not the profile
    resident.refresh_from_db()
    assert resident.last_name == "Durand" and resident.phone == "0612345678"


def test_valid_answers_are_saved_even_when_another_field_is_invalid(logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    response = post_page(logged_in, draft, "reservation",
                         {"salle": "gymnase", "sono": "true", "puissance": "-3", "date": "30/02/2025",
                          "plan": pdf("mon-plan.pdf")})
    assert response.status_code == 200
    content = html(response)
    assert "Indiquez une date valide, par exemple 14/07/2026." in content
    assert "Indiquez un nombre supérieur ou égal à 1." in content
    assert 'value="30/02/2025"' in content  # what was typed is shown again
    assert "Déjà joint" in content and "mon-plan.pdf" in content and "Retirer « mon-plan.pdf »" in content
    assert 'aria-invalid="true"' in content and "Erreur : " in content
    draft.refresh_from_db()
    assert draft.answers["salle"] == "gymnase" and draft.answers["sono"] is True
    assert "date" not in draft.answers and "puissance" not in draft.answers
    assert [ref["name"] for ref in draft.answers["plan"]] == ["mon-plan.pdf"]
    assert DraftFile.objects.filter(draft=draft, field_key="plan").count() == 1

    # The file joined before satisfies the required field: no need to upload it again.
    response = post_page(logged_in, draft, "reservation",
                         {"salle": "gymnase", "sono": "true", "puissance": "300", "date": future_date()})
    assert response.status_code == 302
    assert response["Location"] == page_url(draft, "association")


def test_disguised_executables_and_oversized_files_are_refused(logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    for name, content in (("plan.pdf", b"MZ\x90\x00" + b"\x00" * 500),
                          ("plan.pdf", b"\x7fELF\x02\x01" + b"\x00" * 500)):
        response = post_page(logged_in, draft, "reservation", {"salle": "stade", "date": future_date(),
                                                               "plan": SimpleUploadedFile(name, content)})
        assert response.status_code == 200
        assert "est un programme, pas un document : il est refusé" in html(response)
    big = SimpleUploadedFile("plan.png", png_bytes() + b"\x00" * (1024 * 1024))
    response = post_page(logged_in, draft, "reservation", {"salle": "stade", "date": future_date(), "plan": big})
    assert "est trop lourd" in html(response) and "1 Mo au maximum" in html(response)
    assert not DraftFile.objects.exists()


def test_replace_and_remove_a_joined_file(logged_in, procedure, django_capture_on_commit_callbacks):
    draft, _ = start(logged_in, procedure)
    post_page(logged_in, draft, "reservation", {"salle": "stade", "date": "", "plan": pdf("premier.pdf")})
    first = DraftFile.objects.get(draft=draft).stored_file
    storage, first_name = first.file.storage, first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        post_page(logged_in, draft, "reservation", {"salle": "stade", "date": "",
                                                    "plan": SimpleUploadedFile("second.png", png_bytes())})
    draft.refresh_from_db()
    assert [ref["name"] for ref in draft.answers["plan"]] == ["second.png"]
    assert list(DraftFile.objects.filter(draft=draft).values_list("stored_file__original_name", flat=True)) == \
        ["second.png"]
    assert not storage.exists(first_name)
    file_id = draft.answers["plan"][0]["file_id"]
    response = post_page(logged_in, draft, "reservation",
                         {"salle": "stade", "date": future_date(), "plan__retirer": file_id})
    assert response.status_code == 200
    assert "Joignez un fichier." in html(response)
    assert not DraftFile.objects.filter(draft=draft).exists()


def test_draft_file_download_for_its_owner(logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    post_page(logged_in, draft, "reservation", {"salle": "stade", "plan": pdf()})
    file_id = DraftFile.objects.get(draft=draft).stored_file_id
    response = logged_in.get(f"/demarches/{procedure.slug}/deposer/{draft.pk}/fichiers/{file_id}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"


def test_previous_save_for_later_and_resume(logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    post_page(logged_in, draft, "demandeur", {"prenom": "Camille", "nom": "Durand"})
    response = post_page(logged_in, draft, "reservation", {"salle": "gymnase"}, action="previous")
    assert response["Location"] == page_url(draft, "demandeur")
    draft.refresh_from_db()
    assert draft.answers["salle"] == "gymnase"  # saved even on the way back
    first_expiry = draft.expires_at

    response = post_page(logged_in, draft, "reservation", {"salle": "stade"}, action="save")
    assert response["Location"] == f"/demarches/{procedure.slug}/deposer/{draft.pk}/enregistree/"
    content = html(logged_in.get(response["Location"]))
    assert "Votre demande en cours est enregistrée" in content
    draft.refresh_from_db()
    assert draft.current_page == "reservation" and draft.answers["salle"] == "stade"
    assert draft.expires_at >= first_expiry

    # Coming back: the start page offers to resume it or to start a new one.
    content = html(logged_in.get(f"/demarches/{procedure.slug}/deposer/"))
    assert "Vous avez déjà commencé cette démarche" in content
    assert f'href="{page_url(draft, "reservation")}"' in content
    assert "Commencer une nouvelle demande" in content
    new_draft, _ = start(logged_in, procedure)
    assert new_draft.pk != draft.pk
    assert Draft.objects.filter(status=DraftStatus.IN_PROGRESS).count() == 2


def test_pages_whose_condition_is_false_are_skipped(logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    response = post_page(logged_in, draft, "reservation", {"salle": "stade", "date": future_date(), "plan": pdf()})
    assert response["Location"] == page_url(draft, "engagement")  # no "association" page for the stadium
    assert logged_in.get(page_url(draft, "association"))["Location"] == page_url(draft, "engagement")
    assert "Étape 3 sur 4" in html(logged_in.get(page_url(draft, "engagement")))
    assert logged_in.get(page_url(draft, "inconnue")).status_code == 404


# --- Review and submission ---------------------------------------------------------------------

def test_full_filing_review_submit_and_confirmation(logged_in, procedure, resident, mailbox,
                                                    django_capture_on_commit_callbacks):
    draft, _ = start(logged_in, procedure)
    fill_all(logged_in, draft, pdf("plan-salle.pdf"))
    review_url = f"/demarches/{procedure.slug}/deposer/{draft.pk}/verification/"
    response = logged_in.get(review_url)
    content = html(response)
    assert "Vérifiez votre demande" in content
    assert "Salle des fêtes" in content and "Les Amis du Parc" in content and "plan-salle.pdf" in content
    assert "Non renseigné" in content  # the optional phone left empty
    assert f'{page_url(draft, "reservation")}?depuis=verification' in content
    # The GDPR notice of the procedure, with the commune's DPO.
    assert "Vos données personnelles" in content and "dpo@admiville.fr" in content
    assert "Responsable du traitement" in content and "Instruire la demande." in content
    assert "Certaines réponses manquent" not in content

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(f"/demarches/{procedure.slug}/deposer/{draft.pk}/envoyer/",
                                  {"revision": str(draft.revision_id)})
    confirmation = f"/demarches/{procedure.slug}/deposer/{draft.pk}/confirmation/"
    assert response["Location"] == confirmation
    case = Case.objects.get()
    assert case.applicant == resident and case.channel == "web" and case.revision == procedure.published_revision
    assert case.answers["salle"] == "salle" and case.answers["reglement"] is True
    assert "sono" in case.answers and "puissance" not in case.answers
    document = CaseDocument.objects.get(case=case, kind="attachment")
    assert document.field_key == "plan" and document.stored_file.original_name == "plan-salle.pdf"
    assert case.answers["plan"] == [document.stored_file.as_answer()]
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED and draft.submitted_case == case
    assert draft.answers == {} and not DraftFile.objects.exists()
    assert mailbox.to(resident.email), "the registration receipt is sent by the cases service"

    content = html(logged_in.get(confirmation))
    assert case.reference in content
    assert "Un courriel de confirmation vous a été envoyé" in content
    assert "(heure de Paris)" in content
    assert f'href="/mes-demandes/{case.reference}/"' in content
    # The draft is no longer editable.
    assert logged_in.get(page_url(draft, "demandeur")).status_code == 404
    assert logged_in.get(review_url).status_code == 404


def test_double_submit_files_one_case(logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    fill_all(logged_in, draft, pdf())
    url = f"/demarches/{procedure.slug}/deposer/{draft.pk}/envoyer/"
    first = logged_in.post(url, {"revision": str(draft.revision_id)})
    second = logged_in.post(url, {"revision": str(draft.revision_id)})
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1


def test_submit_service_is_idempotent(logged_in, procedure):
    from parvis.filing.services import submit_draft

    draft, _ = start(logged_in, procedure)
    fill_all(logged_in, draft, pdf())
    stale = Draft.objects.get(pk=draft.pk)  # a second request that read the draft before the first commit
    case = submit_draft(draft)
    assert submit_draft(stale) == case
    assert Case.objects.count() == 1


def test_a_tampered_hidden_answer_is_cleared_at_submission(logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    fill_all(logged_in, draft, pdf(), salle="salle")
    # The resident changes their mind: the stadium needs no sound system and no association. A forged
    # POST still sends answers to the fields now hidden: they are not saved...
    response = post_page(logged_in, draft, "reservation", {"salle": "stade", "sono": "true", "puissance": "5000",
                                                           "date": future_date()})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["sono"] is False and "puissance" not in draft.answers
    assert draft.answers["nom_asso"] == "Les Amis du Parc"  # typed while its page was shown
    # ... and answers stored while the fields were visible are dropped at submission.
    logged_in.post(f"/demarches/{procedure.slug}/deposer/{draft.pk}/envoyer/", {"revision": str(draft.revision_id)})
    case = Case.objects.get()
    assert "nom_asso" not in case.answers and "sono" not in case.answers and "puissance" not in case.answers
    assert case.answers["salle"] == "stade"


def test_skipping_a_required_page_by_posting_to_submit_is_refused(logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    post_page(logged_in, draft, "demandeur", {"prenom": "Camille", "nom": "Durand"})
    response = logged_in.post(f"/demarches/{procedure.slug}/deposer/{draft.pk}/envoyer/",
                              {"revision": str(draft.revision_id)})
    assert response.status_code == 302
    assert response["Location"] == page_url(draft, "reservation") + "?verifier=1"
    assert not Case.objects.exists()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_PROGRESS
    content = html(logged_in.get(response["Location"]))
    assert "Votre demande n'a pas été envoyée" in content
    assert "Choisissez une réponse." in content and "Joignez un fichier." in content
    # The review lists what is missing.
    content = html(logged_in.get(f"/demarches/{procedure.slug}/deposer/{draft.pk}/verification/"))
    assert "Certaines réponses manquent" in content
    assert "Votre réservation" in content and "Engagement" in content


def test_modify_from_the_review_comes_back_to_it(logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    fill_all(logged_in, draft, pdf())
    content = html(logged_in.get(page_url(draft, "demandeur") + "?depuis=verification"))
    assert 'name="from_review"' in content
    response = post_page(logged_in, draft, "demandeur", {"prenom": "Camille", "nom": "Martin", "from_review": "1"})
    assert response["Location"] == f"/demarches/{procedure.slug}/deposer/{draft.pk}/verification/"


def test_the_draft_keeps_its_revision_when_a_new_one_is_published(logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    fill_all(logged_in, draft, pdf())
    new_schema = {"version": 1, "pages": [{"key": "autre", "title": "Autre", "sections": [
        {"key": "s", "title": "S", "fields": [{"key": "z", "type": "text", "label": "Z", "required": True}]}]}]}
    newer = ProcedureRevision.objects.create(procedure=procedure, number=2, form_schema=new_schema)
    procedure.published_revision = newer
    procedure.save()
    assert logged_in.get(page_url(draft, "reservation")).status_code == 200
    logged_in.post(f"/demarches/{procedure.slug}/deposer/{draft.pk}/envoyer/", {"revision": str(draft.revision_id)})
    assert Case.objects.get().revision_id == draft.revision_id != newer.pk


# --- Access ------------------------------------------------------------------------------------

def test_another_residents_draft_pages_and_files_are_404(client, logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    post_page(logged_in, draft, "reservation", {"salle": "stade", "plan": pdf()})
    file_id = DraftFile.objects.get(draft=draft).stored_file_id
    base = f"/demarches/{procedure.slug}/deposer/{draft.pk}"
    other = make_resident()
    client.logout()
    client.force_login(other)
    for url in (f"{base}/demandeur/", f"{base}/verification/", f"{base}/fichiers/{file_id}/", f"{base}/supprimer/",
                f"{base}/enregistree/", f"{base}/confirmation/"):
        assert client.get(url).status_code == 404, url
    assert post_page(client, draft, "demandeur", {"prenom": "Pirate"}).status_code == 404
    assert client.post(f"{base}/envoyer/", {"revision": str(draft.revision_id)}).status_code == 404
    assert client.post(f"{base}/supprimer/").status_code == 404
    # Another procedure's slug with the right draft id is 404 too.
    other_procedure = make_procedure(schema=SCHEMA)
    client.force_login(draft.user)
    assert client.get(f"/demarches/{other_procedure.slug}/deposer/{draft.pk}/demandeur/").status_code == 404
    # A file of another draft, even one's own, is 404 through this draft.
    second, _ = start(client, procedure)
    assert client.get(f"/demarches/{procedure.slug}/deposer/{second.pk}/fichiers/{file_id}/").status_code == 404
    draft.refresh_from_db()
    assert draft.answers.get("prenom") is None


def test_a_tampered_revision_is_404(logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    other_revision = make_procedure(schema=SCHEMA).published_revision
    response = logged_in.post(page_url(draft, "demandeur"),
                              {"revision": str(other_revision.pk), "prenom": "Camille", "nom": "Durand"})
    assert response.status_code == 404
    fill_all(logged_in, draft, pdf())
    response = logged_in.post(f"/demarches/{procedure.slug}/deposer/{draft.pk}/envoyer/",
                              {"revision": str(other_revision.pk)})
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_delete_a_draft_and_its_files(logged_in, procedure, django_capture_on_commit_callbacks):
    draft, _ = start(logged_in, procedure)
    post_page(logged_in, draft, "reservation", {"salle": "stade", "plan": pdf()})
    stored = DraftFile.objects.get(draft=draft).stored_file
    storage, name = stored.file.storage, stored.file.name
    assert storage.exists(name)
    url = f"/demarches/{procedure.slug}/deposer/{draft.pk}/supprimer/"
    assert "Supprimer votre demande en cours ?" in html(logged_in.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(url)
    assert response.status_code == 302
    assert not Draft.objects.filter(pk=draft.pk).exists()
    assert not DraftFile.objects.exists()
    assert not type(stored).objects.filter(pk=stored.pk).exists()
    assert not storage.exists(name)


def test_drafts_for_user(logged_in, procedure, resident):
    from parvis.filing.services import drafts_for_user

    first, _ = start(logged_in, procedure)
    second, _ = start(logged_in, procedure)
    fill_all(logged_in, second, pdf())
    logged_in.post(f"/demarches/{procedure.slug}/deposer/{second.pk}/envoyer/", {"revision": str(second.revision_id)})
    start(make_logged_in_other(logged_in), procedure)
    drafts = list(drafts_for_user(resident))
    assert drafts == [first]
    assert drafts[0].get_absolute_url() == page_url(first, "demandeur")
    assert drafts[0].get_delete_url() == f"/demarches/{procedure.slug}/deposer/{first.pk}/supprimer/"


def make_logged_in_other(client):
    client.logout()
    client.force_login(make_resident())
    return client


def test_query_counts_of_the_form_pages(logged_in, procedure, django_assert_max_num_queries):
    draft, _ = start(logged_in, procedure)
    fill_all(logged_in, draft, pdf())
    for url in (page_url(draft, "reservation"), f"/demarches/{procedure.slug}/deposer/{draft.pk}/verification/"):
        with django_assert_max_num_queries(7):
            assert logged_in.get(url).status_code == 200


def test_conditional_fields_explain_when_to_fill_them_without_javascript(logged_in, procedure):
    draft, _ = start(logged_in, procedure)
    raw = logged_in.get(page_url(draft, "reservation")).content.decode()
    content = unescape(raw)
    assert "À remplir seulement si vous avez répondu « Salle des fêtes » ou « Gymnase » à « Salle »." in content
    assert 'data-fe-condition="{' in raw and "&quot;field&quot;: &quot;salle&quot;" in raw
    assert '<fieldset class="fe-group" aria-describedby="id_sono-condition">' in content
    assert '<legend>Avez-vous besoin d\'une sonorisation ? <span class="required">(obligatoire)</span></legend>' \
        in content
