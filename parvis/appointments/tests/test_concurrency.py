"""Many residents take few slots at the same instant (PostgreSQL): never two holders for a unit.

- With the lock (the one booking path), exactly the capacity is booked, whatever the interleaving.
- Control: without the lock and without the guarded write, the check-then-write race overbooks. This proves
  the test can see a race, and that the lock is what prevents it.
- Without the lock but with the guarded write, the database still refuses the second holder: the last line
  of defence.
- The same pre-application number confirmed by many residents at once: exactly one booking (unique index).
"""

import datetime as dt
import threading
import time
from collections import Counter, defaultdict

import pytest
from django.utils import timezone

from parvis.appointments import services
from parvis.appointments.models import Appointment, Slot, Status
from parvis.appointments.tests.factories import make_agenda
from parvis.appointments.tests.helpers import offers_on
from parvis.testing.concurrency import run_threads, skip_unless_postgres
from parvis.testing.factories import make_resident

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    skip_unless_postgres()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def overbooked_units():
    """Units claimed by more than one active appointment (held and not expired, or booked)."""
    now = timezone.now()
    active = [a for a in Appointment.objects.filter(status__in=[Status.HELD, Status.BOOKED])
              if a.status == Status.BOOKED or a.held_until > now]
    per_desk = defaultdict(list)
    for appointment in active:
        per_desk[appointment.desk_id].append(appointment)
    clashes = 0
    for appointments in per_desk.values():
        appointments.sort(key=lambda a: a.start)
        for first, second in zip(appointments, appointments[1:], strict=False):
            if second.start < first.end:
                clashes += 1
    return clashes


def test_many_residents_few_slots_no_overbooking():
    place, cni, _pickup = make_agenda(desks=2)
    starts = [offer.start for offer in offers_on(place, cni)[:3]]  # 3 start times × 2 desks = capacity 6
    residents = [make_resident() for _ in range(30)]

    def work(index):
        return services.hold_slot(place=place, meeting_type=cni, start=starts[index % 3], applicant=residents[index],
                                  _before_write=lambda: time.sleep(0.005)).pk

    results, errors = run_threads(30, work)
    assert len(results) == 6
    assert set(errors) <= {"SlotUnavailable"} and sum(errors.values()) == 24
    assert overbooked_units() == 0
    holders = Counter(Slot.objects.exclude(taken_by=None).values_list("taken_by", flat=True))
    assert sorted(holders) == sorted(results) and set(holders.values()) == {2}


def test_control_without_the_lock_the_race_overbooks():
    place, cni, _pickup = make_agenda(desks=1)
    start = offers_on(place, cni)[0].start
    residents = [make_resident() for _ in range(8)]
    between_check_and_write = threading.Barrier(8)

    def work(index):
        return services.hold_slot(place=place, meeting_type=cni, start=start, applicant=residents[index],
                                  lock=False, _guard=False,
                                  _before_write=lambda: between_check_and_write.wait(timeout=30)).pk

    results, errors = run_threads(8, work)
    assert errors == Counter() and len(results) == 8  # every one passed the re-check: the race
    assert overbooked_units() == 7  # 8 appointments on one slot


def test_without_the_lock_the_guarded_write_still_refuses_a_second_holder():
    place, cni, _pickup = make_agenda(desks=1)
    start = offers_on(place, cni)[0].start
    residents = [make_resident() for _ in range(8)]
    between_check_and_write = threading.Barrier(8)

    def work(index):
        return services.hold_slot(place=place, meeting_type=cni, start=start, applicant=residents[index],
                                  lock=False, _before_write=lambda: between_check_and_write.wait(timeout=30)).pk

    results, errors = run_threads(8, work)
    assert len(results) == 1 and errors == Counter({"SlotUnavailable": 7})
    assert overbooked_units() == 0


def test_one_pre_application_number_confirmed_by_many_at_once_books_once():
    place, cni, _pickup = make_agenda(desks=2)
    offers = offers_on(place, cni)
    holds = [services.hold_slot(place=place, meeting_type=cni, start=offers[index // 2].start,
                                applicant=make_resident()) for index in range(8)]

    def work(index):
        contact = services.Contact(first_name="A", last_name="B", email=f"a{index}@example.org")
        return services.confirm_appointment(holds[index], contact=contact, application_ids=["ABCDE12345"]).pk

    results, errors = run_threads(8, work)
    assert len(results) == 1 and errors == Counter({"ApplicationIdAlreadyBooked": 7})
    assert Appointment.objects.filter(status=Status.BOOKED).count() == 1


def test_one_resident_clicking_many_slots_at_once_keeps_one_claim():
    place, cni, _pickup = make_agenda(desks=2)
    offers = offers_on(place, cni)
    resident = make_resident()

    def work(index):
        return services.hold_slot(place=place, meeting_type=cni, start=offers[index].start, applicant=resident).pk

    results, errors = run_threads(6, work)
    assert results and set(errors) <= {"AlreadyBooked"}
    assert Appointment.objects.filter(applicant=resident, future_claim__isnull=False).count() == 1
    assert overbooked_units() == 0


def test_confirming_an_expired_hold_while_someone_takes_the_slot_never_gives_it_twice(settings):
    settings.APPOINTMENT_HOLD_MINUTES = 1
    for _round in range(5):
        place, cni, _pickup = make_agenda(desks=1)
        start = offers_on(place, cni)[0].start
        expired = services.hold_slot(place=place, meeting_type=cni, start=start, applicant=make_resident(),
                                     now=timezone.now() - dt.timedelta(minutes=5))
        newcomer = make_resident()

        def work(index, expired=expired, place=place, cni=cni, start=start, newcomer=newcomer):
            if index == 0:
                contact = services.Contact(first_name="A", last_name="B")
                return services.confirm_appointment(expired, contact=contact).status
            return services.hold_slot(place=place, meeting_type=cni, start=start, applicant=newcomer).status

        results, errors = run_threads(2, work)
        assert len(results) == 1 and set(errors) <= {"HoldExpired", "SlotUnavailable"}
        assert overbooked_units() == 0
        for appointment in Appointment.objects.filter(place=place, status=Status.BOOKED):
            assert Slot.objects.filter(taken_by=appointment).count() == 2
