"""Agendas turned into bookable units, and which start times are free.

1. `plan_units` (pure): from a desk's weekly opening hours, its validity periods and the closures, the base
   units of each day, with the `reserved` flag (the end of each opening period kept for the counter and the
   phone). Times are Paris wall-clock; results are aware datetimes.
2. `generate_slots(place)`: makes the `Slot` rows match the plan over the booking horizon, idempotently.
   Free units no longer planned are deleted; taken ones are kept (an agent moves the appointment).
3. `free_starts(place, meeting_type, channel=...)`: the start times offered for a meeting type: runs of
   consecutive free units on one desk serving the type, aligned on the type's length from the start of
   each opening block, within the booking window (delays and release policy), outside reserved units for
   residents.

Why materialised units rather than availability computed on the fly and a lock per desk: the scarce
resource becomes rows that can be locked one by one (two residents booking different times at the same desk
do not wait for each other), whose single `taken_by` column makes a double booking unrepresentable, and
whose free/taken state is one indexed query for the pages, the national search and the benchmark. The price
is a daily generation (`generate_appointment_slots`) and a regeneration after each change of hours or
closures, both idempotent.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import holidays
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from parvis.appointments.memory import AGENDAS, UNITS, ShortMemory
from parvis.appointments.models import (
    AGENT_CHANNELS,
    Channel,
    Closure,
    ClosureKind,
    Desk,
    MeetingType,
    OpeningHours,
    Place,
    ReleaseMode,
    Slot,
)
from parvis.cases.deadlines import PARIS

# --- Pure planning -----------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def public_holidays(year: int) -> dict[dt.date, str]:
    """Public holidays of metropolitan France (`holidays` library), with their French names."""
    return dict(holidays.France(years=year, language="fr"))


def paris(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=PARIS)


@dataclass(frozen=True)
class PlannedUnit:
    desk_id: int
    start: dt.datetime
    end: dt.datetime
    reserved: bool


def _overlaps(start, end, intervals):
    return any(start < other_end and end > other_start for other_start, other_end in intervals)


def plan_units(*, desk_id: int, opening_hours: Iterable, closures: Iterable[tuple[dt.datetime, dt.datetime]],
               first_day: dt.date, last_day: dt.date, unit_minutes: int, reserved_share: int) -> list[PlannedUnit]:
    """The base units of one desk from `first_day` to `last_day` included.

    `opening_hours`: objects with weekday, start_time, end_time, valid_from, valid_until (Paris time).
    `closures`: (start, end) aware intervals already filtered for this desk (place-wide and the desk's own).
    Units overlapping a closure are left out; in each opening period, the last `reserved_share` % of the
    remaining units (rounded up) are reserved for agents.
    """
    unit = dt.timedelta(minutes=unit_minutes)
    closures = sorted(closures)
    by_weekday = defaultdict(list)
    for period in opening_hours:
        by_weekday[period.weekday].append(period)
    units = []
    day = first_day
    while day <= last_day:
        for period in sorted(by_weekday.get(day.weekday(), ()), key=lambda p: p.start_time):
            if period.valid_from > day or (period.valid_until and period.valid_until < day):
                continue
            start, end = paris(day, period.start_time), paris(day, period.end_time)
            kept = []
            cursor = start
            while cursor + unit <= end:
                unit_end = cursor + unit
                if not _overlaps(cursor, unit_end, closures):
                    kept.append((cursor, unit_end))
                cursor = unit_end
            reserved = math.ceil(len(kept) * reserved_share / 100) if reserved_share else 0
            for index, (unit_start, unit_end) in enumerate(kept):
                units.append(PlannedUnit(desk_id, unit_start.astimezone(dt.UTC), unit_end.astimezone(dt.UTC),
                                         index >= len(kept) - reserved))
        day += dt.timedelta(days=1)
    return units


# --- Generation --------------------------------------------------------------------------------------


@dataclass
class GenerationReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    kept_taken: int = 0
    holidays_imported: int = 0

    def __str__(self):
        return (f"{self.created} créé(s), {self.updated} mis à jour, {self.deleted} supprimé(s), "
                f"{self.kept_taken} pris hors plan, {self.holidays_imported} jour(s) férié(s) importé(s)")


def horizon(place: Place, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Days for which units exist: today to the last day a booking may reach."""
    today = today or timezone.localdate()
    return today, today + dt.timedelta(days=place.max_delay_days + 1)


def import_public_holidays(place: Place, first_day: dt.date, last_day: dt.date) -> int:
    """One `holiday` closure per public holiday and place; a row already there (even deactivated) stays."""
    if not place.closed_on_public_holidays:
        return 0
    existing = set(
        Closure.objects.filter(place=place, kind=ClosureKind.PUBLIC_HOLIDAY, desk=None,
                               start__gte=paris(first_day, dt.time.min) - dt.timedelta(days=1),
                               start__lte=paris(last_day, dt.time.max))
        .values_list("start", flat=True))
    existing_days = {start.astimezone(PARIS).date() for start in existing}
    created = 0
    for year in range(first_day.year, last_day.year + 1):
        for day, name in sorted(public_holidays(year).items()):
            if first_day <= day <= last_day and day not in existing_days:
                Closure.objects.create(place=place, kind=ClosureKind.PUBLIC_HOLIDAY, reason=name,
                                       start=paris(day, dt.time.min),
                                       end=paris(day + dt.timedelta(days=1), dt.time.min))
                created += 1
    return created


def generate_slots(place: Place, first_day: dt.date | None = None, last_day: dt.date | None = None) -> GenerationReport:
    """Makes the place's `Slot` rows match its agenda between two days (default: the booking horizon).

    Idempotent. Runs after every change of opening hours or closures, and daily (`generate_appointment_slots`)
    to extend the horizon.
    """
    default_first, default_last = horizon(place)
    first_day, last_day = first_day or default_first, last_day or default_last
    report = GenerationReport()
    with transaction.atomic():
        report.holidays_imported = import_public_holidays(place, first_day, last_day)
        window_start, window_end = paris(first_day, dt.time.min), paris(last_day + dt.timedelta(days=1), dt.time.min)
        closures = list(Closure.objects.filter(place=place, is_active=True, start__lt=window_end, end__gt=window_start)
                        .values_list("desk_id", "start", "end"))
        planned = {}
        desks = list(Desk.objects.filter(place=place, is_active=True))
        hours = defaultdict(list)
        for period in OpeningHours.objects.filter(desk__in=desks):
            hours[period.desk_id].append(period)
        for desk in desks:
            desk_closures = [(start, end) for desk_id, start, end in closures if desk_id in (None, desk.pk)]
            for unit in plan_units(desk_id=desk.pk, opening_hours=hours[desk.pk], closures=desk_closures,
                                   first_day=first_day, last_day=last_day, unit_minutes=place.slot_minutes,
                                   reserved_share=place.reserved_share):
                planned[(unit.desk_id, unit.start)] = unit
        existing = Slot.objects.filter(place=place, start__gte=window_start, start__lt=window_end)
        now = timezone.now()
        to_delete, to_reserve, to_unreserve = [], [], []
        for slot_id, desk_id, start, end, reserved, taken_by_id, held_until in existing.values_list(
                "pk", "desk_id", "start", "end", "reserved", "taken_by_id", "held_until"):
            unit = planned.pop((desk_id, start), None)
            if unit is None or unit.end != end:
                free = unit_is_free(taken_by_id, held_until, now)
                if free:
                    to_delete.append(slot_id)
                else:
                    report.kept_taken += 1
                    continue  # someone holds it: keep the row as it is, an agent moves the appointment
                if unit is not None:
                    planned[(desk_id, start)] = unit  # recreate with the new length after the deletion
                continue
            if unit.reserved != reserved:
                (to_reserve if unit.reserved else to_unreserve).append(slot_id)
        # Free rows only: a row taken meanwhile (booking in progress) is left alone.
        report.deleted = Slot.objects.filter(Q(taken_by=None) | Q(held_until__lte=now), pk__in=to_delete).delete()[0]
        report.updated = Slot.objects.filter(pk__in=to_reserve).update(reserved=True)
        report.updated += Slot.objects.filter(pk__in=to_unreserve).update(reserved=False)
        new = [Slot(place=place, desk_id=unit.desk_id, start=unit.start, end=unit.end, reserved=unit.reserved)
               for unit in planned.values()]
        Slot.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        report.created = len(new)
    UNITS.changed()
    return report


# --- Booking window ----------------------------------------------------------------------------------


def _month_start(year: int, month: int) -> dt.date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, 1)


