"""Emails of the family desk and of the cash offices, recorded in `EmailDelivery` (parvis.cases.emails) and
sent by a background task enqueued on commit: an action rolled back sends nothing, a failure is retried by
`manage.py send_pending_emails`. Every email has a key, so a retried step never queues it twice."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from parvis.cases import emails
from parvis.cases.models import EmailKind
from parvis.organisation.models import Commune


def _enqueue(delivery_id):
    from parvis.cases import tasks

    tasks.send_email.enqueue(delivery_id)


def queue_email(*, to, subject, template_base, context, key, reply_to="", attachments=()):
    """Records an email and sends it after commit; None without an address."""
    if not to:
        return None
    context = {"commune": Commune.current(), "site_url": settings.SITE_URL, **context}
    delivery = emails.queue_email(to=to, subject=subject, template_base=template_base, context=context,
                                  kind=EmailKind.OTHER, key=key, reply_to=reply_to, attachments=attachments)
    if delivery.status == "pending":
        transaction.on_commit(partial(_enqueue, delivery.pk), robust=True)
    return delivery


def site_url(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def _recipients(household):
    return [member.user for member in household.active_members if member.user and member.user.email]


def registration_recorded(registration, rank=None):
    """Electronic acknowledgement of a registration request (CRPA L112-11), to every adult of the household."""
    department = registration.session.activity.department
    for user in _recipients(registration.household):
        queue_email(
            to=user.email, reply_to=department.email,
            subject=f"Inscription de {registration.child.first_name} — {registration.session.activity.name}",
            template_base="families/emails/registration", key=f"family-registration-{registration.pk}-{user.pk}",
            context={"registration": registration, "rank": rank, "user": user, "department": department,
                     "family_url": site_url("families:home")},
        )


def place_offered(registration):
    department = registration.session.activity.department
    for user in _recipients(registration.household):
        queue_email(
            to=user.email, reply_to=department.email,
            subject=f"Une place s'est libérée pour {registration.child.first_name} — à accepter",
            template_base="families/emails/place_offered",
            key=f"family-offer-{registration.pk}-{registration.offered_at:%Y%m%d%H%M%S}-{user.pk}",
            context={"registration": registration, "user": user, "department": department,
                     "answer_url": site_url("families:registration", registration.pk)},
        )


def invitation(member, household, inviter, department=None):
    queue_email(
        to=member.invited_email,
        subject=f"{inviter.full_name or inviter.email} vous propose de partager l'espace famille",
        template_base="families/emails/invitation", key=f"family-invitation-{member.pk}-{member.token[:12]}",
        context={"inviter": inviter, "household": household,
                 "accept_url": site_url("families:invitation", member.token)},
    )
