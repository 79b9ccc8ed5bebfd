"""The agent's case page (/agents/dossiers/<reference>/): what it shows, who may open it, what it costs."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.cases.handling import apply_transition
from parvis.cases.models import EmailDelivery
from parvis.cases.services import add_internal_note, send_agent_message
from parvis.cases.tests.factories import Team, paris
from parvis.files.services import store_bytes
from parvis.organisation.models import Role
from parvis.privacy.models import AccessLog
from parvis.testing.factories import make_agent, make_department, make_resident

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _no_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def team():
    return Team(regime="SVR")


def url(case):
    return reverse("casework:detail", args=[case.reference])


def test_page_shows_the_case_to_an_agent_of_its_department(client, team):
    stored = store_bytes(PDF, "plan.pdf", "application/pdf", uploaded_by=team.resident)
    case = team.file(received_at=timezone.now() - dt.timedelta(days=3),
                     answers={"objet": "Salle des fêtes", "details": "Pour 50 personnes",
                              "justificatif": [stored.as_answer()]},
                     files=[("justificatif", stored)])
    case = apply_transition(case, "start", actor=team.officer, expected_version=case.version)
    EmailDelivery.objects.create(case=case, to="camille@example.org", subject="Accusé de réception",
                                 body_text="...", status="failed", attempts=3, last_error="SMTP down")
    client.force_login(team.officer)
    response = client.get(url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # The resident: identity and contact.
    assert "Madame Camille DURAND" in html and team.resident.email in html and "06 12 34 56 78" in html
    assert "8 rue des Lilas, 99100 Admiville" in html
    # Procedure and revision, channel, receipt, status, assignee.
    assert "Location de salle" in html and "version 1 du formulaire" in html
    assert "En ligne" in html and "En cours d&#x27;instruction" in html and "Élodie MARCHAND" in html
    # The implicit decision: date, countdown, regime and legal basis.
    decision_on = case.implicit_decision_on
    days = (decision_on - timezone.localdate()).days
    assert f"dans {days} jours" in html
    assert "Silence vaut rejet" in html and "délai de deux mois" in html and "Décret n° 2014-1273, annexe" in html
    # The answers as filed (form engine display) with the joined file, the documents, the history.
    assert "Objet de la demande" in html and "Salle des fêtes" in html and "Pour 50 personnes" in html
    assert reverse("casework:document", args=[case.reference, case.documents.get().pk]) in html
    assert "Commencer l&#x27;instruction : Reçue → En cours d&#x27;instruction" in html
    assert "Espace agents" in html  # the channel of an agent's action
    # A failed email, shown so that the agent warns the resident otherwise.
    assert "Courriels non délivrés" in html and "3 essais" in html
    # The read is in the access log.
    assert AccessLog.objects.filter(agent=team.officer, action="view", case_reference=case.reference).count() == 1


def test_each_available_transition_has_its_form_with_the_version(client, team):
    case = team.file()
    client.force_login(team.officer)
    html = client.get(url(case)).content.decode()
    for key in ("start", "request_pieces", "accept", "refuse", "close"):
        assert reverse("casework:transition", args=[case.reference, key]) in html
    assert reverse("casework:transition", args=[case.reference, "pieces_received"]) not in html
    assert 'name="t-refuse-motivation"' in html and 'name="t-request_pieces-deadline"' in html
    assert f'name="t-refuse-version" value="{case.version}"' in html
    assert 'id="id_affectation-assignee"' in html


def test_front_desk_sees_the_case_but_cannot_move_it(client, team):
    case = team.file()
    client.force_login(team.front_desk)
    response = client.get(url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Votre rôle ne vous permet pas de faire avancer ce dossier." in html
    assert reverse("casework:transition", args=[case.reference, "accept"]) not in html
    assert reverse("casework:assign", args=[case.reference]) not in html
    response = client.post(reverse("casework:transition", args=[case.reference, "accept"]),
                           {"t-accept-version": case.version})
    assert response.status_code == 403
    assert "Votre rôle dans ce service ne permet pas « Accepter »." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "received" and not case.decisions.exists()


@pytest.mark.parametrize("who", ["other_department", "procedure_admin", "dpo", "resident", "applicant"])
def test_denied_with_404_and_logged(client, team, who):
    case = team.file()
    user = {
        "other_department": lambda: make_agent(make_department(), Role.CASE_OFFICER),
        "procedure_admin": lambda: make_agent(team.department, Role.PROCEDURE_ADMIN),
        "dpo": lambda: make_agent(team.department, Role.DPO),
        "resident": make_resident,
        "applicant": lambda: team.resident,
    }[who]()
    client.force_login(user)
    for path in (url(case), reverse("casework:document", args=[case.reference, 1])):
        response = client.get(path)
        assert response.status_code == 404
        assert case.reference not in response.content.decode()
    posts = {
        reverse("casework:transition", args=[case.reference, "accept"]): {"t-accept-version": case.version},
        reverse("casework:assign", args=[case.reference]): {"affectation-version": case.version,
                                                            "affectation-assignee": user.pk},
        reverse("casework:message", args=[case.reference]): {"message-body": "Intrusion"},
        reverse("casework:note", args=[case.reference]): {"note-body": "Intrusion"},
    }
    for path, data in posts.items():
        assert client.post(path, data).status_code == 404
    denials = AccessLog.objects.filter(agent=user, action="denied")
    assert denials.count() == 2 + len(posts)
    assert all(case.reference in line.detail for line in denials)
    assert not AccessLog.objects.filter(agent=user, action="view").exists()
    case.refresh_from_db()
    assert case.status == "received" and case.version == 1 and case.assignee is None
    assert not case.messages.exists() and not case.notes.exists()


def test_anonymous_is_sent_to_the_login_page(client, team):
    case = team.file()
    for response in (client.get(url(case)),
                     client.post(reverse("casework:transition", args=[case.reference, "accept"]), {})):
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert case.events.count() == 1


def test_unknown_case_is_404(client, team):
    client.force_login(team.officer)
    assert client.get(reverse("casework:detail", args=["ADM-2099-999999"])).status_code == 404
    assert AccessLog.objects.filter(agent=team.officer, action="denied").count() == 1


def test_agent_document_download_is_logged(client, team):
    stored = store_bytes(PDF, "plan.pdf", "application/pdf", uploaded_by=team.resident)
    case = team.file(files=[("justificatif", stored)])
    document = case.documents.get()
    client.force_login(team.officer)
    response = client.get(reverse("casework:document", args=[case.reference, document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert AccessLog.objects.filter(agent=team.officer, action="download", case_reference=case.reference,
                                    detail="plan.pdf").exists()
    other = Team().file(files=[("justificatif", store_bytes(PDF, "autre.pdf", "application/pdf"))])
    # Another case's document through this case's URL: 404.
    assert client.get(reverse("casework:document", args=[case.reference, other.documents.get().pk])).status_code == 404


# session, user, roles, case, access log (5); documents, pieces requests, reasons request, decisions, messages and
# their documents, notes, failed emails, events, the agents of the assignment select (10); the assignee (1: not
# in get_case_for_agent's select_related); the layout's commune is read once per process and the agent check
# comes with the user. Pinned: more events, messages, notes or documents must not add queries.
PAGE_QUERIES = 16


def test_case_page_query_count_does_not_grow(client, team, django_assert_max_num_queries):
    case = team.file(received_at=paris(2026, 1, 5))
    client.force_login(team.officer)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url(case)).status_code == 200
    case = apply_transition(case, "start", actor=team.officer, expected_version=case.version)
    case = apply_transition(case, "request_pieces", actor=team.officer, expected_version=case.version,
                            pieces=["Plan", "Assurance"], deadline=timezone.localdate() + dt.timedelta(days=10))
    for n in range(5):
        message = send_agent_message(case, body=f"Message {n}", author=team.officer,
                                     stored_file=store_bytes(PDF, f"doc{n}.pdf", "application/pdf"))
        assert message.documents.count() == 1
        add_internal_note(case, body=f"Note {n}", author=team.head)
    case = apply_transition(case, "refuse", actor=team.head, expected_version=case.version, motivation="Non.")
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url(case))
    html = response.content.decode()
    assert html.count("Note interne</strong>") == 5 and "Message 4" in html and "doc4.pdf" in html
