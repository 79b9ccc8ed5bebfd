"""The acknowledgement (accusé de réception, CRPA L112-3 and R112-5) as a PDF, and the receipt email.

The PDF carries every mention the law requires: date of receipt; the handling department's name,
postal address, email and telephone; the regime in plain words and the date of the implicit decision
(or that the period waits for a complete file); for rejection, the appeal routes and time limits and
the right to the reasons (L232-4); for acceptance, the attestation (L232-3); the missing pieces and
their deadline; the case reference. See docs/legal-rules.md.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from parvis.cases.answers import answers_for_display
from parvis.cases.legal import (
    acknowledgement_due_by,
    attestation_date,
    channel_phrase,
    period_in_words,
)
from parvis.cases.models import Case, CaseDocument, DocumentKind
from parvis.documents.pdf import render_pdf
from parvis.files.services import store_bytes
from parvis.organisation.models import Commune


def case_url(case):
    """Where the resident follows the case: their account page, or the secret tracking link."""
    if case.applicant_id:
        return settings.SITE_URL + reverse("cases:detail", args=[case.reference])
    return settings.SITE_URL + reverse("cases:track", args=[case.tracking_token])


def _recipient(case):
    applicant = case.applicant if case.applicant_id else None
    return {
        "name": (applicant.get_civility_display() + " " if applicant and applicant.civility else "")
        + (applicant.full_name if applicant else ""),
        "postal_address": applicant.postal_address if applicant else "",
        "street": applicant.street if applicant else "",
        "postcode_city": f"{applicant.postcode} {applicant.city}".strip() if applicant else "",
        "email": case.notification_email,
    }


def acknowledgement_context(case, issued_at=None):
    commune = Commune.current()
    pieces_requests = list(case.pieces_requests.all())
    pending = [request for request in pieces_requests if request.is_pending]
    return {
        "case": case,
        "commune": commune,
        "department": case.department,
        "procedure": case.procedure,
        "recipient": _recipient(case),
        "received_at": timezone.localtime(case.received_at),
        "issued_at": timezone.localtime(issued_at or timezone.now()),
        "channel_phrase": channel_phrase(case.channel),
        "period_words": period_in_words(case.period_value, case.period_unit),
        "decision_on": case.implicit_decision_on,
        "attestation_from": attestation_date(case),
        "pending_pieces": pending,
        "administrative_court": settings.ADMINISTRATIVE_COURT,
        "answers": answers_for_display(case),
        "case_url": case_url(case),
        # A resident filed for at the counter without email has no account to follow the case online.
        "online_follow_up": bool(case.notification_email),
        "theme_color": settings.THEME_PRIMARY_COLOR,
    }


def render_acknowledgement_pdf(case, issued_at=None):
    return render_pdf("cases/pdf/acknowledgement.html", acknowledgement_context(case, issued_at))


def acknowledgement_filename(case):
    return f"accuse-de-reception-{case.reference}.pdf"


def issue_acknowledgement(case, *, reissue=False, actor=None):
    """Produces the acknowledgement PDF as a case document, once (or again with `reissue`).

    Idempotent: without `reissue`, an existing acknowledgement is returned as is, so a retried task
    never produces a second one. The PDF is rendered outside the lock; the check is made again under
    the case's row lock before storing it.
    """
    from parvis.cases.services import record_event

    def existing():
        return case.documents.filter(kind=DocumentKind.ACKNOWLEDGEMENT).select_related("stored_file").last()

    if not reissue and (document := existing()):
        return document
    pdf = render_acknowledgement_pdf(case)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if not reissue and (document := existing()):
            return document
        stored = store_bytes(pdf, acknowledgement_filename(case), "application/pdf", uploaded_by=actor)
        document = CaseDocument.objects.create(case=case, stored_file=stored, kind=DocumentKind.ACKNOWLEDGEMENT,
                                               label="Accusé de réception", added_by=actor)
        record_event(case, "acknowledgement_issued",
                     "Accusé de réception établi" + (" (nouvelle version)" if reissue else ""),
                     actor=actor, data={"document": document.pk})
    return document


def receipt_context(case):
    return {
        "case": case,
        "commune": Commune.current(),
        "department": case.department,
        "procedure": case.procedure,
        "recipient": _recipient(case),
        "received_at": timezone.localtime(case.received_at),
        "acknowledgement_due": case.procedure.acknowledgement_due,
        "acknowledgement_by": acknowledgement_due_by(case),
        "case_url": case_url(case),
        "anonymous": not case.applicant_id,
    }
