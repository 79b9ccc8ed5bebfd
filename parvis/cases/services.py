"""Case services: filing a case, its history, its legal dates, and the access choke points.

Every change to a case goes through a function here, and every such function writes the case's
history with `record_event` (the only writer of `CaseEvent`). Views, tasks and the admin call these.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from parvis.cases.deadlines import PARIS, implicit_decision_date
from parvis.cases.legal import channel_phrase
from parvis.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseNote,
    Channel,
    DocumentKind,
    Message,
    PiecesRequest,
    ReferenceSequence,
)

logger = logging.getLogger(__name__)


class CaseClosed(ValueError):
    """The case is closed: residents can no longer add messages or documents to it."""


# --- History -------------------------------------------------------------------------------------

def record_event(case, kind, description, actor=None, channel="", visible_to_resident=True, data=None, at=None):
    """Writes one line of a case's history. The one function that creates `CaseEvent` rows."""
    return CaseEvent.objects.create(
        case=case, at=at or timezone.now(), actor=actor, channel=channel or "", kind=kind,
        description=str(description), visible_to_resident=visible_to_resident, data=data or {},
    )


# --- Access choke points -------------------------------------------------------------------------

def get_case_for_resident(user, reference):
    """The case `reference` if `user` filed it; 404 otherwise (the same answer whether it exists or not)."""
    if user is None or not user.is_authenticated or not reference:
        raise Http404
    try:
        return Case.objects.select_related("procedure", "department", "applicant").get(
            reference=reference, applicant=user)
    except Case.DoesNotExist:
        raise Http404 from None


def get_case_by_tracking_token(token):
    """The case whose secret tracking link carries `token` (anonymous filings); 404 otherwise."""
    if not token or len(token) > 64:
        raise Http404
    try:
        return Case.objects.select_related("procedure", "department", "applicant").get(tracking_token=token)
    except Case.DoesNotExist:
        raise Http404 from None


def get_document_for_case(case, document_id):
    """A document of `case` that residents may see; 404 otherwise. `case` comes from a choke point."""
    try:
        return case.documents.select_related("stored_file").get(pk=document_id, visible_to_resident=True)
    except (CaseDocument.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Reference numbers -----------------------------------------------------------------------------

def _paris_year(moment):
    return timezone.localtime(moment, PARIS).year


def next_reference(year):
    """The next case reference of `year`, e.g. ADM-2026-000123. Call inside a transaction.

    One statement takes the number: an upsert of the year's row (`INSERT … ON CONFLICT DO UPDATE …
    RETURNING`, on PostgreSQL and SQLite alike). On PostgreSQL it locks the row until the caller's
    transaction ends, so concurrent filings get consecutive, distinct numbers, and the first filing of a
    year creates the row without any race. On SQLite the IMMEDIATE transactions configured in settings
    serialise writers.
    """
    table = connection.ops.quote_name(ReferenceSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_value) VALUES (%s, 1) "  # noqa: S608 (table name from the model)
            f"ON CONFLICT (year) DO UPDATE SET last_value = {table}.last_value + 1 RETURNING last_value", [year])
        value = cursor.fetchone()[0]
    return f"{settings.CASE_REFERENCE_PREFIX}-{year}-{value:06d}"


# --- Legal dates -----------------------------------------------------------------------------------

def compute_implicit_decision(case, pieces_requests=None):
    """The implicit-decision date of a case from its regime snapshot and its requests for pieces."""
    period = case.period
    if period is None:
        return None
    if pieces_requests is None:
        pieces_requests = list(case.pieces_requests.all()) if case.pk else []
    return implicit_decision_date(
        case.received_at, case.regime, period, pieces_requests,
        next_working_day=settings.IMPLICIT_DECISION_NEXT_WORKING_DAY,
    )


def recompute_implicit_decision(case, actor=None, channel="", at=None):
    """Stores the case's implicit-decision date again (after a request for pieces or their arrival)."""
    new_date = compute_implicit_decision(case)
    if new_date != case.implicit_decision_on:
        old = case.implicit_decision_on
        case.implicit_decision_on = new_date
        Case.objects.filter(pk=case.pk).update(implicit_decision_on=new_date)
        record_event(case, "implicit_decision_changed",
                     f"Date de décision implicite : {_fmt(new_date) if new_date else 'en attente du dossier complet'}",
                     actor=actor, channel=channel, at=at,
                     data={"from": old.isoformat() if old else None, "to": new_date.isoformat() if new_date else None})
    return new_date


