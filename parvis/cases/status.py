"""Case statuses in plain words for residents.

A case starts as "received". Later statuses come from the procedures' workflows; the common ones are
named here so every page says them the same way. A workflow may also declare its own statuses in its
revision's `workflow["statuses"]` as `{"code": {"label": ..., "next_step": ...}}`.
"""

from django.utils.translation import gettext_lazy as _

STATUSES = {
    "received": (_("Reçue"), _("Votre demande va être examinée par le service %(department)s.")),
    "in_progress": (_("En cours de traitement"), _("Le service %(department)s examine votre demande.")),
    "pieces_requested": (_("Pièces à fournir"),
                         _("Envoyez les pièces demandées depuis la page de votre demande.")),
    "accepted": (_("Acceptée"), _("Votre demande a été acceptée.")),
    "rejected": (_("Refusée"), _("Votre demande a été refusée : la décision précise les voies de recours.")),
    "closed": (_("Terminée"), _("Votre demande est terminée.")),
    "withdrawn": (_("Retirée"), _("Vous avez retiré votre demande.")),
}


def _workflow_status(case):
    workflow = case.revision.workflow if case.revision_id else None
    statuses = workflow.get("statuses") if isinstance(workflow, dict) else None
    entry = statuses.get(case.status) if isinstance(statuses, dict) else None
    return entry if isinstance(entry, dict) else None


def status_label(case):
    if case.status in STATUSES:
        return STATUSES[case.status][0]
    entry = _workflow_status(case)
    return str(entry.get("label")) if entry and entry.get("label") else case.status


def next_step(case):
    if case.status in STATUSES:
        return STATUSES[case.status][1] % {"department": case.department.name}
    entry = _workflow_status(case)
    return str(entry.get("next_step", "")) if entry else ""
