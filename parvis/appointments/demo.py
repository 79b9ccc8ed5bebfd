"""The identity-documents pilot of Admiville, for the demo: the town hall and one annex, three desks, the
identity-document meeting types, realistic opening hours and bookings.

`load_appointments_demo()` is idempotent (rows found by slug; bookings seeded only once per place) and is
meant to run after `parvis.demo.loader.load_demo` (it needs the "etat-civil" department and the demo
residents). Seeded bookings are written directly, without emails nor ANTS declarations: they are fiction.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.db import transaction
from django.utils import timezone

from parvis.accounts.models import User
from parvis.appointments import slots as slotlib
from parvis.appointments.memory import UNITS
from parvis.appointments.models import (
    ApplicationId,
    Appointment,
    AppointmentEvent,
    Channel,
    Desk,
    MeetingType,
    OpeningHours,
    Place,
    ReleaseMode,
    Slot,
    Status,
)
from parvis.cases.deadlines import PARIS
from parvis.organisation.models import Department

DEPARTMENT_SLUG = "etat-civil"
VALID_FROM = dt.date(2026, 1, 1)

_TO_BRING = ("Le récapitulatif de pré-demande (numéro ANTS), une photo d'identité de moins de 6 mois, "
             "un justificatif de domicile de moins d'un an, l'ancien titre (ou la déclaration de perte ou de vol), "
             "un timbre fiscal pour un passeport.")

MEETING_TYPES = {
    "depot-cni": {"name": "Dépôt CNI — 1 personne", "kind": "depot-titre", "duration_minutes": 20,
                  "requires_ants_number": True, "documents_max": 1, "ants_reasons": ["CNI"], "order": 10,
                  "description": "Première demande ou renouvellement de carte nationale d'identité.",
                  "documents_to_bring": _TO_BRING},
    "depot-passeport": {"name": "Dépôt passeport — 1 personne", "kind": "depot-titre", "duration_minutes": 20,
                        "requires_ants_number": True, "documents_max": 1, "ants_reasons": ["PASSPORT"], "order": 20,
                        "description": "Première demande ou renouvellement de passeport.",
                        "documents_to_bring": _TO_BRING},
    "depot-cni-passeport": {"name": "Dépôt CNI et passeport — 1 personne", "kind": "depot-titre",
                            "duration_minutes": 30, "requires_ants_number": True, "documents_max": 1,
                            "ants_reasons": ["CNI-PASSPORT"], "order": 30,
                            "description": "Les deux titres pour la même personne, en un seul rendez-vous.",
                            "documents_to_bring": _TO_BRING},
    "depot-2-titres": {"name": "Dépôt 2 titres (2 personnes)", "kind": "depot-titre", "duration_minutes": 40,
                       "requires_ants_number": True, "documents_max": 2,
                       "ants_reasons": ["CNI", "PASSPORT", "CNI-PASSPORT"], "order": 40,
                       "description": "Deux personnes ou deux titres : un numéro de pré-demande par personne.",
                       "documents_to_bring": _TO_BRING},
    "depot-famille": {"name": "Dépôt famille (3 à 4 titres)", "kind": "depot-titre", "duration_minutes": 60,
                      "requires_ants_number": True, "documents_max": 4,
                      "ants_reasons": ["CNI", "PASSPORT", "CNI-PASSPORT"], "order": 50,
                      "description": "Pour une famille : les mineurs viennent avec un parent.",
                      "documents_to_bring": _TO_BRING},
    "retrait-titre": {"name": "Retrait de titre", "kind": "retrait-titre", "duration_minutes": 10,
                      "requires_ants_number": False, "documents_max": 1, "ants_reasons": [], "order": 60,
                      "description": "Quand le SMS de l'ANTS annonce que votre titre est arrivé en mairie.",
                      "documents_to_bring": "L'ancien titre et le récépissé de dépôt."},
}

PLACES = {
    "hotel-de-ville": {
        "name": "Hôtel de ville d'Admiville", "street": "1 place de la République", "postcode": "99100",
        "city": "Admiville", "latitude": "48.856600", "longitude": "2.352200", "phone": "01 23 45 67 10",
        "website": "https://www.admiville.fr/titres-identite",
        "accessibility": "Entrée de plain-pied rue de la Mairie, ascenseur, boucle magnétique à l'accueil, "
                         "deux places de stationnement réservées.",
        "instructions": "Présentez-vous à l'accueil du rez-de-chaussée 5 minutes avant l'heure.",
        "ants_enabled": True, "slot_minutes": 10, "min_delay_hours": 24, "max_delay_days": 60,
        "reserved_share": 20, "release_mode": ReleaseMode.ROLLING,
        "desks": {
            "Guichet 1": [(day, "08:30", "12:00") for day in range(5)] + [(day, "13:30", "17:00") for day in range(5)]
            + [(5, "09:00", "12:00")],
            "Guichet 2": [(day, "08:30", "12:00") for day in (1, 3)] + [(day, "13:30", "17:00") for day in (1, 3)]
            + [(2, "13:30", "19:00")],
        },
    },
    "mairie-annexe-tilleuls": {
        "name": "Mairie annexe des Tilleuls", "street": "40 avenue des Tilleuls", "postcode": "99100",
        "city": "Admiville", "latitude": "48.861000", "longitude": "2.371000", "phone": "01 23 45 67 11",
        "accessibility": "Accès de plain-pied, guichet abaissé. Pas de boucle magnétique.",
        "instructions": "Sonnez à l'interphone « État civil » si la porte est fermée.",
        "ants_enabled": True, "slot_minutes": 10, "min_delay_hours": 24, "max_delay_days": 62,
        "reserved_share": 25, "release_mode": ReleaseMode.MONTHLY, "release_day": 15,
        "release_time": dt.time(8, 0), "release_months_ahead": 1,
        "desks": {
            "Guichet annexe": [(day, "09:00", "12:00") for day in (0, 2, 4)]
            + [(day, "14:00", "17:00") for day in (0, 2, 4)],
        },
    },
}

_FIRST_NAMES = ["Léa", "Hugo", "Chloé", "Nathan", "Manon", "Lucas", "Inès", "Yanis", "Sarah", "Louis", "Jade",
                "Adam", "Emma", "Rayan", "Zoé", "Tom", "Lina", "Malik", "Alice", "Noah"]
_LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
               "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier"]


def _upsert(model, lookup, values, counter):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        counter[str(model._meta.verbose_name_plural)] += 1
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return obj


def _application_id(rng):
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    return "".join(rng.choice(alphabet) for _ in range(10))


def load_appointments_demo(report=None, today: dt.date | None = None) -> Counter:
    """Creates or updates the pilot; returns a Counter of created rows (also added to `report.created`)."""
    counter = Counter()
    department = Department.objects.filter(slug=DEPARTMENT_SLUG).first()
    if department is None:
        return counter
    with transaction.atomic():
        types = {slug: _upsert(MeetingType, {"slug": slug}, {"department": department, **values}, counter)
                 for slug, values in MEETING_TYPES.items()}
        for slug, definition in PLACES.items():
            values = {key: value for key, value in definition.items() if key != "desks"}
            place = _upsert(Place, {"slug": slug}, {"department": department, **values}, counter)
            for order, (desk_name, periods) in enumerate(definition["desks"].items()):
                desk = _upsert(Desk, {"place": place, "name": desk_name}, {"order": order}, counter)
                desk.meeting_types.add(*types.values())
                for weekday, start, end in periods:
                    _upsert(OpeningHours, {"desk": desk, "weekday": weekday, "start_time": dt.time.fromisoformat(start),
                                           "end_time": dt.time.fromisoformat(end)}, {"valid_from": VALID_FROM}, counter)
            slotlib.generate_slots(place)
            if not Appointment.objects.filter(place=place).exists():
                counter["rendez-vous"] += _seed_bookings(place, types, today or timezone.localdate())
    if report is not None:
        report.created.update(counter)
    return counter


def _book(place, desk_id, meeting_type, start, units, *, status, channel, person, rng, applicant=None, numbers=()):
    end = start + dt.timedelta(minutes=place.slot_minutes * len(units) if units else meeting_type.duration_minutes)
    appointment = Appointment.objects.create(
        place=place, desk_id=desk_id, meeting_type=meeting_type, start=start, end=end, status=status, channel=channel,
        applicant=applicant, first_name=person[0], last_name=person[1],
        email=(applicant.email if applicant else f"{person[0].lower()}.{person[1].lower()}@example.org"),
        phone=f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        booked_at=start - dt.timedelta(days=rng.randint(2, 30)),
        future_claim=meeting_type.kind if (applicant and status == Status.BOOKED) else None)
    if units:
        Slot.objects.filter(pk__in=units).update(taken_by=appointment)
        UNITS.changed()
    ApplicationId.objects.bulk_create([ApplicationId(
        appointment=appointment, application_id=number,
        future_claim=meeting_type.kind if status == Status.BOOKED else None) for number in numbers])
    AppointmentEvent.objects.create(appointment=appointment, at=appointment.booked_at, channel=channel, kind="booked",
                                    description="Rendez-vous de démonstration.")
    return appointment


def _seed_bookings(place, types, today):
    """About half of the next two weeks booked, a first resident's appointment, and three months of past
    appointments (present, absent, cancelled) for the statistics."""
    rng = random.Random(f"parvis-demo-{place.slug}")  # noqa: S311 (demo data, not security)
    created = 0
    now = timezone.now()
    weights = [("depot-cni", 5), ("depot-passeport", 3), ("depot-cni-passeport", 2), ("depot-2-titres", 1),
               ("depot-famille", 1), ("retrait-titre", 4)]
    choices = [slug for slug, weight in weights for _ in range(weight)]
    horizon = dt.datetime.combine(today + dt.timedelta(days=14), dt.time.min, tzinfo=PARIS)
    for _attempt in range(400):
        meeting_type = types[rng.choice(choices)]
        offers = slotlib.free_starts(place, meeting_type, channel=Channel.COUNTER, end=horizon, now=now)
        if not offers or rng.random() < 0.15:
            continue
        offer = rng.choice(offers)
        desk_id = offer.desk_ids[0]
        k = slotlib.units_for(place, meeting_type)
        units = list(Slot.objects.filter(desk_id=desk_id, start__gte=offer.start, start__lt=offer.end)
                     .values_list("pk", flat=True))
        if len(units) != k:
            continue
        person = (rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES))
        numbers = [_application_id(rng) for _ in range(min(meeting_type.documents_max, rng.randint(1, 4)))] \
            if meeting_type.requires_ants_number else []
        channel = rng.choice([Channel.WEB, Channel.WEB, Channel.WEB, Channel.PHONE, Channel.COUNTER])
        _book(place, desk_id, meeting_type, offer.start, units, status=Status.BOOKED, channel=channel, person=person,
              rng=rng, numbers=numbers)
        created += 1
        if created >= 60:
            break
    resident = User.objects.filter(email="camille.durand@example.org").first()
    if resident is not None and place.slug == "hotel-de-ville":
        meeting_type = types["depot-cni"]
        offers = slotlib.free_starts(place, meeting_type, channel=Channel.WEB, now=now, limit=30)
        if offers:
            offer = offers[-1]
            units = list(Slot.objects.filter(desk_id=offer.desk_ids[0], start__gte=offer.start, start__lt=offer.end)
                         .values_list("pk", flat=True))
            _book(place, offer.desk_ids[0], meeting_type, offer.start, units, status=Status.BOOKED,
                  channel=Channel.WEB, person=(resident.first_name, resident.last_name), rng=rng, applicant=resident,
                  numbers=["DEMO1CNI26"])
            created += 1
    # The past: no slots any more (they are generated from today on), appointments only.
    desks = list(Desk.objects.filter(place=place).values_list("pk", flat=True))
    for days_ago in range(1, 91):
        day = today - dt.timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        for _n in range(rng.randint(3, 8)):
            meeting_type = types[rng.choice(choices)]
            start = dt.datetime.combine(day, dt.time(9 + rng.randint(0, 6), rng.choice([0, 20, 40])), tzinfo=PARIS)
            status = rng.choices([Status.PRESENT, Status.ABSENT, Status.CANCELLED], weights=[80, 9, 11])[0]
            _book(place, rng.choice(desks), meeting_type, start, [], status=status,
                  channel=rng.choice([Channel.WEB, Channel.WEB, Channel.PHONE, Channel.COUNTER]),
                  person=(rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)), rng=rng)
            created += 1
    return created