def release_horizon(place: Place, now: dt.datetime) -> dt.datetime | None:
    """For a monthly release, the instant before which units are released; None when rolling."""
    if place.release_mode != ReleaseMode.MONTHLY:
        return None
    local = now.astimezone(PARIS)
    release_moment = paris(dt.date(local.year, local.month, min(place.release_day, 28)), place.release_time)
    months = place.release_months_ahead + (1 if local >= release_moment else 0)
    end = _month_start(local.year, local.month + months)
    return paris(end, dt.time.min)


def booking_window(place: Place, channel: str, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[earliest, latest) start of a booking through `channel`.

    Online: from now + the minimal delay to now + the maximal delay, and never past the release horizon.
    Agents (counter, phone) book from now on (the minimal delay is for online booking), within the same
    maximal delay and release policy, so that no channel is served before the others.
    """
    now = now or timezone.now()
    earliest = now if channel in AGENT_CHANNELS else now + dt.timedelta(hours=place.min_delay_hours)
    latest = now + dt.timedelta(days=place.max_delay_days)
    released = release_horizon(place, now)
    if released is not None:
        latest = min(latest, released)
    return earliest, latest


# --- Free start times --------------------------------------------------------------------------------


@dataclass
class Offer:
    start: dt.datetime
    end: dt.datetime
    desk_ids: list[int] = field(default_factory=list)

    @cached_property
    def local_start(self):
        return self.start.astimezone(PARIS)

    @cached_property
    def value(self):
        """The form value of this offer: Paris wall-clock, minute precision."""
        return self.local_start.strftime("%Y-%m-%dT%H:%M")

    @cached_property
    def slug(self):
        """`value` made fit for an HTML id, as the `slugify` filter would: "2026-03-02t0940"."""
        return self.value.replace(":", "").lower()


def units_for(place: Place, meeting_type: MeetingType) -> int:
    return max(1, math.ceil(meeting_type.duration_minutes / place.slot_minutes))


# Read on every booking page: plain SQL (valid on PostgreSQL and SQLite), no query to compile.
_SERVING_DESKS_SQL = """
SELECT desk.id FROM appointments_desk desk
JOIN appointments_desk_meeting_types served ON served.desk_id = desk.id
WHERE desk.place_id = %s AND desk.is_active AND served.meetingtype_id = %s ORDER BY desk."order", desk.id
"""


def serving_desks(place: Place, meeting_type: MeetingType) -> list[int]:
    """Active desks of the place receiving the type, in order; remembered on the meeting type object for the
    rest of the request (a booking asks several times; the agenda's configuration does not change meanwhile)."""
    memo = meeting_type.__dict__.setdefault("_serving_desks", {})
    if place.pk not in memo:
        with connection.cursor() as cursor:
            cursor.execute(_SERVING_DESKS_SQL, [place.pk, meeting_type.pk])
            memo[place.pk] = [row[0] for row in cursor.fetchall()]
    return memo[place.pk]


# (type slug, place slug) -> (meeting type, place): what the booking pages were asked lately.
_offerings = ShortMemory(AGENDAS, size=200)


def offering(type_slug: str, place_slug: str) -> tuple[MeetingType, Place] | None:
    """(meeting type, place) chosen by their slugs when both are active and an active desk of the place receives
    the type, else None; their serving desks are read too (`serving_desks`).

    Every booking request starts here: the answer is remembered (`memory`: until this process changes an
    agenda, a second at most). Callers get their own copies."""
    if not type_slug or not place_slug:
        return None

    def read():
        meeting_type = MeetingType.objects.filter(is_active=True, slug=type_slug).first()
        place = Place.objects.filter(is_active=True, slug=place_slug).first() if meeting_type else None
        if place is None or not serving_desks(place, meeting_type):
            return None
        return meeting_type, place

    found = _offerings.get((type_slug, place_slug), read)
    return None if found is None else (copy.copy(found[0]), copy.copy(found[1]))


_FIRST_FREE_SQL = """
SELECT start FROM appointments_slot WHERE desk_id = ANY(%s) AND start >= %s AND start < %s
AND (taken_by_id IS NULL OR held_until <= %s) AND (%s OR NOT reserved) ORDER BY start LIMIT 1
"""


def first_free_day(place: Place, meeting_type: MeetingType, *, channel: str, now: dt.datetime | None = None):
    """The day of the first free unit a booking could start on (a cheap guess of the first week to show)."""
    now = now or timezone.now()
    earliest, latest = booking_window(place, channel, now)
    desks = serving_desks(place, meeting_type)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_FIRST_FREE_SQL, [desks, earliest, latest, now, channel in AGENT_CHANNELS])
            row = cursor.fetchone()
        first = row[0] if row else None
    else:
        query = Slot.objects.filter(desk_id__in=desks, start__gte=earliest, start__lt=latest).filter(
            Q(taken_by=None) | Q(held_until__lte=now))
        if channel not in AGENT_CHANNELS:
            query = query.filter(reserved=False)
        first = query.order_by("start").values_list("start", flat=True).first()
    return first.astimezone(PARIS).date() if first else None


def unit_is_free(taken_by_id, held_until, now, own_id=None) -> bool:
    if taken_by_id is None or (own_id is not None and taken_by_id == own_id):
        return True
    return held_until is not None and held_until <= now


# Reading units is the hot path of the booking pages (a week is ~1,300 rows). On PostgreSQL the database
# computes the two flags and gives instants as integers (microseconds since 1970; `date_part` in double
# precision is exact to the microsecond for these dates, and cheaper than `EXTRACT`, which computes in
# numeric): converting thousands of timestamps to Python datetimes would cost more than everything else on
# the page. Other databases (SQLite in development) read the same rows through the ORM; the scan below works
# on either form.
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_UNITS_SQL = """
SELECT desk_id, (date_part('epoch', start) * 1000000)::bigint, (date_part('epoch', "end") * 1000000)::bigint,
       COALESCE(taken_by_id IS NULL OR taken_by_id = %s OR held_until <= %s, FALSE) AND (%s OR NOT reserved),
       %s OR NOT reserved
FROM appointments_slot WHERE desk_id = ANY(%s) AND start >= %s AND start < %s ORDER BY desk_id, start
"""


def _epoch_us(value: dt.datetime) -> int:
    return (value - _EPOCH) // _MICROSECOND


def _from_epoch_us(value: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=value)


def _same(value):
    return value


def _fetch_units(desks, lower, upper, *, now, agent, own_appointment_id):
    """The units of `desks` starting in [lower, upper), ordered by desk then start, as
    (desk_id, start, end, free and open to the channel, open to the channel) tuples; plus the functions turning
    an aware datetime into the form of `start`/`end` and back."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_UNITS_SQL, [own_appointment_id, now, agent, agent, list(desks), lower, upper])
            return cursor.fetchall(), _epoch_us, _from_epoch_us
    rows = (Slot.objects.filter(desk_id__in=desks, start__gte=lower, start__lt=upper).order_by("desk_id", "start")
            .values_list("desk_id", "start", "end", "reserved", "taken_by_id", "held_until"))
    units = [(desk_id, start, end, unit_is_free(taken_by_id, held_until, now, own_appointment_id)
              and (agent or not reserved), agent or not reserved)
             for desk_id, start, end, reserved, taken_by_id, held_until in rows]
    return units, _same, _same


def _scan(units, k, lower, upper, flag):
    """Runs of `k` consecutive units of one desk, aligned on the first unit of each block of contiguous units,
    starting in [lower, upper), whose units all have `flag` (index in the unit tuple): {start: (end, desk ids)}."""
    runs = {}
    previous_desk = previous_end = run_start = None
    position = 0
    usable = True
    for unit in units:
        desk_id, start, end = unit[0], unit[1], unit[2]
        if desk_id != previous_desk or start != previous_end:
            position = 0  # a new block: runs are counted from its first unit
        if position == 0:
            run_start, usable = start, unit[flag]
        else:
            usable = usable and unit[flag]
        position += 1
        if position == k:
            position = 0
            if usable and lower <= run_start < upper:
                found = runs.get(run_start)
                if found is None:
                    runs[run_start] = (end, [desk_id])
                else:
                    found[1].append(desk_id)
        previous_desk, previous_end = desk_id, end
    return runs


def _offers(runs, from_key, limit=None):
    starts = sorted(runs)
    if limit:
        starts = starts[:limit]
    return [Offer(from_key(start), from_key(runs[start][0]), runs[start][1]) for start in starts]


def _units_around(place, meeting_type, channel, now, start, end, own_appointment_id):
    """(units, k, lower key, upper key, from_key) for the offers within [start, end) ∩ the booking window, or
    None when nothing can be offered."""
    earliest, latest = booking_window(place, channel, now)
    lower = max(earliest, start) if start else earliest
    upper = min(latest, end) if end else latest
    if lower >= upper or not meeting_type.is_active or not place.is_active:
        return None
    desks = serving_desks(place, meeting_type)
    if not desks:
        return None
    k = units_for(place, meeting_type)
    span = dt.timedelta(minutes=place.slot_minutes * k)
    # A run is aligned on the first unit of its block, which may begin before `lower`; blocks never cross
    # midnight (opening hours are per day), so reading from the start of `lower`'s day is enough.
    fetch_from = paris(lower.astimezone(PARIS).date(), dt.time.min)
    units, key, from_key = _fetch_units(desks, fetch_from, upper + span, now=now, agent=channel in AGENT_CHANNELS,
                                        own_appointment_id=own_appointment_id)
    return units, k, key(lower), key(upper), from_key


def free_starts(place: Place, meeting_type: MeetingType, *, channel: str = Channel.WEB,
                start: dt.datetime | None = None, end: dt.datetime | None = None, now: dt.datetime | None = None,
                own_appointment_id: int | None = None, limit: int | None = None,
                include_taken: bool = False) -> list[Offer]:
    """Offered start times for `meeting_type` at `place`, within [start, end) ∩ the booking window.

    `own_appointment_id`: units held by this appointment count as free (moving an appointment).
    `include_taken`: the start times that would be offered if nobody had booked (tells "taken meanwhile"
    from "never offered" when a choice is refused).
    """
    now = now or timezone.now()
    found = _units_around(place, meeting_type, channel, now, start, end, own_appointment_id)
    if found is None:
        return []
    units, k, lower, upper, from_key = found
    return _offers(_scan(units, k, lower, upper, 4 if include_taken else 3), from_key, limit)


def offer_at(place: Place, meeting_type: MeetingType, start: dt.datetime, *, channel: str = Channel.WEB,
             now: dt.datetime | None = None, own_appointment_id: int | None = None) -> tuple[Offer | None, bool]:
    """(the offer starting exactly at `start` or None, whether it would be offered if nobody had booked), from
    one read of the day's units."""
    now = now or timezone.now()
    found = _units_around(place, meeting_type, channel, now, start, start + dt.timedelta(minutes=1),
                          own_appointment_id)
    if found is None:
        return None, False
    units, k, lower, upper, from_key = found
    offers = _offers(_scan(units, k, lower, upper, 3), from_key)
    if offers and offers[0].start == start:
        return offers[0], True
    would_be = _offers(_scan(units, k, lower, upper, 4), from_key)
    return None, bool(would_be and would_be[0].start == start)


def nearest_free_starts(place: Place, meeting_type: MeetingType, around: dt.datetime, *, channel: str = Channel.WEB,
                        count: int = 5, now: dt.datetime | None = None) -> list[Offer]:
    """The `count` free start times closest to `around` (before or after), in time order.

    Looks three days around first (cheap, and usually enough in a rush), then the whole booking window.
    """
    near = dt.timedelta(days=3)
    offers = free_starts(place, meeting_type, channel=channel, start=around - near, end=around + near, now=now)
    if len(offers) < count:
        offers = free_starts(place, meeting_type, channel=channel, now=now)
    offers.sort(key=lambda offer: abs((offer.start - around).total_seconds()))
    return sorted(offers[:count], key=lambda offer: offer.start)


def parse_offer_value(value: str) -> dt.datetime | None:
    """The aware instant of a form value made by `Offer.value`; None when it is not one (tampered)."""
    try:
        naive = dt.datetime.strptime((value or "").strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return naive.replace(tzinfo=PARIS)


def group_by_day(offers: Iterable[Offer]) -> list[tuple[dt.date, list[Offer]]]:
    days = defaultdict(list)
    for offer in offers:
        days[offer.local_start.date()].append(offer)
    return sorted(days.items())


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def places_offering(meeting_type: MeetingType):
    return (Place.objects.filter(is_active=True, desks__is_active=True, desks__meeting_types=meeting_type)
            .distinct().order_by("name"))


def closures_overlapping(place: Place, start: dt.datetime, end: dt.datetime, desk_id=None):
    query = Closure.objects.filter(place=place, is_active=True, start__lt=end, end__gt=start)
    if desk_id is not None:
        query = query.filter(Q(desk=None) | Q(desk_id=desk_id))
    return query
