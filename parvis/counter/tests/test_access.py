"""Who may use the counter: every denial is tested as carefully as the success."""

import pytest

from parvis.cases.tests.factories import file_case
from parvis.counter.access import can_use_counter, counter_procedures
from parvis.counter.models import CounterDraft
from parvis.counter.tests.conftest import fill_form, start_filing, submit
from parvis.organisation.models import AgentRole, Role
from parvis.privacy.models import AccessAction, AccessLog
from parvis.testing.factories import make_resident

pytestmark = pytest.mark.django_db


def _pages(resident):
    return ["/agents/guichet/", "/agents/guichet/usagers/nouveau/", f"/agents/guichet/usagers/{resident.pk}/",
            f"/agents/guichet/usagers/{resident.pk}/deposer/", "/agents/guichet/courrier/"]


@pytest.fixture
def platform_admin(commune):
    user = make_resident(email="admin@admiville.fr")
    user.is_staff = True
    user.save()
    return user


def test_anonymous_visitors_are_sent_to_the_login_page(client, resident):
    for url in _pages(resident):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/?next="), url
    assert client.post("/agents/guichet/usagers/nouveau/", {"first_name": "X"}).status_code == 302
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("who", ["resident", "procedure_admin", "dpo", "platform_admin"])
def test_non_counter_users_are_refused_and_the_denial_is_logged(request, client, resident, who):
    user = request.getfixturevalue(who) if who != "resident" else make_resident()
    client.force_login(user)
    for url in _pages(resident):
        assert client.get(url).status_code == 403, url
    response = client.post("/agents/guichet/usagers/nouveau/", {
        "first_name": "Jean", "last_name": "Martin", "birth_date": "01/01/1990", "street": "1 rue", "postcode": "99100",
        "city": "Admiville"})
    assert response.status_code == 403
    assert not type(resident).objects.filter(last_name="Martin").exists()
    # Denials about a resident are logged; no read is.
    assert not AccessLog.objects.filter(action=AccessAction.VIEW).exists()
    denied = AccessLog.objects.filter(agent=user, action=AccessAction.DENIED, resident_id=resident.pk)
    assert denied.count() == 2  # the card and the filing page


@pytest.mark.parametrize("who", ["front_desk", "officer", "head"])
def test_front_desk_case_officers_and_heads_may_use_the_counter(request, client, resident, who):
    user = request.getfixturevalue(who)
    assert can_use_counter(user)
    client.force_login(user)
    for url in _pages(resident):
        assert client.get(url).status_code == 200, url


def test_front_desk_may_file_any_procedure_case_officers_only_their_departments(
        front_desk, officer, head, other_officer, procedure_admin, procedure, urbanisme_procedure):
    assert set(counter_procedures(front_desk)) == {procedure, urbanisme_procedure}
    assert set(counter_procedures(officer)) == {procedure}
    assert set(counter_procedures(head)) == {procedure}
    assert set(counter_procedures(other_officer)) == {urbanisme_procedure}
    assert not counter_procedures(procedure_admin).exists()


def test_unpublished_procedures_are_not_offered(front_desk, procedure):
    procedure.status = "closed"
    procedure.save()
    assert not counter_procedures(front_desk).exists()


def test_another_departments_case_officer_cannot_file_a_procedure_outside_their_department(
        client, other_officer, resident, procedure, urbanisme_procedure):
    client.force_login(other_officer)
    page = client.get(f"/agents/guichet/usagers/{resident.pk}/deposer/").content.decode()
    assert "Certificat d&#x27;urbanisme" in page and "Copie d&#x27;acte de naissance" not in page
    _, response = start_filing(client, resident, procedure, expect=200)
    assert "Choisissez une démarche de la liste." in response.content.decode()
    assert not CounterDraft.objects.exists()
    draft, _ = start_filing(client, resident, urbanisme_procedure)
    assert draft.procedure == urbanisme_procedure


def test_a_draft_belongs_to_the_agent_who_started_it(client, front_desk, officer, resident, procedure):
    client.force_login(front_desk)
    draft, _ = start_filing(client, resident, procedure)
    client.force_login(officer)  # may file this procedure, but this is not their draft
    base = f"/agents/guichet/depots/{draft.pk}"
    for url in (f"{base}/pages/demandeur/", f"{base}/documents/", f"{base}/verification/", f"{base}/canal-et-date/"):
        assert client.get(url).status_code == 404, url
    assert submit(client, draft).status_code == 404
    assert client.post(f"/agents/guichet/depots/{draft.pk}/abandonner/").status_code == 404
    assert CounterDraft.objects.filter(pk=draft.pk).exists()


def test_a_draft_is_closed_when_the_agent_loses_the_procedure(client, officer, resident, procedure, urbanisme):
    client.force_login(officer)
    draft, _ = start_filing(client, resident, procedure)
    AgentRole.objects.filter(user=officer).update(role=Role.PROCEDURE_ADMIN)
    assert client.get(f"/agents/guichet/depots/{draft.pk}/pages/demandeur/").status_code == 403
    AgentRole.objects.create(user=officer, department=urbanisme, role=Role.CASE_OFFICER)
    assert client.get(f"/agents/guichet/depots/{draft.pk}/pages/demandeur/").status_code == 404


def test_case_officer_filing_sees_the_case_they_filed(client, other_officer, resident_without_email,
                                                      urbanisme_procedure, front_desk):
    client.force_login(other_officer)
    draft, _ = start_filing(client, resident_without_email, urbanisme_procedure, channel="phone")
    fill_form(client, draft)
    response = submit(client, draft)
    assert client.get(response["Location"]).status_code == 200
    reference = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert client.get(f"/agents/guichet/dossiers/{reference}/accuse-de-reception/").status_code == 200
    # The front desk of another department did not file it and does not handle it: no access to its content.
    client.force_login(front_desk)
    assert client.get(f"/agents/guichet/dossiers/{reference}/").status_code == 404
    assert client.get(f"/agents/guichet/dossiers/{reference}/accuse-de-reception/").status_code == 404


@pytest.mark.parametrize("who", ["resident", "procedure_admin"])
def test_acknowledgement_download_is_refused_to_non_counter_users(request, client, procedure, resident, who):
    case = file_case(procedure=procedure, applicant=resident)
    user = resident if who == "resident" else request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(f"/agents/guichet/dossiers/{case.reference}/accuse-de-reception/").status_code == 403
    assert client.get(f"/agents/guichet/dossiers/{case.reference}/").status_code == 403
