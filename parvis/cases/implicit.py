"""Implicit decisions (CRPA L231-1, L231-4): when the legal period ends without an answer, silence decides.

`apply_implicit_decisions()` (the `apply_implicit_decisions` command, to run every night) moves every open
case whose implicit-decision date has passed into its workflow's implicit status
(`Workflow.implicit_status(regime)`: "Acceptée implicitement" under SVA, "Refusée implicitement" under SVR),
without a transition, runs that status's entry actions (decision recorded as implicit, email to the
resident) and tells the department. The decision arises at the *end* of the implicit-decision day, so a case
is due from the next day. Idempotent: a decided case is closed and never picked again; each case is
re-checked under its row lock, so two runs at once, or an agent deciding at that moment, decide once.

After an implicit decision the resident may
* under SVA, download the attestation of implicit acceptance (L232-3, `parvis.cases.letters.issue_attestation`);
* under SVR, ask for the reasons (L232-4, `request_reasons`): a `ReasonsRequest`, a task for the
  department due one month later, answered by a letter (`answer_reasons_request`).
"""

from __future__ import annotations

import logging
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.cases import notifications
from parvis.cases.actions import Run, cancel_timers, run_entry_actions
from parvis.cases.deadlines import PARIS, add_months
from parvis.cases.handling import (
    ActionNotAllowed,
    InvalidTransitionInput,
    bump_version,
    lock_case,
    roles_in_department,
)
from parvis.cases.letters import produce_reasons_letter
from parvis.cases.models import Case, Decision, Outcome, ReasonsRequest
from parvis.cases.services import compute_implicit_decision, record_event
from parvis.cases.status import workflow_of
from parvis.organisation.models import Role

logger = logging.getLogger(__name__)

REASONS_ANSWERING_ROLES = (Role.CASE_OFFICER, Role.HEAD)
# The reasons of an implicit rejection may be asked within the time limit of a contentious appeal (L232-4).
REASONS_REQUEST_MONTHS = 2
REASONS_ANSWER_MONTHS = 1


def _paris_today(at=None):
    return timezone.localtime(at or timezone.now(), PARIS).date()


# --- The periodic command ---------------------------------------------------------------------------------------

def cases_due_for_implicit_decision(today=None):
    """Open cases under SVA/SVR whose implicit-decision day is over."""
    today = today or _paris_today()
    return Case.objects.filter(closed_at__isnull=True, regime__in=("SVA", "SVR"), implicit_decision_on__lt=today)


def apply_implicit_decisions(today=None, limit=None):
    """Records every implicit decision due; returns counts by outcome ("decided", "not-due", ...)."""
    ids = list(cases_due_for_implicit_decision(today).order_by("implicit_decision_on", "pk")
               .values_list("pk", flat=True)[:limit])
    counts = Counter()
    for case_id in ids:
        counts[apply_implicit_decision(case_id, today=today)] += 1
    return counts


def apply_implicit_decision(case_id, *, today=None, at=None):
    """Records the implicit decision of one case if it is due; returns what happened, as a word."""
    at = at or timezone.now()
    today = today or _paris_today(at)
    with transaction.atomic():
        case = lock_case(case_id)
        if case.closed_at is not None or case.regime not in ("SVA", "SVR"):
            return "closed"
        workflow = workflow_of(case)
        if workflow.status(case.status).final:
            return "closed"
        # The stored date is checked again against the requests for pieces as they are now.
        decision_on = compute_implicit_decision(case)
        if decision_on != case.implicit_decision_on:
            Case.objects.filter(pk=case.pk).update(implicit_decision_on=decision_on)
            case.implicit_decision_on = decision_on
        if decision_on is None or decision_on >= today:
            return "not-due"
        target = workflow.implicit_status(case.regime)
        if target is None:
            logger.error("Case %s: its workflow has no implicit status for %s; listed as overdue",
                         case.reference, case.regime)
            return "no-implicit-status"
        source = workflow.status(case.status)
        bump_version(case, status=target.key, closed_at=at)
        cancel_timers(case, at=at, reason=_("décision implicite"))
        accepted = case.regime == "SVA"
        description = (_("Décision implicite d'acceptation née le %(date)s : la commune n'a pas répondu dans le délai")
                       if accepted else
                       _("Décision implicite de rejet née le %(date)s : la commune n'a pas répondu dans le délai")
                       ) % {"date": decision_on.strftime("%d/%m/%Y")}
        record_event(case, "implicit_decision", description, at=at,
                     data={"from": source.key, "to": target.key, "decided_on": decision_on.isoformat(),
                           "version": case.version,
                           "resident_description": f"{description}. "
                           + _("Votre demande est maintenant : %(status)s") % {"status": target.resident_label}})
        run = Run(case=case, workflow=workflow, status=target, system=True, at=at, implicit=True,
                  decided_on=decision_on)
        run_entry_actions(run)
        if run.decision is None:  # a workflow whose implicit status does not record it: the fact is recorded anyway
            Decision.objects.create(case=case, status=target.key, outcome=target.outcome or Outcome.CLOSED,
                                    decided_on=decision_on, decided_at=at, implicit=True, case_version=case.version)
        notifications.notify_department(
            case, key=f"case-{case.pk}-implicit-decision",
            subject=(_("Décision implicite d'acceptation — dossier %(ref)s") if accepted
                     else _("Décision implicite de rejet — dossier %(ref)s")) % {"ref": case.reference},
            text=description + ". " + (
                _("L'usager peut télécharger l'attestation d'acceptation implicite.") if accepted else
                _("L'usager peut en demander les motifs, à communiquer dans le mois de sa demande.")),
        )
    return "decided"


