"""Many families take the last places at the same instant (PostgreSQL): never more holders than places.

- With the lock (the one registration path): exactly the capacity is confirmed, the others wait, places 1..N.
- Control: without the lock and without the guarded write, the check-then-write race overbooks — the test can
  see a race, and the lock is what prevents it.
- Without the lock but with the guarded write (unique place number), the database still refuses a second
  holder of the same place.
- Cancellations racing with new requests: the freed places go to the waiting list, never beyond capacity.
"""

import threading
from collections import Counter

import pytest

from parvis.families import registrations
from parvis.families.models import HOLDING, Registration, RegistrationStatus
from parvis.families.tests.factories import make_child, make_household, make_session
from parvis.testing.concurrency import run_threads, skip_unless_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    skip_unless_postgres()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def children(count):
    return [make_child(make_household()) for _ in range(count)]


def holders(session):
    return Registration.objects.filter(session=session, status__in=HOLDING)


def test_thirty_families_five_places_no_overbooking():
    session = make_session(capacity=5)
    kids = children(30)

    def work(index):
        return registrations.register_child(child=kids[index], session=session, actor=None).registration.status

    results, errors = run_threads(30, work)
    assert errors == Counter()
    assert Counter(results) == Counter({RegistrationStatus.CONFIRMED: 5, RegistrationStatus.WAITING: 25})
    assert sorted(holders(session).values_list("place_number", flat=True)) == [1, 2, 3, 4, 5]
    ranks = sorted(registrations.waiting_rank(r) for r in Registration.objects.filter(status="waiting"))
    assert ranks == list(range(1, 26))


def test_control_without_the_lock_the_race_overbooks():
    session = make_session(capacity=1)
    kids = children(8)
    between_count_and_write = threading.Barrier(8)

    def work(index):
        return registrations.register_child(child=kids[index], session=session, actor=None, lock=False, _guard=False,
                                            _before_write=lambda: between_count_and_write.wait(timeout=30))

    results, errors = run_threads(8, work)
    assert errors == Counter() and len(results) == 8
    assert holders(session).count() == 8  # 8 holders for 1 place: the race the lock prevents


def test_without_the_lock_the_unique_place_still_refuses_a_second_holder():
    session = make_session(capacity=1)
    kids = children(8)
    between_count_and_write = threading.Barrier(8)

    def work(index):
        return registrations.register_child(child=kids[index], session=session, actor=None, lock=False,
                                            _before_write=lambda: between_count_and_write.wait(timeout=30))

    results, errors = run_threads(8, work)
    assert len(results) == 1 and errors == Counter({"PlaceJustTaken": 7})
    assert holders(session).count() == 1


def test_cancellations_racing_with_requests_stay_within_capacity():
    session = make_session(capacity=3)
    first = [registrations.register_child(child=child, session=session, actor=None).registration
             for child in children(6)]
    newcomers = children(6)

    def work(index):
        if index < 3:
            return registrations.cancel_registration(first[index], actor=None).status
        return registrations.register_child(child=newcomers[index - 3], session=session, actor=None).registration.status

    results, errors = run_threads(9, work)
    assert errors == Counter()
    assert holders(session).count() == 3
    numbers = list(holders(session).values_list("place_number", flat=True))
    assert sorted(numbers) == [1, 2, 3]
    # The three that were waiting first got the freed places (offered), newcomers wait behind them.
    for registration in first[3:]:
        registration.refresh_from_db()
        assert registration.status == RegistrationStatus.OFFERED
