"""Missing pieces, both ways: the agent asks (list and deadline), the resident is told by email and in "Mes
demandes", uploads them, the case comes back to the agent, and the implicit-decision date is recomputed by
the deadlines engine (SVA: the period restarts; SVR: it was suspended). And the reminder timer."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parvis.cases.deadlines import add_months
from parvis.cases.handling import apply_transition
from parvis.cases.models import CaseTimer
from parvis.cases.tests.factories import Team
from parvis.cases.timers import fire_due_timers
from parvis.testing.factories import make_resident
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200


def upload(name, content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def ask(client, team, case, capture, pieces="Attestation d'assurance\nPlan de la salle", days=15):
    client.force_login(team.officer)
    deadline = timezone.localdate() + dt.timedelta(days=days)
    with capture(execute=True):
        response = client.post(reverse("casework:transition", args=[case.reference, "request_pieces"]), {
            "t-request_pieces-version": case.version, "t-request_pieces-pieces": pieces,
            "t-request_pieces-deadline": deadline.isoformat()})
    assert response.status_code == 302
    case.refresh_from_db()
    return case, deadline


@pytest.mark.parametrize("regime", ["SVA", "SVR"])
def test_round_trip(client, mailbox, django_capture_on_commit_callbacks, regime):
    team = Team(regime=regime)
    received_at = timezone.now() - dt.timedelta(days=10)
    case = team.file(received_at=received_at)
    received_on = timezone.localtime(received_at).date()
    case = apply_transition(case, "start", actor=team.officer, expected_version=case.version)
    before = case.implicit_decision_on
    assert before == add_months(received_on, 2)
    case, deadline = ask(client, team, case, django_capture_on_commit_callbacks)
    asked_on = timezone.localdate()
    if regime == "SVA":
        assert case.implicit_decision_on is None  # the period waits for the complete file
    else:  # suspended up to the deadline, as long as the pieces have not come
        assert case.implicit_decision_on == before + (deadline - asked_on)

    # The resident is told by email, with the list and the deadline, and sees them in "Mes demandes".
    [email] = mailbox.wait_for(1)
    text = body_text(email).replace("\r\n", "\n")
    assert email["To"] == team.resident.email
    assert "- Attestation d'assurance\n- Plan de la salle" in text
    assert f"/mes-demandes/{case.reference}/" in text
    client.force_login(team.resident)
    page = reverse("cases:detail", args=[case.reference])
    html = client.get(page).content.decode()
    assert "Des pièces sont à fournir" in html and "Attestation d&#x27;assurance" in html
    assert deadline.strftime("%d/%m/%Y") in html
    request = case.pieces_requests.get()
    upload_url = reverse("cases:pieces", args=[case.reference, request.pk])
    assert upload_url in html and 'name="pieces-' in html

    # They upload the pieces: one file per piece asked, and a word.
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(upload_url, {
            f"pieces-{request.pk}-piece_0": upload("assurance.pdf"),
            f"pieces-{request.pk}-piece_1": upload("plan"),
            f"pieces-{request.pk}-body": "Voici les pièces.",
        })
    assert response.status_code == 302 and response["Location"] == page
    case.refresh_from_db()
    request.refresh_from_db()
    assert request.completed_on == timezone.localdate()
    # Back to the agent: the system's transition, with the agent in charge unchanged.
    assert case.status == "in_progress" and case.assignee == team.officer
    change = case.events.filter(kind="status_changed").last()
    assert change.actor == team.resident and change.channel == "web" and change.data["system"] is True
    assert change.description == "Pièces reçues : Pièces demandées → En cours d'instruction"
    documents = case.documents.filter(kind="piece").select_related("stored_file").order_by("pk")
    assert [(d.label, d.stored_file.original_name) for d in documents] == [
        ("Attestation d'assurance — assurance.pdf", "assurance.pdf"), ("Plan de la salle — plan.pdf", "plan.pdf")]
    assert case.messages.get().body == "Voici les pièces."
    # The legal date, recomputed by the deadlines engine.
    if regime == "SVA":
        assert case.implicit_decision_on == add_months(timezone.localdate(), 2)  # restarts from the last piece
    else:
        assert case.implicit_decision_on == before  # suspended 0 days: asked and received the same day
    # The agent in charge is told (no personal data), the timer is cancelled.
    [notice] = mailbox.wait_for(1)
    assert notice["To"] == team.officer.email and case.reference in notice["Subject"]
    assert "Voici les pièces" not in body_text(notice)
    assert case.timers.get().state == "cancelled"
    html = client.get(page).content.decode()
    assert "Vos pièces ont été envoyées au service" in html and upload_url not in html
    # The agent sees them on the case page.
    client.force_login(team.officer)
    html = client.get(reverse("casework:detail", args=[case.reference])).content.decode()
    assert "Attestation d&#x27;assurance — assurance.pdf" in html
    assert f"reçues le {timezone.localdate():%d/%m/%Y}" in html


def test_svr_suspension_counts_the_days_until_the_pieces_arrive(django_capture_on_commit_callbacks):
    from parvis.cases.resident_actions import receive_pieces_online
    from parvis.files.services import store_bytes

    team = Team(regime="SVR")
    received = timezone.now() - dt.timedelta(days=20)
    case = team.file(received_at=received)
    base = case.implicit_decision_on
    asked_at = timezone.now() - dt.timedelta(days=15)
    case = apply_transition(case, "request_pieces", actor=team.officer, expected_version=case.version,
                            pieces=["Plan"], deadline=timezone.localdate() + dt.timedelta(days=5), at=asked_at)
    stored = store_bytes(PDF, "p.pdf", "application/pdf")
    receive_pieces_online(case, case.pieces_requests.get(), files=[("Plan", stored)], author=team.resident,
                          at=timezone.now() - dt.timedelta(days=10))
    case.refresh_from_db()
    assert case.implicit_decision_on == base + dt.timedelta(days=5)  # 15 days ago → 10 days ago
    assert case.status == "in_progress"


def test_upload_errors(client, team_factory=Team):
    team = team_factory()
    case = team.file()
    case = apply_transition(case, "request_pieces", actor=team.officer, expected_version=case.version,
                            pieces=["Plan"], deadline=timezone.localdate() + dt.timedelta(days=5))
    request = case.pieces_requests.get()
    url = reverse("cases:pieces", args=[case.reference, request.pk])
    client.force_login(team.resident)
    response = client.post(url, {f"pieces-{request.pk}-body": "Rien"})
    assert response.status_code == 400 and "Choisissez au moins un fichier" in response.content.decode()
    response = client.post(url, {f"pieces-{request.pk}-piece_0": upload("plan.pdf", EXE)})
    assert response.status_code == 400 and "Ce fichier n&#x27;est pas accepté" in response.content.decode()
    # Another resident: 404, nothing recorded.
    client.force_login(make_resident())
    assert client.post(url, {f"pieces-{request.pk}-piece_0": upload("plan.pdf")}).status_code == 404
    # Another case's request through this case's URL: 404.
    other = team.file()
    other = apply_transition(other, "request_pieces", actor=team.officer, expected_version=other.version,
                             pieces=["Plan"], deadline=timezone.localdate() + dt.timedelta(days=5))
    client.force_login(team.resident)
    wrong = reverse("cases:pieces", args=[case.reference, other.pieces_requests.get().pk])
    assert client.post(wrong, {"x": "y"}).status_code == 404
    request.refresh_from_db()
    assert request.is_pending and not case.documents.filter(kind="piece").exists()
    assert client.get(url).status_code == 405


def test_anonymous_filer_uploads_through_the_tracking_link(client):
    team = Team()
    case = team.file(applicant=None, contact_email="anonyme@example.org")
    case = apply_transition(case, "request_pieces", actor=team.officer, expected_version=case.version,
                            pieces=["Plan"], deadline=timezone.localdate() + dt.timedelta(days=5))
    request = case.pieces_requests.get()
    url = reverse("cases:track_pieces", args=[case.tracking_token, request.pk])
    assert url in client.get(reverse("cases:track", args=[case.tracking_token])).content.decode()
    response = client.post(url, {f"pieces-{request.pk}-piece_0": upload("plan.pdf")})
    assert response.status_code == 302 and response["Referrer-Policy"] == "same-origin"
    case.refresh_from_db()
    assert case.status == "in_progress"
    assert client.post(reverse("cases:track_pieces", args=["x" * 43, request.pk]), {}).status_code == 404


def test_reminder_fires_once_and_not_after_leaving_the_status(mailbox, django_capture_on_commit_callbacks):
    team = Team()
    case = team.file()
    case = apply_transition(case, "request_pieces", actor=team.officer, expected_version=case.version,
                            pieces=["Plan de la salle"], deadline=timezone.localdate() + dt.timedelta(days=20))
    timer = case.timers.get()
    assert timer.due_at.date() == (timezone.now() + dt.timedelta(days=7)).date()
    assert fire_due_timers()["done"] == 0  # not due yet
    later = timezone.now() + dt.timedelta(days=7, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert fire_due_timers(now=later)["done"] == 1
        assert fire_due_timers(now=later)["done"] == 0  # run twice: nothing doubled
    [reminder] = mailbox.wait_for(1)
    assert reminder["Subject"] == f"Rappel : des pièces sont attendues pour votre demande {case.reference}"
    assert "- Plan de la salle" in body_text(reminder)
    timer.refresh_from_db()
    assert timer.state == "done" and case.events.filter(kind="timer_reminder").count() == 1
    assert case.email_deliveries.filter(subject=reminder["Subject"]).count() == 1

    # A second request: the agent marks the pieces received before the reminder; it never fires.
    other = team.file()
    other = apply_transition(other, "request_pieces", actor=team.officer, expected_version=other.version,
                             pieces=["Plan"], deadline=timezone.localdate() + dt.timedelta(days=20))
    apply_transition(other, "pieces_received", actor=team.officer, expected_version=other.version)
    assert CaseTimer.objects.get(case=other).state == "cancelled"
    assert fire_due_timers(now=later)["done"] == 0


def test_timers_command(capsys):
    call_command("run_case_timers")
    assert "0 minuteur(s) déclenché(s)" in capsys.readouterr().out
