"""Agendas for tests: a place with desks open every day, meeting types, generated slots."""

import datetime as dt
import itertools

from django.utils import timezone

from parvis.appointments.models import Desk, MeetingType, OpeningHours, Place
from parvis.appointments.slots import generate_slots
from parvis.cases.deadlines import PARIS
from parvis.testing.factories import make_department

_seq = itertools.count(1)
EVERY_DAY = tuple(range(7))


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


def make_meeting_type(department=None, **fields):
    n = next(_seq)
    values = {"department": department or make_department(), "name": f"Dépôt CNI {n}", "slug": f"depot-cni-{n}",
              "kind": "depot-titre", "duration_minutes": 20, "requires_ants_number": True, "documents_max": 1,
              "ants_reasons": ["CNI"]}
    values.update(fields)
    return MeetingType.objects.create(**values)


def make_place(department=None, *, desks=2, weekdays=EVERY_DAY, hours=(("09:00", "12:00"),), meeting_types=(),
               valid_from=dt.date(2020, 1, 1), valid_until=None, **fields):
    n = next(_seq)
    values = {"department": department or make_department(), "name": f"Mairie {n}", "slug": f"mairie-{n}",
              "street": "1 place de la Mairie", "postcode": "99100", "city": "Admiville", "slot_minutes": 10,
              "min_delay_hours": 0, "max_delay_days": 30, "reserved_share": 0, "closed_on_public_holidays": False,
              "ants_enabled": True, "latitude": "48.850000", "longitude": "2.350000"}
    values.update(fields)
    place = Place.objects.create(**values)
    for index in range(desks):
        desk = Desk.objects.create(place=place, name=f"Guichet {index + 1}", order=index)
        desk.meeting_types.add(*meeting_types)
        for weekday in weekdays:
            for start, end in hours:
                OpeningHours.objects.create(desk=desk, weekday=weekday, start_time=dt.time.fromisoformat(start),
                                            end_time=dt.time.fromisoformat(end), valid_from=valid_from,
                                            valid_until=valid_until)
    return place


def make_agenda(*, desks=2, generate=True, first_day=None, days=10, **place_fields):
    """A place open every day 9:00–12:00 with `desks` desks, a 20-min CNI type and a 10-min pick-up type."""
    department = place_fields.pop("department", None) or make_department()
    cni = make_meeting_type(department)
    pickup = make_meeting_type(department, name="Retrait de titre", slug=f"retrait-{next(_seq)}", kind="retrait-titre",
                               duration_minutes=10, requires_ants_number=False, ants_reasons=[])
    place = make_place(department, desks=desks, meeting_types=(cni, pickup), **place_fields)
    if generate:
        first = first_day or timezone.localdate()
        generate_slots(place, first, first + dt.timedelta(days=days))
    return place, cni, pickup