def _fmt(day):
    return day.strftime("%d/%m/%Y")


# --- Filing ----------------------------------------------------------------------------------------

def submit_case(*, revision, answers, applicant=None, contact_email="", channel="web", received_at=None,
                filed_by=None, files=(), is_test=False, department=None) -> Case:
    """Files a case under `revision` and returns it.

    `department`: the handling department when it is not the procedure's (reports routed by category/sector).

    In one transaction: a reference from the year's sequence, the status given by the revision's workflow
    (`initial`, whose entry actions run), the legal regime copied from the procedure, the implicit-decision
    date, the attachments (`files`: (field_key, StoredFile) pairs) and the history event. After commit,
    background tasks send the registration receipt (online filings) and produce and send the acknowledgement
    (when the procedure requires one).
    """
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    procedure = revision.procedure
    received_at = received_at or timezone.now()
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at, PARIS)

    from parvis.cases.status import workflow_for_revision

    workflow = workflow_for_revision(revision)
    with transaction.atomic():
        case = Case(
            reference=next_reference(_paris_year(received_at)),
            procedure=procedure, revision=revision,
            department_id=department.pk if department else procedure.department_id,
            applicant=applicant, contact_email=(contact_email or "").strip(), channel=channel,
            filed_by=filed_by, received_at=received_at, status=workflow.initial, answers=answers or {},
            regime=procedure.regime,
            period_value=procedure.period_value if procedure.regime != "none" else None,
            period_unit=procedure.period_unit if procedure.regime != "none" else "",
            is_test=is_test,
        )
        case.implicit_decision_on = compute_implicit_decision(case, pieces_requests=[])
        case.save()
        uploader = filed_by or applicant
        CaseDocument.objects.bulk_create([
            CaseDocument(case=case, stored_file=stored, kind=DocumentKind.ATTACHMENT, field_key=field_key or "",
                         label=stored.original_name, added_by=uploader)
            for field_key, stored in files
        ])
        record_event(case, "received", f"Demande reçue ({channel_phrase(channel)})",
                     actor=filed_by or applicant, channel=channel, at=received_at,
                     data={"reference": case.reference, "filed_by_agent": bool(filed_by)})
        initial = workflow.status(workflow.initial)
        if initial.on_enter:  # the workflow's initial status may act too (none in the default workflow)
            from parvis.cases.actions import Run, run_entry_actions

            run_entry_actions(Run(case=case, workflow=workflow, status=initial, actor=filed_by or applicant,
                                  system=True, channel=channel, at=received_at))
        transaction.on_commit(partial(_enqueue_after_filing, case.pk, channel), robust=True)
    return case


def _enqueue_after_filing(case_id, channel):
    from parvis.cases import tasks

    if channel == Channel.WEB:
        tasks.send_registration_receipt.enqueue(case_id)
    tasks.send_acknowledgement.enqueue(case_id)


# --- Requests for missing pieces (L114-5) -----------------------------------------------------------

def request_pieces(case, *, pieces, deadline, actor=None, requested_on=None, channel="", at=None):
    """Asks the resident for missing pieces; the implicit-decision date follows (suspension or restart).

    Agents ask through the workflow (`parvis.cases.handling.apply_transition`, whose `request_pieces` action
    calls this); calling it alone records the request without changing the case's status.
    """
    pieces = [str(piece).strip() for piece in pieces if str(piece).strip()]
    if not pieces:
        raise ValueError("no piece requested")
    requested_on = requested_on or timezone.localdate()
    with transaction.atomic():
        request = PiecesRequest.objects.create(case=case, requested_on=requested_on, deadline=deadline,
                                               pieces=pieces, requested_by=actor)
        record_event(case, "pieces_requested",
                     f"Pièces demandées ({len(pieces)}), à fournir avant le {_fmt(deadline)} : " + " ; ".join(pieces),
                     actor=actor, channel=channel, at=at, data={"pieces_request": request.pk})
        recompute_implicit_decision(case, actor=actor, channel=channel, at=at)
    return request


