"""Booking, moving, cancelling through the services: emails with iCalendar, holds, the one-future rule,
slots taken meanwhile, delays, tampered starts, waiting list, reminders, attendance."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from parvis.appointments import services
from parvis.appointments import slots as slotlib
from parvis.appointments.models import (
    ApplicationId,
    Appointment,
    AppointmentEvent,
    Slot,
    Status,
    WaitingListOffer,
)
from parvis.appointments.tests.factories import make_agenda
from parvis.appointments.tests.helpers import book, calendar_part, ics_of, offers_on
from parvis.cases.deadlines import PARIS
from parvis.testing.factories import make_agent, make_resident
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db


def test_booking_sends_a_confirmation_with_an_icalendar_request(agenda, mailbox, django_capture_on_commit_callbacks):
    place, cni, _pickup = agenda
    resident = make_resident(email="lea@example.org", first_name="Léa")
    offer = offers_on(place, cni)[0]
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(resident, place, cni, offer.start, numbers=["ABCDE12345"])
    assert appointment.status == Status.BOOKED and appointment.future_claim == "depot-titre"
    assert Slot.objects.filter(taken_by=appointment, held_until=None).count() == 2
    [message] = mailbox.wait_for(1)
    assert "lea@example.org" in message["To"] and "Rendez-vous confirmé" in message["Subject"]
    text = body_text(message)
    assert "ABCDE12345" in text and services.manage_url(appointment) in text and place.postal_address in text
    calendar, event, _ = ics_of(message)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar_part(message).get_param("method") == "REQUEST"
    assert str(event["UID"]) == f"{appointment.uid}@127.0.0.1"
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == offer.start.astimezone(PARIS)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=20)
    assert "mailto:lea@example.org" in str(event["ATTENDEE"])
    kinds = list(AppointmentEvent.objects.filter(appointment=appointment).values_list("kind", flat=True))
    assert kinds == ["held", "booked"]


def test_moving_keeps_the_uid_and_raises_the_sequence_then_cancel_sends_method_cancel(
        agenda, mailbox, django_capture_on_commit_callbacks):
    place, cni, _pickup = agenda
    resident = make_resident()
    first, later = offers_on(place, cni)[0], offers_on(place, cni, days_ahead=3)[2]
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(resident, place, cni, first.start)
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.move_appointment(appointment, start=later.start)
    assert moved.sequence == 1 and moved.start == later.start
    assert set(Slot.objects.filter(taken_by=moved).values_list("start", flat=True)) == {
        later.start, later.start + dt.timedelta(minutes=10)}
    assert not Slot.objects.filter(start=first.start, taken_by__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cancel_appointment(moved) is True
    messages = mailbox.wait_for(3)
    (_, confirm, _), (_, move, _), (cancel_cal, cancel, _) = (ics_of(m) for m in messages)
    assert "déplacé" in messages[1]["Subject"] and "annulé" in messages[2]["Subject"]
    assert confirm["UID"] == move["UID"] == cancel["UID"]
    assert [int(e["SEQUENCE"]) for e in (confirm, move, cancel)] == [0, 1, 2]
    assert move.decoded("DTSTART") == later.start.astimezone(PARIS)
    assert cancel_cal["METHOD"] == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"
    assert not Slot.objects.filter(taken_by=moved).exists()
    assert services.cancel_appointment(moved) is False  # a second cancellation changes nothing
    assert len(mailbox.messages) == 3


def test_an_expired_hold_frees_the_slot_and_cannot_be_confirmed_once_taken(agenda, settings):
    settings.APPOINTMENT_HOLD_MINUTES = 10
    place, cni, _pickup = make_agenda(desks=1)
    offer = offers_on(place, cni)[0]
    now = timezone.now()
    first = services.hold_slot(place=place, meeting_type=cni, start=offer.start, applicant=make_resident(), now=now)
    with pytest.raises(services.SlotUnavailable):
        services.hold_slot(place=place, meeting_type=cni, start=offer.start, applicant=make_resident(), now=now)
    later = now + dt.timedelta(minutes=11)
    second = services.hold_slot(place=place, meeting_type=cni, start=offer.start, applicant=make_resident(), now=later)
    assert set(Slot.objects.filter(start__gte=offer.start, start__lt=offer.end, desk__place=place)
               .values_list("taken_by", flat=True)) == {second.pk}
    with pytest.raises(services.HoldExpired):
        services.confirm_appointment(first, contact=services.Contact(first_name="A", last_name="B"))


def test_an_expired_hold_nobody_took_can_still_be_confirmed(settings):
    settings.APPOINTMENT_HOLD_MINUTES = 10
    place, cni, _pickup = make_agenda(desks=1)
    offer = offers_on(place, cni)[0]
    held = services.hold_slot(place=place, meeting_type=cni, start=offer.start, applicant=make_resident(),
                              now=timezone.now() - dt.timedelta(minutes=30))
    confirmed = services.confirm_appointment(held, contact=services.Contact(first_name="A", last_name="B"))
    assert confirmed.status == Status.BOOKED


def test_giving_up_a_hold_frees_it_at_once(agenda):
    place, cni, _pickup = make_agenda(desks=1)
    offer = offers_on(place, cni)[0]
    held = services.hold_slot(place=place, meeting_type=cni, start=offer.start, applicant=make_resident())
    services.release_hold(held)
    held.refresh_from_db()
    assert held.status == Status.EXPIRED and held.future_claim is None
    assert offers_on(place, cni)[0].start == offer.start


def test_one_future_appointment_of_a_kind_per_resident(agenda):
    place, cni, pickup = agenda
    resident = make_resident()
    offers = offers_on(place, cni)
    appointment = book(resident, place, cni, offers[0].start)
    with pytest.raises(services.AlreadyBooked) as refused:
        services.hold_slot(place=place, meeting_type=cni, start=offers[1].start, applicant=resident)
    assert refused.value.existing == appointment
    # Another kind is fine; so is the same kind once the first one is cancelled.
    book(resident, place, pickup, offers_on(place, pickup)[5].start)
    services.cancel_appointment(appointment)
    assert book(resident, place, cni, offers[1].start).status == Status.BOOKED


def test_a_past_appointment_no_longer_counts(agenda):
    place, cni, _pickup = agenda
    resident = make_resident()
    offers = offers_on(place, cni)
    appointment = book(resident, place, cni, offers[0].start)
    after_it = appointment.end + dt.timedelta(minutes=1)
    again = services.hold_slot(place=place, meeting_type=cni, start=offers_on(place, cni, days_ahead=5)[0].start,
                               applicant=resident, now=after_it)
    assert again.status == Status.HELD


def test_choosing_another_slot_replaces_the_residents_own_hold(agenda):
    place, cni, _pickup = agenda
    resident = make_resident()
    offers = offers_on(place, cni)
    first = services.hold_slot(place=place, meeting_type=cni, start=offers[0].start, applicant=resident)
    second = services.hold_slot(place=place, meeting_type=cni, start=offers[1].start, applicant=resident)
    first.refresh_from_db()
    assert first.status == Status.EXPIRED and second.status == Status.HELD
    assert not Slot.objects.filter(taken_by=first).exists()


def test_the_database_refuses_two_future_claims_of_a_kind():
    place, cni, _pickup = make_agenda()
    resident = make_resident()
    book(resident, place, cni, offers_on(place, cni)[0].start, numbers=["ABCDE12345"])
    other = Appointment.objects.exclude(applicant=None).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(place=place, desk=other.desk, meeting_type=cni, start=other.start,
                                   end=other.end, applicant=resident, future_claim="depot-titre")
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationId.objects.create(appointment=other, application_id="ABCDE12345", future_claim="depot-titre")


def test_one_future_appointment_per_ants_number(agenda):
    place, cni, _pickup = agenda
    offers = offers_on(place, cni)
    book(make_resident(), place, cni, offers[0].start, numbers=["ABCDE12345"])
    held = services.hold_slot(place=place, meeting_type=cni, start=offers[1].start, applicant=make_resident())
    with pytest.raises(services.ApplicationIdAlreadyBooked) as refused:
        services.confirm_appointment(held, contact=services.Contact(first_name="A", last_name="B"),
                                     application_ids=["FGHIJ67890", "ABCDE12345"])
    assert "ABCDE12345" in refused.value.message
    held.refresh_from_db()
    assert held.status == Status.HELD  # nothing lost: the person may correct the number


def test_a_slot_taken_meanwhile_proposes_the_nearest_free_ones():
    place, cni, _pickup = make_agenda(desks=1)
    offers = offers_on(place, cni)
    target = offers[3]
    book(make_resident(), place, cni, target.start)
    with pytest.raises(services.SlotUnavailable) as taken:
        services.hold_slot(place=place, meeting_type=cni, start=target.start, applicant=make_resident())
    nearest = [offer.start for offer in taken.value.nearest]
    assert len(nearest) == 5 and target.start not in nearest
    assert offers[2].start in nearest and offers[4].start in nearest


def test_outside_the_booking_delays_is_refused(agenda):
    place, cni, _pickup = make_agenda(min_delay_hours=48, max_delay_days=5)
    resident = make_resident()
    too_soon = offers_on(place, cni, days_ahead=1, channel="phone")[0].start
    with pytest.raises(services.OutsideBookingWindow) as refused:
        services.hold_slot(place=place, meeting_type=cni, start=too_soon, applicant=resident)
    assert refused.value.nearest
    six_days = timezone.now() + dt.timedelta(days=6)
    too_late = Slot.objects.filter(place=place, start__gte=six_days).earliest("start").start
    with pytest.raises(services.OutsideBookingWindow):
        services.hold_slot(place=place, meeting_type=cni, start=too_late, applicant=resident)
    # An agent, on the phone, is not bound by the minimal delay of online booking.
    held = services.hold_slot(place=place, meeting_type=cni, start=too_soon, channel="phone", by=make_agent())
    assert held.status == Status.HELD


def test_tampered_start_times_are_refused(agenda):
    place, cni, pickup = agenda
    offer = offers_on(place, cni)[0]
    for start in (None, offer.start + dt.timedelta(minutes=10), offer.start + dt.timedelta(minutes=3),
                  offer.start.replace(hour=3)):
        with pytest.raises(services.NotOffered):
            services.hold_slot(place=place, meeting_type=cni, start=start, applicant=make_resident())
    other_place, other_cni, _ = make_agenda()
    with pytest.raises(services.NotOffered):
        services.hold_slot(place=place, meeting_type=other_cni, start=offer.start, applicant=make_resident())
    assert not Appointment.objects.exists()


def test_reserved_slots_are_for_agents_only():
    place, cni, _pickup = make_agenda(desks=1, reserved_share=20)
    counter_only = [o for o in offers_on(place, cni, channel="counter")
                    if o.start not in {w.start for w in offers_on(place, cni)}]
    assert counter_only
    with pytest.raises(services.NotOffered):
        services.hold_slot(place=place, meeting_type=cni, start=counter_only[0].start, applicant=make_resident())
    held = services.hold_slot(place=place, meeting_type=cni, start=counter_only[0].start, channel="counter",
                              by=make_agent())
    assert held.channel == "counter"


def test_the_waiting_list_offers_a_freed_earlier_slot(mailbox, django_capture_on_commit_callbacks, client):
    place, cni, _pickup = make_agenda(desks=1)
    early, late = offers_on(place, cni)[1], offers_on(place, cni, days_ahead=6)[4]
    waiting = make_resident(email="attente@example.org")
    taker = make_resident(email="premier@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        waiting_appointment = book(waiting, place, cni, late.start)
        services.set_waiting_list(waiting_appointment, True)
        early_appointment = book(taker, place, cni, early.start)
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(early_appointment)
    offers = [m for m in mailbox.wait_for(2) if "attente@example.org" in m["To"]]
    assert len(offers) == 1 and "plus tôt" in offers[0]["Subject"]
    link = next(line for line in body_text(offers[0]).splitlines() if "/deplacer/?creneau=" in line)
    path = link.split("http://127.0.0.1:8000", 1)[1].strip()
    assert early.value in path
    response = client.get(path)
    assert response.status_code == 200 and f'value="{early.value}" checked' in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"creneau": early.value})
    assert response.status_code == 302
    waiting_appointment.refresh_from_db()
    assert waiting_appointment.start == early.start and waiting_appointment.sequence == 1
    # The same freed slot is never offered twice to the same entry.
    from parvis.appointments.waiting_list import offer_freed_slots
    assert WaitingListOffer.objects.count() == 1
    offer_freed_slots(place, early.start, early.end)
    assert WaitingListOffer.objects.count() == 1


def test_reminders_go_once_by_email_and_sms_48_hours_before(mailbox, sms_outbox, django_capture_on_commit_callbacks):
    place, cni, _pickup = make_agenda()
    soon = offers_on(place, cni, days_ahead=1)[0]
    far = offers_on(place, cni, days_ahead=5)[0]
    with django_capture_on_commit_callbacks(execute=True):
        near = book(make_resident(email="proche@example.org"), place, cni, soon.start, phone="06 12 34 56 78",
                    sms_reminder=True)
        book(make_resident(email="loin@example.org"), place, cni, far.start)
    mailbox.clear()
    call_command("send_appointment_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    [reminder] = mailbox.wait_for(1)
    assert "proche@example.org" in reminder["To"] and "Rappel" in reminder["Subject"]
    assert sms_outbox == [("+33612345678", sms_outbox[0][1])]
    assert services.manage_url(near) in sms_outbox[0][1]
    call_command("send_appointment_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mailbox.messages) == 1 and len(sms_outbox) == 1
    near.refresh_from_db()
    assert near.reminder_sent_at is not None


def test_attendance_is_noted_from_the_day_of_the_appointment(agenda):
    place, cni, _pickup = agenda
    agent = make_agent(place.department)
    appointment = book(make_resident(), place, cni, offers_on(place, cni, days_ahead=2)[0].start)
    with pytest.raises(services.InvalidState):
        services.mark_attendance(appointment, present=True, by=agent)
    on_the_day = appointment.start + dt.timedelta(minutes=5)
    marked = services.mark_attendance(appointment, present=False, by=agent, now=on_the_day)
    assert marked.status == Status.ABSENT and marked.future_claim is None
    assert AppointmentEvent.objects.filter(appointment=appointment, kind="absent", actor=agent).exists()


def test_upcoming_appointments_for_lists_the_residents_own_future_bookings(agenda):
    place, cni, pickup = agenda
    resident, other = make_resident(), make_resident()
    mine = book(resident, place, cni, offers_on(place, cni)[0].start)
    book(other, place, pickup, offers_on(place, pickup)[0].start)
    rows = services.upcoming_appointments_for(resident)
    assert [row["appointment"] for row in rows] == [mine]
    assert rows[0]["manage_url"].startswith("/rendez-vous/gerer/")
    assert services.upcoming_appointments_for(other)[0]["appointment"] != mine


def test_management_tokens_are_signed():
    place, cni, _pickup = make_agenda()
    appointment = book(make_resident(), place, cni, offers_on(place, cni)[0].start)
    token = services.management_token(appointment)
    assert services.appointment_from_token(token) == appointment.pk
    assert services.appointment_from_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert services.appointment_from_token(str(appointment.pk)) is None
    assert slotlib.units_for(place, cni) == 2


def test_moving_does_not_offer_the_freed_slot_back_to_the_same_appointment(mailbox,
                                                                         django_capture_on_commit_callbacks):
    place, cni, _pickup = make_agenda(desks=1)
    resident = make_resident(email="moi@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(resident, place, cni, offers_on(place, cni, days_ahead=5)[0].start)
        services.set_waiting_list(appointment, True)
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.move_appointment(appointment, start=offers_on(place, cni, days_ahead=6)[0].start)
    [moved] = mailbox.wait_for(1)
    assert "déplacé" in moved["Subject"]
    assert not WaitingListOffer.objects.exists()
