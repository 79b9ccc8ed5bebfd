"""The values of the placeholders of workflow texts (emails, letters, next steps), built from a case.

Plain values only (text, dates, lists): `parvis.workflows.placeholders` renders them, and a text can never
reach a model. `groups` limits the work to the placeholders a text uses (a status's next step on a list page
needs `department.name`, not the commune's row).
"""

from __future__ import annotations

from django.utils import timezone

from parvis.cases.legal import paris_date
from parvis.organisation.models import Commune
from parvis.workflows.definition import OUTCOME_LABELS

ALL_GROUPS = frozenset({"case", "resident", "department", "commune", "decision", "pieces", "agent", "today"})
SILENCE_MEANS = {"SVA": "acceptation", "SVR": "rejet"}


def _case_values(case):
    from parvis.cases.acknowledgements import case_url
    from parvis.cases.status import status_label

    return {
        "reference": case.reference,
        "procedure": case.procedure.title,
        "received_on": paris_date(case.received_at),
        "implicit_decision_on": case.implicit_decision_on,
        "silence_means": SILENCE_MEANS.get(case.regime, ""),
        "status": str(status_label(case)),
        "channel": str(case.get_channel_display()),
        "url": case_url(case),
    }


def _resident_values(case):
    applicant = case.applicant if case.applicant_id else None
    if applicant is None:
        return {"full_name": "", "first_name": "", "last_name": "", "civility": "", "email": case.contact_email,
                "postal_address": ""}
    return {
        "full_name": applicant.full_name,
        "first_name": applicant.first_name,
        "last_name": applicant.last_name,
        "civility": str(applicant.get_civility_display()) if applicant.civility else "",
        "email": case.notification_email,
        "postal_address": applicant.postal_address,
    }


def _department_values(department):
    return {
        "name": department.name,
        "phone": department.phone,
        "email": department.email,
        "postal_address": department.postal_address,
        "opening_hours": department.opening_hours,
    }


def _commune_values(commune):
    if commune is None:
        return {}
    return {
        "name": commune.name,
        "postal_address": commune.postal_address,
        "phone": commune.phone,
        "email": commune.email,
        "website": commune.website,
        "mayor_name": commune.mayor_name,
    }


def placeholder_values(case, *, actor=None, decision=None, motivation="", pieces_request=None, commune=None,
                       groups=ALL_GROUPS, today=None):
    """The placeholder values for texts about `case` (nested, as `render_template_text` takes them).

    `actor`: the agent who acted (`agent.full_name`; None for the system). `decision`: a `Decision`, else
    `motivation` alone fills `decision.motivation`. `pieces_request`: the request for pieces to name (default:
    the latest one of the case, read only when a text uses `pieces`).
    """
    values = {}
    if "case" in groups:
        values["case"] = _case_values(case)
    if "resident" in groups:
        values["resident"] = _resident_values(case)
    if "department" in groups:
        values["department"] = _department_values(case.department)
    if "commune" in groups:
        values["commune"] = _commune_values(commune if commune is not None else Commune.current())
    if "decision" in groups:
        if decision is not None:
            values["decision"] = {"outcome": str(OUTCOME_LABELS.get(decision.outcome, decision.outcome)),
                                  "date": decision.decided_on, "motivation": decision.motivation}
        elif motivation:
            values["decision"] = {"motivation": motivation}
    if "pieces" in groups:
        if pieces_request is None and case.pk:
            pieces_request = case.pieces_requests.order_by("-requested_on", "-pk").first()
        if pieces_request is not None:
            values["pieces"] = {"list": list(pieces_request.pieces), "deadline": pieces_request.deadline}
    if "agent" in groups:
        values["agent"] = {"full_name": actor.full_name if actor is not None else ""}
    if "today" in groups:
        values["today"] = today or timezone.localdate()
    return values
