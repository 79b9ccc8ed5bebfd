"""Emails (with the iCalendar invitation) and SMS about appointments, reminders and waiting-list offers.

Each message has a key (`Notification.key`): a task run twice sends it once. A failure is recorded on the
row; running the task again retries it.
"""

from __future__ import annotations

import datetime as dt
import logging
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import timezone, translation

from parvis.appointments.ics import build_ics
from parvis.appointments.models import Appointment, Notification, NotificationStatus, Status
from parvis.appointments.services import local, manage_url, record_event
from parvis.appointments.sms import SMSError, send_sms

logger = logging.getLogger(__name__)

SUBJECTS = {
    "confirmation": "Rendez-vous confirmé le {when} — {type}",
    "moved": "Rendez-vous déplacé au {when} — {type}",
    "cancelled": "Rendez-vous annulé — {type} du {when}",
    "reminder": "Rappel : rendez-vous le {when} — {type}",
    "waiting_offer": "Un créneau plus tôt est disponible — {type}",
}
ICS_METHOD = {"confirmation": "REQUEST", "moved": "REQUEST", "cancelled": "CANCEL"}


def _claim(appointment, key, medium, to, subject=""):
    """Creates the notification row, or takes back a failed one; None when it was already sent."""
    try:
        return Notification.objects.create(appointment=appointment, key=key, medium=medium, to=to, subject=subject)
    except IntegrityError:
        retried = Notification.objects.filter(key=key, status=NotificationStatus.FAILED).update(
            status=NotificationStatus.SENT, error="")
        return Notification.objects.get(key=key) if retried else None


def _context(appointment, **extra):
    return {
        "appointment": appointment, "place": appointment.place, "meeting_type": appointment.meeting_type,
        "department": appointment.place.department, "start": local(appointment.start), "end": local(appointment.end),
        "manage_url": manage_url(appointment), "application_ids": appointment.application_ids,
        "commune_name": settings.COMMUNE_NAME, "site_url": settings.SITE_URL, **extra,
    }


def _ics_part(appointment, method):
    part = MIMEText(build_ics(appointment, method=method, manage_url=manage_url(appointment)).decode("utf-8"),
                    "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="rendez-vous.ics")
    return part


def send_email(appointment: Appointment, kind: str, *, key: str | None = None, **extra) -> str:
    """Sends the email `kind` about the appointment to its contact address."""
    if not appointment.email:
        return "no-address"
    when = local(extra.get("offer_start") or appointment.start).strftime("%d/%m/%Y à %H:%M")
    subject = SUBJECTS[kind].format(when=when, type=appointment.meeting_type.name)
    key = key or f"{appointment.pk}-{kind}-{appointment.sequence}"
    notification = _claim(appointment, key, "email", appointment.email, subject)
    if notification is None:
        return "already-sent"
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(f"appointments/emails/{kind}.txt", _context(appointment, **extra))
    message = EmailMessage(subject=subject, body=body.strip() + "\n", from_email=settings.DEFAULT_FROM_EMAIL,
                           to=[appointment.email], reply_to=[appointment.place.department.email])
    if kind in ICS_METHOD:
        message.attach(_ics_part(appointment, ICS_METHOD[kind]))
    try:
        message.send()
    except Exception as error:  # any SMTP or network error: recorded, retried by running the task again
        Notification.objects.filter(pk=notification.pk).update(status=NotificationStatus.FAILED,
                                                                error=str(error)[:2000])
        logger.warning("Courriel %s non envoyé : %s", key, error)
        raise
    return "sent"


def sms_text(appointment, kind="reminder"):
    start = local(appointment.start)
    return (f"Mairie de {settings.COMMUNE_NAME} : rappel de votre rendez-vous {appointment.meeting_type.name} "
            f"le {start:%d/%m} à {start:%H:%M}, {appointment.place.name}. "
            f"Déplacer ou annuler : {manage_url(appointment)}")


def send_reminder_sms(appointment: Appointment) -> str:
    if not (appointment.sms_reminder and appointment.phone):
        return "not-wanted"
    notification = _claim(appointment, f"{appointment.pk}-reminder-sms-{appointment.sequence}", "sms",
                          appointment.phone)
    if notification is None:
        return "already-sent"
    try:
        send_sms(appointment.phone, sms_text(appointment))
    except SMSError as error:
        Notification.objects.filter(pk=notification.pk).update(status=NotificationStatus.FAILED, error=str(error))
        logger.warning("SMS de rappel non envoyé (rendez-vous %s) : %s", appointment.pk, error)
        return "failed"
    return "sent"


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """Reminds, once, every booked appointment starting within APPOINTMENT_REMINDER_HOURS (email and SMS).

    Each appointment is claimed with a conditional UPDATE, so two runs at once never remind twice.
    """
    now = now or timezone.now()
    horizon = now + dt.timedelta(hours=settings.APPOINTMENT_REMINDER_HOURS)
    due = Appointment.objects.filter(status=Status.BOOKED, reminder_sent_at=None, start__gt=now, start__lte=horizon)
    count = 0
    for appointment_id in list(due.values_list("pk", flat=True)):
        if not Appointment.objects.filter(pk=appointment_id, reminder_sent_at=None).update(reminder_sent_at=now):
            continue
        appointment = Appointment.objects.select_related("place__department", "meeting_type").get(pk=appointment_id)
        try:
            send_email(appointment, "reminder")
        except Exception:  # recorded on the notification; the SMS still goes
            logger.exception("Rappel par courriel en échec")
        send_reminder_sms(appointment)
        record_event(appointment, "reminder", "Rappel envoyé.", at=now)
        count += 1
    return count
