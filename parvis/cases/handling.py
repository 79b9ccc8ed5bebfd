"""Handling a case: moving it through its workflow and assigning it (docs/dev/backoffice-contract.md).

* `available_transitions(case, user)` — the transitions the agent may take now (their roles in the case's
  department, the case's status);
* `apply_transition(case, key, *, actor, expected_version, ...)` — the one function that changes a case's
  status. It checks the version the agent saw, the permission and the inputs the transition requires,
  changes the status, writes the history, then runs the entry actions of the new status in order
  (`parvis.cases.actions`), each writing its own history line — all in one transaction;
* `assign_case(case, assignee, *, actor, expected_version=None)`.

Concurrency: optimistic. Every change adds one to `Case.version` with `UPDATE ... WHERE version = <seen>`;
inside the transaction the row is also locked (`SELECT ... FOR UPDATE`, PostgreSQL; SQLite serialises
writers with IMMEDIATE transactions), so of two agents deciding at once, one succeeds and the other gets
`StaleCase` with the fresh case: no lost update, no second decision.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.cases.actions import Run, cancel_timers, complete_pending_pieces, run_entry_actions
from parvis.cases.deadlines import PARIS
from parvis.cases.models import Case
from parvis.cases.services import record_event
from parvis.cases.status import workflow_of
from parvis.organisation.access import agents_of, roles_of
from parvis.organisation.models import Role

# Who may assign a case of their department (to themselves or a colleague), and who may be assigned one.
ASSIGNING_ROLES = (Role.CASE_OFFICER, Role.HEAD)
ASSIGNABLE_ROLES = (Role.CASE_OFFICER, Role.HEAD)
MAX_PIECES = 30
MAX_PIECE_LENGTH = 300
MAX_TEXT_LENGTH = 10_000
MAX_DEADLINE_DAYS = 366


class CaseHandlingError(Exception):
    """Base of the errors of this module; `str()` is a French sentence for the agent."""


class StaleCase(CaseHandlingError):
    """Someone else changed the case since the agent read it. `case` is the fresh case: show it."""

    def __init__(self, case=None):
        self.case = case
        super().__init__(_("Ce dossier vient d'être modifié par quelqu'un d'autre : votre action n'a pas été "
                           "enregistrée. Voici son état actuel ; vérifiez-le avant de recommencer."))


class ActionNotAllowed(CaseHandlingError, PermissionError):
    """The actor may not do this on this case."""


class TransitionNotAllowed(ActionNotAllowed):
    """The transition does not exist, does not leave the current status, or the actor lacks the role.

    `reason`: "unknown", "status" or "role".
    """

    def __init__(self, message, reason="role"):
        self.reason = reason
        super().__init__(message)


class InvalidTransitionInput(CaseHandlingError, ValueError):
    """Inputs missing or wrong; `errors` maps a field ("motivation", "pieces", "deadline", "comment",
    "assignee") to its French messages."""

    def __init__(self, errors):
        self.errors = {field: list(messages) for field, messages in errors.items()}
        super().__init__(" ".join(message for messages in self.errors.values() for message in messages))


# --- Reading -------------------------------------------------------------------------------------------------

def roles_in_department(user, department_id) -> frozenset:
    """The role values `user` holds in the department (empty for anyone else, inactive users included)."""
    if user is None:
        return frozenset()
    return frozenset(role for department, role in roles_of(user) if department == department_id)


def available_transitions(case, user):
    """The workflow transitions `user` may trigger on `case` now, in the workflow's order."""
    roles = roles_in_department(user, case.department_id)
    if not roles:
        return []
    try:
        return workflow_of(case).transitions_from(case.status, roles)
    except KeyError:  # a status the workflow does not know: nothing can leave it
        return []


def can_assign(user, case) -> bool:
    return bool(roles_in_department(user, case.department_id) & set(ASSIGNING_ROLES))


def assignable_agents(case):
    """The active agents a case may be assigned to: case officers and heads of its department."""
    return agents_of(case.department_id, *ASSIGNABLE_ROLES)


# --- Inputs --------------------------------------------------------------------------------------------------

