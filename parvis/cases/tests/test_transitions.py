"""Every action of the default workflow through the agent's page (HTTP), its entry actions and history; and the
bad inputs: a transition not allowed from the status, a decision without motivation, a deadline in the past, a
forged assignee, a stale version."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.cases.models import Decision
from parvis.cases.tests.factories import Team
from parvis.organisation.models import Role
from parvis.testing.factories import make_agent, make_department
from parvis.testing.pdf import pdf_text
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return Team(regime="SVA")


def post_transition(client, case, key, version=None, **fields):
    data = {f"t-{key}-version": case.version if version is None else version}
    data.update({f"t-{key}-{name}": value for name, value in fields.items()})
    return client.post(reverse("casework:transition", args=[case.reference, key]), data)


def act(client, capture, case, key, **fields):
    with capture(execute=True):
        response = post_transition(client, case, key, **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("casework:detail", args=[case.reference])
    case.refresh_from_db()
    return case


def events(case, kind=None):
    queryset = case.events.order_by("at", "pk")
    return list(queryset.filter(kind=kind) if kind else queryset)


def test_start_assigns_the_agent_and_is_logged(client, team, django_capture_on_commit_callbacks):
    case = team.file()
    client.force_login(team.officer)
    case = act(client, django_capture_on_commit_callbacks, case, "start")
    assert case.status == "in_progress" and case.assignee == team.officer and case.version == 2
    [change] = events(case, "status_changed")
    assert change.description == "Commencer l'instruction : Reçue → En cours d'instruction"
    assert change.actor == team.officer and change.channel == "" and change.channel_label == "Espace agents"
    assert change.data["resident_description"] == "Votre demande est maintenant : En cours de traitement"
    [assigned] = events(case, "action_assign")
    assert assigned.description == "Dossier affecté à Élodie MARCHAND" and assigned.actor == team.officer
    assert not assigned.visible_to_resident
    html = client.get(reverse("casework:detail", args=[case.reference])).content.decode()
    assert "« Commencer l&#x27;instruction » : c&#x27;est fait." in html


def test_request_pieces_then_agent_marks_them_received(client, team, mailbox, django_capture_on_commit_callbacks):
    case = team.file()
    client.force_login(team.officer)
    deadline = timezone.localdate() + dt.timedelta(days=15)
    case = act(client, django_capture_on_commit_callbacks, case, "request_pieces",
               pieces="Attestation d'assurance\n- Plan de la salle\n\n", deadline=deadline.isoformat())
    assert case.status == "pieces_requested"
    [request] = case.pieces_requests.all()
    assert request.pieces == ["Attestation d'assurance", "Plan de la salle"] and request.deadline == deadline
    assert case.implicit_decision_on is None  # SVA: the period waits for the complete file
    [message] = mailbox.wait_for(1)
    assert message["To"] == team.resident.email
    assert message["Subject"] == f"Votre demande {case.reference} : des pièces sont à fournir"
    text = body_text(message).replace("\r\n", "\n")
    assert "- Attestation d'assurance\n- Plan de la salle" in text and deadline.strftime("%d/%m") not in text
    assert "article L114-5" in text
    assert case.timers.get().state == "pending"
    # The pieces come by mail: the agent says so.
    case = act(client, django_capture_on_commit_callbacks, case, "pieces_received")
    request.refresh_from_db()
    assert case.status == "in_progress" and request.completed_on == timezone.localdate()
    assert case.implicit_decision_on is not None  # restarted from today
    assert case.timers.get().state == "cancelled"
    kinds = [event.kind for event in events(case)]
    assert kinds[-5:] == ["status_changed", "timer_cancelled", "pieces_received", "implicit_decision_changed",
                          "action_assign"]


@pytest.mark.parametrize("key, fields, status, outcome, letter_words", [
    ("accept", {}, "accepted", "accepted", ["votre demande est acceptée"]),
    ("refuse", {"motivation": "La salle est réservée ce jour-là."}, "refused", "refused",
     ["votre demande est refusée", "La salle est réservée ce jour-là.", "Voies et délais de recours", "Télérecours"]),
    ("close", {"motivation": "Demande en double."}, "closed_without_action", "closed",
     ["classée sans suite", "Demande en double."]),
])
def test_decisions(client, team, mailbox, django_capture_on_commit_callbacks, key, fields, status, outcome,
                   letter_words):
    case = team.file()
    client.force_login(team.head)
    case = act(client, django_capture_on_commit_callbacks, case, key, **fields)
    assert case.status == status and case.closed_at is not None
    decision = Decision.objects.get(case=case)
    assert decision.outcome == outcome and decision.decided_by == team.head and not decision.implicit
    assert decision.motivation == fields.get("motivation", "") and decision.decided_on == timezone.localdate()
    letter = decision.letter
    assert letter.kind == "letter" and letter.visible_to_resident
    text = pdf_text(letter.stored_file.file.read())
    assert case.reference in text and "Madame Camille DURAND" in text and "Location de salle" in text
    for words in letter_words:
        assert words in text
    [email] = mailbox.wait_for(1)
    assert email["To"] == team.resident.email and case.reference in email["Subject"]
    assert "Le courrier de décision est disponible dans le suivi de votre demande" in body_text(email)
    handling = [event for event in events(case) if event.kind != "email_sent"][-4:]
    assert [event.kind for event in handling] == ["status_changed", "decision_recorded", "action_document",
                                                  "action_email"]
    assert all(event.actor == team.head for event in handling)
    assert events(case)[-1].description == f"Courriel envoyé : {email['Subject']} à {team.resident.email}"
    # Nothing leaves a decision.
    html = client.get(reverse("casework:detail", args=[case.reference])).content.decode()
    assert "Le dossier est clos" in html
    assert client.post(reverse("casework:transition", args=[case.reference, "accept"]),
                       {"t-accept-version": case.version}).status_code == 409
    assert Decision.objects.filter(case=case).count() == 1


def test_transition_not_allowed_from_the_current_status(client, team):
    case = team.file()
    client.force_login(team.officer)
    response = post_transition(client, case, "pieces_received")
    assert response.status_code == 409
    html = response.content.decode()
    assert "« Pièces reçues » n&#x27;est pas possible quand le dossier est « Reçue »." in html
    assert 'role="alert"' in html
    case.refresh_from_db()
    assert case.status == "received" and case.version == 1 and len(events(case)) == 1
    assert post_transition(client, case, "ghost").status_code == 404


def test_refusal_without_motivation_is_refused(client, team):
    case = team.file()
    client.force_login(team.officer)
    for motivation in ("", "   "):
        response = post_transition(client, case, "refuse", motivation=motivation)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Indiquez les motifs de la décision : ils sont communiqués à l&#x27;usager." in html
        assert 'class="error-summary"' in html and "<details open>" in html
    case.refresh_from_db()
    assert case.status == "received" and not case.decisions.exists()


@pytest.mark.parametrize("deadline, message", [
    ((timezone.localdate() - dt.timedelta(days=1)).isoformat(), "La date limite ne peut pas être passée"),
    ("", "Indiquez la date limite pour fournir les pièces."),
    ("31/02/2026", "Indiquez une date valide"),
    ((timezone.localdate() + dt.timedelta(days=400)).isoformat(), "La date limite ne peut pas dépasser un an."),
])
def test_pieces_deadline_must_be_a_future_date(client, team, deadline, message):
    case = team.file()
    client.force_login(team.officer)
    response = post_transition(client, case, "request_pieces", pieces="Plan", deadline=deadline)
    assert response.status_code == 400
    assert message in response.content.decode()
    case.refresh_from_db()
    assert case.status == "received" and not case.pieces_requests.exists()


def test_pieces_are_required(client, team):
    case = team.file()
    client.force_login(team.officer)
    response = post_transition(client, case, "request_pieces", pieces=" \n - \n",
                               deadline=(timezone.localdate() + dt.timedelta(days=3)).isoformat())
    assert response.status_code == 400
    assert "Indiquez au moins une pièce à fournir" in response.content.decode()


def test_today_is_a_valid_deadline(client, team, django_capture_on_commit_callbacks):
    case = team.file()
    client.force_login(team.officer)
    case = act(client, django_capture_on_commit_callbacks, case, "request_pieces", pieces="Plan",
               deadline=timezone.localdate().strftime("%d/%m/%Y"))
    assert case.pieces_requests.get().deadline == timezone.localdate()


def test_two_agents_post_the_same_version_the_second_gets_the_fresh_state(client, team):
    case = team.file()
    version = case.version
    client.force_login(team.officer)
    assert post_transition(client, case, "accept", version=version).status_code == 302
    client.force_login(team.head)
    response = post_transition(client, case, "refuse", version=version, motivation="Salle déjà louée.")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Ce dossier vient d&#x27;être modifié par quelqu&#x27;un d&#x27;autre" in html
    assert "Acceptée" in html and "Le dossier est clos" in html  # the fresh state
    assert Decision.objects.filter(case=case).count() == 1
    assert Decision.objects.get(case=case).outcome == "accepted"


def test_stale_version_keeps_what_the_agent_typed(client, team):
    case = team.file()
    version = case.version
    client.force_login(team.head)
    assert post_transition(client, case, "start").status_code == 302  # the case moved meanwhile (version 2)
    response = post_transition(client, case, "refuse", version=version, motivation="Dossier hors délai.")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Dossier hors délai." in html  # kept in the refusal form, now carrying the fresh version
    assert 'name="t-refuse-version" value="2"' in html
    assert not Decision.objects.exists()
    # A forged, non-numeric version is a stale one too.
    assert post_transition(client, case, "accept", version="abc").status_code == 409


def test_assignment(client, team):
    case = team.file()
    client.force_login(team.head)
    url = reverse("casework:assign", args=[case.reference])
    response = client.post(url, {"affectation-version": 1, "affectation-assignee": team.officer.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == team.officer and case.version == 2
    [event] = events(case, "assigned")
    assert event.description == "Dossier affecté à Élodie MARCHAND" and event.actor == team.head
    assert not event.visible_to_resident
    # Unassign.
    assert client.post(url, {"affectation-version": 2, "affectation-assignee": ""}).status_code == 302
    case.refresh_from_db()
    assert case.assignee is None


@pytest.mark.parametrize("forged", ["other_department", "front_desk", "inactive", "unknown", "text"])
def test_forged_assignee_is_a_form_error(client, team, forged):
    case = team.file()
    inactive = make_agent(team.department, Role.CASE_OFFICER)
    inactive.is_active = False
    inactive.save()
    assignee_id = {
        "other_department": lambda: make_agent(make_department(), Role.CASE_OFFICER).pk,
        "front_desk": lambda: team.front_desk.pk,
        "inactive": lambda: inactive.pk,
        "unknown": lambda: 999999,
        "text": lambda: "1 OR 1=1",
    }[forged]()
    client.force_login(team.head)
    response = client.post(reverse("casework:assign", args=[case.reference]),
                           {"affectation-version": 1, "affectation-assignee": assignee_id})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee is None and case.version == 1


def test_front_desk_may_not_assign(client, team):
    case = team.file()
    client.force_login(team.front_desk)
    response = client.post(reverse("casework:assign", args=[case.reference]),
                           {"affectation-version": 1, "affectation-assignee": team.front_desk.pk})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assignee is None


def test_assignment_with_a_stale_version(client, team):
    case = team.file()
    client.force_login(team.head)
    url = reverse("casework:assign", args=[case.reference])
    assert client.post(url, {"affectation-version": 1, "affectation-assignee": team.officer.pk}).status_code == 302
    response = client.post(url, {"affectation-version": 1, "affectation-assignee": team.head.pk})
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.assignee == team.officer


def test_get_is_not_allowed_on_actions(client, team):
    case = team.file()
    client.force_login(team.officer)
    for name, args in (("transition", [case.reference, "accept"]), ("assign", [case.reference]),
                       ("message", [case.reference]), ("note", [case.reference])):
        assert client.get(reverse(f"casework:{name}", args=args)).status_code == 405
    case.refresh_from_db()
    assert case.version == 1


def test_actions_need_the_csrf_token(team):
    from django.test import Client

    case = team.file()
    client = Client(enforce_csrf_checks=True)
    client.force_login(team.officer)
    response = post_transition(client, case, "accept")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "received"
