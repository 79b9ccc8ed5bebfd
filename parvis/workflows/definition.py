"""Workflows (circuits de traitement) stored as data: the format, its validation and a read-only view of it.

A procedure revision carries its workflow as JSON (`ProcedureRevision.workflow`); the format is documented
in docs/dev/workflows.md. This module knows nothing of the ORM: the services that change a case's status
ask a `Workflow` what is allowed, then run the entry actions of the new status and write the history.

* `validate_workflow(data)` lists every problem in French (the no-code builder shows them); each problem
  is a `Problem` (a ``str``) that also carries a stable ``code`` and the ``where`` it was found.
* `Workflow(data)` refuses an invalid definition (`WorkflowError`) and answers questions about a valid one.
* `load_workflow(data)` gives the default workflow when a revision has none yet (an empty dict).
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy

from parvis.workflows.default import DEFAULT_WORKFLOW
from parvis.workflows.placeholders import (
    PLACEHOLDERS_BY_NAME,
    TemplateTextError,
    find_placeholders,
    render_template_text,
    template_syntax_problems,
    unknown_placeholders,
)
from parvis.workflows.placeholders import translate as _
from parvis.workflows.placeholders import translate_plural as ngettext

FORMAT_VERSION = 1
# The values of `parvis.organisation.models.Role` (kept here so that this module imports without Django's
# app registry; a test checks they stay the same).
ROLES = ("front_desk", "case_officer", "head", "procedure_admin")
OUTCOMES = ("accepted", "refused", "closed")
# The values of the `decision.outcome` placeholder.
OUTCOME_LABELS = {"accepted": gettext_lazy("acceptée"), "refused": gettext_lazy("refusée"),
                  "closed": gettext_lazy("classée sans suite")}
# What the agent must give when triggering a transition.
REQUIREMENTS = ("motivation", "pieces", "comment")
ACTION_FIELDS = {
    "email_resident": {"subject", "body"},
    "assign": {"to"},
    "request_pieces": set(),
    "produce_document": {"title", "template", "visible_to_resident"},
    "record_decision": {"outcome"},
    "start_timer": {"days", "then", "subject", "body"},
}
ACTION_TYPES = tuple(ACTION_FIELDS)
REGIME_OUTCOMES = {"SVA": "accepted", "SVR": "refused"}
MAX_TIMER_DAYS = 365
MAX_LABEL_LENGTH = 120

_KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")  # Case.status is 40 characters long
_SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")
_WORKFLOW_FIELDS = {"version", "initial", "statuses", "transitions"}
_STATUS_FIELDS = {"key", "label", "resident_label", "next_step", "final", "outcome", "system", "on_enter"}
_TRANSITION_FIELDS = {"key", "label", "from", "to", "roles", "system", "requires"}
_TEMPLATE_FIELD_LABELS = {"subject": "sujet", "body": "texte", "title": "titre", "template": "modèle",
                          "next_step": "prochaine étape"}
MAX_NEXT_STEP_LENGTH = 300


class Problem(str):
    """One problem of a workflow: a French sentence, with a stable `code` and the `where` it was found."""

    code: str
    where: str

    def __new__(cls, message: str, code: str, where: str = ""):
        problem = super().__new__(cls, f"{where} : {message}" if where else message)
        problem.code = code
        problem.where = where
        return problem


class WorkflowError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _is_key(value) -> bool:
    return isinstance(value, str) and bool(_KEY_RE.fullmatch(value))


def _where_status(index: int, status) -> str:
    key = status.get("key") if isinstance(status, dict) else None
    return _("Statut « %(key)s »") % {"key": key} if _is_key(key) else _("Statut n° %(n)s") % {"n": index + 1}


def _where_transition(index: int, transition) -> str:
    key = transition.get("key") if isinstance(transition, dict) else None
    if _is_key(key):
        return _("Transition « %(key)s »") % {"key": key}
    return _("Transition n° %(n)s") % {"n": index + 1}


class _Validator:
    def __init__(self, data, regime, agents, departments):
        self.data = data
        self.regime = regime
        self.agents = None if agents is None else {agent.lower() for agent in agents}
        self.departments = None if departments is None else set(departments)
        self.problems: list[Problem] = []
        self.statuses: dict[str, dict] = {}
        self.transitions: dict[str, dict] = {}
        self.initial = None

    def add(self, code: str, message: str, where: str = ""):
        self.problems.append(Problem(message, code, where))

    def run(self) -> list[Problem]:
        data = self.data
        if not isinstance(data, dict):
            self.add("invalid_format", _("Le circuit de traitement doit être un objet JSON."))
            return self.problems
        version = data.get("version")
        if type(version) is not int or version != FORMAT_VERSION:
            self.add("version", _("Version du format inconnue : %(version)s (attendue : %(expected)s).")
                     % {"version": version, "expected": FORMAT_VERSION})
        self.unknown_fields(data, _WORKFLOW_FIELDS, "")
        statuses = data.get("statuses")
        if not isinstance(statuses, list) or not statuses:
            self.add("missing_field", _("La liste des statuts (« statuses ») est absente ou vide."))
            statuses = []
        transitions = data.get("transitions")
        if not isinstance(transitions, list):
            self.add("missing_field", _("La liste des transitions (« transitions ») est absente."))
            transitions = []
        for index, status in enumerate(statuses):
            self.check_status(index, status)
        self.check_initial(data.get("initial"))
        for index, transition in enumerate(transitions):
            self.check_transition(index, transition)
        for key, status in self.statuses.items():
            self.check_actions(key, status)
        self.check_graph()
        self.check_implicit_statuses()
        return self.problems

    # --- Fields -----------------------------------------------------------------------------------------------

    def unknown_fields(self, obj: dict, allowed: set[str], where: str):
        for field in obj:
            if field not in allowed:
                self.add("unknown_field", _("champ inconnu « %(field)s » (champs possibles : %(allowed)s).")
                         % {"field": field, "allowed": ", ".join(sorted(allowed))}, where)

    def text(self, obj: dict, field: str, where: str, max_length: int | None = MAX_LABEL_LENGTH) -> bool:
        value = obj.get(field)
        if not isinstance(value, str) or not value.strip():
            self.add("missing_field", _("le champ « %(field)s » est obligatoire (texte non vide).")
                     % {"field": field}, where)
            return False
        if max_length and len(value) > max_length:
            self.add("invalid_field", _("le champ « %(field)s » dépasse %(max)s caractères.")
                     % {"field": field, "max": max_length}, where)
        return True

    def boolean(self, obj: dict, field: str, where: str):
        if field in obj and not isinstance(obj[field], bool):
            self.add("invalid_field", _("le champ « %(field)s » doit valoir true ou false.") % {"field": field}, where)

    def key_list(self, obj: dict, field: str, where: str) -> list:
        value = obj.get(field, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.add("invalid_field", _("le champ « %(field)s » doit être une liste de textes.") % {"field": field},
                     where)
            return []
        return list(dict.fromkeys(value))

    # --- Statuses and transitions -----------------------------------------------------------------------------

    def check_status(self, index: int, status):
        where = _where_status(index, status)
        if not isinstance(status, dict):
            self.add("invalid_format", _("un statut doit être un objet JSON."), where)
            return
        self.unknown_fields(status, _STATUS_FIELDS, where)
        key = status.get("key")
        if not _is_key(key):
            self.add("invalid_key", _("l'identifiant (« key ») doit être fait de lettres minuscules non accentuées, "
                                      "chiffres et « _ », commencer par une lettre et faire au plus 40 caractères."),
                     where)
        elif key in self.statuses:
            self.add("duplicate_status", _("l'identifiant « %(key)s » est utilisé par plusieurs statuts.")
                     % {"key": key}, where)
            key = None
        self.text(status, "label", where)
        self.text(status, "resident_label", where)
        next_step = status.get("next_step", "")
        if not isinstance(next_step, str) or len(next_step) > MAX_NEXT_STEP_LENGTH:
            self.add("invalid_field", _("le champ « next_step » doit être un texte d'au plus %(max)s caractères.")
                     % {"max": MAX_NEXT_STEP_LENGTH}, where)
        for field in ("final", "system"):
            self.boolean(status, field, where)
        outcome = status.get("outcome")
        if outcome is not None and outcome not in OUTCOMES:
            self.add("invalid_field", _("issue (« outcome ») inconnue : « %(outcome)s » (issues possibles : "
                                        "%(outcomes)s, ou null).")
                     % {"outcome": outcome, "outcomes": ", ".join(OUTCOMES)}, where)
        elif outcome is not None and status.get("final") is not True:
            self.add("outcome_not_final", _("seul un statut final peut avoir une issue (« outcome »)."), where)
        if not isinstance(status.get("on_enter", []), list):
            self.add("invalid_field", _("le champ « on_enter » doit être une liste d'actions."), where)
        if key:
            self.statuses[key] = status

    def check_initial(self, initial):
        if initial is None or initial == "":
            self.add("missing_initial", _("Aucun statut initial (« initial ») n'est indiqué."))
        elif not isinstance(initial, str) or initial not in self.statuses:
            self.add("unknown_initial", _("Le statut initial « %(key)s » n'existe pas.") % {"key": initial})
        else:
            self.initial = initial

    def check_transition(self, index: int, transition):
        where = _where_transition(index, transition)
        if not isinstance(transition, dict):
            self.add("invalid_format", _("une transition doit être un objet JSON."), where)
            return
        self.unknown_fields(transition, _TRANSITION_FIELDS, where)
        key = transition.get("key")
        if not _is_key(key):
            self.add("invalid_key", _("l'identifiant (« key ») doit être fait de lettres minuscules non accentuées, "
                                      "chiffres et « _ », commencer par une lettre et faire au plus 40 caractères."),
                     where)
            key = None
        elif key in self.transitions:
            self.add("duplicate_transition", _("l'identifiant « %(key)s » est utilisé par plusieurs transitions.")
                     % {"key": key}, where)
            key = None
        self.text(transition, "label", where)
        self.boolean(transition, "system", where)
        # A transition with some unknown statuses still counts in the graph with the others, so that one typo
        # does not make the rest of the workflow look unreachable.
        known_sources = []
        sources = transition.get("from")
        if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
            self.add("missing_field", _("le champ « from » doit être une liste non vide de statuts."), where)
        else:
            for source in dict.fromkeys(sources):
                if source not in self.statuses:
                    self.add("unknown_status", _("le statut de départ « %(key)s » n'existe pas.") % {"key": source},
                             where)
                    continue
                known_sources.append(source)
                if self.statuses[source].get("final") is True:
                    self.add("final_has_exit", _("le statut « %(key)s » est final : aucune transition ne peut en "
                                                 "partir.") % {"key": source}, where)
        target = transition.get("to")
        valid = bool(known_sources)
        if not isinstance(target, str) or target not in self.statuses:
            self.add("unknown_status", _("le statut d'arrivée « %(key)s » n'existe pas.") % {"key": target}, where)
            valid = False
        roles = self.key_list(transition, "roles", where)
        for role in roles:
            if role not in ROLES:
                self.add("unknown_role", _("rôle inconnu : « %(role)s » (rôles possibles : %(roles)s).")
                         % {"role": role, "roles": ", ".join(ROLES)}, where)
        if not roles and transition.get("system") is not True:
            self.add("nobody_can_trigger", _("aucun rôle (« roles ») ne peut la déclencher et elle n'est pas "
                                             "déclenchée par le système (« system »)."), where)
        if valid and roles and self.statuses[target].get("system") is True:
            self.add("agent_into_system_status", _("le statut « %(key)s » est réservé au système : une transition "
                                                   "déclenchée par des agents ne peut pas y mener.") % {"key": target},
                     where)
        for requirement in self.key_list(transition, "requires", where):
            if requirement not in REQUIREMENTS:
                self.add("unknown_requirement", _("exigence inconnue : « %(value)s » (exigences possibles : "
                                                  "%(values)s).") % {"value": requirement,
                                                                     "values": ", ".join(REQUIREMENTS)}, where)
        if key and valid:
            self.transitions[key] = {**transition, "from": known_sources}

    # --- Actions ----------------------------------------------------------------------------------------------

    def entered_without(self, status_key: str, requirement: str) -> list[str]:
        """Why the input `requirement` may be missing when the case enters `status_key` (empty: never)."""
        reasons = []
        if status_key == self.initial:
            reasons.append(_("c'est le statut initial"))
        if self.statuses[status_key].get("system") is True:
            reasons.append(_("le système y fait entrer la demande sans transition"))
        for key, transition in self.transitions.items():
            if transition["to"] == status_key and requirement not in transition.get("requires", []):
                reasons.append(_("la transition « %(key)s » y mène sans l'exiger") % {"key": key})
        return reasons

    def check_template(self, action: dict, field: str, status_key: str, where: str) -> bool:
        label = _TEMPLATE_FIELD_LABELS[field]
        if not self.text(action, field, where, max_length=None):
            return False
        text = action[field]
        for problem in template_syntax_problems(text):
            self.add("template_syntax", f"{label} : {problem}", where)
        for name in sorted(unknown_placeholders(text)):
            self.add("unknown_placeholder", _("%(field)s : le champ de fusion « {{ %(name)s }} » n'existe pas.")
                     % {"field": label, "name": name}, where)
        for name in sorted(find_placeholders(text)):
            placeholder = PLACEHOLDERS_BY_NAME.get(name)
            if placeholder is None or placeholder.requires is None:
                continue
            reasons = self.entered_without(status_key, placeholder.requires)
            if reasons:
                self.add("placeholder_unavailable",
                         _("%(field)s : le champ de fusion « {{ %(name)s }} » n'a de valeur que si la transition "
                           "qui mène à ce statut l'exige (« requires » : « %(requirement)s ») ; or %(reasons)s.")
                         % {"field": label, "name": name, "requirement": placeholder.requires,
                            "reasons": " ; ".join(reasons)}, where)
        return True

    def check_actions(self, status_key: str, status: dict):
        next_step = status.get("next_step")
        if isinstance(next_step, str) and next_step.strip():
            self.check_template(status, "next_step", status_key, _("Statut « %(key)s »") % {"key": status_key})
        actions = status.get("on_enter", [])
        if not isinstance(actions, list):
            return
        for index, action in enumerate(actions):
            kind = action.get("type") if isinstance(action, dict) else None
            kind = kind if isinstance(kind, str) else repr(kind)
            where = _("Statut « %(key)s », action n° %(n)s") % {"key": status_key, "n": index + 1}
            if not isinstance(action, dict):
                self.add("invalid_format", _("une action doit être un objet JSON."), where)
            elif kind not in ACTION_FIELDS:
                self.add("unknown_action", _("type d'action inconnu : « %(type)s » (types possibles : %(types)s).")
                         % {"type": kind, "types": ", ".join(ACTION_TYPES)}, where)
            else:
                where = f"{where} ({kind})"
                self.unknown_fields(action, ACTION_FIELDS[kind] | {"type"}, where)
                getattr(self, f"check_{kind}")(action, status_key, status, where)

    def check_email_resident(self, action, status_key, status, where):
        if self.check_template(action, "subject", status_key, where) and "\n" in action["subject"]:
            self.add("invalid_field", _("le sujet doit tenir sur une ligne."), where)
        self.check_template(action, "body", status_key, where)

    def check_assign(self, action, status_key, status, where):
        to = action.get("to")
        kind, _sep, value = to.partition(":") if isinstance(to, str) else ("", "", "")
        if to == "actor":
            return
        if kind == "agent":
            try:
                validate_email(value)
            except ValidationError:
                self.add("invalid_assignee", _("« %(value)s » n'est pas une adresse de courriel valide.")
                         % {"value": value}, where)
                return
            if self.agents is not None and value.lower() not in self.agents:
                self.add("unknown_agent", _("aucun agent n'a l'adresse « %(value)s ».") % {"value": value}, where)
        elif kind == "department" and _SLUG_RE.fullmatch(value):
            if self.departments is not None and value not in self.departments:
                self.add("unknown_department", _("aucun service n'a l'identifiant « %(value)s ».") % {"value": value},
                         where)
        else:
            self.add("invalid_assignee", _("le champ « to » doit valoir « actor », « agent:<courriel> » ou "
                                           "« department:<identifiant du service> »."), where)

    def check_request_pieces(self, action, status_key, status, where):
        reasons = self.entered_without(status_key, "pieces")
        if reasons:
            self.add("pieces_not_requested", _("la liste des pièces n'est connue que si la transition qui mène à ce "
                                               "statut l'exige (« requires » : « pieces ») ; or %(reasons)s.")
                     % {"reasons": " ; ".join(reasons)}, where)

    def check_produce_document(self, action, status_key, status, where):
        self.check_template(action, "title", status_key, where)
        self.check_template(action, "template", status_key, where)
        self.boolean(action, "visible_to_resident", where)

    def check_record_decision(self, action, status_key, status, where):
        outcome = action.get("outcome")
        if outcome not in OUTCOMES:
            self.add("invalid_field", _("issue (« outcome ») inconnue : « %(outcome)s » (issues possibles : "
                                        "%(outcomes)s).") % {"outcome": outcome, "outcomes": ", ".join(OUTCOMES)},
                     where)
        elif status.get("outcome") in OUTCOMES and status["outcome"] != outcome:
            self.add("decision_mismatch", _("la décision enregistrée (« %(action)s ») contredit l'issue du statut "
                                            "(« %(status)s »).") % {"action": outcome, "status": status["outcome"]},
                     where)

    def check_start_timer(self, action, status_key, status, where):
        if status.get("final") is True:
            self.add("timer_on_final", _("un statut final ne peut pas lancer de minuteur."), where)
        days = action.get("days")
        if type(days) is not int or not 1 <= days <= MAX_TIMER_DAYS:
            self.add("invalid_field", _("le nombre de jours (« days ») doit être un entier de 1 à %(max)s.")
                     % {"max": MAX_TIMER_DAYS}, where)
        then = action.get("then")
        if then == "remind":
            self.check_template(action, "subject", status_key, where)
            self.check_template(action, "body", status_key, where)
            return
        if not isinstance(then, str) or not then.startswith("transition:"):
            self.add("invalid_field", _("le champ « then » doit valoir « remind » ou « transition:<transition> »."),
                     where)
            return
        for field in ("subject", "body"):
            if field in action:
                self.add("invalid_field", _("le champ « %(field)s » ne sert qu'à une relance (« then » : « remind »).")
                         % {"field": field}, where)
        key = then.removeprefix("transition:")
        transition = self.transitions.get(key)
        if transition is None:
            self.add("unknown_transition", _("la transition « %(key)s » du minuteur n'existe pas.") % {"key": key},
                     where)
            return
        if status_key not in transition["from"]:
            self.add("timer_transition_not_from_status", _("la transition « %(key)s » du minuteur ne part pas de ce "
                                                           "statut.") % {"key": key}, where)
        if transition.get("system") is not True:
            self.add("timer_transition_not_system", _("la transition « %(key)s » du minuteur doit pouvoir être "
                                                      "déclenchée par le système (« system » : true).") % {"key": key},
                     where)
        if transition.get("requires"):
            self.add("timer_transition_requires_input", _("la transition « %(key)s » du minuteur exige une saisie "
                                                          "(« requires ») qu'un minuteur ne peut pas faire.")
                     % {"key": key}, where)

    # --- The whole graph --------------------------------------------------------------------------------------

    def check_graph(self):
        if not self.statuses:
            return
        finals = {key for key, status in self.statuses.items() if status.get("final") is True}
        if not finals:
            self.add("no_final_status", _("Aucun statut n'est final : une demande ne pourrait jamais aboutir."))
        successors: dict[str, set[str]] = {key: set() for key in self.statuses}
        for transition in self.transitions.values():
            for source in transition["from"]:
                successors[source].add(transition["to"])
        if self.initial:
            system = {key for key, status in self.statuses.items() if status.get("system") is True}
            reachable = _closure({self.initial} | system, successors)
            for key in self.statuses:
                if key not in reachable:
                    self.add("unreachable", _("il ne peut pas être atteint depuis le statut initial « %(initial)s ».")
                             % {"initial": self.initial}, _("Statut « %(key)s »") % {"key": key})
        for key in self.statuses:
            if key in finals:
                continue
            where = _("Statut « %(key)s »") % {"key": key}
            if not successors[key]:
                self.add("no_exit", _("ce statut n'est pas final et aucune transition n'en sort."), where)
            elif finals and not _closure({key}, successors) & finals:
                self.add("no_path_to_final", _("ce statut n'est pas final et aucun enchaînement de transitions ne "
                                               "mène de lui à un statut final."), where)

    def check_implicit_statuses(self):
        by_outcome: dict[str, list[str]] = {}
        for key, status in self.statuses.items():
            if status.get("system") is True and status.get("final") is True and status.get("outcome") in OUTCOMES:
                by_outcome.setdefault(status["outcome"], []).append(key)
        for outcome, keys in by_outcome.items():
            if len(keys) > 1:
                self.add("duplicate_implicit", _("plusieurs statuts système finals ont l'issue « %(outcome)s » "
                                                 "(%(keys)s) : la décision implicite ne saurait lequel choisir.")
                         % {"outcome": outcome, "keys": ", ".join(keys)})
        outcome = REGIME_OUTCOMES.get(self.regime)
        if outcome and outcome not in by_outcome:
            self.add("missing_implicit", _("la démarche relève du régime « %(regime)s » : le circuit doit comporter un "
                                           "statut système final d'issue « %(outcome)s » (décision implicite).")
                     % {"regime": self.regime, "outcome": outcome})


def _closure(start: set[str], successors: Mapping[str, set[str]]) -> set[str]:
    seen = set(start)
    todo = list(start)
    while todo:
        for following in successors.get(todo.pop(), ()):
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return seen


def validate_workflow(data, *, regime: str | None = None, agents: Iterable[str] | None = None,
                      departments: Iterable[str] | None = None) -> list[Problem]:
    """Every problem of a workflow definition, in French; an empty list when it is valid.

    `regime` ("SVA", "SVR", "none"): the procedure's; under SVA/SVR the workflow needs the matching implicit
    status. `agents` (emails) and `departments` (slugs): when given, the targets of `assign` actions must be
    among them (the builder passes what the database holds; without them only the shape is checked).
    """
    return _Validator(data, regime, agents, departments).run()


# --- A valid workflow, read-only ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    key: str
    label: str
    resident_label: str
    next_step: str
    final: bool
    outcome: str | None
    system: bool
    on_enter: tuple[Mapping, ...]

    @property
    def timers(self) -> tuple[Mapping, ...]:
        return tuple(action for action in self.on_enter if action["type"] == "start_timer")


@dataclass(frozen=True)
class Transition:
    key: str
    label: str
    from_: tuple[str, ...]
    to: str
    roles: frozenset[str]
    system: bool
    requires: tuple[str, ...]

    def allowed_for(self, roles: Iterable[str] | None, *, system: bool = False) -> bool:
        """Whether an agent holding `roles` (or the system, with system=True) may trigger it."""
        return bool(self.roles & set(roles or ())) or (system and self.system)


class Workflow:
    """A validated workflow. Raises `WorkflowError` (with `.problems`) for an invalid definition."""

    def __init__(self, data, *, regime: str | None = None):
        problems = validate_workflow(data, regime=regime)
        if problems:
            raise WorkflowError(problems)
        self._data = copy.deepcopy(data)
        self.version: int = data["version"]
        self.initial: str = data["initial"]
        self._statuses = {
            s["key"]: Status(
                key=s["key"], label=s["label"], resident_label=s["resident_label"], next_step=s.get("next_step", ""),
                final=s.get("final", False),
                outcome=s.get("outcome"), system=s.get("system", False),
                on_enter=tuple(MappingProxyType(dict(a)) for a in copy.deepcopy(s.get("on_enter", []))),
            )
            for s in data["statuses"]
        }
        self._transitions = {
            t["key"]: Transition(
                key=t["key"], label=t["label"], from_=tuple(dict.fromkeys(t["from"])), to=t["to"],
                roles=frozenset(t.get("roles", [])), system=t.get("system", False),
                requires=tuple(dict.fromkeys(t.get("requires", []))),
            )
            for t in data["transitions"]
        }

    def __repr__(self):
        return f"<Workflow v{self.version}: {', '.join(self._statuses)}>"

    def to_data(self) -> dict:
        """The definition as JSON data (a copy, with every optional field written out)."""
        data = copy.deepcopy(self._data)
        for status in data["statuses"]:
            status.setdefault("next_step", "")
            status.setdefault("final", False)
            status.setdefault("outcome", None)
            status.setdefault("system", False)
            status.setdefault("on_enter", [])
        for transition in data["transitions"]:
            transition.setdefault("roles", [])
            transition.setdefault("system", False)
            transition.setdefault("requires", [])
        return data

    @property
    def statuses(self) -> tuple[Status, ...]:
        return tuple(self._statuses.values())

    @property
    def transitions(self) -> tuple[Transition, ...]:
        return tuple(self._transitions.values())

    def status(self, key: str) -> Status:
        """The status `key`; KeyError if the workflow has none of that name."""
        return self._statuses[key]

    def is_final(self, key: str) -> bool:
        return self.status(key).final

    def label(self, key: str) -> str:
        return self.status(key).label

    def resident_label(self, key: str) -> str:
        return self.status(key).resident_label

    def transition(self, key: str) -> Transition:
        """The transition `key`; KeyError if the workflow has none of that name."""
        return self._transitions[key]

    def transitions_from(self, status_key: str, roles: Iterable[str] | None = None, *,
                         system: bool = False) -> list[Transition]:
        """The transitions leaving `status_key`, in definition order.

        `roles`: the values of the roles the agent holds in the case's department; only the transitions one of
        them may trigger are kept (with system=True, those the system may trigger too). None: no filtering.
        """
        self.status(status_key)
        leaving = [t for t in self._transitions.values() if status_key in t.from_]
        if roles is None and not system:
            return leaving
        return [t for t in leaving if t.allowed_for(roles, system=system)]

    def can_trigger(self, transition_key: str, status_key: str, roles: Iterable[str] | None, *,
                    system: bool = False) -> bool:
        """Whether a case in `status_key` may take the transition, for an agent with `roles` (None: no role)
        or for the system (system=True). Unknown transition or status: False."""
        transition = self._transitions.get(transition_key)
        if transition is None or status_key not in self._statuses or status_key not in transition.from_:
            return False
        return transition.allowed_for(roles, system=system)

    def system_statuses(self) -> list[Status]:
        """The statuses only the system enters (implicit decisions...), which need no incoming transition."""
        return [status for status in self._statuses.values() if status.system]

    def implicit_status(self, regime: str) -> Status | None:
        """The status a case enters when silence gives an implicit decision under `regime` ("SVA", "SVR"), or None.

        It is the final system status with the matching outcome; the periodic command moves a case there
        from any non-final status, without a transition.
        """
        outcome = REGIME_OUTCOMES.get(regime)
        for status in self._statuses.values():
            if status.system and status.final and outcome and status.outcome == outcome:
                return status
        return None


@functools.cache
def _default_workflow() -> Workflow:
    return Workflow(DEFAULT_WORKFLOW)


def load_workflow(data, *, regime: str | None = None) -> Workflow:
    """The workflow of a procedure revision: the default one while the revision has none (empty dict).

    The default workflow suits every regime; a revision's own workflow is checked against `regime` if given.
    """
    if not data:
        return _default_workflow()
    return Workflow(data, regime=regime)


def describe_action(action: Mapping, values: Mapping | None = None) -> str:
    """One French line describing an entry action (builder summary, case history).

    With `values` (placeholder values, as for `render_template_text`), the subject or title is rendered.
    """
    kind = action.get("type")
    to = str(action.get("to", ""))
    then = str(action.get("then", ""))

    def text(field):
        raw = str(action.get(field, ""))
        if values is None:
            return raw
        try:
            return render_template_text(raw, values)
        except TemplateTextError:
            return raw

    if kind == "email_resident":
        return _("Courriel à l'usager : « %(subject)s »") % {"subject": text("subject")}
    if kind == "assign":
        if to == "actor":
            return _("Affectation à l'agent qui a déclenché la transition")
        if to.startswith("agent:"):
            return _("Affectation à l'agent %(email)s") % {"email": to.removeprefix("agent:")}
        return _("Affectation au service « %(slug)s »") % {"slug": to.removeprefix("department:")}
    if kind == "request_pieces":
        return _("Demande de pièces à l'usager")
    if kind == "produce_document":
        return _("Production du document « %(title)s »") % {"title": text("title")}
    if kind == "record_decision":
        return _("Enregistrement de la décision : %(outcome)s") % {
            "outcome": OUTCOME_LABELS.get(action.get("outcome"), action.get("outcome"))}
    if kind == "start_timer":
        days = action.get("days")
        number = days if isinstance(days, int) else 0
        if then == "remind":
            return ngettext("Relance de l'usager dans %(days)s jour", "Relance de l'usager dans %(days)s jours",
                            number) % {"days": days}
        return ngettext("Transition « %(key)s » automatique dans %(days)s jour",
                        "Transition « %(key)s » automatique dans %(days)s jours",
                        number) % {"key": then.removeprefix("transition:"), "days": days}
    return _("Action inconnue : %(type)s") % {"type": kind}
