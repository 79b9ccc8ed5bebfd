"""iCalendar (RFC 5545) invitations for appointments, with the `icalendar` library.

The UID stays the same for the life of an appointment; SEQUENCE grows at each change, so calendar
applications replace the event when it moves (METHOD:REQUEST) and remove it when it is cancelled
(METHOD:CANCEL).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from parvis.appointments.models import Status
from parvis.cases.deadlines import PARIS


def uid_of(appointment) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "parvis.local"
    return f"{appointment.uid}@{host}"


def build_ics(appointment, *, method: str = "REQUEST", manage_url: str = "", now: dt.datetime | None = None) -> bytes:
    """The .ics of `appointment`: METHOD:REQUEST (booked, moved) or METHOD:CANCEL (cancelled)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Parvis//Rendez-vous//FR")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid_of(appointment))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", appointment.start.astimezone(PARIS))
    event.add("dtend", appointment.end.astimezone(PARIS))
    event.add("summary", f"{appointment.meeting_type.name} — {appointment.place.name}")
    event.add("location", vText(f"{appointment.place.name}, {appointment.place.postal_address}"))
    lines = [appointment.meeting_type.name]
    if appointment.meeting_type.documents_to_bring:
        lines += ["", "À apporter :", appointment.meeting_type.documents_to_bring]
    if manage_url:
        lines += ["", f"Déplacer ou annuler : {manage_url}"]
        event.add("url", manage_url)
    event.add("description", "\n".join(lines))
    cancelled = method == "CANCEL" or appointment.status == Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    department = appointment.place.department
    organizer = vCalAddress(f"mailto:{department.email}")
    organizer.params["cn"] = vText(f"Mairie — {department.name}")
    event.add("organizer", organizer)
    if appointment.email:
        attendee = vCalAddress(f"mailto:{appointment.email}")
        attendee.params["cn"] = vText(appointment.display_name or appointment.email)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
