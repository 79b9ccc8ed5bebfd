"""What a process remembers of the agendas for a second: in a rush, hundreds of people ask for the same week of
the same agenda in the same second.

A `ShortMemory` keeps a value APPOINTMENT_LIST_CACHE_SECONDS (0: never) and forgets it at once when this
process changes what the value depends on: the units (taken, given back, created: `UNITS.changed()` at the
choke points) or an agenda's configuration (a place, desk or meeting type saved: signals below). Other
processes see a change when their memory expires. A time shown but taken meanwhile is handled when chosen.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from parvis.appointments.models import Desk, MeetingType, Place


class Generation:
    """A counter this process moves on at every change of one kind."""

    def __init__(self):
        self.value = 0

    def changed(self, **_signal_kwargs) -> None:
        self.value += 1


UNITS = Generation()
AGENDAS = Generation()

for _model in (Place, MeetingType, Desk):
    post_save.connect(AGENDAS.changed, sender=_model, dispatch_uid=f"agendas-changed-save-{_model.__name__}")
    post_delete.connect(AGENDAS.changed, sender=_model, dispatch_uid=f"agendas-changed-delete-{_model.__name__}")
m2m_changed.connect(AGENDAS.changed, sender=Desk.meeting_types.through, dispatch_uid="agendas-changed-desk-types")


class ShortMemory:
    def __init__(self, *depends_on: Generation, size: int):
        self.depends_on = depends_on
        self.size = size
        self.items = {}

    def get(self, key, compute):
        """The value remembered under `key`, or `compute()` (remembered unless None: nothing to show)."""
        ttl = settings.APPOINTMENT_LIST_CACHE_SECONDS
        if not ttl:
            return compute()
        clock = time.monotonic()
        generations = tuple(generation.value for generation in self.depends_on)
        found = self.items.get(key)
        if found is not None and found[0] > clock - ttl and found[1] == generations:
            return found[2]
        value = compute()
        if value is not None:
            if len(self.items) >= self.size:
                self.items.clear()
            self.items[key] = (clock, generations, value)
        return value


def forget_all() -> None:
    """Everything remembered is read again (tests: data rolled back between them)."""
    UNITS.changed()
    AGENDAS.changed()
