"""Slot computation: opening hours, validity periods, closures, public holidays, delays, quotas, release."""

import datetime as dt
from types import SimpleNamespace

import pytest

from parvis.appointments import slots as slotlib
from parvis.appointments.models import Channel, Closure, ClosureKind, Desk, OpeningHours, ReleaseMode, Slot
from parvis.appointments.services import hold_slot
from parvis.appointments.tests.factories import make_agenda, make_meeting_type, make_place, paris

MONDAY = dt.date(2027, 3, 1)


def hours(weekday, start, end, valid_from=dt.date(2020, 1, 1), valid_until=None):
    return SimpleNamespace(weekday=weekday, start_time=dt.time.fromisoformat(start),
                           end_time=dt.time.fromisoformat(end), valid_from=valid_from, valid_until=valid_until)


def plan(opening, first=MONDAY, last=None, closures=(), share=0, unit=10):
    return slotlib.plan_units(desk_id=1, opening_hours=opening, closures=closures, first_day=first,
                              last_day=last or first + dt.timedelta(days=6), unit_minutes=unit,
                              reserved_share=share)


# --- Pure planning ---------------------------------------------------------------------------------------

def test_weekly_hours_give_units_on_their_weekday_only():
    units = plan([hours(0, "09:00", "12:00"), hours(0, "13:30", "17:00")])
    assert len(units) == 18 + 21
    assert {unit.start.astimezone(slotlib.PARIS).date() for unit in units} == {MONDAY}
    assert units[0].start == paris(2027, 3, 1, 9, 0)
    assert units[17].end == paris(2027, 3, 1, 12, 0)
    assert units[18].start == paris(2027, 3, 1, 13, 30)
    assert not any(unit.reserved for unit in units)


def test_a_period_shorter_than_a_unit_gives_nothing_and_a_partial_unit_is_dropped():
    assert plan([hours(0, "09:00", "09:05")]) == []
    assert len(plan([hours(0, "09:00", "09:25")])) == 2


def test_validity_periods_switch_the_hours_on_their_dates():
    old = hours(0, "09:00", "12:00", valid_until=dt.date(2027, 3, 7))
    new = hours(0, "14:00", "15:00", valid_from=dt.date(2027, 3, 8))
    units = plan([old, new], last=dt.date(2027, 3, 14))
    first_monday = [u for u in units if u.start.astimezone(slotlib.PARIS).date() == MONDAY]
    second_monday = [u for u in units if u.start.astimezone(slotlib.PARIS).date() == dt.date(2027, 3, 8)]
    assert len(first_monday) == 18 and first_monday[0].start == paris(2027, 3, 1, 9, 0)
    assert len(second_monday) == 6 and second_monday[0].start == paris(2027, 3, 8, 14, 0)
    assert plan([hours(0, "09:00", "12:00", valid_from=dt.date(2027, 3, 2))]) == []


def test_closures_remove_the_units_they_overlap():
    closure = (paris(2027, 3, 1, 10, 0), paris(2027, 3, 1, 10, 25))
    units = plan([hours(0, "09:00", "12:00")], closures=[closure])
    starts = [u.start.astimezone(slotlib.PARIS).strftime("%H:%M") for u in units]
    assert "10:00" not in starts and "10:20" not in starts and "10:30" in starts and "09:50" in starts
    assert len(units) == 15


def test_reserved_share_keeps_the_end_of_each_period_for_agents():
    units = plan([hours(0, "09:00", "12:00"), hours(0, "14:00", "15:00")], share=20)
    morning, afternoon = units[:18], units[18:]
    assert [u.reserved for u in morning] == [False] * 14 + [True] * 4  # ceil(18 × 20 %) = 4
    assert [u.reserved for u in afternoon] == [False] * 4 + [True] * 2  # ceil(6 × 20 %) = 2


def test_paris_wall_clock_across_the_change_to_summer_time():
    before = plan([hours(5, "09:00", "10:00")], first=dt.date(2027, 3, 27), last=dt.date(2027, 3, 27))
    after = plan([hours(6, "09:00", "10:00")], first=dt.date(2027, 3, 28), last=dt.date(2027, 3, 28))
    assert before[0].start.hour == 8 and after[0].start.hour == 7  # UTC: +1 in winter, +2 in summer
    assert len(before) == len(after) == 6


