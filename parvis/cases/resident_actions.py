"""What residents do on their case after filing, beyond messages: send the missing pieces, read decisions.

* `receive_pieces_online`: the resident uploads the pieces of a request from "Mes demandes"; the request is
  complete (the legal date is recomputed: SVA restarts, SVR resumes) and, when nothing else is awaited, the
  system takes the workflow's way back to handling (default: "Pièces reçues" → "En cours d'instruction",
  with the agent in charge unchanged), and the agent in charge is told.
* `record_decision_opening`: the first time the resident opens a decision (its letter, or the case page for a
  decision without letter) is kept and shown to agents.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.cases import notifications
from parvis.cases.handling import CaseHandlingError, apply_transition, lock_case
from parvis.cases.models import CaseDocument, Decision, DocumentKind, Message, PiecesRequest
from parvis.cases.services import CaseClosed, mark_pieces_received, record_event
from parvis.cases.status import workflow_of


class PiecesAlreadyReceived(ValueError):
    """The request for pieces is already complete."""


def return_transition(workflow, status_key):
    """The system's way back to handling from `status_key` once the pieces arrived: a system transition that
    asks for nothing and leads to an open status ("pieces_received" first), or None."""
    try:
        candidates = [transition for transition in workflow.transitions_from(status_key, None, system=True)
                      if not transition.requires and not workflow.status(transition.to).final]
    except KeyError:
        return None
    candidates.sort(key=lambda transition: transition.key != "pieces_received")
    return candidates[0] if candidates else None


def receive_pieces_online(case, pieces_request, *, files, body="", author=None, channel="web", at=None):
    """Records the pieces sent by the resident: `files` are (piece label, StoredFile) pairs."""
    at = at or timezone.now()
    if not files:
        raise ValueError("no file")
    with transaction.atomic():
        locked = lock_case(case.pk)
        if locked.closed_at is not None:
            raise CaseClosed(locked.reference)
        request = PiecesRequest.objects.select_for_update().filter(pk=pieces_request.pk, case=locked).first()
        if request is None or request.completed_on is not None:
            raise PiecesAlreadyReceived(locked.reference)
        CaseDocument.objects.bulk_create([
            CaseDocument(case=locked, stored_file=stored, kind=DocumentKind.PIECE, field_key=f"pieces-{request.pk}",
                         label=f"{label} — {stored.original_name}"[:255], added_by=author)
            for label, stored in files
        ])
        message = None
        body = (body or "").strip()
        if body:
            message = Message.objects.create(case=locked, author=author, from_resident=True, body=body, created_at=at)
        names = ", ".join(stored.original_name for _label, stored in files)
        record_event(locked, "pieces_uploaded",
                     _("Pièces envoyées en ligne par l'usager (%(n)s document(s) : %(names)s)")
                     % {"n": len(files), "names": names},
                     actor=author, channel=channel, at=at,
                     data={"pieces_request": request.pk, "message": message.pk if message else None})
        mark_pieces_received(request, on=timezone.localdate(at), actor=author, channel=channel, at=at, case=locked)
        if not locked.pieces_requests.filter(completed_on__isnull=True).exists():
            transition = return_transition(workflow_of(locked), locked.status)
            if transition is not None:
                try:
                    with transaction.atomic():
                        locked = apply_transition(locked, transition.key, actor=author, expected_version=None,
                                                  channel=channel, system=True, at=at)
                except CaseHandlingError:
                    pass  # the pieces are recorded; the agent moves the case by hand
        notifications.notify_agents(
            locked, key=f"case-{locked.pk}-pieces-{request.pk}",
            subject=_("Pièces reçues — dossier %(ref)s") % {"ref": locked.reference},
            text=_("L'usager a envoyé en ligne les pièces demandées : le dossier vous revient."))
    return request


def record_decision_opening(case, *, document=None, actor=None, channel="web", at=None):
    """Keeps the first time the resident opens a decision: its letter (`document`), or, for decisions without
    a letter, the case page (document None). Returns the decisions opened now."""
    decisions = Decision.objects.filter(case=case, resident_opened_at__isnull=True)
    decisions = decisions.filter(letter=document) if document is not None else decisions.filter(letter__isnull=True)
    opened = []
    now = at or timezone.now()
    for decision in decisions:
        if Decision.objects.filter(pk=decision.pk, resident_opened_at__isnull=True).update(resident_opened_at=now):
            opened.append(decision)
            record_event(case, "decision_opened",
                         _("Décision consultée par l'usager") + (f" ({document.label})" if document else ""),
                         actor=actor, channel=channel, at=now, visible_to_resident=False,
                         data={"decision": decision.pk})
    return opened
