"""Choke points for agents' access to cases.

An agent sees the cases of the departments where they hold a handling role (front desk, case officer,
head of department), and the cases they filed themselves for a resident (counter, phone, mail). Every
read of a case goes through `get_case_for_agent`, which writes the access log; a denial is logged too
and answered with a 404, like a case that does not exist.
"""

from django.db.models import Q
from django.http import Http404

from parvis.cases.models import Case
from parvis.organisation.access import roles_of
from parvis.organisation.models import Role
from parvis.privacy.models import AccessAction
from parvis.privacy.services import log_access, log_case_read

HANDLING_ROLES = (Role.FRONT_DESK, Role.CASE_OFFICER, Role.HEAD)


def handled_department_ids(user):
    """Ids of the departments where the user holds a handling role (from the roles cached on the user)."""
    return sorted({department_id for department_id, role in roles_of(user) if role in HANDLING_ROLES})


def cases_visible_to(user):
    """The cases an agent may open (test cases included; callers filter them as needed)."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    return Case.objects.filter(Q(department_id__in=handled_department_ids(user)) | Q(filed_by=user))


def get_case_for_agent(user, reference, *, request=None, log=True, for_update=False):
    """The case with this reference if the agent may see it (the read is logged), else Http404 (logged)."""
    queryset = cases_visible_to(user).select_related("procedure", "department", "applicant", "revision", "assignee")
    if for_update:
        # Lock the case row only: the related rows come through outer joins, which PostgreSQL cannot lock.
        queryset = queryset.select_for_update(of=("self",))
    reference = str(reference or "")[:30]
    case = queryset.filter(reference=reference).first() if reference else None
    if case is None:
        if user.is_authenticated:
            log_access(user, AccessAction.DENIED, case_reference=reference, detail=f"dossier {reference}",
                       request=request)
        raise Http404("Dossier introuvable")
    if log:
        log_case_read(user, case, request=request)
    return case
