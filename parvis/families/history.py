"""The household's history: every change made by `services`, `registrations` and `quotient` writes one line."""

from parvis.families.models import FamilyEvent


def record_event(household, kind, description, *, actor=None, channel="", registration=None):
    return FamilyEvent.objects.create(household=household, kind=kind, description=description[:500], actor=actor,
                                      channel=channel or "", registration=registration)
