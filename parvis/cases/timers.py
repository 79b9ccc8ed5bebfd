"""Timers of the workflows (`start_timer` actions): a reminder to the resident, or a transition by the system.

`fire_due_timers()` (the `run_case_timers` command, to run every few minutes) fires the timers whose time has
come. Each timer is claimed under its row lock and marked done or skipped in the same transaction as its
effect, so a timer fires once whatever the number of runs; one whose case left the status (it is then
cancelled already) or whose transition is no longer possible is skipped and says why.
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.cases import notifications
from parvis.cases.handling import CaseHandlingError, apply_transition, lock_case
from parvis.cases.models import CaseTimer, TimerState
from parvis.cases.services import record_event
from parvis.cases.status import workflow_of
from parvis.cases.values import placeholder_values
from parvis.workflows import describe_action
from parvis.workflows.placeholders import render_template_text


def due_timers(now=None):
    return CaseTimer.objects.filter(state=TimerState.PENDING, due_at__lte=now or timezone.now())


def fire_due_timers(now=None, limit=500):
    """Fires every due timer; returns counts by result ("done", "skipped", "already")."""
    now = now or timezone.now()
    counts = Counter()
    for timer_id in list(due_timers(now).order_by("due_at", "pk").values_list("pk", flat=True)[:limit]):
        counts[fire_timer(timer_id, now=now)] += 1
    return counts


def _finish(timer, state, result, now):
    CaseTimer.objects.filter(pk=timer.pk).update(state=state, finished_at=now, result=str(result)[:200])


def fire_timer(timer_id, *, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        timer = CaseTimer.objects.select_for_update().filter(pk=timer_id).first()
        if timer is None or timer.state != TimerState.PENDING:
            return "already"
        case = lock_case(timer.case_id)
        action = timer.action
        if case.status != timer.status:
            _finish(timer, TimerState.SKIPPED, _("le dossier a quitté le statut"), now)
            return "skipped"
        if action.get("then") == "remind":
            values = placeholder_values(case)
            subject = " ".join(render_template_text(action["subject"], values).split())
            delivery = notifications.email_resident(case, subject=subject,
                                                    body=render_template_text(action["body"], values),
                                                    key=f"case-{case.pk}-timer-{timer.pk}")
            description = _("Relance de l'usager : « %(subject)s »") % {"subject": subject}
            if delivery is None:
                description += " — " + _("non envoyée : aucune adresse de courriel")
            _finish(timer, TimerState.DONE, _("relance envoyée") if delivery else _("aucune adresse"), now)
            record_event(case, "timer_reminder", description, at=now, data={"timer": timer.pk})
            return "done"
        key = str(action.get("then", "")).removeprefix("transition:")
        workflow = workflow_of(case)
        if not workflow.can_trigger(key, case.status, None, system=True):
            _finish(timer, TimerState.SKIPPED, _("transition « %(key)s » impossible") % {"key": key}, now)
            record_event(case, "timer_skipped", _("Minuteur sans effet (%(what)s) : transition impossible")
                         % {"what": describe_action(action)}, at=now, visible_to_resident=False,
                         data={"timer": timer.pk})
            return "skipped"
        _finish(timer, TimerState.DONE, _("transition « %(key)s »") % {"key": key}, now)
        try:
            with transaction.atomic():
                apply_transition(case, key, actor=None, expected_version=case.version, system=True, at=now)
        except CaseHandlingError as error:
            _finish(timer, TimerState.SKIPPED, str(error), now)
            return "skipped"
    return "done"
