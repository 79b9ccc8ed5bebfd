"""The guard rails: every reason a draft cannot be published, in plain French, with where to fix it.

Three sources, all listed at once:
- the settings (`procedure_settings.settings_problems`): information page, channels, regime and period,
  privacy metadata;
- the form (`parvis.formengine.validate_schema`), plus clearer messages for conditions on removed fields;
- the workflow (`parvis.workflows.validate_workflow`, checked against the regime, the agents and the
  departments of the commune), with status and transition keys replaced by their labels.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from parvis.accounts.models import User
from parvis.builder import schema_ops, workflow_ops
from parvis.builder.procedure_settings import (
    AREA_FORM,
    AREA_WORKFLOW,
    BuilderProblem,
    normalise,
    settings_problems,
)
from parvis.formengine import validate_schema
from parvis.organisation.models import Department
from parvis.workflows import validate_workflow

_OF_KIND = {"page": "de la page", "section": "de la partie", "field": "du champ"}
_STATUS_RE = re.compile(r"Statut « ([a-z][a-z0-9_]*) »")
_TRANSITION_RE = re.compile(r"Transition « ([a-z][a-z0-9_]*) »")
_UNKNOWN_FIELD_MARK = "porte sur le champ inconnu"


def _title(item):
    return item.get("label") or item.get("title") or item.get("key") or "?"


def form_problems(schema) -> list[BuilderProblem]:
    problems = []
    if not schema_ops.pages(schema):
        return [BuilderProblem(AREA_FORM, _("Formulaire : ajoutez au moins une page, avec au moins un champ."),
                               "empty_form")]
    dangling = schema_ops.dangling_conditions(schema)
    for kind, item, missing in dangling:
        problems.append(BuilderProblem(
            AREA_FORM,
            _("Formulaire : la condition d'affichage %(of_kind)s « %(title)s » porte sur le champ « %(missing)s », "
              "qui n'existe plus (il a été supprimé ou renommé) : modifiez ou retirez cette condition.")
            % {"of_kind": _OF_KIND[kind], "title": _title(item), "missing": missing},
            "condition_on_removed_field", item.get("key", "")))
    for message in validate_schema(schema):
        if dangling and _UNKNOWN_FIELD_MARK in message:
            continue  # said above, in the builder's words
        problems.append(BuilderProblem(AREA_FORM, _("Formulaire : %(problem)s") % {"problem": message}, "schema"))
    return problems


def _labelled(message, workflow):
    status_labels = {s.get("key"): s.get("label") for s in workflow_ops.statuses(workflow)}
    transition_labels = {t.get("key"): t.get("label") for t in workflow_ops.transitions(workflow)}
    message = _STATUS_RE.sub(lambda m: f"Statut « {status_labels.get(m.group(1)) or m.group(1)} »", message)
    return _TRANSITION_RE.sub(lambda m: f"Transition « {transition_labels.get(m.group(1)) or m.group(1)} »", message)


def workflow_problems(workflow, regime=None) -> list[BuilderProblem]:
    agents = User.objects.filter(is_active=True, agent_roles__isnull=False).exclude(email__isnull=True)
    problems = validate_workflow(
        workflow, regime=regime,
        agents=set(agents.values_list("email", flat=True)),
        departments=set(Department.objects.filter(is_active=True).values_list("slug", flat=True)),
    )
    result = []
    for problem in problems:
        target = ""
        if match := _STATUS_RE.match(problem.where or ""):
            target = f"status:{match.group(1)}"
        elif match := _TRANSITION_RE.match(problem.where or ""):
            target = f"transition:{match.group(1)}"
        result.append(BuilderProblem(AREA_WORKFLOW, _("Circuit de traitement : %(problem)s")
                                     % {"problem": _labelled(str(problem), workflow)}, problem.code, target))
    return result


def draft_problems(settings, schema, workflow, *, procedure=None) -> list[BuilderProblem]:
    """Every problem of a draft (settings, form, workflow), in the order of the builder's pages."""
    values = normalise(settings)
    return (settings_problems(values, procedure=procedure) + form_problems(schema)
            + workflow_problems(workflow, regime=values.get("regime")))
