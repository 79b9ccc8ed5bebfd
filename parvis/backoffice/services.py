"""Back-office services: bulk assignment, heads' workload figures, saved filters."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from parvis.accounts.models import User
from parvis.backoffice.inbox import today
from parvis.backoffice.models import SavedFilter
from parvis.cases.models import Case
from parvis.cases.services import record_event
from parvis.organisation.access import agents_of
from parvis.organisation.models import Role

logger = logging.getLogger(__name__)


class AssignmentError(Exception):
    """An assignment refused by the case-handling services; the message is for the agent."""


# --- Assignment ------------------------------------------------------------------------------------

def _handling():
    """`parvis.cases.handling` when the case-handling part has shipped it, else None."""
    if importlib.util.find_spec("parvis.cases.handling") is None:
        return None
    return importlib.import_module("parvis.cases.handling")


def _handling_errors(handling):
    errors = [ValueError, LookupError, PermissionError, PermissionDenied]
    if handling is not None:
        errors += [obj for obj in vars(handling).values() if isinstance(obj, type) and issubclass(obj, Exception)]
    return tuple(errors)


def _assign_with_history(case, assignee, actor):
    """Fallback while `parvis.cases.handling.assign_case` does not exist: the change and its history line."""
    previous_id = case.assignee_id
    Case.objects.filter(pk=case.pk).update(assignee=assignee, version=F("version") + 1, updated_at=timezone.now())
    case.assignee = assignee
    case.version += 1
    name = assignee.full_name or assignee.email
    record_event(case, "assigned", f"Dossier attribué à {name}", actor=actor, visible_to_resident=False,
                 data={"from": previous_id, "to": assignee.pk})
    return case


def assign_cases(cases, assignee, *, actor):
    """Assigns every case to `assignee`, all or nothing; returns how many changed hands.

    Goes through `parvis.cases.handling.assign_case` (which writes the history) when it exists. Cases
    already assigned to `assignee` are left as they are.
    """
    handling = _handling()
    assign_case = getattr(handling, "assign_case", None) if handling else None
    changed = 0
    try:
        with transaction.atomic():
            for case in cases:
                if case.assignee_id == assignee.pk:
                    continue
                if assign_case is not None:
                    assign_case(case, assignee, actor=actor)
                else:
                    _assign_with_history(case, assignee, actor)
                changed += 1
    except _handling_errors(handling) as error:
        logger.info("bulk assignment refused: %r", error)
        raise AssignmentError(str(error) or error.__class__.__name__) from error
    return changed


# --- Workload of a department ----------------------------------------------------------------------

@dataclass
class WorkloadRow:
    agent: object  # a User, or None for the unassigned cases
    by_status: dict = field(default_factory=dict)
    total: int = 0
    overdue: int = 0
    due_soon: int = 0
    cells: list = field(default_factory=list)  # [(status key, label, count)] in the order of the statuses

    @property
    def label(self):
        if self.agent is None:
            return "Non attribués"
        return self.agent.full_name or self.agent.email


@dataclass
class Workload:
    department: object
    statuses: list  # [(key, label)] open statuses
    rows: list
    total: WorkloadRow
    assignment: bool


def department_workload(department, catalogue, *, with_assignee=True):
    """Open cases of a department per agent and per status, with overdue and due-soon counts.

    Open: `closed_at` empty. One grouped query on the department's open cases, plus the department's agents.
    Columns: the open statuses of the workflows, plus any other status an open case is in.
    """
    day = today()
    soon = day + dt.timedelta(days=settings.BACKOFFICE_DUE_SOON_DAYS)
    group = ["assignee_id", "status"] if with_assignee else ["status"]
    figures = (
        Case.objects.filter(department=department, closed_at__isnull=True, is_test=False)
        .values(*group).order_by()
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(implicit_decision_on__lt=day)),
                  soon=Count("pk", filter=Q(implicit_decision_on__gte=day, implicit_decision_on__lte=soon)))
    )
    rows = {}
    if with_assignee:
        for agent in agents_of(department, Role.CASE_OFFICER, Role.HEAD):
            rows[agent.pk] = WorkloadRow(agent=agent)
    unassigned = WorkloadRow(agent=None)
    total = WorkloadRow(agent=None)
    missing = set()
    for item in figures:
        agent_id = item.get("assignee_id") if with_assignee else None
        if agent_id is None:
            row = unassigned
        else:
            row = rows.get(agent_id)
            if row is None:
                row = rows[agent_id] = WorkloadRow(agent=None)
                missing.add(agent_id)
        for target in (row, total):
            target.by_status[item["status"]] = target.by_status.get(item["status"], 0) + item["n"]
            target.total += item["n"]
            target.overdue += item["overdue"]
            target.due_soon += item["soon"]
    if missing:  # agents who left the department but still hold open cases
        for user in User.objects.filter(pk__in=missing):
            rows[user.pk].agent = user
    ordered = sorted(rows.values(), key=lambda row: (-row.total, row.label.lower()))
    if with_assignee:
        ordered.append(unassigned)
    present = set(total.by_status)
    keys = [key for key in catalogue.open if key in present or key in catalogue.labels]
    keys += sorted(present - set(keys))
    statuses = [(key, catalogue.label(key)) for key in keys]
    for row in [*ordered, total]:
        row.cells = [(key, label, row.by_status.get(key, 0)) for key, label in statuses]
    return Workload(department=department, statuses=statuses, rows=ordered if with_assignee else [], total=total,
                    assignment=with_assignee)


# --- Saved filters ----------------------------------------------------------------------------------

def save_filter(owner, name, querystring):
    return SavedFilter.objects.create(owner=owner, name=name, querystring=querystring)


def delete_filter(owner, pk):
    """Deletes the owner's filter `pk`; False when there is none (another agent's filter is not theirs)."""
    deleted, _ = SavedFilter.objects.filter(owner=owner, pk=pk).delete()
    return bool(deleted)
