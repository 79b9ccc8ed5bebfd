"""Emails about the handling of a case, through `EmailDelivery` (recorded, then sent after commit, retried).

* `email_resident`: a workflow text (subject and body already rendered) to the resident;
* `notify_resident_of_message`: "you have a new message" — a link, never the message itself;
* `notify_agents`: the agent in charge (else the department's mailbox) learns that something needs them;
* `notify_department`: the department's mailbox (implicit decisions, requests for reasons).

Every email has a key, so a retried step never queues it twice. Sending happens in a background task
enqueued when the transaction commits: an action rolled back sends nothing.
"""

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


def _queue(*, case, to, subject, template_base, context, key, kind, reply_to=""):
    context = {"commune": Commune.current(), "case": case, "department": case.department, **context}
    delivery = emails.queue_email(to=to, subject=subject, template_base=template_base, context=context, case=case,
                                  kind=kind, key=key, reply_to=reply_to)
    if delivery.status == "pending":
        transaction.on_commit(partial(_enqueue, delivery.pk), robust=True)
    return delivery


def agent_case_url(case):
    return settings.SITE_URL + reverse("casework:detail", args=[case.reference])


def email_resident(case, *, subject, body, key):
    """Queues a plain-text email (a workflow text, already rendered) to the resident; None without address."""
    to = case.notification_email
    if not to:
        return None
    return _queue(case=case, to=to, subject=subject, template_base="cases/emails/text", context={"body": body},
                  key=key, kind=EmailKind.WORKFLOW, reply_to=case.department.email)


def notify_resident_of_message(case, *, key, kind="message"):
    """Tells the resident that the department wrote to them, with a link and without the content."""
    from parvis.cases.acknowledgements import case_url

    to = case.notification_email
    if not to:
        return None
    subject = (f"Réponse à votre demande de motifs — demande {case.reference}" if kind == "reasons"
               else f"Nouveau message au sujet de votre demande {case.reference}")
    return _queue(case=case, to=to, subject=subject, template_base="cases/emails/message_notice",
                  context={"case_url": case_url(case), "kind": kind}, key=key, kind=EmailKind.MESSAGE_NOTICE,
                  reply_to=case.department.email)


def notify_department(case, *, subject, text, key):
    """An email to the department's mailbox (no personal data: the reference and a link to the case page)."""
    if not case.department.email:
        return None
    return _queue(case=case, to=case.department.email, subject=subject, template_base="cases/emails/agents_notice",
                  context={"text": text, "agent_url": agent_case_url(case)}, key=key, kind=EmailKind.AGENTS)


def notify_agents(case, *, subject, text, key):
    """An email to the agent in charge of the case, or to the department's mailbox when nobody is."""
    assignee = case.assignee if case.assignee_id else None
    to = assignee.email if assignee is not None and assignee.is_active and assignee.email else case.department.email
    if not to:
        return None
    return _queue(case=case, to=to, subject=subject, template_base="cases/emails/agents_notice",
                  context={"text": text, "agent_url": agent_case_url(case)}, key=key, kind=EmailKind.AGENTS)
