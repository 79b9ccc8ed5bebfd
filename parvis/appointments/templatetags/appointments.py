"""`{% upcoming_appointments request.user as rows %}`: the resident's coming appointments, for any page
(the "Mes demandes" page includes appointments/_my_appointments.html, which uses it)."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from parvis.appointments.services import upcoming_appointments_for

register = template.Library()


@register.simple_tag
def upcoming_appointments(user):
    return upcoming_appointments_for(user)


@register.filter(expects_localtime=True)
def hour(value):
    """9:05 → "9 h 05" (French typography, read well by screen readers)."""
    return f"{value.hour} h {value.minute:02d}"


@register.simple_tag
def offer_radios(offers, selected=""):
    """The `<li>` radio buttons of one day's offers (`name="creneau"`, ids `creneau-…`, the time as label).

    Built here rather than with `{% for %}`: a week lists hundreds of times, and the template language costs
    more per variable than the rest of the page."""
    items = []
    for offer in offers:
        value, ident = escape(offer.value), f"creneau-{escape(offer.slug)}"
        checked = " checked" if offer.value == selected else ""
        items.append(f'<li><input type="radio" name="creneau" id="{ident}" value="{value}"{checked} required> '
                     f'<label for="{ident}">{hour(offer.local_start)}</label></li>')
    return mark_safe("\n".join(items))  # noqa: S308 (every part above is escaped or made here)
