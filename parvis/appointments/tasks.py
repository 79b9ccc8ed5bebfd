"""Background tasks of appointments. Arguments are ids (and ISO dates); each task is idempotent."""

import datetime as dt

from django_tasks import task

from parvis.appointments import ants, notifications, waiting_list
from parvis.appointments.models import AntsOperation, AntsState, Appointment, Place


@task()
def send_appointment_email(appointment_id, kind, sequence):
    """The confirmation, move or cancellation email with its .ics; skipped when a newer change superseded it."""
    appointment = Appointment.objects.select_related("place__department", "meeting_type").get(pk=appointment_id)
    if appointment.sequence != sequence:
        return "superseded"
    return notifications.send_email(appointment, kind)


@task()
def process_ants_operations(appointment_id):
    """Declares to (or deletes from) ANTS what the appointment's outbox holds; failures are retried later,
    by a deferred run of this task when the backend can defer, and by `manage.py retry_ants_declarations`."""
    summary = ants.process_operations(appointment_id)
    if summary["failed"] and process_ants_operations.get_backend().supports_defer:
        next_at = (AntsOperation.objects.filter(appointment_id=appointment_id, state=AntsState.FAILED)
                   .order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first())
        if next_at:
            process_ants_operations.using(run_after=next_at).enqueue(appointment_id)
    return summary


@task()
def offer_freed_slots(place_id, freed_by_id, start_iso, end_iso):
    """Offers the units an appointment (`freed_by_id`, moved or cancelled) left to the waiting list."""
    place = Place.objects.get(pk=place_id)
    start, end = dt.datetime.fromisoformat(start_iso), dt.datetime.fromisoformat(end_iso)
    return waiting_list.offer_freed_slots(place, start, end, exclude_appointment_id=freed_by_id)
