"""Who may do what in the organisation: the choke points every other app uses.

- A *platform administrator* is an active user with `is_staff` (or `is_superuser`). It administers the
  commune, its departments and its agents; it holds no role in a department by that fact alone.
- An *agent* is an active user holding at least one `AgentRole` (a role in a department).

Roles held in a deactivated department still count: the department's procedures and cases keep their
history and must stay reachable. Deactivated users (`is_active=False`) hold nothing.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url

from parvis.organisation.models import AgentRole, Department

_ROLES_CACHE = "_parvis_agent_roles"


def _is_active_user(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_platform_admin(user):
    """True for an active, logged-in user with `is_staff` or `is_superuser`."""
    return _is_active_user(user) and bool(user.is_staff or user.is_superuser)


def roles_of(user):
    """The set of `(department_id, role)` the user holds; cached on the user object for the request."""
    if not _is_active_user(user):
        return frozenset()
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        cached = frozenset(AgentRole.objects.filter(user=user).values_list("department_id", "role"))
        setattr(user, _ROLES_CACHE, cached)
    return cached


def forget_roles(user):
    """Drops the cache of `roles_of` (services call it after changing a user's roles)."""
    if user is not None and hasattr(user, _ROLES_CACHE):
        delattr(user, _ROLES_CACHE)


def is_agent(user):
    """True for an active user holding at least one role in a department."""
    return bool(roles_of(user))


def departments_of(user, *roles):
    """Departments where the user holds a role (any role, or one of `roles` when given), as a queryset.

    Deactivated departments are included (see the module docstring); filter `is_active=True` when
    offering a choice for new work.
    """
    held = roles_of(user)
    ids = {department_id for department_id, role in held if not roles or role in roles}
    if not ids:
        return Department.objects.none()
    return Department.objects.filter(pk__in=ids)


def has_role(user, department, *roles):
    """True if the user holds, in `department` (object or id), one of `roles` (any role when none given)."""
    if department is None:
        return False
    department_id = getattr(department, "pk", department)
    return any(d == department_id and (not roles or role in roles) for d, role in roles_of(user))


def agents_of(department, *roles):
    """Active users holding one of `roles` (any role when none given) in `department`."""
    from django.contrib.auth import get_user_model

    filters = {"agent_roles__department": department}
    if roles:
        filters["agent_roles__role__in"] = roles
    return get_user_model().objects.filter(is_active=True, **filters).distinct().order_by("last_name", "first_name")


def deny(request):
    """What a view answers a user it does not serve: the login page (with `next`) when anonymous, else 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
    raise PermissionDenied


def requires(allowed):
    """View decorator serving the users for whom `allowed(user)` is true (anonymous included: `allowed` must
    say no to them), and `deny` to the others."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not allowed(request.user):
                return deny(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Administration of the commune, its departments and agents.
require_platform_admin = requires(is_platform_admin)
# The agents' space: agents and platform administrators.
require_agent_or_platform_admin = requires(lambda user: is_platform_admin(user) or is_agent(user))
