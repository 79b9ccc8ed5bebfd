"""The workflow of reports (signalements), as workflow data (docs/dev/workflows.md).

Statuses suited to field work: À qualifier → Programmé ↔ En cours → Résolu, or Non du ressort de la commune,
or Doublon. It is stored in the revision of the reports procedure (`services.get_report_procedure`), so the
inbox, the case pages and the resident's follow-up read its labels.

The initial status keeps the key `received` (label « À qualifier »): every filing path of Parvis
(`submit_case`, the counter) files a case in `received`, so a report filed by any of them is in the workflow.

No email action here: residents who filed or follow a report are told of each change by
`parvis.reports.services.change_report_status`, which also writes to the followers (the workflow's
`email_resident` only knows the filer).
"""

from __future__ import annotations

from parvis.workflows import Workflow

RECEIVED = "received"
SCHEDULED = "scheduled"
IN_PROGRESS = "in_progress"
RESOLVED = "resolved"
NOT_OUR_REMIT = "not_our_remit"
DUPLICATE = "duplicate"

OPEN_STATUSES = (RECEIVED, SCHEDULED, IN_PROGRESS)
CLOSED_STATUSES = (RESOLVED, NOT_OUR_REMIT, DUPLICATE)
ALL_STATUSES = OPEN_STATUSES + CLOSED_STATUSES

# Transition keys (the agent actions of the reports' pages).
SCHEDULE = "schedule"
START = "start"
RESOLVE = "resolve"
REJECT_NOT_OUR_REMIT = "not_our_remit"
MARK_DUPLICATE = "mark_duplicate"

_HANDLERS = ["case_officer", "head"]
_OPEN = list(OPEN_STATUSES)

REPORT_WORKFLOW = {
    "version": 1,
    "initial": RECEIVED,
    "statuses": [
        {"key": RECEIVED, "label": "À qualifier", "resident_label": "Reçu, en attente d'examen",
         "next_step": "Le service {{ department.name }} va examiner le signalement.",
         "final": False, "outcome": None, "system": False, "on_enter": []},
        {"key": SCHEDULED, "label": "Programmé", "resident_label": "Intervention programmée",
         "next_step": "Le service {{ department.name }} a programmé une intervention.",
         "final": False, "outcome": None, "system": False, "on_enter": [{"type": "assign", "to": "actor"}]},
        {"key": IN_PROGRESS, "label": "En cours", "resident_label": "Intervention en cours",
         "next_step": "Les équipes du service {{ department.name }} interviennent.",
         "final": False, "outcome": None, "system": False, "on_enter": [{"type": "assign", "to": "actor"}]},
        {"key": RESOLVED, "label": "Résolu", "resident_label": "Résolu",
         "next_step": "Le problème a été réglé. Merci de l'avoir signalé.",
         "final": True, "outcome": "accepted", "system": False, "on_enter": []},
        {"key": NOT_OUR_REMIT, "label": "Non du ressort de la commune",
         "resident_label": "Ne relève pas de la commune",
         "next_step": "Ce problème ne relève pas de la commune : la réponse indique à qui s'adresser.",
         "final": True, "outcome": "closed", "system": False, "on_enter": []},
        {"key": DUPLICATE, "label": "Doublon", "resident_label": "Déjà signalé (doublon)",
         "next_step": "Ce problème avait déjà été signalé : il est suivi sur le signalement d'origine.",
         "final": True, "outcome": "closed", "system": False, "on_enter": []},
    ],
    "transitions": [
        {"key": SCHEDULE, "label": "Programmer l'intervention", "from": _OPEN, "to": SCHEDULED,
         "roles": list(_HANDLERS), "system": False, "requires": []},
        {"key": START, "label": "Intervention en cours", "from": [RECEIVED, SCHEDULED], "to": IN_PROGRESS,
         "roles": list(_HANDLERS), "system": False, "requires": []},
        {"key": RESOLVE, "label": "Marquer comme résolu", "from": _OPEN, "to": RESOLVED,
         "roles": list(_HANDLERS), "system": False, "requires": []},
        {"key": REJECT_NOT_OUR_REMIT, "label": "Non du ressort de la commune", "from": _OPEN, "to": NOT_OUR_REMIT,
         "roles": list(_HANDLERS), "system": False, "requires": ["motivation"]},
        {"key": MARK_DUPLICATE, "label": "Doublon d'un autre signalement", "from": _OPEN, "to": DUPLICATE,
         "roles": list(_HANDLERS), "system": False, "requires": ["comment"]},
    ],
}


def report_workflow_data() -> dict:
    """The workflow as stored in a revision (every optional field written out)."""
    return Workflow(REPORT_WORKFLOW).to_data()


_WORKFLOW = Workflow(REPORT_WORKFLOW)


def status_label(key) -> str:
    """What agents read ("Programmé")."""
    try:
        return _WORKFLOW.label(key)
    except KeyError:
        return key


def public_label(key) -> str:
    """What residents and the public read ("Intervention programmée")."""
    try:
        return _WORKFLOW.resident_label(key)
    except KeyError:
        return key


def is_open(key) -> bool:
    return key in OPEN_STATUSES


def open311_status(key) -> str:
    """The Open311 status: open while the field work is to do, closed after."""
    return "closed" if key in CLOSED_STATUSES else "open"


STATUS_CHOICES = [(key, public_label(key)) for key in ALL_STATUSES]
