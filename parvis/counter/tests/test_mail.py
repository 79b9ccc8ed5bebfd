"""Incoming mail: a scanned letter registered with its stamped date, then qualified as a new request or
added to an existing case."""

import datetime as dt
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parvis.cases.models import Case, DocumentKind
from parvis.cases.tests.factories import file_case
from parvis.counter.models import CounterDraft, MailItem, MailStatus
from parvis.counter.tests.conftest import fill_form, fr, page_url, paris_now, pdf_upload, submit
from parvis.files.models import StoredFile
from parvis.privacy.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db


def _register(client, scan=None, days=6, subject="Demande de copie d'acte"):
    day = paris_now().date() - dt.timedelta(days=days)
    return client.post("/agents/guichet/courrier/", {
        "scan": scan or pdf_upload("lettre.pdf"), "date_reception": fr(day), "heure_reception": "",
        "subject": subject})


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("lettre.png", buffer.getvalue(), content_type="image/png")


def test_register_a_scanned_letter_with_its_stamped_date(as_front_desk, front_desk):
    response = _register(as_front_desk)
    item = MailItem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/agents/guichet/courrier/{item.pk}/"
    assert item.registered_by == front_desk and item.status == MailStatus.TO_QUALIFY
    assert item.received_at.date() == paris_now().date() - dt.timedelta(days=6)
    assert item.scan.content_type == "application/pdf" and item.scan.original_name == "lettre.pdf"
    page = html.unescape(as_front_desk.get(response["Location"]).content.decode())
    assert "Demande de copie d'acte" in page and "lettre.pdf" in page
    download = as_front_desk.get(f"/agents/guichet/courrier/{item.pk}/courrier-numerise/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert AccessLog.objects.filter(action=AccessAction.DOWNLOAD, detail="courrier numérisé").count() == 1


def test_png_scans_are_accepted_and_type_comes_from_the_content(as_front_desk):
    _register(as_front_desk, scan=_png())
    assert MailItem.objects.get().scan.content_type == "image/png"


@pytest.mark.parametrize("content, name", [(b"MZ\x90\x00programme", "lettre.pdf"), (b"juste du texte", "lettre.jpg")])
def test_scans_are_checked_on_their_content(as_front_desk, content, name):
    response = _register(as_front_desk, scan=SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert response.status_code == 200
    assert "n'est pas un PDF, un JPEG ou un PNG" in html.unescape(response.content.decode())
    assert not MailItem.objects.exists() and not StoredFile.objects.exists()


def test_a_stamped_date_in_the_future_is_refused(as_front_desk):
    response = _register(as_front_desk, days=-2)
    assert response.status_code == 200 and "ne peut pas être dans le futur" in response.content.decode()
    assert not MailItem.objects.exists()


def test_qualify_as_a_new_request_through_the_page_flow(as_front_desk, front_desk, resident_without_email,
                                                       procedure, django_capture_on_commit_callbacks):
    _register(as_front_desk, days=12)
    item = MailItem.objects.get()
    page = html.unescape(as_front_desk.get(f"/agents/guichet/courrier/{item.pk}/", {"nom": "lefevre"}).content
                         .decode())
    assert f'value="{resident_without_email.pk}"' in page and "Éloïse LEFÈVRE" in page
    response = as_front_desk.post(f"/agents/guichet/courrier/{item.pk}/nouvelle-demande/", {
        "resident": str(resident_without_email.pk), "department": str(procedure.department_id),
        "procedure": str(procedure.pk)})
    draft = CounterDraft.objects.get()
    assert response["Location"] == page_url(draft, "demandeur")
    assert draft.channel == "mail" and draft.received_at == item.received_at and draft.note == item.subject
    assert [ref["file_id"] for ref in draft.documents] == [str(item.scan_id)]
    item.refresh_from_db()
    assert item.status == MailStatus.IN_FILING and item.draft == draft

    fill_form(as_front_desk, draft)
    with django_capture_on_commit_callbacks(execute=True):
        submit(as_front_desk, draft)
    case = Case.objects.get()
    assert case.channel == "mail" and case.received_at == item.received_at and case.filed_by == front_desk
    assert case.implicit_decision_on is not None
    scan = case.documents.get(kind=DocumentKind.ATTACHMENT)
    assert scan.stored_file_id == item.scan_id and scan.field_key == ""
    assert case.events.filter(kind="counter_note", channel="mail").exists()
    item.refresh_from_db()
    assert item.status == MailStatus.FILED and item.case == case


def test_qualify_refuses_a_procedure_outside_the_chosen_department(as_front_desk, resident, procedure,
                                                                  urbanisme_procedure):
    _register(as_front_desk)
    item = MailItem.objects.get()
    response = as_front_desk.post(f"/agents/guichet/courrier/{item.pk}/nouvelle-demande/", {
        "resident": str(resident.pk), "department": str(urbanisme_procedure.department_id),
        "procedure": str(procedure.pk)})
    assert response.status_code == 400
    assert "Cette démarche ne relève pas du service choisi." in response.content.decode()
    response = as_front_desk.post(f"/agents/guichet/courrier/{item.pk}/nouvelle-demande/", {
        "procedure": str(procedure.pk)})
    assert "Choisissez l&#x27;usager" in response.content.decode()
    assert not CounterDraft.objects.exists()


def test_abandoning_the_request_puts_the_letter_back_to_qualify(as_front_desk, resident, procedure):
    _register(as_front_desk)
    item = MailItem.objects.get()
    as_front_desk.post(f"/agents/guichet/courrier/{item.pk}/nouvelle-demande/", {
        "resident": str(resident.pk), "procedure": str(procedure.pk)})
    draft = CounterDraft.objects.get()
    # Removing the scan from the request keeps it with the letter.
    as_front_desk.post(f"/agents/guichet/depots/{draft.pk}/documents/", {
        "revision": str(draft.revision_id), "documents_numerises__retirer": str(item.scan_id)})
    assert StoredFile.objects.filter(pk=item.scan_id).exists()
    as_front_desk.post(f"/agents/guichet/depots/{draft.pk}/abandonner/")
    item.refresh_from_db()
    assert item.status == MailStatus.TO_QUALIFY and item.draft is None
    assert StoredFile.objects.filter(pk=item.scan_id).exists()


def test_attach_a_letter_to_an_existing_case(client, officer, resident, procedure):
    case = file_case(procedure=procedure, applicant=resident)
    client.force_login(officer)
    _register(client, subject="Pièce complémentaire")
    item = MailItem.objects.get()
    response = client.post(f"/agents/guichet/courrier/{item.pk}/ajout-a-un-dossier/",
                           {"reference": f" {case.reference.lower()} "})
    assert response.status_code == 302
    document = case.documents.get(kind=DocumentKind.ATTACHMENT)
    assert document.stored_file_id == item.scan_id and document.added_by == officer
    assert "Pièce complémentaire" in document.label
    event = case.events.get(kind="mail_received")
    assert event.channel == "mail" and event.actor == officer and "Pièce complémentaire" in event.description
    item.refresh_from_db()
    assert item.status == MailStatus.ATTACHED and item.case == case
    # Done: the letter is no longer to qualify.
    assert client.get(f"/agents/guichet/courrier/{item.pk}/").status_code == 404


def test_attach_only_to_a_case_the_agent_may_see(as_front_desk, front_desk, resident, procedure):
    case = file_case(procedure=procedure, applicant=resident)  # État civil: not the front desk's department
    _register(as_front_desk)
    item = MailItem.objects.get()
    response = as_front_desk.post(f"/agents/guichet/courrier/{item.pk}/ajout-a-un-dossier/",
                                  {"reference": case.reference})
    assert response.status_code == 400
    assert "Aucun dossier avec cette référence parmi ceux que vous pouvez consulter." in response.content.decode()
    assert not case.documents.exists() and not case.events.filter(kind="mail_received").exists()
    assert AccessLog.objects.filter(agent=front_desk, action=AccessAction.DENIED).exists()


def test_a_letter_is_reachable_only_by_the_agent_who_registered_it(client, as_front_desk, officer):
    _register(as_front_desk)
    item = MailItem.objects.get()
    client.force_login(officer)
    for url in (f"/agents/guichet/courrier/{item.pk}/", f"/agents/guichet/courrier/{item.pk}/courrier-numerise/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/agents/guichet/courrier/{item.pk}/ajout-a-un-dossier/", {"reference": "X"}).status_code == 404
    assert "Demande de copie" not in client.get("/agents/guichet/courrier/").content.decode()


def test_resident_created_from_a_letter_comes_back_to_it(as_front_desk):
    _register(as_front_desk)
    item = MailItem.objects.get()
    response = as_front_desk.post(f"/agents/guichet/usagers/nouveau/?courrier={item.pk}", {
        "courrier": str(item.pk), "first_name": "Jean", "last_name": "Martin", "birth_date": "01/01/1990",
        "street": "1 rue Haute", "postcode": "99100", "city": "Admiville"})
    resident = type(item.registered_by).objects.get(last_name="Martin")
    assert response["Location"] == f"/agents/guichet/courrier/{item.pk}/?usager={resident.pk}"
    page = as_front_desk.get(response["Location"]).content.decode()
    assert f'value="{resident.pk}" id="id_resident_0" checked' in page
