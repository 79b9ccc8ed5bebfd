"""The week-by-week list of free start times, shared by the residents' and the agents' pages."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.utils import timezone

from parvis.appointments import slots as slotlib
from parvis.appointments.memory import AGENDAS, UNITS, ShortMemory
from parvis.cases.deadlines import PARIS


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_url(base_params, day: dt.date) -> str:
    """The query string of the week picker showing the week of `day` (any day of it)."""
    return "?" + urlencode({**(base_params or {}), "semaine": day.isoformat()})


def _parse_day(value):
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


# What the residents' list of free times showed lately: it depends on the units and the agenda.
_recent = ShortMemory(UNITS, AGENDAS, size=500)


def picker(params, *, place, meeting_type, channel, own_appointment_id=None, base_params=None, now=None,
           exclude_start=None):
    """Context for `appointments/_slot_picker.html`: one week of offers grouped by day, and week navigation.

    `params`: the query (QueryDict) with `semaine` (any day of the week shown) and `creneau` (preselected).

    The same list asked again is served from the process's short memory (`memory`: until this process
    changes units or an agenda, a second at most). Not for moves (`own_appointment_id`) nor a given `now`.
    """
    if now is not None or own_appointment_id is not None:
        return _picker(params, place=place, meeting_type=meeting_type, channel=channel,
                       own_appointment_id=own_appointment_id, base_params=base_params, now=now,
                       exclude_start=exclude_start)
    key = (params.get("semaine", ""), params.get("creneau", ""), channel, exclude_start,
           tuple(sorted((base_params or {}).items())), place.pk, meeting_type.pk)
    return dict(_recent.get(key, lambda: _picker(params, place=place, meeting_type=meeting_type, channel=channel,
                                                  base_params=base_params, exclude_start=exclude_start)))


def _picker(params, *, place, meeting_type, channel, own_appointment_id=None, base_params=None, now=None,
            exclude_start=None):
    now = now or timezone.now()
    earliest, latest = slotlib.booking_window(place, channel, now)
    selected = params.get("creneau", "")
    selected_start = slotlib.parse_offer_value(selected)
    first_week = monday_of(earliest.astimezone(PARIS).date())
    last_week = monday_of(latest.astimezone(PARIS).date())
    week = _parse_day(params.get("semaine"))
    if week is None and selected_start is not None:
        week = selected_start.date()
    guessed = week is None
    if guessed:
        week = slotlib.first_free_day(place, meeting_type, channel=channel, now=now) or \
            earliest.astimezone(PARIS).date()

    def week_of_offers(day):
        week = min(max(monday_of(day), first_week), last_week)
        start = dt.datetime.combine(week, dt.time.min, tzinfo=PARIS)
        end = start + dt.timedelta(days=7)
        offers = [offer for offer in slotlib.free_starts(place, meeting_type, channel=channel, start=start, end=end,
                                                         now=now, own_appointment_id=own_appointment_id)
                  if offer.start != exclude_start]  # moving to the current time changes nothing
        return week, end, offers

    week, end, offers = week_of_offers(week)
    next_offer = None
    if not offers:
        found = slotlib.free_starts(place, meeting_type, channel=channel, start=end, now=now,
                                    own_appointment_id=own_appointment_id, limit=1)
        next_offer = found[0] if found else None
        if guessed and next_offer is not None:
            # The first free unit was a lone one (too short for this type): show the week of the first real
            # offer at once rather than a link to it.
            week, end, offers = week_of_offers(next_offer.local_start.date())
            next_offer = None
    return {
        "days": slotlib.group_by_day(offers),
        "offer_count": len(offers),
        "selected": selected,
        "week_start": week,
        "week_end": week + dt.timedelta(days=6),
        "previous_week_url": week_url(base_params, week - dt.timedelta(days=7)) if week > first_week else "",
        "next_week_url": week_url(base_params, week + dt.timedelta(days=7)) if week < last_week else "",
        "next_offer": next_offer,
        "next_offer_url": week_url(base_params, next_offer.local_start.date()) if next_offer else "",
        "latest": latest,
    }
