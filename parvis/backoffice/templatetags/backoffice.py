"""Template helpers of the back-office pages: the sub-menu, shown according to the agent's roles."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from parvis.organisation.access import roles_of
from parvis.organisation.models import Role

register = template.Library()


@register.inclusion_tag("backoffice/_nav.html", takes_context=True)
def backoffice_nav(context, current=""):
    user = context["request"].user
    roles = {role for _department, role in roles_of(user)}
    links = []
    if roles & {Role.FRONT_DESK, Role.CASE_OFFICER, Role.HEAD}:
        links.append(("inbox", _("Dossiers"), reverse("backoffice:inbox")))
        links.append(("saved_filters", _("Mes filtres"), reverse("backoffice:saved_filters")))
    if Role.HEAD in roles:
        links.append(("workload", _("Charge du service"), reverse("backoffice:workload")))
        links.append(("overdue", _("Dossiers en retard"), reverse("backoffice:overdue")))
    if Role.DPO in roles:
        links.append(("access_log", _("Journal des accès"), reverse("privacy:access_log")))
    return {"links": links, "current": current}
