"""The statuses agents see in their lists: labels and which ones are still open, read from the workflows.

A case's status is a key of its revision's workflow (`parvis.workflows`). Lists mix procedures, hence
workflows: the catalogue merges the statuses of the default workflow (first, in its order) with those of
every revision of the procedures in scope. A status is *open* when it is not final in the workflows that
declare it; the inbox shows open cases by default.

Only the `statuses` part of each workflow is read (key, label, final), without validating the whole
workflow: it is one small query (`SELECT DISTINCT workflow -> 'statuses'`), and a workflow the builder
would reject still gets its labels shown rather than an error page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from parvis.cases.status import STATUSES as RESIDENT_STATUSES
from parvis.procedures.models import Family, ProcedureRevision
from parvis.workflows import DEFAULT_WORKFLOW


@dataclass(frozen=True)
class StatusCatalogue:
    labels: dict  # key -> label, in display order
    final: frozenset

    @property
    def open(self) -> tuple:
        """The open statuses, in display order."""
        return tuple(key for key in self.labels if key not in self.final)

    def label(self, key):
        return self.labels.get(key) or (str(RESIDENT_STATUSES[key][0]) if key in RESIDENT_STATUSES else key)

    def is_open(self, key):
        return key in self.labels and key not in self.final

    def choices(self):
        return list(self.labels.items())


def _read_statuses(statuses, labels, finals, opens):
    if not isinstance(statuses, list):
        return
    for status in statuses:
        if not isinstance(status, dict) or not isinstance(status.get("key"), str):
            continue
        key = status["key"]
        label = status.get("label") if isinstance(status.get("label"), str) and status.get("label") else key
        labels.setdefault(key, label)
        (finals if status.get("final") else opens).add(key)


def status_catalogue(department_ids=None) -> StatusCatalogue:
    """The statuses of the default workflow and of the revisions of the procedures of `department_ids`
    (every department when None). One query."""
    labels, finals, opens = {}, set(), set()
    _read_statuses(DEFAULT_WORKFLOW["statuses"], labels, finals, opens)
    revisions = ProcedureRevision.objects.all()
    if department_ids is not None:
        # Reports are routed by category and sector to departments other than their procedure's owner:
        # their field-work statuses belong to every department's catalogue.
        revisions = revisions.filter(Q(procedure__department_id__in=list(department_ids))
                                     | Q(procedure__family=Family.REPORT))
    for statuses in revisions.values_list("workflow__statuses", flat=True).distinct().order_by():
        _read_statuses(statuses, labels, finals, opens)
    # A key final in one workflow and open in another counts as open (the case may still need work).
    return StatusCatalogue(labels=labels, final=frozenset(finals - opens))
