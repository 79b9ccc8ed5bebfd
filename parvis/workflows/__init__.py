"""Workflows (circuits de traitement): configurable per procedure, stored as data, validated, read.

Pure Python, no models: the format is documented in docs/dev/workflows.md; the services of the cases app
use `load_workflow(revision.workflow)` to know which transitions an agent may take and which actions to run
when a case enters a status. Texts (emails, letters) use the placeholders of `parvis.workflows.placeholders`.
"""

from parvis.workflows.default import DEFAULT_WORKFLOW, default_workflow
from parvis.workflows.definition import (
    ACTION_TYPES,
    FORMAT_VERSION,
    OUTCOMES,
    REQUIREMENTS,
    ROLES,
    Problem,
    Status,
    Transition,
    Workflow,
    WorkflowError,
    describe_action,
    load_workflow,
    validate_workflow,
)

__all__ = [
    "ACTION_TYPES",
    "DEFAULT_WORKFLOW",
    "FORMAT_VERSION",
    "OUTCOMES",
    "REQUIREMENTS",
    "ROLES",
    "Problem",
    "Status",
    "Transition",
    "Workflow",
    "WorkflowError",
    "default_workflow",
    "describe_action",
    "load_workflow",
    "validate_workflow",
]