def mark_pieces_received(pieces_request, *, on=None, actor=None, channel="", at=None, case=None):
    """Records that the pieces of a request arrived (on `on`, default today); the legal date follows.

    `case`: the request's case when the caller holds it (locked, in a transaction), so that both see the
    same implicit-decision date. A request already complete is left as it is.
    """
    case = case if case is not None else pieces_request.case
    with transaction.atomic():
        completed_on = on or timezone.localdate()
        updated = PiecesRequest.objects.filter(pk=pieces_request.pk, completed_on__isnull=True).update(
            completed_on=completed_on)
        pieces_request.refresh_from_db(fields=["completed_on"])
        if not updated:
            return pieces_request
        record_event(case, "pieces_received", f"Pièces reçues le {_fmt(pieces_request.completed_on)}",
                     actor=actor, channel=channel, at=at, data={"pieces_request": pieces_request.pk})
        recompute_implicit_decision(case, actor=actor, channel=channel, at=at)
    return pieces_request


# --- Messages and documents from the resident ---------------------------------------------------------

def add_resident_message(case, *, body="", stored_file=None, author=None, channel="web", at=None):
    """Adds a message and/or a document from the resident to an open case, with its history line."""
    body = (body or "").strip()
    if not case.is_open:
        raise CaseClosed(case.reference)
    if not body and stored_file is None:
        raise ValueError("empty message")
    at = at or timezone.now()
    with transaction.atomic():
        message = Message.objects.create(case=case, author=author, from_resident=True, body=body, created_at=at)
        if stored_file is not None:
            CaseDocument.objects.create(case=case, stored_file=stored_file, kind=DocumentKind.MESSAGE,
                                        label=stored_file.original_name, added_by=author, message=message)
        if body and stored_file is not None:
            description = f"Message et document envoyés par l'usager ({stored_file.original_name})"
        elif stored_file is not None:
            description = f"Document ajouté par l'usager : {stored_file.original_name}"
        else:
            description = "Message envoyé par l'usager"
        record_event(case, "resident_message", description, actor=author, channel=channel, at=at,
                     data={"message": message.pk})
        from parvis.cases import notifications

        notifications.notify_agents(
            case, key=f"case-{case.pk}-resident-message-{message.pk}",
            subject=f"Nouveau message de l'usager — dossier {case.reference}",
            text="L'usager a envoyé un message ou un document sur son dossier.")
    return message


# --- Messages and notes from agents ------------------------------------------------------------------------

MAX_MESSAGE_LENGTH = 10_000


def send_agent_message(case, *, body="", author, stored_file=None, channel="", at=None):
    """A message from the department to the resident, shown in "Mes demandes"; the resident gets an email
    notice with a link, never the message's content."""
    from parvis.cases import notifications

    body = (body or "").strip()
    if not body and stored_file is None:
        raise ValueError("empty message")
    at = at or timezone.now()
    with transaction.atomic():
        message = Message.objects.create(case=case, author=author, from_resident=False, body=body, created_at=at)
        if stored_file is not None:
            CaseDocument.objects.create(case=case, stored_file=stored_file, kind=DocumentKind.MESSAGE,
                                        label=stored_file.original_name, added_by=author, message=message)
        description = "Message envoyé à l'usager"
        if stored_file is not None:
            description += f" avec un document : {stored_file.original_name}"
        record_event(case, "agent_message", description, actor=author, channel=channel, at=at,
                     data={"message": message.pk})
        notifications.notify_resident_of_message(case, key=f"case-{case.pk}-message-{message.pk}")
    return message


def add_internal_note(case, *, body, author, at=None):
    """An internal note: agents only; the resident never sees it, nor its line in the history."""
    body = (body or "").strip()
    if not body:
        raise ValueError("empty note")
    at = at or timezone.now()
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=author, body=body, created_at=at)
        record_event(case, "internal_note", "Note interne ajoutée", actor=author, at=at, visible_to_resident=False,
                     data={"note": note.pk})
    return note


def issued_on(moment: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(moment or timezone.now(), PARIS).date()
