"""Who may use the counter, for which procedures and which residents: the counter's one choke point.

- Front-desk agents (`Role.FRONT_DESK` in any department) serve every department: they may file any
  published procedure for a resident, see a resident's cases across all departments (status and dates),
  and register incoming mail.
- Case officers and heads of department may use the counter for their own departments' procedures only;
  on a resident's page they see only the cases they may open (`cases_visible_to`).
- Anyone else (residents, procedure administrators, DPOs, platform administrators without a handling
  role) is refused: the login page for an anonymous visitor, 403 for a logged-in user.

The content of a case (answers, documents) stays visible only through `cases_visible_to`/`get_case_for_agent`
(its department's agents and the agent who filed it). Every read of a resident's card is logged
(`log_access(agent, "view", resident_id=...)`); a refused one is logged as a denial.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import resolve_url

from parvis.backoffice.access import cases_visible_to
from parvis.cases.models import Case
from parvis.organisation.access import departments_of, roles_of
from parvis.organisation.models import Role
from parvis.privacy.models import AccessAction
from parvis.privacy.services import log_access
from parvis.procedures.models import Procedure, ProcedureStatus

DEPARTMENT_ROLES = (Role.CASE_OFFICER, Role.HEAD)
COUNTER_ROLES = (Role.FRONT_DESK, *DEPARTMENT_ROLES)


def is_front_desk(user):
    """True for an active agent holding the front-desk role in any department."""
    return any(role == Role.FRONT_DESK for _department, role in roles_of(user))


def can_use_counter(user):
    """True for an active agent holding the front-desk, case-officer or head role somewhere."""
    return any(role in COUNTER_ROLES for _department, role in roles_of(user))


def counter_procedures(user):
    """The procedures this agent may file at the counter: every published one for the front desk, the
    published ones of their departments for case officers and heads; none for anyone else."""
    if not can_use_counter(user):
        return Procedure.objects.none()
    queryset = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED, published_revision__isnull=False)
    if is_front_desk(user):
        return queryset
    return queryset.filter(department__in=departments_of(user, *DEPARTMENT_ROLES))


def get_procedure_for_counter(user, procedure_id):
    """A procedure the agent may file at the counter, with its published revision; 404 otherwise."""
    try:
        return (counter_procedures(user).select_related("published_revision", "department")
                .get(pk=int(procedure_id)))
    except (Procedure.DoesNotExist, ValueError, TypeError):
        raise Http404("Démarche introuvable") from None


def _deny(request, resident_id=None):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
    if resident_id is not None:
        log_access(request.user, AccessAction.DENIED, resident_id=resident_id, detail="guichet : accès refusé",
                   request=request)
    raise PermissionDenied


def require_counter_agent(view):
    """View decorator of every counter page: anonymous → login page; other non-counter users → 403
    (logged as a denial when the page is about a resident)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_use_counter(request.user):
            return _deny(request, kwargs.get("resident_id"))
        return view(request, *args, **kwargs)

    return wrapper


def residents():
    """The people a counter agent may look up or file for: every active account."""
    return get_user_model().objects.filter(is_active=True)


def get_resident_for_counter(user, resident_id, *, request=None, log=True):
    """The resident `resident_id` for a counter agent; the read is logged. 404 when there is none;
    PermissionDenied (logged) for anyone who may not use the counter."""
    if not can_use_counter(user):
        if user is not None and user.is_authenticated:
            log_access(user, AccessAction.DENIED, resident_id=resident_id, detail="guichet : accès refusé",
                       request=request)
        raise PermissionDenied
    resident = residents().filter(pk=resident_id).first()
    if resident is None:
        raise Http404("Personne introuvable")
    if log:
        log_access(user, AccessAction.VIEW, resident_id=resident.pk, detail="fiche usager (guichet)",
                   request=request)
    return resident


def glance_cases(user, resident):
    """The resident's cases listed on their page: across all departments for the front desk, only those
    the agent may open otherwise. Each case gets `can_open` (may the agent see its content?)."""
    if is_front_desk(user):
        queryset = Case.objects.filter(applicant=resident)
    else:
        queryset = cases_visible_to(user).filter(applicant=resident)
    cases = list(queryset.select_related("procedure", "department", "revision")
                 .only("reference", "status", "received_at", "implicit_decision_on", "channel", "closed_at",
                       "regime", "is_test", "procedure__title", "department__name", "revision__workflow",
                       "applicant_id", "filed_by_id", "department_id")
                 .order_by("-received_at"))
    visible = set(cases_visible_to(user).filter(applicant=resident).values_list("pk", flat=True))
    for case in cases:
        case.can_open = case.pk in visible
    return cases
