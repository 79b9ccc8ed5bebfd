"""The ANTS protocol end to end, against the local ANTS server: checking pre-application numbers before a
booking (each status, slow, 500, malformed), and declaring / deleting appointments with retries."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parvis.appointments import ants, services
from parvis.appointments.models import AntsOperation, AntsState, Appointment, Status
from parvis.appointments.tests.helpers import offers_on
from parvis.testing.factories import make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(client):
    person = make_resident(email="ines@example.org", first_name="Inès", last_name="Lefèvre")
    client.force_login(person)
    return person


def hold(client, place, meeting_type, offer):
    url = reverse("appointments:slots") + f"?motif={meeting_type.slug}&lieu={place.slug}"
    response = client.post(url, {"creneau": offer.value})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Appointment.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def confirm(client, appointment, numbers, **extra):
    data = {"first_name": "Inès", "last_name": "Lefèvre", "email": "ines@example.org", "phone": "",
            "application_ids": numbers, **extra}
    return client.post(reverse("appointments:confirm", args=[appointment.pk]), data)


def test_a_validated_number_books_and_the_appointment_is_declared(client, resident, agenda, ants_server,
                                                                 django_capture_on_commit_callbacks):
    place, cni, _pickup = agenda
    ants_server.add_application("ABCDE12345", "validated")
    appointment = hold(client, place, cni, offers_on(place, cni)[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, appointment, "abcde12345")  # typed in lower case: normalised
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED and appointment.application_ids == ["ABCDE12345"]
    [declared] = ants_server.appointments_of("ABCDE12345")
    assert declared["meeting_point_id"] == str(place.pk) and declared["meeting_point"] == place.name
    assert declared["appointment_date"] == services.local(appointment.start).strftime("%Y-%m-%dT%H:%M:%S")
    assert declared["management_url"] == services.manage_url(appointment)
    assert ants.declaration_state(appointment) == "declared"
    status_call = next(r for r in ants_server.requests if r.path == "/status")
    assert status_call.params["application_ids"] == ["ABCDE12345"]


@pytest.mark.parametrize(("status", "words"), [
    ("declared", "a déjà servi à déposer un dossier"), ("consumed", "a déjà été utilisé pour produire un titre"),
    ("expired", "a expiré"), ("unknown", "est inconnu de l'ANTS"),
])
def test_numbers_that_are_not_validated_are_refused_with_a_message_per_status(client, resident, agenda, ants_server,
                                                                              status, words):
    place, cni, _pickup = agenda
    if status != "unknown":
        ants_server.add_application("ABCDE12345", status)
    appointment = hold(client, place, cni, offers_on(place, cni)[0])
    response = confirm(client, appointment, "ABCDE12345")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le numéro ABCDE12345 " + words in page.replace("&#x27;", "'")
    appointment.refresh_from_db()
    assert appointment.status == Status.HELD  # the slot stays held while the person corrects the number


def test_malformed_numbers_are_refused_before_asking_ants(client, resident, agenda, ants_server):
    place, cni, _pickup = agenda
    appointment = hold(client, place, cni, offers_on(place, cni)[0])
    ants_server.clear_requests()
    for typed in ("ABC123", "ABCDE12345678", "ABCDE 1234!"):
        response = confirm(client, appointment, typed)
        assert response.status_code == 400
        assert "n&#x27;est pas un numéro de pré-demande" in response.content.decode()
    response = confirm(client, appointment, "ABCDE12345 FGHIJ67890")  # two numbers for a one-person type
    assert "indiquez un seul numéro" in response.content.decode()
    assert ants_server.requests == []


@pytest.mark.parametrize("trouble", [{"slow_seconds": 2.5}, {"fail_status": 500}, {"malformed": True}])
def test_when_ants_does_not_answer_the_booking_is_not_lost(client, resident, agenda, ants_server, trouble,
                                                           django_capture_on_commit_callbacks):
    place, cni, _pickup = agenda
    ants_server.add_application("ABCDE12345", "validated")
    appointment = hold(client, place, cni, offers_on(place, cni)[0])
    ants_server.behave(**trouble)
    response = confirm(client, appointment, "ABCDE12345")
    assert response.status_code == 400
    page = response.content.decode()
    assert "ne répond pas pour le moment" in page and "reste réservé jusqu" in page
    appointment.refresh_from_db()
    assert appointment.status == Status.HELD
    ants_server.behave()
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, appointment, "ABCDE12345").status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_an_appointment_elsewhere_is_shown_with_its_link_and_needs_an_acknowledgement(
        client, resident, agenda, ants_server, django_capture_on_commit_callbacks):
    place, cni, _pickup = agenda
    ants_server.add_application("ABCDE12345", "validated", [{
        "management_url": "https://rdv.autreville.fr/gerer/42", "meeting_point": "Mairie d'Autreville",
        "meeting_point_id": "9", "appointment_date": "2026-12-10T10:00:00", "editor_comment": None}])
    appointment = hold(client, place, cni, offers_on(place, cni)[0])
    response = confirm(client, appointment, "ABCDE12345")
    assert response.status_code == 400
    page = response.content.decode()
    assert "https://rdv.autreville.fr/gerer/42" in page and "Mairie d&#x27;Autreville" in page
    assert "10/12/2026 à 10:00" in page and 'name="acknowledge_elsewhere"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, appointment, "ABCDE12345", acknowledge_elsewhere="on")
    assert response.status_code == 302
    assert len(ants_server.appointments_of("ABCDE12345")) == 2


def test_moving_deletes_then_declares_and_cancelling_deletes(client, resident, agenda, ants_server,
                                                              django_capture_on_commit_callbacks):
    place, cni, _pickup = agenda
    ants_server.add_application("ABCDE12345", "validated")
    ants_server.add_application("FGHIJ67890", "validated")
    family = cni
    family.documents_max = 2
    family.save()
    appointment = hold(client, place, family, offers_on(place, family)[0])
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, appointment, "ABCDE12345, fghij67890")
    appointment.refresh_from_db()
    new_offer = offers_on(place, family, days_ahead=4)[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.move_appointment(appointment, start=new_offer.start)
    for number in ("ABCDE12345", "FGHIJ67890"):
        [declared] = ants_server.appointments_of(number)
        assert declared["appointment_date"] == services.local(new_offer.start).strftime("%Y-%m-%dT%H:%M:%S")
    calls = [(r.method, r.params.get("application_id", [""])[0]) for r in ants_server.requests if r.path != "/status"]
    assert calls == [("POST", "ABCDE12345"), ("POST", "FGHIJ67890"), ("DELETE", "ABCDE12345"),
                     ("DELETE", "FGHIJ67890"), ("POST", "ABCDE12345"), ("POST", "FGHIJ67890")]
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment)
    assert ants_server.appointments_of("ABCDE12345") == ants_server.appointments_of("FGHIJ67890") == []


def test_failed_declarations_are_retried_in_order_then_abandoned(client, resident, agenda, ants_server, settings,
                                                               django_capture_on_commit_callbacks):
    settings.ANTS_DECLARATION_MAX_ATTEMPTS = 3
    place, cni, _pickup = agenda
    ants_server.add_application("ABCDE12345", "validated")
    appointment = hold(client, place, cni, offers_on(place, cni)[0])
    # ANTS answers the check, then fails when the declaration is sent (after commit).
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert confirm(client, appointment, "ABCDE12345").status_code == 302
    ants_server.behave(fail_status=500)
    for callback in callbacks:
        callback()
    [operation] = AntsOperation.objects.filter(appointment=appointment)
    assert (operation.state, operation.attempts) == (AntsState.FAILED, 1)
    assert "HTTP 500" in operation.last_error and operation.next_attempt_at > timezone.now()
    assert ants.declaration_state(appointment) == "failed"
    # Not due yet: the command leaves it.
    call_command("retry_ants_declarations", stdout=open("/dev/null", "w"))  # noqa: SIM115
    operation.refresh_from_db()
    assert operation.attempts == 1
    later = timezone.now() + dt.timedelta(hours=1)
    ants.retry_due_operations(now=later)
    ants.retry_due_operations(now=later + dt.timedelta(hours=1))
    operation.refresh_from_db()
    assert (operation.state, operation.attempts) == (AntsState.ABANDONED, 3)
    assert ants.retry_due_operations(now=later + dt.timedelta(days=1))["appointments"] == 0
    # ANTS is back: the command, asked to, takes the abandoned ones again.
    ants_server.behave()
    call_command("retry_ants_declarations", "--abandonnees", stdout=open("/dev/null", "w"))  # noqa: SIM115
    operation.refresh_from_db()
    assert operation.state == AntsState.DONE
    assert ants_server.appointments_of("ABCDE12345")[0]["management_url"] == services.manage_url(appointment)


def test_a_failed_deletion_holds_back_the_new_declaration(agenda, ants_server, django_capture_on_commit_callbacks):
    place, cni, _pickup = agenda
    ants_server.add_application("ABCDE12345", "validated")
    resident = make_resident()
    held = services.hold_slot(place=place, meeting_type=cni, start=offers_on(place, cni)[0].start, applicant=resident)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = services.confirm_appointment(held, contact=services.Contact(first_name="A", last_name="B"),
                                                   application_ids=["ABCDE12345"])
    ants_server.behave(fail_status=503)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_appointment(appointment, start=offers_on(place, cni, days_ahead=3)[0].start)
    states = list(AntsOperation.objects.filter(appointment=appointment).order_by("pk").values_list("action", "state"))
    assert states == [("declare", "done"), ("delete", "failed"), ("declare", "pending")]
    ants_server.behave()
    ants.retry_due_operations(now=timezone.now() + dt.timedelta(hours=1))
    states = list(AntsOperation.objects.filter(appointment=appointment).order_by("pk").values_list("state", flat=True))
    assert states == ["done", "done", "done"]
    assert len(ants_server.appointments_of("ABCDE12345")) == 1


def test_without_ants_configured_numbers_are_only_checked_for_format(client, resident, agenda, settings,
                                                                    django_capture_on_commit_callbacks):
    settings.ANTS_API_URL = ""
    place, cni, _pickup = agenda
    appointment = hold(client, place, cni, offers_on(place, cni)[0])
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, appointment, "ABCDE12345").status_code == 302
    assert not AntsOperation.objects.exists()
