"""Panels of the resident-at-a-glance page that other apps add (appointments, family desk, payments...).

An app registers a panel from its `AppConfig.ready()`:

    from parvis.counter.glance import GlancePanel, register_panel
    register_panel(GlancePanel("appointments", "appointments/counter_panel.html", appointments_context, order=20))

`context(agent, resident)` returns the template's context (a dict), or None to hide the panel. The
template renders one `<section>` with an `<h2>`; the counter page already logged the read of the
resident's record, and the panel shows only what its app lets this agent see.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class GlancePanel:
    key: str
    template_name: str
    context: Callable
    order: int = 100


_panels: dict[str, GlancePanel] = {}


def register_panel(panel):
    """Adds (or replaces, by `key`) a panel of the resident-at-a-glance page."""
    _panels[panel.key] = panel


def unregister_panel(key):
    _panels.pop(key, None)


def panels_for(agent, resident):
    """[{"template_name", "context"}] of the panels to show, in order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda item: (item.order, item.key)):
        context = panel.context(agent, resident)
        if context is not None:
            shown.append({"key": panel.key, "template_name": panel.template_name, "context": context})
    return shown
