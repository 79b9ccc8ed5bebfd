"""A case's status in words: the labels and next step of its workflow (`ProcedureRevision.workflow`).

The workflow of a case is the one of the revision it was filed under (`load_workflow`: the default one while
the revision has none). Statuses that no workflow knows (data older than workflows, or written by hand) fall
back to the plain words of `LEGACY_STATUSES`, then to the key itself: a page never breaks on a status.
"""

from __future__ import annotations

import functools
import json
import logging

from django.utils.translation import gettext_lazy as _

from parvis.workflows import Workflow, WorkflowError, load_workflow
from parvis.workflows.placeholders import TemplateTextError, find_placeholders, render_template_text

logger = logging.getLogger(__name__)

# Words for statuses written before workflows existed; the workflow's own labels come first.
LEGACY_STATUSES = {
    "received": (_("Reçue"), _("Votre demande va être examinée par le service %(department)s.")),
    "in_progress": (_("En cours de traitement"), _("Le service %(department)s examine votre demande.")),
    "pieces_requested": (_("Pièces à fournir"),
                         _("Envoyez les pièces demandées depuis la page de votre demande.")),
    "accepted": (_("Acceptée"), _("Votre demande a été acceptée.")),
    "rejected": (_("Refusée"), _("Votre demande a été refusée : la décision précise les voies de recours.")),
    "closed": (_("Terminée"), _("Votre demande est terminée.")),
    "withdrawn": (_("Retirée"), _("Vous avez retiré votre demande.")),
}
STATUSES = LEGACY_STATUSES  # the name other apps import (parvis.backoffice.statuses)


@functools.lru_cache(maxsize=128)
def _workflow_from_json(canonical: str) -> Workflow:
    return load_workflow(json.loads(canonical))


def workflow_for_revision(revision) -> Workflow:
    """The workflow of a procedure revision, cached on the revision object and, by content, in the process.

    Raises `WorkflowError` when the stored workflow is invalid (the builder validates it before publishing).
    """
    cached = getattr(revision, "_parvis_workflow", None)
    if cached is not None:
        return cached
    data = revision.workflow or {}
    workflow = load_workflow(data) if not data else _workflow_from_json(json.dumps(data, sort_keys=True))
    revision._parvis_workflow = workflow
    return workflow


def workflow_of(case) -> Workflow:
    return workflow_for_revision(case.revision)


def _status(case):
    try:
        return workflow_of(case).status(case.status)
    except KeyError:
        return None
    except WorkflowError:
        logger.error("Invalid workflow on revision %s (case %s)", case.revision_id, case.reference)
        return None


def status_label(case):
    """What the resident reads ("En cours de traitement")."""
    status = _status(case)
    if status is not None:
        return status.resident_label
    return LEGACY_STATUSES[case.status][0] if case.status in LEGACY_STATUSES else case.status


def agent_status_label(case):
    """What agents read ("En cours d'instruction")."""
    status = _status(case)
    if status is not None:
        return status.label
    return LEGACY_STATUSES[case.status][0] if case.status in LEGACY_STATUSES else case.status


def is_final(case) -> bool:
    status = _status(case)
    return status.final if status is not None else case.closed_at is not None


@functools.lru_cache(maxsize=256)
def _groups(text: str) -> frozenset[str]:
    return frozenset(name.split(".", 1)[0] for name in find_placeholders(text))


def next_step(case):
    """The status's next step for the resident, its placeholders filled from the case."""
    status = _status(case)
    if status is None:
        if case.status in LEGACY_STATUSES:
            return LEGACY_STATUSES[case.status][1] % {"department": case.department.name}
        return ""
    if not status.next_step:
        return ""
    from parvis.cases.values import placeholder_values

    try:
        return render_template_text(status.next_step, placeholder_values(case, groups=_groups(status.next_step)))
    except TemplateTextError:
        logger.error("Invalid next step in status %s of revision %s", status.key, case.revision_id)
        return ""