# --- Generation ------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_generation_is_idempotent():
    place, _cni, _pickup = make_agenda(generate=False)
    first = slotlib.generate_slots(place, MONDAY, MONDAY + dt.timedelta(days=6))
    assert first.created == 2 * 7 * 18
    again = slotlib.generate_slots(place, MONDAY, MONDAY + dt.timedelta(days=6))
    assert (again.created, again.deleted, again.updated) == (0, 0, 0)
    assert Slot.objects.filter(place=place).count() == 2 * 7 * 18


@pytest.mark.django_db
def test_public_holidays_are_imported_and_can_be_lifted():
    place, _cni, _pickup = make_agenda(generate=False, closed_on_public_holidays=True)
    christmas = dt.date(2026, 12, 25)
    report = slotlib.generate_slots(place, christmas - dt.timedelta(days=1), christmas + dt.timedelta(days=1))
    assert report.holidays_imported == 1
    holiday = Closure.objects.get(place=place, kind=ClosureKind.PUBLIC_HOLIDAY)
    assert holiday.reason == "Noël"
    days = {s.start.astimezone(slotlib.PARIS).date() for s in Slot.objects.filter(place=place)}
    assert days == {dt.date(2026, 12, 24), dt.date(2026, 12, 26)}
    # Opening exceptionally on a public holiday: deactivate the imported closure; the import keeps it so.
    holiday.is_active = False
    holiday.save()
    report = slotlib.generate_slots(place, christmas - dt.timedelta(days=1), christmas + dt.timedelta(days=1))
    assert report.holidays_imported == 0 and report.created == 2 * 18
    assert Closure.objects.filter(place=place, kind=ClosureKind.PUBLIC_HOLIDAY).count() == 1


@pytest.mark.django_db
def test_a_closure_added_later_removes_free_units_and_keeps_taken_ones(settings):
    place, cni, _pickup = make_agenda(generate=False)
    day = dt.date(2027, 3, 3)
    slotlib.generate_slots(place, day, day)
    now = paris(2027, 3, 1, 8, 0)
    held = hold_slot(place=place, meeting_type=cni, start=paris(2027, 3, 3, 9, 0), now=now)
    Closure.objects.create(place=place, start=paris(2027, 3, 3, 0, 0), end=paris(2027, 3, 4, 0, 0), reason="Grève")
    report = slotlib.generate_slots(place, day, day)
    assert report.kept_taken == 2 and report.deleted == 2 * 18 - 2
    assert list(Slot.objects.filter(place=place).values_list("taken_by", flat=True)) == [held.pk, held.pk]


@pytest.mark.django_db
def test_a_desk_absence_closes_that_desk_only():
    place, cni, _pickup = make_agenda(generate=False)
    desk = Desk.objects.filter(place=place).first()
    Closure.objects.create(place=place, desk=desk, kind=ClosureKind.ABSENCE, start=paris(2027, 3, 3, 9, 0),
                           end=paris(2027, 3, 3, 12, 0))
    slotlib.generate_slots(place, dt.date(2027, 3, 3), dt.date(2027, 3, 3))
    assert not Slot.objects.filter(desk=desk).exists()
    assert Slot.objects.filter(place=place).count() == 18


@pytest.mark.django_db
def test_shorter_opening_hours_delete_the_free_units_left_out():
    place, _cni, _pickup = make_agenda(generate=False, desks=1)
    slotlib.generate_slots(place, MONDAY, MONDAY)
    OpeningHours.objects.filter(desk__place=place).update(end_time=dt.time(11, 0))
    report = slotlib.generate_slots(place, MONDAY, MONDAY)
    assert report.deleted == 6 and Slot.objects.filter(place=place).count() == 12


@pytest.mark.django_db
def test_changing_the_share_updates_the_reserved_flags():
    place, _cni, _pickup = make_agenda(generate=False, desks=1)
    slotlib.generate_slots(place, MONDAY, MONDAY)
    place.reserved_share = 50
    place.save()
    report = slotlib.generate_slots(place, MONDAY, MONDAY)
    assert report.updated == 9 and Slot.objects.filter(place=place, reserved=True).count() == 9


