"""The registration receipt and the acknowledgement reach a real SMTP server; failures are retried."""

import datetime as dt
import socket

import pytest
from django.core.management import call_command
from django.utils import timezone

from parvis.cases import tasks
from parvis.cases.models import EmailDelivery
from parvis.cases.tests.factories import SCHEMA, file_case, paris
from parvis.testing.factories import make_procedure, make_resident
from parvis.testing.pdf import pdf_text
from parvis.testing.smtp import attachments, body_text

pytestmark = pytest.mark.django_db


def _file(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return file_case(**kwargs)


def _html(message):
    return message.get_body(preferencelist=("html",)).get_content()


def test_receipt_and_acknowledgement_arrive_with_the_pdf(mailbox, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://demarches.admiville.fr"
    resident = make_resident(email="alix@example.org", first_name="Alix", last_name="Bernard")
    procedure = make_procedure(title="Location de salle", regime="SVA", period_value=2)
    case = _file(django_capture_on_commit_callbacks, procedure=procedure, applicant=resident,
                 received_at=paris(2025, 7, 10, 14, 32))

    receipt, acknowledgement = mailbox.wait_for(2)
    assert receipt["To"] == "alix@example.org"
    assert case.reference in receipt["Subject"]
    text = body_text(receipt)
    assert case.reference in text
    assert "10 juillet 2025 à 14 h 32" in text
    assert "accusé d'enregistrement électronique" in text
    assert f"https://demarches.admiville.fr/mes-demandes/{case.reference}/" in text
    assert "au plus tard le 25 juillet 2025" in text  # 10 working days (14 July is a holiday)
    assert receipt["Reply-To"] == case.department.email
    assert "<html" in _html(receipt)

    assert acknowledgement["To"] == "alix@example.org"
    assert "Accusé de réception" in acknowledgement["Subject"]
    assert "votre demande sera acceptée" in body_text(acknowledgement)
    [(name, content_type, data)] = attachments(acknowledgement)
    assert name == f"accuse-de-reception-{case.reference}.pdf"
    assert content_type == "application/pdf"
    pdf = pdf_text(data)
    assert case.reference in pdf and "réputée acceptée le 10 septembre 2025" in pdf

    deliveries = {d.kind: d for d in case.email_deliveries.all()}
    assert deliveries["receipt"].status == deliveries["acknowledgement"].status == "sent"
    descriptions = [event.description for event in case.events.all()]
    assert "Accusé d'enregistrement envoyé par courriel à alix@example.org" in descriptions
    assert "Accusé de réception envoyé par courriel à alix@example.org" in descriptions
    assert case.documents.filter(kind="acknowledgement").count() == 1


def test_tasks_are_idempotent_on_retry(mailbox, django_capture_on_commit_callbacks):
    case = _file(django_capture_on_commit_callbacks)
    mailbox.wait_for(2)
    tasks.send_registration_receipt.call(case.pk)
    tasks.send_acknowledgement.call(case.pk)
    assert len(mailbox.messages) == 2
    assert case.documents.filter(kind="acknowledgement").count() == 1
    assert case.email_deliveries.count() == 2


def test_no_acknowledgement_when_not_due(mailbox, django_capture_on_commit_callbacks):
    procedure = make_procedure(acknowledgement_due=False)
    case = _file(django_capture_on_commit_callbacks, procedure=procedure)
    [receipt] = mailbox.wait_for(1)
    assert case.reference in receipt["Subject"]
    assert "accusé de réception" not in body_text(receipt).lower()
    assert not case.documents.filter(kind="acknowledgement").exists()


def test_counter_filing_gets_the_acknowledgement_but_no_registration_receipt(
        mailbox, django_capture_on_commit_callbacks):
    case = _file(django_capture_on_commit_callbacks, channel="counter")
    [acknowledgement] = mailbox.wait_for(1)
    assert "Accusé de réception" in acknowledgement["Subject"]
    assert pdf_text(attachments(acknowledgement)[0][2]).count("au guichet") >= 1
    assert case.email_deliveries.get().kind == "acknowledgement"


def test_anonymous_filing_receives_the_tracking_link(mailbox, django_capture_on_commit_callbacks, settings, client):
    settings.SITE_URL = "https://demarches.admiville.fr"
    case = _file(django_capture_on_commit_callbacks, applicant=None, contact_email="anonyme@example.org")
    receipt = mailbox.wait_for(2)[0]
    link = f"https://demarches.admiville.fr/mes-demandes/suivi/{case.tracking_token}/"
    assert receipt["To"] == "anonyme@example.org"
    assert link in body_text(receipt)
    assert "Conservez ce lien" in body_text(receipt)
    response = client.get(link.removeprefix("https://demarches.admiville.fr"))
    assert response.status_code == 200
    assert case.reference in response.content.decode()


def test_user_input_is_escaped_in_the_html_email(mailbox, django_capture_on_commit_callbacks):
    resident = make_resident(first_name="<script>alert(1)</script>", last_name="<b>Nom</b>")
    procedure = make_procedure(schema=SCHEMA, title="Salle <i>des fêtes</i>")
    _file(django_capture_on_commit_callbacks, procedure=procedure, applicant=resident,
          answers={"objet": "<script>alert(2)</script>"})
    for message in mailbox.wait_for(2):
        html = _html(message)
        assert "<script>" not in html and "<b>Nom" not in html and "<i>des" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "Salle &lt;i&gt;des fêtes&lt;/i&gt;" in html
        # The text part is plain text: shown as typed, never interpreted.
        assert "<script>alert(1)</script>" in body_text(message)


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_failed_delivery_is_recorded_and_retried_later(mailbox, django_capture_on_commit_callbacks, settings):
    smtp_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    case = _file(django_capture_on_commit_callbacks)
    assert mailbox.messages == []
    failed = list(case.failed_email_deliveries)
    assert {d.kind for d in failed} == {"receipt", "acknowledgement"}
    for delivery in failed:
        assert delivery.attempts == 1 and delivery.last_error
        assert delivery.next_attempt_at > timezone.now()
    # Agents see the failure in the case's history (not the resident).
    event = case.events.get(kind="email_failed", data__delivery=failed[0].pk)
    assert not event.visible_to_resident
    # The acknowledgement PDF was produced all the same.
    assert case.documents.filter(kind="acknowledgement").count() == 1

    # Not due yet: the command leaves them alone.
    call_command("send_pending_emails")
    assert EmailDelivery.objects.filter(status="failed").count() == 2

    # Still down when due: a second failure, a longer delay.
    EmailDelivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("send_pending_emails")
    delivery = EmailDelivery.objects.get(kind="receipt")
    assert delivery.status == "failed" and delivery.attempts == 2
    delay = delivery.next_attempt_at - delivery.last_attempt_at
    assert delay >= dt.timedelta(seconds=2 * settings.EMAIL_RETRY_DELAY_SECONDS - 1)

    # The server is back and the retry is due: each email is delivered once.
    settings.EMAIL_PORT = smtp_port
    EmailDelivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("send_pending_emails")
    mailbox.wait_for(2)
    assert EmailDelivery.objects.filter(status="sent").count() == 2
    [acknowledgement] = [m for m in mailbox.messages if "Accusé de réception" in m["Subject"]]
    assert attachments(acknowledgement)[0][1] == "application/pdf"

    # Idempotent: running it again sends nothing more.
    call_command("send_pending_emails", "--force")
    assert len(mailbox.messages) == 2


def test_gives_up_after_max_attempts_and_force_retries(mailbox, django_capture_on_commit_callbacks, settings):
    smtp_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_RETRY_MAX_ATTEMPTS = 2
    procedure = make_procedure(acknowledgement_due=False)
    case = _file(django_capture_on_commit_callbacks, procedure=procedure)
    EmailDelivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("send_pending_emails")
    delivery = case.email_deliveries.get()
    assert delivery.status == "failed" and delivery.attempts == 2 and delivery.next_attempt_at is None
    call_command("send_pending_emails")
    assert case.email_deliveries.get().attempts == 2
    settings.EMAIL_PORT = smtp_port
    call_command("send_pending_emails", "--force")
    assert case.email_deliveries.get().status == "sent"
    assert len(mailbox.wait_for(1)) == 1
