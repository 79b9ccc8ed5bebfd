"""Background tasks of cases. Arguments are ids; every task is idempotent, so a retry is harmless."""

from django_tasks import task

from parvis.cases import emails
from parvis.cases.acknowledgements import (
    acknowledgement_context,
    issue_acknowledgement,
    receipt_context,
)
from parvis.cases.models import Case, EmailKind


def _case(case_id):
    return Case.objects.select_related("procedure", "department", "applicant", "revision").get(pk=case_id)


@task(priority=10)  # before the acknowledgement queued at the same time
def send_registration_receipt(case_id):
    """The registration receipt (AEE, CRPA L112-11) of an online filing, by email, at once."""
    case = _case(case_id)
    to = case.notification_email
    if not to:
        return "no-address"
    delivery = emails.queue_email(
        to=to, case=case, kind=EmailKind.RECEIPT, key=f"case-{case.pk}-receipt",
        reply_to=case.department.email,
        subject=f"Demande {case.reference} enregistrée — {case.procedure.title}",
        template_base="cases/emails/receipt", context=receipt_context(case),
    )
    emails.deliver(delivery.pk, raise_on_failure=True)
    return "sent"


@task()
def send_acknowledgement(case_id):
    """Produces the acknowledgement PDF (once) and emails it, when the procedure requires one."""
    case = _case(case_id)
    if not case.procedure.acknowledgement_due:
        return "not-due"
    document = issue_acknowledgement(case)
    to = case.notification_email
    if not to:
        return "no-address"  # the PDF is on the case, for agents to hand over or post
    delivery = emails.queue_email(
        to=to, case=case, kind=EmailKind.ACKNOWLEDGEMENT, key=f"case-{case.pk}-acknowledgement-{document.pk}",
        reply_to=case.department.email,
        subject=f"Accusé de réception de votre demande {case.reference}",
        template_base="cases/emails/acknowledgement", context=acknowledgement_context(case),
        attachments=[document.stored_file],
    )
    emails.deliver(delivery.pk, raise_on_failure=True)
    return "sent"


@task()
def send_email(delivery_id):
    """Sends one recorded email (workflow emails, notices); a failure is recorded and retried later."""
    return "sent" if emails.deliver(delivery_id, raise_on_failure=True) else "not-due"


@task()
def send_pending_emails():
    """Retries failed email deliveries that are due (the command does the same)."""
    sent, failed = emails.send_due()
    return {"sent": sent, "failed": failed}
