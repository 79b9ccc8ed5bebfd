"""Messages between the department and the resident, with attachments; internal notes that residents never see;
the email notice without the message's content; HTML escaped everywhere."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parvis.cases.models import CaseNote, Message
from parvis.cases.tests.factories import Team
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRET = "Votre voisin M. Dupont s'est plaint"


def test_agent_writes_to_the_resident_who_answers(client, mailbox, django_capture_on_commit_callbacks):
    team = Team()
    case = team.file()
    client.force_login(team.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("casework:message", args=[case.reference]), {
            "message-body": f"{SECRET} <script>alert(1)</script>.\nMerci de préciser l'horaire.",
            "message-document": SimpleUploadedFile("reglement", PDF, content_type="application/pdf")})
    assert response.status_code == 302
    message = Message.objects.get()
    assert not message.from_resident and message.author == team.officer
    document = message.documents.get()
    assert document.label == "reglement.pdf" and document.visible_to_resident
    event = case.events.get(kind="agent_message")
    assert event.actor == team.officer and event.visible_to_resident
    assert event.description == "Message envoyé à l'usager avec un document : reglement.pdf"

    # The notice: a link, never the content.
    [notice] = mailbox.wait_for(1)
    assert notice["To"] == team.resident.email
    assert notice["Subject"] == f"Nouveau message au sujet de votre demande {case.reference}"
    text = body_text(notice)
    assert f"/mes-demandes/{case.reference}/" in text
    assert "Dupont" not in text and "horaire" not in text and "Dupont" not in notice.as_string()

    # The resident reads it (escaped) and the attachment, and answers; the agent in charge is told.
    client.force_login(team.resident)
    page = reverse("cases:detail", args=[case.reference])
    html = client.get(page).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.<br>Merci" in html and "<script>alert(1)" not in html
    assert reverse("cases:document", args=[case.reference, document.pk]) in html
    assert client.get(reverse("cases:document", args=[case.reference, document.pk])).status_code == 200
    mailbox.clear()
    case.assignee = team.officer
    case.save(update_fields=["assignee"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(page, {"body": "De 14 h à 18 h. <b>Merci</b>"}).status_code == 302
    [notice] = mailbox.wait_for(1)
    assert notice["To"] == team.officer.email and "14 h" not in body_text(notice)

    client.force_login(team.officer)
    html = client.get(reverse("casework:detail", args=[case.reference])).content.decode()
    assert "De 14 h à 18 h. &lt;b&gt;Merci&lt;/b&gt;" in html and "<b>Merci</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_internal_notes_are_never_shown_to_residents(client):
    team = Team()
    case = team.file()
    client.force_login(team.head)
    response = client.post(reverse("casework:note", args=[case.reference]),
                           {"note-body": "Usager connu du service <img src=x onerror=alert(1)>"})
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert note.author == team.head and note.case == case
    event = case.events.get(kind="internal_note")
    assert not event.visible_to_resident
    html = client.get(reverse("casework:detail", args=[case.reference])).content.decode()
    assert "Usager connu du service &lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    client.force_login(team.resident)
    html = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Usager connu" not in html and "Note interne" not in html
    tracking = team.file(applicant=None, contact_email="anonyme@example.org")
    client.logout()
    client.force_login(team.officer)
    client.post(reverse("casework:note", args=[tracking.reference]), {"note-body": "Appel reçu"})
    assert "Appel reçu" not in client.get(reverse("cases:track", args=[tracking.tracking_token])).content.decode()


def test_empty_message_and_note_are_refused(client):
    team = Team()
    case = team.file()
    client.force_login(team.officer)
    response = client.post(reverse("casework:message", args=[case.reference]), {"message-body": "  "})
    assert response.status_code == 400 and "Écrivez un message ou choisissez un document." in response.content.decode()
    response = client.post(reverse("casework:note", args=[case.reference]), {"note-body": ""})
    assert response.status_code == 400 and "Écrivez la note." in response.content.decode()
    response = client.post(reverse("casework:message", args=[case.reference]), {
        "message-body": "x", "message-document": SimpleUploadedFile("virus.pdf", b"MZ" + b"\x00" * 300)})
    assert response.status_code == 400
    assert not Message.objects.exists() and not CaseNote.objects.exists()


def test_front_desk_may_write_and_note(client):
    team = Team()
    case = team.file()
    client.force_login(team.front_desk)
    response = client.post(reverse("casework:note", args=[case.reference]), {"note-body": "Passé au guichet"})
    assert response.status_code == 302
    assert client.post(reverse("casework:message", args=[case.reference]),
                       {"message-body": "Bonjour"}).status_code == 302


def test_message_to_a_resident_without_email_is_kept_and_flagged(client, mailbox, django_capture_on_commit_callbacks):
    from parvis.accounts.models import User

    team = Team()
    no_email = User.objects.create_user(None, None, first_name="Jeanne", last_name="Lefebvre")
    case = team.file(applicant=no_email, channel="counter", filed_by=team.front_desk)
    client.force_login(team.officer)
    html = client.get(reverse("casework:detail", args=[case.reference])).content.decode()
    assert "L'usager n'a pas d'adresse de courriel" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("casework:message", args=[case.reference]), {"message-body": "Bonjour"})
    assert Message.objects.count() == 1 and mailbox.messages == []
