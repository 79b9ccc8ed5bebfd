"""Choke points of the family desk.

Residents reach a household only through their active membership (`household_of`); every object of a
household (child, document, registration) is fetched with the household in the query, so another family's
id answers 404 like an id that does not exist.

Agents of the family desk are the users holding a handling role (front desk, case officer, head of
department) in a department that owns activities. They may look up any household (registration at the
counter); each read of a household is written in the access log. Sessions and their lists are reached only
in the departments where the agent holds such a role.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import resolve_url

from parvis.families.models import (
    ActivitySession,
    Child,
    Household,
    MemberStatus,
    Registration,
    SupportingDocument,
)
from parvis.organisation.access import departments_of
from parvis.organisation.models import Role
from parvis.privacy.models import AccessAction
from parvis.privacy.services import log_access

HANDLING_ROLES = (Role.FRONT_DESK, Role.CASE_OFFICER, Role.HEAD)


# --- Residents -----------------------------------------------------------------------------------------

def household_of(user):
    """The household the user is an active member of, or None."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    return (Household.objects.filter(members__user=user, members__status=MemberStatus.ACTIVE)
            .prefetch_related("members__user").first())


def require_household(user):
    household = household_of(user)
    if household is None:
        raise Http404("Pas de foyer")
    return household


def get_child_for_resident(user, child_id):
    household = require_household(user)
    child = Child.objects.filter(pk=_int(child_id), household=household, is_active=True).select_related(
        "school").first()
    if child is None:
        raise Http404("Enfant introuvable")
    return child


def get_document_for_resident(user, document_id):
    household = require_household(user)
    document = SupportingDocument.objects.filter(pk=_int(document_id), household=household).select_related(
        "file").first()
    if document is None:
        raise Http404("Pièce introuvable")
    return document


def get_registration_for_resident(user, registration_id):
    household = require_household(user)
    registration = (Registration.objects.filter(pk=_int(registration_id), household=household)
                    .select_related("session__activity__department", "child").first())
    if registration is None:
        raise Http404("Inscription introuvable")
    return registration


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


# --- Agents --------------------------------------------------------------------------------------------

def family_desk_department_ids(user):
    """Departments where the user holds a handling role and which own activities."""
    ids = list(departments_of(user, *HANDLING_ROLES).filter(activities__isnull=False).distinct()
               .values_list("pk", flat=True))
    return ids


def is_family_agent(user):
    return bool(user and user.is_authenticated and user.is_active and family_desk_department_ids(user))


def require_family_agent(view):
    """Agents of the family desk; anonymous → login; others → 403 (and the denial is logged)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        if not is_family_agent(request.user):
            log_access(request.user, AccessAction.DENIED, detail="guichet unique", request=request)
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def sessions_for_agent(user):
    return ActivitySession.objects.filter(activity__department_id__in=family_desk_department_ids(user))


def get_session_for_agent(user, session_id, *, request=None):
    session = sessions_for_agent(user).select_related("activity__department", "activity__school").filter(
        pk=_int(session_id)).first()
    if session is None:
        log_access(user, AccessAction.DENIED, detail=f"période d'activité {session_id}"[:300], request=request)
        raise Http404("Période introuvable")
    return session


def _resident_id(household):
    primary = household.primary_user
    return primary.pk if primary else None


def get_household_for_agent(user, household_id, *, request=None, log=True):
    if not is_family_agent(user):
        raise Http404("Foyer introuvable")
    household = Household.objects.filter(pk=_int(household_id)).prefetch_related("members__user").first()
    if household is None:
        log_access(user, AccessAction.DENIED, detail=f"foyer {household_id}"[:300], request=request)
        raise Http404("Foyer introuvable")
    if log:
        log_access(user, AccessAction.VIEW, resident_id=_resident_id(household), detail=f"foyer {household.pk}",
                   request=request)
    return household


def get_document_for_agent(user, document_id, *, request=None, action=AccessAction.VIEW):
    if not is_family_agent(user):
        raise Http404("Pièce introuvable")
    document = SupportingDocument.objects.filter(pk=_int(document_id)).select_related("household", "file").first()
    if document is None:
        log_access(user, AccessAction.DENIED, detail=f"pièce {document_id}"[:300], request=request)
        raise Http404("Pièce introuvable")
    log_access(user, action, resident_id=_resident_id(document.household),
               detail=f"pièce {document.pk} ({document.get_kind_display()}) du foyer {document.household_id}",
               request=request)
    return document


def get_registration_for_agent(user, registration_id, *, request=None):
    registration = Registration.objects.filter(
        pk=_int(registration_id), session__activity__department_id__in=family_desk_department_ids(user)
    ).select_related("session__activity", "child", "household").first()
    if registration is None:
        log_access(user, AccessAction.DENIED, detail=f"inscription {registration_id}"[:300], request=request)
        raise Http404("Inscription introuvable")
    return registration


def log_household_read(user, household, detail, request=None):
    log_access(user, AccessAction.VIEW, resident_id=_resident_id(household), detail=detail[:300], request=request)
