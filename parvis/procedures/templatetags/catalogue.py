"""Template helpers for the catalogue pages."""

from django import template

from parvis.procedures.services import format_months
from parvis.ui.templatetags.ui_text import de

register = template.Library()

_BULLETS = ("- ", "* ", "• ", "– ")


@register.filter
def lines(text):
    """The non-empty lines of a text field, without the bullet an administrator may have typed."""
    result = []
    for line in (text or "").splitlines():
        line = line.strip()
        for bullet in _BULLETS:
            if line.startswith(bullet):
                line = line[len(bullet):].strip()
                break
        if line:
            result.append(line)
    return result


@register.filter
def months_duration(months):
    """24 → "2 ans"; 18 → "1 an et 6 mois"."""
    return format_months(months)


register.filter("de", de)
