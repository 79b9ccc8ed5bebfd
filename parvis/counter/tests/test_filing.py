"""Filing for a resident at the counter, on the phone, from a letter or an email: the real date of
receipt (back-dated for a letter), the same legal dates and acknowledgement as online."""

import datetime as dt
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parvis.cases.deadlines import implicit_decision_date
from parvis.cases.models import Case, CaseDocument, DocumentKind
from parvis.counter.models import CounterDraft, DraftStatus
from parvis.counter.tests.conftest import (
    days_ago,
    fill_form,
    fr,
    page_url,
    paris_now,
    pdf_upload,
    post_page,
    start_filing,
    submit,
)
from parvis.privacy.models import AccessAction, AccessLog
from parvis.testing.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("channel", ["counter", "phone", "mail", "email"])
def test_filing_on_each_channel_with_a_back_dated_receipt(as_front_desk, front_desk, resident_without_email,
                                                          procedure, channel, django_capture_on_commit_callbacks):
    received = days_ago(9, 8, 40)  # a letter stamped nine days ago
    draft, response = start_filing(as_front_desk, resident_without_email, procedure, channel=channel,
                                   received=received)
    assert response["Location"] == page_url(draft, "demandeur")
    assert draft.received_at == received and draft.channel == channel and draft.agent == front_desk
    fill_form(as_front_desk, draft)
    assert as_front_desk.get(f"/agents/guichet/depots/{draft.pk}/verification/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(as_front_desk, draft)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/agents/guichet/dossiers/{case.reference}/"
    assert case.channel == channel and case.received_at == received
    assert case.filed_by == front_desk and case.applicant == resident_without_email
    expected = implicit_decision_date(received.date(), "SVA", (2, "months"))
    assert case.implicit_decision_on == expected == _add_two_months(received.date())
    assert case.answers["nom"] == "Lefèvre" and case.answers.get("courriel") is None
    assert case.reference.endswith("000001")
    received_event = case.events.get(kind="received")
    assert received_event.at == received and received_event.channel == channel
    # The acknowledgement was produced (no email to send it to: it is printed at the counter).
    assert case.documents.filter(kind=DocumentKind.ACKNOWLEDGEMENT).count() == 1
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED and draft.submitted_case == case and draft.answers == {}

    page = as_front_desk.get(response["Location"]).content.decode()
    assert case.reference in page and "Télécharger l'accusé de réception à imprimer (PDF)" in page
    assert "pas d'adresse électronique" in page


def _add_two_months(day):
    month = day.month + 2
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_acknowledgement_is_printable_with_dates_department_phone_and_postal_address(
        as_front_desk, front_desk, resident_without_email, procedure, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker yet
    received = days_ago(3, 9, 5)
    draft, _ = start_filing(as_front_desk, resident_without_email, procedure, channel="mail", received=received)
    fill_form(as_front_desk, draft)
    submit(as_front_desk, draft)
    case = Case.objects.get()
    assert not case.documents.filter(kind=DocumentKind.ACKNOWLEDGEMENT).exists()

    response = as_front_desk.get(f"/agents/guichet/dossiers/{case.reference}/accuse-de-reception/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'accuse-de-reception-{case.reference}.pdf' in response["Content-Disposition"]
    text = pdf_text(b"".join(response.streaming_content))
    assert case.reference in text
    assert received.strftime("%-d") in text and "par courrier" in text
    assert case.implicit_decision_on.strftime("%Y") in text
    assert "01 23 45 67 20" in text  # the handling department's phone
    assert "12 rue de la Mairie" in text and "99100 Admiville" in text  # a letter to the resident's address
    assert "Madame Éloïse LEFÈVRE" in text
    # Without email there is no account to follow the case online: the letter says whom to ask.
    assert "contactez le service ci-dessus ou l'accueil de la mairie en indiquant la référence" in text
    assert "/mes-demandes/" not in text
    # Produced once: printing again serves the same document; each download is logged.
    as_front_desk.get(f"/agents/guichet/dossiers/{case.reference}/accuse-de-reception/")
    assert case.documents.filter(kind=DocumentKind.ACKNOWLEDGEMENT).count() == 1
    assert AccessLog.objects.filter(agent=front_desk, action=AccessAction.DOWNLOAD,
                                    case_reference=case.reference).count() == 2


def test_procedure_without_acknowledgement_gets_a_deposit_receipt(as_front_desk, resident, procedure):
    procedure.acknowledgement_due = False
    procedure.save()
    draft, _ = start_filing(as_front_desk, resident, procedure)
    fill_form(as_front_desk, draft, email="camille.durand@example.org")
    submit(as_front_desk, draft)
    case = Case.objects.get()
    page = as_front_desk.get(f"/agents/guichet/dossiers/{case.reference}/").content.decode()
    assert "Récépissé de dépôt" in page
    response = as_front_desk.get(f"/agents/guichet/dossiers/{case.reference}/accuse-de-reception/")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Récépissé de dépôt" in text and case.reference in text and "3 rue des Lilas" in text


@pytest.mark.parametrize("shift, field, message", [
    (dt.timedelta(days=1), "date_reception", "ne peut pas être dans le futur"),
    (dt.timedelta(minutes=30), "heure_reception", "ne peut pas être dans le futur"),
    (-dt.timedelta(days=400), "date_reception", "plus d'un an"),
])
def test_receipt_date_in_the_future_or_too_old_is_refused(as_front_desk, resident, procedure, shift, field, message):
    received = paris_now() + shift
    if field == "heure_reception" and received.date() != paris_now().date():
        pytest.skip("près de minuit, l'heure future tombe le lendemain")
    _, response = start_filing(as_front_desk, resident, procedure, received=received, expect=200)
    page = html.unescape(response.content.decode())
    assert message in page
    assert f'id="id_{field}-erreur"' in page and 'aria-invalid="true"' in page
    assert page.count('id="erreurs"') == 1
    assert not CounterDraft.objects.exists()


def test_date_without_time_is_noon_for_a_past_day(as_front_desk, resident, procedure):
    day = paris_now().date() - dt.timedelta(days=5)
    as_front_desk.post(f"/agents/guichet/usagers/{resident.pk}/deposer/", {
        "procedure": str(procedure.pk), "channel": "mail", "date_reception": fr(day), "heure_reception": ""})
    draft = CounterDraft.objects.get()
    received = draft.received_at.astimezone(paris_now().tzinfo)
    assert received.date() == day and received.time() == dt.time(12, 0)


def test_changing_the_date_later_is_checked_too(as_front_desk, resident, procedure):
    draft, _ = start_filing(as_front_desk, resident, procedure)
    tomorrow = paris_now().date() + dt.timedelta(days=1)
    response = as_front_desk.post(f"/agents/guichet/depots/{draft.pk}/canal-et-date/", {
        "channel": "mail", "date_reception": fr(tomorrow), "heure_reception": "09:00"})
    assert response.status_code == 200 and "ne peut pas être dans le futur" in response.content.decode()
    day = paris_now().date() - dt.timedelta(days=20)
    response = as_front_desk.post(f"/agents/guichet/depots/{draft.pk}/canal-et-date/", {
        "channel": "mail", "date_reception": fr(day), "heure_reception": "09:00"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.channel == "mail" and draft.received_at.date() in (day, day - dt.timedelta(days=1))


def test_required_rules_apply_and_nothing_typed_is_lost(as_front_desk, resident, procedure):
    draft, _ = start_filing(as_front_desk, resident, procedure)
    # The resident has an email: the email field stays required; the name typed is kept.
    response = post_page(as_front_desk, draft, "demandeur", {"nom": "Durand", "courriel": "",
                                                             "adresse__street": "3 rue des Lilas"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "Il y a 3 erreurs sur cette page" in page
    draft.refresh_from_db()
    assert draft.answers["nom"] == "Durand" and "courriel" not in draft.answers
    # Submitting anyway is refused and sends the agent back to the page with its errors.
    response = submit(as_front_desk, draft)
    assert response.status_code == 302 and response["Location"] == page_url(draft, "demandeur") + "?verifier=1"
    assert not Case.objects.exists()


def test_email_is_optional_for_a_resident_without_email(as_front_desk, resident_without_email, procedure):
    draft, _ = start_filing(as_front_desk, resident_without_email, procedure)
    page = as_front_desk.get(page_url(draft, "demandeur")).content.decode()
    assert "Au guichet, ce champ est facultatif" in page
    assert "Pré-rempli depuis la fiche de l&#x27;usager" in page or "Pré-rempli depuis la fiche de l'usager" in page
    assert 'value="12 rue de la Mairie"' in page  # the address comes from the resident's record
    fill_form(as_front_desk, draft)


def test_scanned_documents_and_form_files_become_case_documents(as_front_desk, front_desk, resident, procedure):
    draft, _ = start_filing(as_front_desk, resident, procedure, channel="email")
    fill_form(as_front_desk, draft, email="camille.durand@example.org", justificatif=pdf_upload("justif.pdf"))
    url = f"/agents/guichet/depots/{draft.pk}/documents/"
    assert as_front_desk.get(url).status_code == 200
    fake = SimpleUploadedFile("courriel.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = as_front_desk.post(url, {"revision": str(draft.revision_id), "action": "continue",
                                        "documents_numerises": [pdf_upload("courriel.pdf"), fake]})
    assert response.status_code == 200 and "est un programme" in response.content.decode()
    draft.refresh_from_db()
    assert [ref["name"] for ref in draft.documents] == ["courriel.pdf"]  # the valid one is kept
    response = as_front_desk.post(url, {"revision": str(draft.revision_id), "action": "continue"})
    assert response["Location"] == f"/agents/guichet/depots/{draft.pk}/verification/"
    review = as_front_desk.get(response["Location"]).content.decode()
    assert "courriel.pdf" in review and "justif.pdf" in review
    submit(as_front_desk, draft)
    case = Case.objects.get()
    documents = {(doc.field_key, doc.label) for doc in case.documents.filter(kind=DocumentKind.ATTACHMENT)}
    assert documents == {("justificatif", "justif.pdf"), ("", "courriel.pdf")}
    assert all(doc.added_by == front_desk for doc in CaseDocument.objects.filter(kind=DocumentKind.ATTACHMENT))


def test_double_submission_files_one_case(as_front_desk, resident_without_email, procedure):
    draft, _ = start_filing(as_front_desk, resident_without_email, procedure)
    fill_form(as_front_desk, draft)
    first, second = submit(as_front_desk, draft), submit(as_front_desk, draft)
    assert Case.objects.count() == 1 and first["Location"] == second["Location"]


def test_procedure_list_is_searchable(as_front_desk, resident, procedure, urbanisme_procedure):
    page = as_front_desk.get(f"/agents/guichet/usagers/{resident.pk}/deposer/?q=urbanisme").content.decode()
    assert "Certificat d&#x27;urbanisme" in page and "Copie d&#x27;acte de naissance" not in page
    page = as_front_desk.get(f"/agents/guichet/usagers/{resident.pk}/deposer/").content.decode()
    assert "Certificat d&#x27;urbanisme" in page and "Copie d&#x27;acte de naissance" in page
    assert '<optgroup label="État civil">' in page


def test_abandoning_a_draft_deletes_it(as_front_desk, resident, procedure):
    draft, _ = start_filing(as_front_desk, resident, procedure)
    response = as_front_desk.post(f"/agents/guichet/depots/{draft.pk}/abandonner/")
    assert response["Location"] == f"/agents/guichet/usagers/{resident.pk}/"
    assert not CounterDraft.objects.exists()


def test_page_keys_are_isolated_from_fixed_steps(as_front_desk, resident, procedure):
    draft, _ = start_filing(as_front_desk, resident, procedure)
    assert as_front_desk.get(page_url(draft, "inconnue")).status_code == 404
    assert post_page(as_front_desk, draft, "demandeur", {"revision": "999"}).status_code == 404


def test_forgotten_drafts_expire_with_their_files(as_front_desk, resident, procedure, settings):
    from django.core.management import call_command

    from parvis.files.models import StoredFile

    settings.COUNTER_DRAFT_RETENTION_DAYS = 30
    old, _ = start_filing(as_front_desk, resident, procedure)
    fill_form(as_front_desk, old, email="camille.durand@example.org", justificatif=pdf_upload("justif.pdf"))
    recent, _ = start_filing(as_front_desk, resident, procedure)
    CounterDraft.objects.filter(pk=old.pk).update(updated_at=paris_now() - dt.timedelta(days=31))
    assert StoredFile.objects.count() == 1
    call_command("expire_counter_drafts")
    assert list(CounterDraft.objects.all()) == [recent]
    assert not StoredFile.objects.exists()


def test_a_draft_whose_date_became_too_old_is_sent_back_to_the_date(as_front_desk, resident_without_email, procedure):
    draft, _ = start_filing(as_front_desk, resident_without_email, procedure)
    fill_form(as_front_desk, draft)
    CounterDraft.objects.filter(pk=draft.pk).update(received_at=paris_now() - dt.timedelta(days=370))
    response = submit(as_front_desk, draft)
    assert response["Location"] == f"/agents/guichet/depots/{draft.pk}/canal-et-date/"
    assert not Case.objects.exists()


def test_a_broken_form_is_reported_not_crashed(as_front_desk, resident, procedure):
    procedure.published_revision.form_schema = {"version": 1, "pages": [{"key": "x"}]}
    procedure.published_revision.save()
    _, response = start_filing(as_front_desk, resident, procedure, expect=200)
    assert "Le formulaire de cette démarche est indisponible" in html.unescape(response.content.decode())
    assert not CounterDraft.objects.exists()
