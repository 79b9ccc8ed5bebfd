"""The entry actions of a workflow status, run when a case enters it (docs/dev/workflows.md, "Actions").

Called by `parvis.cases.handling.apply_transition` and by the implicit decisions, inside their transaction,
after the status changed. Actions run in the order of the definition; each one writes one history line
(`record_event`, with the actor and channel of the move) described by `describe_action`. Emails are queued
in `EmailDelivery` and sent after commit; letters are rendered and stored at once, so that the decision and
its letter are committed together.

An action that cannot do its job (no email address, an agent or department that no longer exists) says so
in the history and the move goes on: the status change is the fact, the actions serve it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.cases import notifications
from parvis.cases.deadlines import PARIS
from parvis.cases.letters import produce_letter
from parvis.cases.models import CaseDocument, CaseTimer, Decision, PiecesRequest, TimerState
from parvis.cases.services import mark_pieces_received, record_event, request_pieces
from parvis.cases.values import placeholder_values
from parvis.organisation.models import Commune, Department, Role
from parvis.workflows import Status, Workflow, describe_action
from parvis.workflows.placeholders import render_template_text


@dataclass
class Run:
    """One entry into a status: the case (locked, already in the new status) and what came with the move."""

    case: object
    workflow: Workflow
    status: Status
    actor: object = None
    system: bool = False
    channel: str = ""
    at: dt.datetime = field(default_factory=timezone.now)
    motivation: str = ""
    pieces: list = field(default_factory=list)
    deadline: dt.date | None = None
    implicit: bool = False
    decided_on: dt.date | None = None
    decision: Decision | None = None
    letter: CaseDocument | None = None
    pieces_request: PiecesRequest | None = None
    _commune: object = None

    @property
    def agent(self):
        """The agent who acted, for `assign: actor` and `agent.full_name`: nobody when the system moved."""
        return None if self.system else self.actor

    @property
    def today(self):
        return timezone.localtime(self.at, PARIS).date()

    def values(self):
        if self._commune is None:
            self._commune = Commune.current()
        return placeholder_values(self.case, actor=self.agent, decision=self.decision, motivation=self.motivation,
                                  pieces_request=self.pieces_request, commune=self._commune, today=self.today)

    def log(self, kind, description, *, index, action, visible_to_resident=True, **data):
        return record_event(self.case, kind, description, actor=self.actor, channel=self.channel, at=self.at,
                            visible_to_resident=visible_to_resident,
                            data={"status": self.status.key, "action": index, "type": action.get("type"), **data})


def run_entry_actions(run: Run):
    for index, action in enumerate(run.status.on_enter):
        _HANDLERS[action["type"]](run, index, action)
    if run.decision is not None and run.letter is not None and run.decision.letter_id is None:
        run.decision.letter = run.letter
        run.decision.save(update_fields=["letter"])


# --- The actions ----------------------------------------------------------------------------------------------

def _email_resident(run, index, action):
    values = run.values()
    subject = " ".join(render_template_text(action["subject"], values).split())
    body = render_template_text(action["body"], values)
    description = describe_action(action, values)
    delivery = notifications.email_resident(
        run.case, subject=subject, body=body, key=f"case-{run.case.pk}-v{run.case.version}-action-{index}")
    if delivery is None:
        description = _("%(action)s — non envoyé : aucune adresse de courriel") % {"action": description}
    run.log("action_email", description, index=index, action=action,
            delivery=delivery.pk if delivery is not None else None)


def _assign(run, index, action):
    case = run.case
    target = action["to"]
    description = describe_action(action)
    if target == "actor":
        if run.agent is None:
            description = _("%(action)s — sans objet : action automatique") % {"action": description}
        elif run.agent.pk == case.assignee_id:
            description = _("Dossier déjà affecté à %(name)s") % {"name": run.agent.full_name or run.agent.email}
        else:
            _set_assignee(case, run.agent)
            description = _("Dossier affecté à %(name)s") % {"name": run.agent.full_name or run.agent.email}
    elif target.startswith("agent:"):
        email = target.removeprefix("agent:").strip().lower()
        agent = (get_user_model().objects.filter(
            email=email, is_active=True, agent_roles__department_id=case.department_id,
            agent_roles__role__in=(Role.CASE_OFFICER, Role.HEAD)).first())
        if agent is None:
            description = _("%(action)s — impossible : cet agent n'est pas un agent actif du service") % {
                "action": description}
        else:
            _set_assignee(case, agent)
            description = _("Dossier affecté à %(name)s") % {"name": agent.full_name or agent.email}
    else:
        slug = target.removeprefix("department:")
        department = Department.objects.filter(slug=slug).first()
        if department is None:
            description = _("%(action)s — impossible : ce service n'existe pas") % {"action": description}
        else:
            type(case).objects.filter(pk=case.pk).update(department=department, assignee=None)
            case.department, case.assignee = department, None
            description = _("Dossier transmis au service %(name)s") % {"name": department.name}
    run.log("action_assign", description, index=index, action=action, visible_to_resident=False,
            assignee=case.assignee_id, department=case.department_id)


def _set_assignee(case, agent):
    type(case).objects.filter(pk=case.pk).update(assignee=agent)
    case.assignee = agent


def _request_pieces(run, index, action):
    # services.request_pieces writes the history line ("Pièces demandées...") and recomputes the date.
    run.pieces_request = request_pieces(run.case, pieces=run.pieces, deadline=run.deadline, actor=run.actor,
                                        channel=run.channel, requested_on=run.today, at=run.at)


def _produce_document(run, index, action):
    values = run.values()
    document = produce_letter(run.case, title_template=action["title"], body_template=action["template"],
                              values=values, visible_to_resident=action.get("visible_to_resident", True),
                              actor=run.agent, issued_on=run.today)
    if run.letter is None and document.visible_to_resident:
        run.letter = document
    run.log("action_document", describe_action(action, values), index=index, action=action,
            visible_to_resident=document.visible_to_resident, document=document.pk)


def _record_decision(run, index, action):
    run.decision = Decision.objects.create(
        case=run.case, status=run.status.key, outcome=action["outcome"], motivation=run.motivation,
        decided_on=run.decided_on or run.today, decided_at=run.at, decided_by=run.agent, implicit=run.implicit,
        case_version=run.case.version,
    )
    run.log("decision_recorded", describe_action(action), index=index, action=action, decision=run.decision.pk,
            implicit=run.implicit)


def _start_timer(run, index, action):
    timer = CaseTimer.objects.create(case=run.case, status=run.status.key, action=dict(action),
                                     due_at=run.at + dt.timedelta(days=action["days"]), started_by=run.actor,
                                     created_at=run.at)
    run.log("timer_started", describe_action(action), index=index, action=action, visible_to_resident=False,
            timer=timer.pk, due_at=timer.due_at.isoformat())


_HANDLERS = {
    "email_resident": _email_resident,
    "assign": _assign,
    "request_pieces": _request_pieces,
    "produce_document": _produce_document,
    "record_decision": _record_decision,
    "start_timer": _start_timer,
}


# --- What leaving a status undoes -----------------------------------------------------------------------------

def cancel_timers(case, *, at, reason):
    """Cancels the timers still waiting on the case (they belong to the status it is leaving)."""
    timers = list(CaseTimer.objects.filter(case=case, state=TimerState.PENDING))
    if not timers:
        return 0
    CaseTimer.objects.filter(pk__in=[timer.pk for timer in timers]).update(
        state=TimerState.CANCELLED, finished_at=at, result=str(reason)[:200])
    for timer in timers:
        record_event(case, "timer_cancelled", _("Minuteur annulé (%(what)s) : %(reason)s")
                     % {"what": describe_action(timer.action), "reason": reason}, at=at, visible_to_resident=False,
                     data={"timer": timer.pk})
    return len(timers)


def complete_pending_pieces(case, source, target, *, actor, channel, at):
    """Leaving a status that asked for pieces for one that does not (the pieces arrived by another way than
    the online upload: counter, mail): the pending requests are complete as of today, which restarts (SVA)
    or resumes (SVR) the legal period."""
    def asks(status):
        return any(action["type"] == "request_pieces" for action in status.on_enter)

    if not asks(source) or asks(target):
        return
    today = timezone.localtime(at, PARIS).date()
    for pieces_request in case.pieces_requests.filter(completed_on__isnull=True):
        mark_pieces_received(pieces_request, on=today, actor=actor, channel=channel, at=at, case=case)
