"""Who may use the builder: the choke points of every builder page.

- The builder is for agents holding the procedure-administrator role (`Role.PROCEDURE_ADMIN`); they see and
  edit the procedures of the departments where they hold it. A platform administrator without that role
  has no access (as everywhere, `is_staff` gives no role in a department).
- Test mode is also open to the agents of the procedure's department (any role): they file test cases on
  the draft to check the form and the workflow before publication.

Anonymous visitors go to the login page; a logged-in user without the role gets a 403; a procedure of a
department the administrator does not hold is a 404 (the same answer whether it exists or not).
"""

from __future__ import annotations

from django.http import Http404

from parvis.organisation.access import departments_of, has_role, is_agent, requires, roles_of
from parvis.organisation.models import Role
from parvis.procedures.models import Procedure

ADMIN = Role.PROCEDURE_ADMIN


def is_procedure_admin(user) -> bool:
    return any(role == ADMIN for _department, role in roles_of(user))


def admin_departments(user):
    """The departments where the user administers procedures (active ones first, then by name)."""
    return departments_of(user, ADMIN).order_by("-is_active", "name")


def procedures_for_admin(user):
    return Procedure.objects.filter(department__in=departments_of(user, ADMIN))


def get_procedure_for_admin(user, pk) -> Procedure:
    """The procedure `pk` if the user administers its department; 404 otherwise."""
    try:
        return procedures_for_admin(user).select_related("department", "category", "published_revision").get(pk=pk)
    except (Procedure.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_test(user, procedure) -> bool:
    return has_role(user, procedure.department_id)


def get_procedure_for_tester(user, pk) -> Procedure:
    """The procedure `pk` if the user administers its department or holds any role in it; 404 otherwise."""
    procedure = Procedure.objects.select_related("department", "published_revision").filter(pk=pk).first()
    if procedure is None or not can_test(user, procedure):
        raise Http404
    return procedure


# Anonymous → login page; logged-in without the procedure-administrator role → 403.
procedure_admin_required = requires(is_procedure_admin)
# Anonymous → login page; logged-in user with no role in any department → 403 (test mode).
agent_required = requires(is_agent)
