"""Helpers shared by the appointment tests."""

import datetime as dt

import icalendar
from django.utils import timezone

from parvis.appointments import services
from parvis.appointments import slots as slotlib
from parvis.cases.deadlines import PARIS
from parvis.testing.smtp import attachments


def offers_on(place, meeting_type, days_ahead=2, channel="web", now=None):
    """Free offers of the day `days_ahead` days from today (Paris)."""
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=PARIS)
    return slotlib.free_starts(place, meeting_type, channel=channel, start=start, end=start + dt.timedelta(days=1),
                               now=now)


def book(resident, place, meeting_type, start, numbers=(), **contact):
    """Hold then confirm, as the resident's pages do."""
    appointment = services.hold_slot(place=place, meeting_type=meeting_type, start=start, applicant=resident)
    values = {"first_name": resident.first_name, "last_name": resident.last_name, "email": resident.email}
    values.update(contact)
    return services.confirm_appointment(appointment, contact=services.Contact(**values), application_ids=numbers)


def ics_of(message):
    """(calendar, event, content type) of the .ics attached to an email."""
    found = [(name, ctype, data) for name, ctype, data in attachments(message) if ctype == "text/calendar"]
    assert len(found) == 1, attachments(message)
    calendar = icalendar.Calendar.from_ical(found[0][2])
    event = calendar.walk("VEVENT")[0]
    return calendar, event, message.get_body(preferencelist=("plain",))


def calendar_part(message):
    return next(part for part in message.iter_attachments() if part.get_content_type() == "text/calendar")
