"""Resident pages: "Mes demandes", the case page, documents, tracking link; and who may see what."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.cases.acknowledgements import issue_acknowledgement
from parvis.cases.models import Case, CaseDocument, Message
from parvis.cases.services import request_pieces
from parvis.cases.tests.factories import SCHEMA, file_case, paris
from parvis.files.services import store_bytes
from parvis.filing.models import Draft
from parvis.testing.factories import make_procedure, make_resident
from parvis.testing.pdf import pdf_text

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5b1f6f60000000049454e44ae426082"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _no_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def resident():
    return make_resident()


@pytest.fixture
def procedure():
    return make_procedure(schema=SCHEMA, title="Location de salle", regime="SVA", period_value=2)


def _upload(name, content, content_type="application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Mes demandes ----------------------------------------------------------------------------------

def test_list_requires_login(client):
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_list_shows_drafts_and_cases(client, resident, procedure):
    Draft.objects.create(procedure=procedure, revision=procedure.published_revision, user=resident,
                         expires_at=timezone.now() + dt.timedelta(days=30))
    today = timezone.localdate()
    received = timezone.now() - dt.timedelta(days=1)
    case = file_case(procedure=procedure, applicant=resident, received_at=received)
    svr = file_case(procedure=make_procedure(regime="SVR", period_value=2, title="Terrasse"), applicant=resident)
    other = file_case(procedure=procedure)  # another resident's
    client.force_login(resident)
    response = client.get(reverse("cases:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"/demarches/{procedure.slug}/deposer/" in html  # resume the draft
    assert case.reference in html and svr.reference in html
    assert other.reference not in html
    assert "Reçue" in html
    assert f"Le service {procedure.department.name} va examiner votre demande." in html  # the workflow's next step
    decision = case.implicit_decision_on.strftime("%d/%m/%Y")
    assert f"Sans réponse de la mairie d&#x27;ici le {decision}, votre demande sera acceptée." in html
    assert "votre demande sera considérée comme refusée." in html
    assert reverse("cases:detail", args=[case.reference]) in html
    assert received.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y") in html
    assert today  # dates shown as dd/mm/yyyy


# session, user (with the agent-role check), drafts, cases, pending pieces requests, upcoming appointments;
# the layout's commune (read once per process: the test's first request reads it).
LIST_QUERIES = 7


def test_list_query_count_does_not_grow(client, resident, procedure, django_assert_max_num_queries):
    client.force_login(resident)
    for _ in range(2):
        file_case(procedure=procedure, applicant=resident)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert client.get(reverse("cases:list")).status_code == 200
    for _ in range(10):
        case = file_case(procedure=make_procedure(), applicant=resident)
        request_pieces(case, pieces=["Plan"], deadline=timezone.localdate() + dt.timedelta(days=10))
        Draft.objects.create(procedure=procedure, revision=procedure.published_revision, user=resident,
                             expires_at=timezone.now() + dt.timedelta(days=30))
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("cases:list"))
    assert response.content.decode().count(">Reprendre<") == 10


# --- Case page --------------------------------------------------------------------------------------

def test_case_page_shows_history_answers_documents(client, resident, procedure):
    attachment = store_bytes(PDF, "plan.pdf", "application/pdf", uploaded_by=resident)
    case = file_case(procedure=procedure, applicant=resident, received_at=paris(2025, 7, 10, 9, 5),
                     answers={"objet": "Salle des fêtes", "details": "Pour 50 personnes",
                              "justificatif": [attachment.as_answer()]},
                     files=[("justificatif", attachment)])
    acknowledgement = issue_acknowledgement(case)
    client.force_login(resident)
    response = client.get(reverse("cases:detail", args=[case.reference]))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Demande reçue (en ligne)" in html and "Accusé de réception établi" in html
    assert "Objet de la demande" in html and "Salle des fêtes" in html and "Pour 50 personnes" in html
    assert "10 juillet 2025 à 09 h 05" in html
    attachment_doc = case.documents.get(kind="attachment")
    for document in (attachment_doc, acknowledgement):
        assert reverse("cases:document", args=[case.reference, document.pk]) in html
    response = client.get(reverse("cases:document", args=[case.reference, acknowledgement.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert case.reference in pdf_text(b"".join(response.streaming_content))


def test_pending_pieces_on_case_page(client, resident, procedure):
    case = file_case(procedure=procedure, applicant=resident)
    request_pieces(case, pieces=["Attestation d'assurance"], deadline=dt.date(2099, 1, 31))
    client.force_login(resident)
    html = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Attestation d&#x27;assurance" in html and "31/01/2099" in html
    assert "commencera quand votre dossier sera complet" in html


def test_html_in_answers_is_escaped_on_the_page(client, resident):
    procedure = make_procedure(schema=SCHEMA)
    case = file_case(procedure=procedure, applicant=resident,
                     answers={"objet": "<script>alert('x')</script>", "details": "<img src=x onerror=alert(1)>"})
    client.force_login(resident)
    html = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_fallback_display_without_a_valid_schema(client, resident):
    procedure = make_procedure(schema={"version": 1, "pages": [{"key": "p", "fields": [{"key": "a", "label": "Âge"}]}]})
    case = file_case(procedure=procedure, applicant=resident, answers={"a": 42, "b": True, "c": "<b>x</b>"})
    client.force_login(resident)
    html = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Âge" in html and "42" in html and "Oui" in html and "&lt;b&gt;x&lt;/b&gt;" in html


# --- Access denial ----------------------------------------------------------------------------------

def test_another_residents_case_document_and_pdf_are_404(client, resident, procedure):
    mine = file_case(procedure=procedure, applicant=resident)
    theirs = file_case(procedure=procedure, answers={"objet": "Secret de l'autre"})
    their_ack = issue_acknowledgement(theirs)
    their_file = CaseDocument.objects.create(
        case=theirs, stored_file=store_bytes(PDF, "autre.pdf", "application/pdf"), kind="attachment")
    client.force_login(resident)
    urls = [
        reverse("cases:detail", args=[theirs.reference]),
        reverse("cases:document", args=[theirs.reference, their_ack.pk]),
        reverse("cases:document", args=[theirs.reference, their_file.pk]),
        # Their document through my own case's URL.
        reverse("cases:document", args=[mine.reference, their_ack.pk]),
        reverse("cases:document", args=[mine.reference, their_file.pk]),
        reverse("cases:detail", args=["ADM-2099-999999"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Secret de l" not in response.content and b"%PDF" not in response.content
    response = client.post(reverse("cases:detail", args=[theirs.reference]), {"body": "intrusion"})
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_anonymous_cannot_open_a_case_page(client, resident, procedure):
    case = file_case(procedure=procedure, applicant=resident)
    ack = issue_acknowledgement(case)
    urls = (reverse("cases:detail", args=[case.reference]), reverse("cases:document", args=[case.reference, ack.pk]))
    for url in urls:
        assert client.get(url).status_code == 302


def test_hidden_documents_stay_hidden(client, resident, procedure):
    case = file_case(procedure=procedure, applicant=resident)
    internal = CaseDocument.objects.create(case=case, stored_file=store_bytes(PDF, "note.pdf", "application/pdf"),
                                           kind="letter", label="Note interne", visible_to_resident=False)
    client.force_login(resident)
    assert "Note interne" not in client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert client.get(reverse("cases:document", args=[case.reference, internal.pk])).status_code == 404


# --- Anonymous tracking -----------------------------------------------------------------------------

def test_tracking_page_and_documents(client, procedure):
    case = file_case(procedure=procedure, applicant=None, contact_email="anonyme@example.org",
                     answers={"objet": "Salle du bas"})
    ack = issue_acknowledgement(case)
    response = client.get(reverse("cases:track", args=[case.tracking_token]))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin" and response["Cache-Control"] == "private, no-store"
    assert case.reference in html and "Salle du bas" in html and "Demande reçue (en ligne)" in html
    document_url = reverse("cases:track_document", args=[case.tracking_token, ack.pk])
    assert document_url in html
    assert client.get(document_url).status_code == 200


def test_tracking_with_a_wrong_token_is_404(client, procedure):
    case = file_case(procedure=procedure, applicant=None, contact_email="anonyme@example.org")
    other = file_case(procedure=procedure, applicant=None, contact_email="autre@example.org")
    other_ack = issue_acknowledgement(other)
    for url in (
        reverse("cases:track", args=["x" * 43]),
        reverse("cases:track", args=[case.tracking_token[:-1]]),
        reverse("cases:track_document", args=["x" * 43, other_ack.pk]),
        reverse("cases:track_document", args=[case.tracking_token, other_ack.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_tracking_token_does_not_open_the_account_page(client, resident, procedure):
    case = file_case(procedure=procedure, applicant=None, contact_email="anonyme@example.org")
    client.force_login(resident)
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 404


# --- Messages and documents from the resident -------------------------------------------------------

def test_resident_sends_a_message_escaped(client, resident, procedure):
    case = file_case(procedure=procedure, applicant=resident)
    client.force_login(resident)
    url = reverse("cases:detail", args=[case.reference])
    response = client.post(url, {"body": "Bonjour <script>alert(1)</script>\nMerci"})
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.case == case and message.from_resident and message.author == resident
    assert case.events.filter(kind="resident_message", description="Message envoyé par l'usager").exists()
    html = client.get(url).content.decode()
    assert "Bonjour &lt;script&gt;alert(1)&lt;/script&gt;<br>Merci" in html


def test_resident_adds_documents(client, resident, procedure):
    case = file_case(procedure=procedure, applicant=resident)
    client.force_login(resident)
    url = reverse("cases:detail", args=[case.reference])
    assert client.post(url, {"body": "", "document": _upload("assurance.pdf", PDF)}).status_code == 302
    assert client.post(url, {"body": "Le plan", "document": _upload("plan", PNG)}).status_code == 302
    documents = list(case.documents.filter(kind="message").select_related("stored_file"))
    assert [(d.stored_file.original_name, d.stored_file.content_type) for d in documents] == [
        ("assurance.pdf", "application/pdf"), ("plan.png", "image/png")]
    assert case.events.filter(description="Document ajouté par l'usager : assurance.pdf").exists()
    response = client.get(reverse("cases:document", args=[case.reference, documents[1].pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert reverse("cases:document", args=[case.reference, documents[0].pk]) in client.get(url).content.decode()


@pytest.mark.parametrize("name, content", [
    ("facture.pdf", EXE),  # an executable disguised as a PDF
    ("photo.jpg", b"<html><script>alert(1)</script></html>"),
    ("vide.pdf", b""),
])
def test_disguised_or_unknown_files_are_refused(client, resident, procedure, name, content):
    case = file_case(procedure=procedure, applicant=resident)
    client.force_login(resident)
    url = reverse("cases:detail", args=[case.reference])
    response = client.post(url, {"body": "", "document": _upload(name, content)})
    assert response.status_code == 400
    assert not Message.objects.exists() and not case.documents.filter(kind="message").exists()


def test_too_big_file_and_empty_message_are_refused(client, resident, procedure, settings):
    settings.CASE_UPLOAD_MAX_BYTES = 1024
    case = file_case(procedure=procedure, applicant=resident)
    client.force_login(resident)
    url = reverse("cases:detail", args=[case.reference])
    response = client.post(url, {"document": _upload("gros.pdf", PDF + b"0" * 2048)})
    assert response.status_code == 400 and "taille maximale" in response.content.decode()
    response = client.post(url, {"body": "   "})
    assert response.status_code == 400 and "Écrivez un message" in response.content.decode()
    assert not Message.objects.exists()


def test_closed_case_takes_no_message(client, resident, procedure):
    case = file_case(procedure=procedure, applicant=resident)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now(), status="closed")
    client.force_login(resident)
    url = reverse("cases:detail", args=[case.reference])
    assert "vous ne pouvez plus y ajouter de message" in client.get(url).content.decode()
    client.post(url, {"body": "Encore une chose"})
    assert not Message.objects.exists()


def test_anonymous_filer_sends_a_message_through_the_tracking_link(client, procedure):
    case = file_case(procedure=procedure, applicant=None, contact_email="anonyme@example.org")
    url = reverse("cases:track", args=[case.tracking_token])
    assert client.post(url, {"body": "Une précision", "document": _upload("piece.pdf", PDF)}).status_code == 302
    message = Message.objects.get()
    assert message.author is None and message.documents.count() == 1
    assert "Une précision" in client.get(url).content.decode()
