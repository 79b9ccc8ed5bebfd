"""What every page of a procedure in the builder shares: its context (tabs, state, breadcrumb) and the links
from a problem to the page that fixes it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parvis.builder import services
from parvis.builder.procedure_settings import (
    AREA_ACCESS,
    AREA_FORM,
    AREA_INFO,
    AREA_LEGAL,
    AREA_PRIVACY,
    AREA_WORKFLOW,
)
from parvis.procedures.models import ProcedureStatus

AREA_URLS = {AREA_INFO: "builder:information", AREA_ACCESS: "builder:access", AREA_LEGAL: "builder:legal",
             AREA_PRIVACY: "builder:privacy", AREA_FORM: "builder:form", AREA_WORKFLOW: "builder:workflow"}

TABS = [
    ("overview", "builder:overview", gettext_lazy("Vue d'ensemble")),
    (AREA_INFO, "builder:information", gettext_lazy("Informations")),
    (AREA_FORM, "builder:form", gettext_lazy("Formulaire")),
    (AREA_WORKFLOW, "builder:workflow", gettext_lazy("Circuit de traitement")),
    (AREA_LEGAL, "builder:legal", gettext_lazy("Régime juridique")),
    (AREA_PRIVACY, "builder:privacy", gettext_lazy("Données personnelles")),
    (AREA_ACCESS, "builder:access", gettext_lazy("Accès, canaux et service")),
    ("preview", "builder:preview", gettext_lazy("Aperçu")),
    ("test", "builder:test_home", gettext_lazy("Tester")),
    ("publish", "builder:publish", gettext_lazy("Publier")),
]


def problem_url(procedure, problem):
    url = reverse(AREA_URLS[problem.area], args=[procedure.pk])
    if problem.area == AREA_WORKFLOW and problem.target.startswith("status:"):
        return reverse("builder:status_edit", args=[procedure.pk, problem.target.removeprefix("status:")])
    if problem.area == AREA_WORKFLOW and problem.target.startswith("transition:"):
        return reverse("builder:transition_edit", args=[procedure.pk, problem.target.removeprefix("transition:")])
    if problem.area == AREA_FORM and problem.target:
        return f"{url}#element-{problem.target}"
    return url


def linked_problems(procedure, problems):
    return [{"message": str(problem), "url": problem_url(procedure, problem), "area": problem.area}
            for problem in problems]


def status_label(procedure):
    if procedure.status == ProcedureStatus.PUBLISHED:
        return _("En ligne")
    if procedure.status == ProcedureStatus.CLOSED:
        return _("Fermée")
    if procedure.published_revision_id:
        return _("Hors ligne")
    return _("Jamais publiée")


def procedure_context(procedure, section, *, current=None, title="", **extra):
    current = current or services.state(procedure)
    crumbs = [(_("Espace agents"), reverse("organisation:home")), (_("Démarches"), reverse("builder:list"))]
    if section == "overview" and not title:
        crumbs.append((current.title, None))
    else:
        crumbs += [(current.title, reverse("builder:overview", args=[procedure.pk])), (title, None)]
    tabs = [{"key": key, "label": label, "url": reverse(name, args=[procedure.pk]), "current": key == section}
            for key, name, label in TABS]
    return {"procedure": procedure, "current": current, "section": section, "tabs": tabs, "breadcrumbs": crumbs,
            "procedure_status": status_label(procedure), "page_title": title or current.title, **extra}

