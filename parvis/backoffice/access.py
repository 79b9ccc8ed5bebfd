"""Choke points for agents' access to cases.

An agent sees the cases of the departments where they hold a handling role (front desk, case officer,
head of department), and the cases they filed themselves for a resident (counter, phone, mail). Every
read of a case goes through `get_case_for_agent`, which writes the access log; a denial is logged too
and answered with a 404, like a case that does not exist.
"""

from django.db.models import Q
from django.http import Http404

from parvis.cases.models import Case
from parvis.organisation.access import departments_of
from parvis.organisation.models import Role
from parvis.privacy.models import AccessAction
from parvis.privacy.services import log_access, log_case_read

HANDLING_ROLES = (Role.FRONT_DESK, Role.CASE_OFFICER, Role.HEAD)


def handled_department_ids(user):
    return list(departments_of(user, *HANDLING_ROLES).values_list("pk", flat=True))


def cases_visible_to(user):
    """The cases an agent may open (test cases included; callers filter them as needed)."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    return Case.objects.filter(Q(department_id__in=handled_department_ids(user)) | Q(filed_by=user))


def get_case_for_agent(user, reference, *, request=None, log=True, for_update=False):
    """The case with this reference if the agent may see it (the read is logged), else Http404 (logged)."""
    queryset = cases_visible_to(user).select_related("procedure", "department", "applicant", "revision")
    if for_update:
        queryset = queryset.select_for_update()
    case = queryset.filter(reference=reference).first()
    if case is None:
        if user.is_authenticated:
            log_access(user, AccessAction.DENIED, detail=f"dossier {reference[:30]}", request=request)
        raise Http404("Dossier introuvable")
    if log:
        log_case_read(user, case, request=request)
    return case
