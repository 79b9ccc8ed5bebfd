"""Emails about cases, kept in `EmailDelivery` rows so that no delivery is lost.

An email is first recorded with its full content (`queue_email`, idempotent thanks to its key), then
sent (`deliver`). A failure is recorded on the row (attempts, last error, next attempt with a doubling
delay) and shown to agents; `manage.py send_pending_emails` retries the due ones. Sending uses the
email backend configured in settings (SMTP in production and in tests).

Claiming a delivery is one conditional UPDATE (pending/failed -> sending), so two processes never
send the same email twice, on PostgreSQL as on SQLite, without holding a lock during SMTP.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from parvis.cases.models import DeliveryStatus, EmailDelivery, EmailKind
from parvis.files.services import read_bytes

logger = logging.getLogger(__name__)

# A delivery left "sending" longer than this (a worker killed mid-send) is due again.
STALE_SENDING = dt.timedelta(minutes=15)


class EmailDeliveryFailed(RuntimeError):
    """Raised by `deliver(..., raise_on_failure=True)`: the failure is recorded, the caller may retry."""


def render_email(template_base, context):
    """(text, html) from `<template_base>.txt` and `<template_base>.html`, in French."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"{template_base}.txt", context)
        html = render_to_string(f"{template_base}.html", context)
    return text.strip() + "\n", html


def queue_email(*, to, subject, template_base, context, case=None, kind="other", key=None, reply_to="",
                attachments=()):
    """Records an email to send; with a key already used, returns the existing delivery unchanged."""
    if key:
        existing = EmailDelivery.objects.filter(key=key).first()
        if existing:
            return existing
    text, html = render_email(template_base, context)
    try:
        with transaction.atomic():
            delivery = EmailDelivery.objects.create(
                case=case, key=key, kind=kind, to=to, reply_to=reply_to or "",
                subject=" ".join(subject.split())[:255], body_text=text, body_html=html,
            )
            if attachments:
                delivery.attachments.set(attachments)
    except IntegrityError:
        if not key:
            raise
        return EmailDelivery.objects.get(key=key)  # queued at the same moment by another run of the task
    return delivery


def retry_delay(attempts):
    """Delay before the next attempt after `attempts` failures: base, 2×base, 4×base... capped at a day."""
    seconds = settings.EMAIL_RETRY_DELAY_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, 24 * 3600))


def _claim(delivery_id, now, force):
    retryable = Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING,
                                                     last_attempt_at__lt=now - STALE_SENDING)
    # Forced (an agent, or the command's --force): every failed delivery, even one given up on.
    failed = Q(status=DeliveryStatus.FAILED) if force else Q(status=DeliveryStatus.FAILED, next_attempt_at__lte=now)
    claimed = EmailDelivery.objects.filter(Q(pk=delivery_id) & (retryable | failed)).update(
        status=DeliveryStatus.SENDING, last_attempt_at=now)
    return claimed == 1


def _build_message(delivery):
    message = EmailMultiAlternatives(
        subject=delivery.subject, body=delivery.body_text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to], reply_to=[delivery.reply_to] if delivery.reply_to else None,
        connection=get_connection(fail_silently=False),
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    for stored in delivery.attachments.all():
        message.attach(stored.original_name, read_bytes(stored), stored.content_type)
    return message


def deliver(delivery_id, *, force=False, raise_on_failure=False):
    """Sends one delivery if it is due (or `force`); returns True when it is sent (now or before).

    Failed deliveries are due again at `next_attempt_at`; after EMAIL_RETRY_MAX_ATTEMPTS attempts they
    stay failed (next_attempt_at empty) until an agent retries them from the admin (`force`).
    """
    from parvis.cases.services import record_event

    now = timezone.now()
    if not _claim(delivery_id, now, force):
        return EmailDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENT).exists()
    delivery = EmailDelivery.objects.select_related("case").get(pk=delivery_id)
    try:
        _build_message(delivery).send()
    except Exception as exc:  # any SMTP, network or file error: recorded, retried later
        attempts = delivery.attempts + 1
        give_up = attempts >= settings.EMAIL_RETRY_MAX_ATTEMPTS
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=None if give_up else now + retry_delay(attempts),
        )
        logger.warning("Email delivery %s to case %s failed (attempt %s): %s", delivery.pk, delivery.case_id,
                       attempts, exc)
        if delivery.case and attempts == 1:
            record_event(delivery.case, "email_failed",
                         f"Échec de l'envoi du courriel « {delivery.subject} » : nouvel essai prévu",
                         visible_to_resident=False, data={"delivery": delivery.pk, "error": str(exc)[:300]})
        if raise_on_failure:
            raise EmailDeliveryFailed(f"delivery {delivery.pk}: {exc}") from exc
        return False
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, attempts=delivery.attempts + 1, sent_at=timezone.now(), next_attempt_at=None,
    )
    if delivery.case:
        record_event(delivery.case, "email_sent", _sent_description(delivery), channel="email",
                     visible_to_resident=delivery.kind != EmailKind.AGENTS,
                     data={"delivery": delivery.pk, "kind": delivery.kind})
    return True


def _sent_description(delivery):
    what = {
        "receipt": "Accusé d'enregistrement envoyé par courriel",
        "acknowledgement": "Accusé de réception envoyé par courriel",
        "message": "Avis de nouveau message envoyé par courriel",
        "agents": "Avis envoyé aux agents par courriel",
    }.get(delivery.kind, f"Courriel envoyé : {delivery.subject}")
    return f"{what} à {delivery.to}"


def due_deliveries(now=None, force=False):
    now = now or timezone.now()
    failed = Q(status=DeliveryStatus.FAILED) if force else Q(status=DeliveryStatus.FAILED, next_attempt_at__lte=now)
    stale = Q(status=DeliveryStatus.SENDING, last_attempt_at__lt=now - STALE_SENDING)
    # Pending ones are normally sent by their task right away; a pending row older than a few minutes
    # means the task was lost (worker stopped), so the command sends it too.
    lost = Q(status=DeliveryStatus.PENDING, created_at__lt=now - dt.timedelta(minutes=5))
    if force:
        lost = Q(status=DeliveryStatus.PENDING)
    return EmailDelivery.objects.filter(failed | stale | lost).order_by("created_at", "pk")


def send_due(limit=200, force=False):
    """Retries the due deliveries; returns (sent, failed) counts. Safe to run concurrently and again."""
    sent = failed = 0
    for delivery_id in list(due_deliveries(force=force).values_list("pk", flat=True)[:limit]):
        if deliver(delivery_id, force=force):
            sent += 1
        elif EmailDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.FAILED).exists():
            failed += 1
    return sent, failed
