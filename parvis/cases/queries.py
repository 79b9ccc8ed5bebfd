"""Lists about deadlines, for heads of department (and the inbox): one definition of "overdue" for every page.

* overdue: an open case whose implicit-decision day is over — silence has decided and the nightly
  `apply_implicit_decisions` has not recorded it yet, or the workflow has no implicit status to record it;
* due soon: an open case whose implicit decision arises within `CASE_DUE_SOON_DAYS` days;
* implicit decisions: the cases the commune let silence decide (recently);
* reasons requests: requests for the reasons of an implicit rejection still to answer (one month, L232-4).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from parvis.cases.models import Case, Decision, ReasonsRequest
from parvis.organisation.access import departments_of
from parvis.organisation.models import Role

DEADLINE_ROLES = (Role.HEAD, Role.CASE_OFFICER)


def deadline_department_ids(user):
    return list(departments_of(user, *DEADLINE_ROLES).values_list("pk", flat=True))


def _cases(department_ids):
    return (Case.objects.filter(department_id__in=department_ids, is_test=False)
            .select_related("procedure", "department", "assignee", "revision")
            .only("reference", "status", "received_at", "implicit_decision_on", "regime", "closed_at",
                  "revision__workflow", "procedure__title", "department__name", "assignee__first_name",
                  "assignee__last_name", "assignee__email"))


def overdue_cases(department_ids, today=None):
    today = today or timezone.localdate()
    return _cases(department_ids).filter(closed_at__isnull=True, implicit_decision_on__lt=today).order_by(
        "implicit_decision_on", "pk")


def overdue_cases_for(user, today=None):
    """The overdue cases of the departments where `user` is head or case officer (the inbox may use it)."""
    return overdue_cases(deadline_department_ids(user), today)


def due_soon_cases(department_ids, today=None, days=None):
    today = today or timezone.localdate()
    days = settings.CASE_DUE_SOON_DAYS if days is None else days
    return _cases(department_ids).filter(
        closed_at__isnull=True, implicit_decision_on__gte=today,
        implicit_decision_on__lte=today + dt.timedelta(days=days)).order_by("implicit_decision_on", "pk")


def recent_implicit_decisions(department_ids, days=90):
    since = timezone.now() - dt.timedelta(days=days)
    return (Decision.objects.filter(implicit=True, case__department_id__in=department_ids, decided_at__gte=since)
            .select_related("case", "case__procedure", "case__department").order_by("-decided_on", "-pk"))


def open_reasons_requests(department_ids):
    return (ReasonsRequest.objects.filter(answered_at__isnull=True, case__department_id__in=department_ids)
            .select_related("case", "case__procedure", "case__department").order_by("due_on", "pk"))