def clean_transition_inputs(transition, *, motivation="", pieces=(), deadline=None, comment="", today=None):
    """The inputs of `transition`, checked: {"motivation", "pieces", "deadline", "comment"}.

    What the transition requires must be given: a motivation (refusals), the list of pieces and a deadline
    that is not in the past (L114-5), a comment. What it does not require is ignored, except an optional
    comment, kept for the history.
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    requires = set(transition.requires)
    motivation = (motivation or "").strip()
    comment = (comment or "").strip()
    if isinstance(pieces, str):
        pieces = pieces.splitlines()
    pieces = [" ".join(str(piece).split()).lstrip("-• ").strip() for piece in pieces or ()]
    pieces = [piece for piece in pieces if piece]
    if "motivation" in requires:
        if not motivation:
            errors["motivation"] = [_("Indiquez les motifs de la décision : ils sont communiqués à l'usager.")]
        elif len(motivation) > MAX_TEXT_LENGTH:
            errors["motivation"] = [_("Les motifs ne peuvent dépasser %(n)s caractères.") % {"n": MAX_TEXT_LENGTH}]
    else:
        motivation = ""
    if "pieces" in requires:
        if not pieces:
            errors["pieces"] = [_("Indiquez au moins une pièce à fournir (une par ligne).")]
        elif len(pieces) > MAX_PIECES:
            errors["pieces"] = [_("Indiquez au plus %(n)s pièces.") % {"n": MAX_PIECES}]
        elif any(len(piece) > MAX_PIECE_LENGTH for piece in pieces):
            errors["pieces"] = [_("Chaque pièce tient en %(n)s caractères au plus.") % {"n": MAX_PIECE_LENGTH}]
        if deadline is None:
            errors["deadline"] = [_("Indiquez la date limite pour fournir les pièces.")]
        elif not isinstance(deadline, dt.date) or isinstance(deadline, dt.datetime):
            errors["deadline"] = [_("Indiquez une date valide.")]
        elif deadline < today:
            errors["deadline"] = [_("La date limite ne peut pas être passée : indiquez le %(today)s ou une date "
                                    "ultérieure.") % {"today": today.strftime("%d/%m/%Y")}]
        elif deadline > today + dt.timedelta(days=MAX_DEADLINE_DAYS):
            errors["deadline"] = [_("La date limite ne peut pas dépasser un an.")]
    else:
        pieces, deadline = [], None
    if "comment" in requires and not comment:
        errors["comment"] = [_("Ajoutez un commentaire pour l'historique.")]
    elif len(comment) > MAX_TEXT_LENGTH:
        errors["comment"] = [_("Le commentaire ne peut dépasser %(n)s caractères.") % {"n": MAX_TEXT_LENGTH}]
    if errors:
        raise InvalidTransitionInput(errors)
    return {"motivation": motivation, "pieces": pieces, "deadline": deadline, "comment": comment}


# --- Locking and versions ------------------------------------------------------------------------------------

def lock_case(case_id) -> Case:
    """The case, read again and locked until the transaction ends (PostgreSQL; SQLite serialises writers)."""
    return (Case.objects.select_for_update(of=("self",))
            .select_related("procedure", "department", "revision", "applicant", "assignee").get(pk=case_id))


def bump_version(case, **fields):
    """Writes `fields` and the next version if the row still has `case.version`; StaleCase otherwise."""
    now = timezone.now()
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        version=case.version + 1, updated_at=now, **fields)
    if updated != 1:
        raise StaleCase(Case.objects.select_related("procedure", "department", "revision", "applicant",
                                                    "assignee").get(pk=case.pk))
    for name, value in fields.items():
        setattr(case, name, value)
    case.version += 1
    case.updated_at = now
    return case


def _check_version(locked, expected_version):
    if expected_version is not None and locked.version != int(expected_version):
        raise StaleCase(locked)


# --- Transitions ---------------------------------------------------------------------------------------------

def apply_transition(case, transition_key, *, actor, expected_version, channel="", motivation="", pieces=(),
                     deadline=None, comment="", system=False, at=None):
    """Moves `case` along the transition `transition_key` and returns the case as it is now.

    `actor`: the agent (or, with `system=True`, whoever caused the system's move, e.g. the resident sending
    the pieces online; None for a timer or a command). `expected_version`: the version the actor saw (None
    only for the system's own moves). `at`: when it happened (default now; imports and the demo give past
    moments). Raises `StaleCase`, `TransitionNotAllowed`, `InvalidTransitionInput`.
    """
    at = at or timezone.now()
    today = timezone.localtime(at, PARIS).date()
    workflow = workflow_of(case)
    try:
        transition = workflow.transition(transition_key)
    except KeyError:
        raise TransitionNotAllowed(_("Cette action n'existe pas dans le circuit de cette démarche."),
                                   reason="unknown") from None
    if actor is None and not system:
        raise TransitionNotAllowed(_("Seul un agent du service peut faire cette action."), reason="role")
    inputs = clean_transition_inputs(transition, motivation=motivation, pieces=pieces, deadline=deadline,
                                     comment=comment, today=today)
    with transaction.atomic():
        locked = lock_case(case.pk)
        _check_version(locked, expected_version)
        roles = roles_in_department(actor, locked.department_id) if not system else frozenset()
        if not workflow.can_trigger(transition.key, locked.status, roles, system=system):
            if locked.status not in transition.from_:
                label = _status_label(workflow, locked.status)
                raise TransitionNotAllowed(
                    _("« %(action)s » n'est pas possible quand le dossier est « %(status)s ».")
                    % {"action": transition.label, "status": label}, reason="status")
            raise TransitionNotAllowed(_("Votre rôle dans ce service ne permet pas « %(action)s ».")
                                       % {"action": transition.label}, reason="role")
        source = workflow.status(locked.status)
        target = workflow.status(transition.to)
        bump_version(locked, status=target.key, closed_at=at if target.final else None)
        record_event(
            locked, "status_changed", f"{transition.label} : {source.label} → {target.label}", actor=actor,
            channel=channel, at=at,
            data={"transition": transition.key, "from": source.key, "to": target.key, "system": system,
                  "version": locked.version,
                  "resident_description": _("Votre demande est maintenant : %(status)s")
                  % {"status": target.resident_label}},
        )
        if inputs["comment"]:
            record_event(locked, "comment", _("Commentaire : %(text)s") % {"text": inputs["comment"]}, actor=actor,
                         channel=channel, at=at, visible_to_resident=False)
        # What leaving the status undoes: its timers; its requests for pieces, when the case goes back to work.
        cancel_timers(locked, at=at, reason=_("sortie du statut « %(status)s »") % {"status": source.label})
        if not target.final:
            complete_pending_pieces(locked, source, target, actor=actor, channel=channel, at=at)
        run_entry_actions(Run(case=locked, workflow=workflow, status=target, actor=actor, system=system,
                              channel=channel, at=at, motivation=inputs["motivation"], pieces=inputs["pieces"],
                              deadline=inputs["deadline"]))
    return locked


def _status_label(workflow, key):
    try:
        return workflow.label(key)
    except KeyError:
        return key


# --- Assignment ----------------------------------------------------------------------------------------------

def assign_case(case, assignee, *, actor, expected_version=None, channel="", at=None):
    """Gives the case to `assignee` (an active case officer or head of its department), or to nobody (None).

    `actor` must be a case officer or head of the case's department (None: the system). Raises
    `ActionNotAllowed`, `InvalidTransitionInput` ({"assignee": [...]}) or `StaleCase`. Assigning a case to
    the agent it already has changes nothing.
    """
    at = at or timezone.now()
    if actor is not None and not can_assign(actor, case):
        raise ActionNotAllowed(_("Seuls les instructeurs et chefs du service peuvent affecter ce dossier."))
    with transaction.atomic():
        locked = lock_case(case.pk)
        _check_version(locked, expected_version)
        if actor is not None and not can_assign(actor, locked):  # the case may have changed department
            raise ActionNotAllowed(_("Seuls les instructeurs et chefs du service peuvent affecter ce dossier."))
        if assignee is not None and not assignable_agents(locked).filter(pk=assignee.pk).exists():
            raise InvalidTransitionInput({"assignee": [
                _("Cette personne n'est pas un agent actif du service %(department)s.")
                % {"department": locked.department.name}]})
        if (assignee.pk if assignee else None) == locked.assignee_id:
            return locked
        previous = locked.assignee
        bump_version(locked, assignee=assignee)
        if assignee is None:
            description = _("Dossier désaffecté (auparavant : %(name)s)") % {"name": _agent_name(previous)}
        else:
            description = _("Dossier affecté à %(name)s") % {"name": _agent_name(assignee)}
        record_event(locked, "assigned", description, actor=actor, channel=channel, at=at, visible_to_resident=False,
                     data={"from": previous.pk if previous else None, "to": assignee.pk if assignee else None})
    return locked


def _agent_name(user):
    if user is None:
        return "personne"
    return user.full_name or user.email or f"#{user.pk}"