# --- After the decision -----------------------------------------------------------------------------------------

def implicit_decision(case, outcome=None):
    """The case's implicit decision (of `outcome` if given), or None."""
    decisions = [decision for decision in case.decisions.all() if decision.implicit]
    if outcome:
        decisions = [decision for decision in decisions if decision.outcome == outcome]
    return decisions[-1] if decisions else None


class ReasonsNotAvailable(ActionNotAllowed):
    """The case has no implicit rejection, its reasons were already asked, or the time limit is over."""


def reasons_request_deadline(decision):
    """The last day to ask for the reasons of an implicit rejection: the appeal's two months (L232-4)."""
    return add_months(decision.decided_on, REASONS_REQUEST_MONTHS)


def reasons_request_status(case, decision=None, today=None):
    """("available", last day) | ("requested", ReasonsRequest) | ("expired", last day) | (None, None)."""
    decision = decision or implicit_decision(case, Outcome.REFUSED)
    if decision is None:
        return None, None
    existing = ReasonsRequest.objects.filter(case=case).first()
    if existing is not None:
        return "requested", existing
    last_day = reasons_request_deadline(decision)
    return ("available" if (today or _paris_today()) <= last_day else "expired"), last_day


def request_reasons(case, *, actor=None, channel="web", at=None):
    """The resident asks for the reasons of the implicit rejection of `case` (L232-4): a task for the department,
    to answer within one month. Raises `ReasonsNotAvailable`."""
    at = at or timezone.now()
    today = _paris_today(at)
    with transaction.atomic():
        locked = lock_case(case.pk)
        state, detail = reasons_request_status(locked, today=today)
        if state == "requested":
            raise ReasonsNotAvailable(_("Vous avez déjà demandé les motifs de cette décision."))
        if state == "expired":
            raise ReasonsNotAvailable(_("Le délai pour demander les motifs de cette décision a expiré le %(date)s.")
                                      % {"date": detail.strftime("%d/%m/%Y")})
        if state is None:
            raise ReasonsNotAvailable(_("Cette demande n'a pas fait l'objet d'une décision implicite de rejet."))
        due_on = add_months(today, REASONS_ANSWER_MONTHS)
        reasons_request = ReasonsRequest.objects.create(case=locked, requested_at=at, requested_by=actor,
                                                        channel=channel, due_on=due_on)
        record_event(locked, "reasons_requested",
                     _("Motifs de la décision implicite de rejet demandés : à communiquer avant le %(date)s "
                       "(article L232-4)") % {"date": due_on.strftime("%d/%m/%Y")},
                     actor=actor, channel=channel, at=at, data={"reasons_request": reasons_request.pk})
        notifications.notify_department(
            locked, key=f"case-{locked.pk}-reasons-requested",
            subject=_("Demande de motifs — dossier %(ref)s, à traiter avant le %(date)s")
            % {"ref": locked.reference, "date": due_on.strftime("%d/%m/%Y")},
            text=_("L'usager demande les motifs de la décision implicite de rejet de sa demande. Ils doivent lui être "
                   "communiqués avant le %(date)s (article L232-4 du code des relations entre le public et "
                   "l'administration).") % {"date": due_on.strftime("%d/%m/%Y")},
        )
    return reasons_request


def answer_reasons_request(reasons_request, *, actor, reasons, at=None):
    """An agent gives the reasons: a letter for the resident, who is told by email; the task is done."""
    at = at or timezone.now()
    reasons = (reasons or "").strip()
    case = reasons_request.case
    if not roles_in_department(actor, case.department_id) & set(REASONS_ANSWERING_ROLES):
        raise ActionNotAllowed(_("Seuls les instructeurs et chefs du service peuvent communiquer les motifs."))
    if not reasons:
        raise InvalidTransitionInput({"reasons": [_("Écrivez les motifs de la décision.")]})
    decision = implicit_decision(case, Outcome.REFUSED)
    with transaction.atomic():
        locked = lock_case(case.pk)
        claimed = ReasonsRequest.objects.filter(pk=reasons_request.pk, answered_at__isnull=True).update(
            answered_at=at, answered_by=actor, answer=reasons)
        if not claimed:
            raise ReasonsNotAvailable(_("Les motifs ont déjà été communiqués."))
        letter = produce_reasons_letter(locked, reasons=reasons, decision=decision, actor=actor)
        ReasonsRequest.objects.filter(pk=reasons_request.pk).update(letter=letter)
        record_event(locked, "reasons_answered", _("Motifs de la décision implicite de rejet communiqués par courrier"),
                     actor=actor, at=at, data={"reasons_request": reasons_request.pk, "document": letter.pk})
        notifications.notify_resident_of_message(locked, key=f"case-{locked.pk}-reasons-answered", kind="reasons")
    reasons_request.refresh_from_db()
    return reasons_request
