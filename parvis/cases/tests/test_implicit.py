"""Implicit decisions: the periodic command (run twice: nothing doubled), the attestation of implicit acceptance
(L232-3), the request for the reasons of an implicit rejection (L232-4) and its answer, the heads' page."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parvis.cases.deadlines import add_months
from parvis.cases.handling import apply_transition
from parvis.cases.implicit import apply_implicit_decisions
from parvis.cases.models import Decision, EmailDelivery, ReasonsRequest
from parvis.cases.tests.factories import Team
from parvis.organisation.models import Role
from parvis.testing.factories import make_agent, make_department, make_resident
from parvis.testing.pdf import pdf_text
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.now() - dt.timedelta(days=days)


def run_command(capture):
    out = io.StringIO()
    with capture(execute=True):
        call_command("apply_implicit_decisions", stdout=out)
    return out.getvalue()


def test_command_decides_due_cases_once(mailbox, django_capture_on_commit_callbacks):
    sva, svr = Team(regime="SVA"), Team(regime="SVR")
    accepted = sva.file(received_at=ago(70))
    accepted = apply_transition(accepted, "start", actor=sva.officer, expected_version=accepted.version,
                                at=ago(60))
    refused = svr.file(received_at=ago(65))
    # Received 30 days ago under a 30-day period: the decision arises at the end of today, not yet.
    due_today = Team(regime="SVA", period_value=30, period_unit="days").file(received_at=ago(30))
    assert due_today.implicit_decision_on == timezone.localdate()
    decided_by_agent = sva.file(received_at=ago(80))
    apply_transition(decided_by_agent, "refuse", actor=sva.head, expected_version=decided_by_agent.version,
                     motivation="Non.", at=ago(75))
    mailbox.clear()

    assert run_command(django_capture_on_commit_callbacks).startswith("2 décision(s) implicite(s)")
    accepted.refresh_from_db()
    refused.refresh_from_db()
    due_today.refresh_from_db()
    assert accepted.status == "implicitly_accepted" and accepted.closed_at is not None
    assert refused.status == "implicitly_refused"
    assert due_today.status == "received"
    for case, outcome in ((accepted, "accepted"), (refused, "refused")):
        decision = Decision.objects.get(case=case)
        assert decision.implicit and decision.outcome == outcome and decision.decided_by is None
        assert decision.decided_on == case.implicit_decision_on
        event = case.events.get(kind="implicit_decision")
        assert event.actor is None and event.channel_label == "Automatique"
    assert accepted.assignee == sva.officer  # unchanged
    # Resident and department are told.
    messages = mailbox.wait_for(4)
    by_to = {(m["To"], m["Subject"]) for m in messages}
    assert (sva.resident.email, f"Votre demande {accepted.reference} est acceptée") in by_to
    assert (svr.resident.email, f"Votre demande {refused.reference} est rejetée") in by_to
    assert (sva.department.email, f"Décision implicite d'acceptation — dossier {accepted.reference}") in by_to
    assert (svr.department.email, f"Décision implicite de rejet — dossier {refused.reference}") in by_to
    resident_mail = next(m for m in messages if m["To"] == svr.resident.email)
    assert "demander les motifs" in body_text(resident_mail) and "L232-4" in body_text(resident_mail)
    department_mail = next(m for m in messages if m["To"] == svr.department.email)
    assert svr.resident.last_name not in body_text(department_mail)  # no personal data in the notice

    counts = (Decision.objects.count(), EmailDelivery.objects.count(), sum(c.events.count() for c in (accepted,
                                                                                                      refused)))
    mailbox.clear()
    assert run_command(django_capture_on_commit_callbacks).startswith("0 décision(s) implicite(s)")
    assert (Decision.objects.count(), EmailDelivery.objects.count(),
            sum(c.events.count() for c in (accepted, refused))) == counts
    assert mailbox.messages == []


def test_dry_run_lists_without_deciding():
    team = Team(regime="SVA")
    case = team.file(received_at=ago(70))
    out = io.StringIO()
    call_command("apply_implicit_decisions", "--dry-run", stdout=out)
    assert case.reference in out.getvalue() and "1 dossier(s) à traiter." in out.getvalue()
    case.refresh_from_db()
    assert case.status == "received"


def test_pending_pieces_under_sva_stop_the_clock():
    team = Team(regime="SVA")
    case = team.file(received_at=ago(70))
    apply_transition(case, "request_pieces", actor=team.officer, expected_version=case.version,
                     pieces=["Plan"], deadline=timezone.localdate() - dt.timedelta(days=1), at=ago(65))
    assert apply_implicit_decisions()["decided"] == 0
    case.refresh_from_db()
    assert case.status == "pieces_requested" and case.implicit_decision_on is None


def test_svr_pieces_never_sent_decide_after_the_deadline():
    team = Team(regime="SVR")
    case = team.file(received_at=ago(90))
    apply_transition(case, "request_pieces", actor=team.officer, expected_version=case.version,
                     pieces=["Plan"], deadline=(ago(80) + dt.timedelta(days=5)).date(), at=ago(80))
    assert apply_implicit_decisions()["decided"] == 1
    case.refresh_from_db()
    assert case.status == "implicitly_refused"
    assert case.timers.get().state == "cancelled"


def test_attestation_of_implicit_acceptance(client, django_capture_on_commit_callbacks):
    team = Team(regime="SVA")
    case = team.file(received_at=ago(70))
    apply_implicit_decisions()
    case.refresh_from_db()
    client.force_login(team.resident)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    url = reverse("cases:attestation", args=[case.reference])
    assert "Acceptée (décision implicite)" in page and url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "Attestation d'acceptation implicite" in text and case.reference in text and "L232-3" in text
    assert f"née le {case.implicit_decision_on.day}" in text and "Camille DURAND" in text
    client.get(url)
    assert case.documents.filter(kind="attestation").count() == 1  # issued once
    assert case.events.filter(kind="attestation_issued").count() == 1
    assert Decision.objects.get(case=case).letter.kind == "attestation"
    # Someone else, or a case without implicit acceptance: 404.
    client.force_login(make_resident())
    assert client.get(url).status_code == 404
    other = team.file()
    client.force_login(team.resident)
    assert client.get(reverse("cases:attestation", args=[other.reference])).status_code == 404
    # The tracking link of an anonymous filing gives it too.
    anonymous = team.file(applicant=None, contact_email="anonyme@example.org", received_at=ago(70))
    apply_implicit_decisions()
    response = client.get(reverse("cases:track_attestation", args=[anonymous.tracking_token]))
    assert response.status_code == 200 and response["Referrer-Policy"] == "same-origin"


def test_reasons_of_an_implicit_rejection(client, mailbox, django_capture_on_commit_callbacks):
    team = Team(regime="SVR")
    case = team.file(received_at=ago(70))
    apply_implicit_decisions()
    case.refresh_from_db()
    client.force_login(team.resident)
    page_url = reverse("cases:detail", args=[case.reference])
    html = client.get(page_url).content.decode()
    reasons_url = reverse("cases:reasons", args=[case.reference])
    assert reasons_url in html and "Demander les motifs de la décision" in html
    assert client.get(reasons_url).status_code == 405
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reasons_url).status_code == 302
    reasons = ReasonsRequest.objects.get(case=case)
    assert reasons.due_on == add_months(timezone.localdate(), 1) and reasons.requested_by == team.resident
    assert reasons.channel == "web" and reasons.is_open
    [notice] = mailbox.wait_for(1)
    assert notice["To"] == team.department.email and "Demande de motifs" in notice["Subject"]
    html = client.get(page_url).content.decode()
    assert "ils vous seront communiqués au plus tard le" in html and "Demander les motifs de la décision" not in html
    # Asking twice: refused, with a message.
    client.post(reasons_url)
    assert ReasonsRequest.objects.count() == 1

    # The task is listed for the head, then answered by the case officer.
    client.force_login(team.head)
    html = client.get(reverse("casework:deadlines")).content.decode()
    assert "Demandes de motifs à traiter (1)" in html and case.reference in html
    assert reasons.due_on.strftime("%d/%m/%Y") in html
    client.force_login(team.officer)
    answer_url = reverse("casework:answer_reasons", args=[case.reference])
    assert client.post(answer_url, {"motifs-reasons": ""}).status_code == 400
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_url, {"motifs-reasons": "La salle était louée ; <i>désolé</i>."})
    assert response.status_code == 302
    reasons.refresh_from_db()
    assert not reasons.is_open and reasons.answered_by == team.officer
    text = pdf_text(reasons.letter.stored_file.file.read())
    assert "La salle était louée ; <i>désolé</i>." in text and "L232-4" in text
    [notice] = mailbox.wait_for(1)
    assert notice["To"] == team.resident.email
    assert "désolé" not in body_text(notice) and "ne reproduit pas le contenu" in body_text(notice)
    assert client.post(answer_url, {"motifs-reasons": "Encore"}).status_code == 409
    client.force_login(team.head)
    assert "Demandes de motifs à traiter (0)" in client.get(reverse("casework:deadlines")).content.decode()
    client.force_login(team.resident)
    html = client.get(page_url).content.decode()
    assert "Les motifs de la décision vous ont été communiqués le" in html
    assert reverse("cases:document", args=[case.reference, reasons.letter.pk]) in html


def test_reasons_only_for_an_implicit_rejection_within_two_months(client):
    team = Team(regime="SVR")
    case = team.file()
    client.force_login(team.resident)
    client.post(reverse("cases:reasons", args=[case.reference]))
    assert not ReasonsRequest.objects.exists()
    late = team.file(received_at=ago(200))
    apply_implicit_decisions()
    late.refresh_from_db()
    assert late.status == "implicitly_refused"
    html = client.get(reverse("cases:detail", args=[late.reference])).content.decode()
    assert "Le délai pour demander les motifs de ce rejet implicite a pris fin" in html
    response = client.post(reverse("cases:reasons", args=[late.reference]), follow=True)
    assert "Le délai pour demander les motifs de cette décision a expiré" in response.content.decode()
    assert not ReasonsRequest.objects.exists()
    # Another resident cannot ask for them.
    fresh = team.file(received_at=ago(70))
    apply_implicit_decisions()
    client.force_login(make_resident())
    assert client.post(reverse("cases:reasons", args=[fresh.reference])).status_code == 404
    assert not ReasonsRequest.objects.exists()


def test_only_handlers_of_the_department_answer_reasons(client):
    team = Team(regime="SVR")
    case = team.file(received_at=ago(70))
    apply_implicit_decisions()
    from parvis.cases.implicit import request_reasons

    request_reasons(case, actor=team.resident)
    client.force_login(team.front_desk)
    response = client.post(reverse("casework:answer_reasons", args=[case.reference]), {"motifs-reasons": "X"})
    assert response.status_code == 403
    client.force_login(make_agent(make_department(), Role.HEAD))
    assert client.post(reverse("casework:answer_reasons", args=[case.reference]),
                       {"motifs-reasons": "X"}).status_code == 404
    assert ReasonsRequest.objects.get().is_open


def test_heads_page_lists_overdue_and_due_soon_cases(client):
    team = Team(regime="SVR")
    overdue = team.file(received_at=ago(63))  # decided by silence two days ago, not recorded yet
    soon = team.file(received_at=ago(55))
    later = team.file(received_at=ago(5))
    elsewhere = Team(regime="SVR").file(received_at=ago(63))
    client.force_login(team.head)
    response = client.get(reverse("casework:deadlines"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dossiers en retard (1)" in html and overdue.reference in html and "dépassée depuis" in html
    assert "Décisions implicites prochaines (1)" in html and soon.reference in html
    assert later.reference not in html and elsewhere.reference not in html
    apply_implicit_decisions()
    html = client.get(reverse("casework:deadlines")).content.decode()
    assert "Dossiers en retard (0)" in html
    assert "Décisions implicites des trois derniers mois (1)" in html and overdue.reference in html


def test_heads_page_access(client):
    team = Team()
    for user, status in ((team.head, 200), (team.officer, 200), (team.front_desk, 403),
                         (make_agent(team.department, Role.PROCEDURE_ADMIN), 403), (make_resident(), 403)):
        client.force_login(user)
        assert client.get(reverse("casework:deadlines")).status_code == status
    client.logout()
    assert client.get(reverse("casework:deadlines")).status_code == 302