# --- Window and offers -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_minimum_and_maximum_delays_bound_the_offers():
    place, cni, _pickup = make_agenda(generate=False, min_delay_hours=24, max_delay_days=3)
    slotlib.generate_slots(place, MONDAY, MONDAY + dt.timedelta(days=6))
    now = paris(2027, 3, 1, 10, 0)
    offers = slotlib.free_starts(place, cni, now=now)
    assert offers[0].start == paris(2027, 3, 2, 10, 0)  # 24 h later
    assert offers[-1].start == paris(2027, 3, 4, 9, 40)  # before now + 3 days
    agent_offers = slotlib.free_starts(place, cni, channel=Channel.COUNTER, now=now)
    assert agent_offers[0].start == paris(2027, 3, 1, 10, 0)  # agents: no minimal delay


@pytest.mark.django_db
def test_monthly_release_opens_next_month_on_the_given_day_and_hour():
    place, _cni, _pickup = make_agenda(generate=False, release_mode=ReleaseMode.MONTHLY, release_day=15,
                                       release_time=dt.time(8, 0), release_months_ahead=1, max_delay_days=90)
    assert slotlib.release_horizon(place, paris(2027, 3, 15, 7, 59)) == paris(2027, 4, 1, 0, 0)
    assert slotlib.release_horizon(place, paris(2027, 3, 15, 8, 0)) == paris(2027, 5, 1, 0, 0)
    assert slotlib.release_horizon(place, paris(2027, 12, 20, 9, 0)) == paris(2028, 2, 1, 0, 0)
    slotlib.generate_slots(place, dt.date(2027, 3, 30), dt.date(2027, 4, 2))
    before = slotlib.free_starts(place, _cni, now=paris(2027, 3, 15, 7, 0))
    after = slotlib.free_starts(place, _cni, now=paris(2027, 3, 15, 8, 0))
    assert before and max(o.start for o in before) < paris(2027, 4, 1, 0, 0)
    assert max(o.start for o in after) >= paris(2027, 4, 1, 0, 0)


@pytest.mark.django_db
def test_offers_are_runs_of_consecutive_free_units_aligned_on_the_duration():
    place, cni, pickup = make_agenda(generate=False)
    slotlib.generate_slots(place, MONDAY, MONDAY)
    now = paris(2027, 2, 28, 8, 0)
    offers = slotlib.free_starts(place, cni, now=now)
    assert [o.local_start.strftime("%H:%M") for o in offers] == [
        "09:00", "09:20", "09:40", "10:00", "10:20", "10:40", "11:00", "11:20", "11:40"]
    assert all(len(o.desk_ids) == 2 and o.end - o.start == dt.timedelta(minutes=20) for o in offers)
    # A 10-minute pick-up at 9:10 on the first desk: 9:00 stays free on the second desk only.
    hold_slot(place=place, meeting_type=pickup, start=paris(2027, 3, 1, 9, 10), now=now)
    nine = slotlib.free_starts(place, cni, now=now, start=paris(2027, 3, 1, 9, 0), end=paris(2027, 3, 1, 9, 1))
    assert len(nine) == 1 and len(nine[0].desk_ids) == 1
    pickups = slotlib.free_starts(place, pickup, now=now)
    assert len(pickups) == 18 and [len(o.desk_ids) for o in pickups].count(1) == 1


@pytest.mark.django_db
def test_reserved_units_are_offered_to_agents_only():
    place, cni, _pickup = make_agenda(generate=False, desks=1, reserved_share=20)
    slotlib.generate_slots(place, MONDAY, MONDAY)
    now = paris(2027, 2, 28, 8, 0)
    web = [o.local_start.strftime("%H:%M") for o in slotlib.free_starts(place, cni, now=now)]
    counter = [o.local_start.strftime("%H:%M") for o in slotlib.free_starts(place, cni, channel=Channel.PHONE,
                                                                               now=now)]
    assert web[-1] == "11:00" and counter[-1] == "11:40"  # 11:20–12:00 kept for the counter and the phone


