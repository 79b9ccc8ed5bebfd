"""Who may see which appointment: the choke points every view goes through.

- A resident sees their own appointments (`get_appointment_for_resident`), or one whose signed management
  link they hold (`get_appointment_by_token`: the link in the confirmation email).
- An agent sees the places, and their appointments, of the departments where they hold a role
  (`get_place_for_agent`, `get_appointment_for_agent`); anything else is a 403. Given the request, the
  choke point writes the access log (CNIL): the read of one person's appointment, or the denial.
"""


from django.core.exceptions import PermissionDenied
from django.http import Http404

from parvis.appointments.models import Appointment, Place
from parvis.appointments.services import appointment_from_token
from parvis.organisation.access import departments_of, has_role, requires, roles_of
from parvis.organisation.models import Role
from parvis.privacy.models import AccessAction
from parvis.privacy.services import log_access

# Every role of a department works with its agendas, except the DPO's (least privilege).
AGENDA_ROLES = (Role.FRONT_DESK, Role.CASE_OFFICER, Role.HEAD, Role.PROCEDURE_ADMIN)

_RELATED = ("place__department", "desk", "meeting_type", "applicant")


def agent_places(user):
    departments = departments_of(user, *AGENDA_ROLES)
    return Place.objects.filter(department__in=departments).select_related("department").order_by("name")


def can_manage_place(user, place) -> bool:
    return has_role(user, place.department_id, *AGENDA_ROLES)


def is_agenda_agent(user) -> bool:
    return any(role in AGENDA_ROLES for _department, role in roles_of(user))


def get_place_for_agent(user, slug) -> Place:
    place = Place.objects.select_related("department").filter(slug=slug).first()
    if place is None:
        raise Http404
    if not can_manage_place(user, place):
        raise PermissionDenied
    return place


def get_appointment_for_agent(user, pk, request=None, log_view=False) -> Appointment:
    """The appointment if the agent may manage its place. With `request`, a denial is logged; with `log_view`
    too, the read is logged (the appointment's page, not the actions that follow it)."""
    appointment = Appointment.objects.select_related(*_RELATED).filter(pk=pk).first()
    if appointment is None:
        raise Http404
    if not can_manage_place(user, appointment.place):
        if request is not None:
            log_access(user, AccessAction.DENIED, resident_id=appointment.applicant_id, request=request,
                       detail=f"Rendez-vous n° {appointment.pk}")
        raise PermissionDenied
    if request is not None and log_view:
        log_access(user, AccessAction.VIEW, resident_id=appointment.applicant_id, request=request,
                   detail=f"Rendez-vous n° {appointment.pk} — {appointment.meeting_type}")
    return appointment


def get_appointment_for_resident(user, pk, related=_RELATED) -> Appointment:
    """The appointment if `user` booked it; 404 otherwise (the same answer whether it exists or not).

    `related`: the relations read with it (fewer make a cheaper query); its applicant is `user` in any case."""
    if user is None or not user.is_authenticated:
        raise Http404
    try:
        appointment = Appointment.objects.select_related(*related).get(pk=pk, applicant_id=user.pk)
    except Appointment.DoesNotExist:
        raise Http404 from None
    if "applicant" not in related:
        Appointment.applicant.field.set_cached_value(appointment, user)
    return appointment


def get_appointment_by_token(token) -> Appointment:
    pk = appointment_from_token(token)
    appointment = Appointment.objects.select_related(*_RELATED).filter(pk=pk).first() if pk else None
    if appointment is None:
        raise Http404
    return appointment


# Anonymous → login page; logged in without an agenda role in any department → 403.
agent_required = requires(is_agenda_agent)
