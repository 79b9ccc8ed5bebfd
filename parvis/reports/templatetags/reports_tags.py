"""Template filters of reports: statuses in words, distances."""

from django import template

from parvis.reports import workflow

register = template.Library()


@register.filter
def public_status(key):
    """What the public reads for a status key ("Intervention programmée")."""
    return workflow.public_label(key)


@register.filter
def agent_status(key):
    """What agents read for a status key ("Programmé")."""
    return workflow.status_label(key)


@register.filter
def is_open_status(key):
    return workflow.is_open(key)


@register.filter
def distance(meters):
    """12.3 → "12 m"; 1234 → "1,2 km"."""
    try:
        meters = float(meters)
    except (TypeError, ValueError):
        return ""
    if meters < 1000:
        return f"{round(meters):d} m"
    return f"{meters / 1000:.1f} km".replace(".", ",")