@pytest.mark.django_db
def test_a_hold_blocks_its_units_until_it_expires(settings):
    settings.APPOINTMENT_HOLD_MINUTES = 10
    place, cni, _pickup = make_agenda(generate=False, desks=1)
    slotlib.generate_slots(place, MONDAY, MONDAY)
    now = paris(2027, 2, 28, 8, 0)
    hold_slot(place=place, meeting_type=cni, start=paris(2027, 3, 1, 9, 0), now=now)
    assert slotlib.free_starts(place, cni, now=now)[0].start == paris(2027, 3, 1, 9, 20)
    later = now + dt.timedelta(minutes=10)
    assert slotlib.free_starts(place, cni, now=later)[0].start == paris(2027, 3, 1, 9, 0)


@pytest.mark.django_db
def test_a_type_not_received_by_any_desk_has_no_offer():
    place, _cni, _pickup = make_agenda(generate=False)
    other = make_meeting_type(place.department, slug="mariage", name="Mariage", kind="mariage")
    slotlib.generate_slots(place, MONDAY, MONDAY)
    assert slotlib.free_starts(place, other, now=paris(2027, 2, 28, 8, 0)) == []
    assert list(slotlib.places_offering(other)) == []


def test_offer_values_round_trip_and_tampered_values_are_refused():
    offer = slotlib.Offer(paris(2027, 3, 1, 9, 20).astimezone(dt.UTC), paris(2027, 3, 1, 9, 40))
    assert offer.value == "2027-03-01T09:20"
    assert slotlib.parse_offer_value(offer.value) == paris(2027, 3, 1, 9, 20)
    for bad in ("", "2027-03-01", "2027-03-01T09:20:00", "123", "2027-13-01T09:00", "<script>"):
        assert slotlib.parse_offer_value(bad) is None


@pytest.mark.django_db
def test_place_without_active_desk_offers_nothing():
    place = make_place(desks=0)
    assert slotlib.free_starts(place, make_meeting_type(place.department), now=paris(2027, 2, 28, 8, 0)) == []


@pytest.mark.django_db
def test_the_database_and_the_python_readings_of_units_give_the_same_offers(monkeypatch):
    """On PostgreSQL the flags and the instants come from SQL; elsewhere from the ORM rows: same offers, for
    every channel and option (holds, expired holds, reserved units, a unit held by the appointment moved)."""
    from django.db import connection

    place, cni, pickup = make_agenda(generate=False, desks=3, reserved_share=20,
                                     hours=(("09:00", "12:00"), ("13:30", "17:05")))
    slotlib.generate_slots(place, MONDAY, MONDAY + dt.timedelta(days=2))
    now = paris(2027, 2, 28, 8, 0)
    for minutes in (0, 10, 50, 130):
        hold_slot(place=place, meeting_type=pickup, start=paris(2027, 3, 1, 9, 0) + dt.timedelta(minutes=minutes),
                  now=now)
    own = hold_slot(place=place, meeting_type=cni, start=paris(2027, 3, 2, 10, 0), now=now)
    hold_slot(place=place, meeting_type=cni, start=paris(2027, 3, 2, 10, 20), now=now - dt.timedelta(hours=1))

    def everything():
        results = []
        for meeting_type in (cni, pickup):
            for channel in (Channel.WEB, Channel.PHONE):
                for options in ({}, {"include_taken": True}, {"own_appointment_id": own.pk},
                                {"start": paris(2027, 3, 1, 9, 20), "end": paris(2027, 3, 2, 11, 0)},
                                {"start": paris(2027, 3, 2, 9, 10), "limit": 3}):
                    results.append([(o.start, o.end, o.desk_ids) for o in slotlib.free_starts(
                        place, meeting_type, channel=channel, now=now, **options)])
        results.append(slotlib.offer_at(place, cni, paris(2027, 3, 2, 10, 0), now=now))
        results.append(slotlib.first_free_day(place, cni, channel=Channel.WEB, now=now))
        return results

    first = everything()
    assert any(first[0]) and first[0] != first[1]
    monkeypatch.setattr(connection, "vendor", "another")
    assert everything() == first
