"""`{% upcoming_appointments request.user as rows %}`: the resident's coming appointments, for any page
(the "Mes demandes" page includes appointments/_my_appointments.html, which uses it)."""

from django import template

from parvis.appointments.services import upcoming_appointments_for

register = template.Library()


@register.simple_tag
def upcoming_appointments(user):
    return upcoming_appointments_for(user)


@register.filter(expects_localtime=True)
def hour(value):
    """9:05 → "9 h 05" (French typography, read well by screen readers)."""
    return f"{value.hour} h {value.minute:02d}"
