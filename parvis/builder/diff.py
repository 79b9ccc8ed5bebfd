"""The differences between a draft and the published procedure, as a readable list before publishing.

`compare(procedure, settings, schema, workflow)` → `Diff` with three lists of `Change`s (settings, form,
workflow); each change has a kind (added, removed, changed, moved) and a French sentence. A procedure never
published is compared with nothing: everything is new.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parvis.builder import schema_ops, workflow_ops
from parvis.builder.procedure_settings import SETTINGS_FIELDS, display_value, label, normalise, settings_from_procedure
from parvis.formengine.schema import FIELD_TYPES
from parvis.workflows import load_workflow

ADDED, REMOVED, CHANGED, MOVED = "added", "removed", "changed", "moved"
KIND_LABELS = {ADDED: gettext_lazy("Ajout"), REMOVED: gettext_lazy("Suppression"),
               CHANGED: gettext_lazy("Modification"), MOVED: gettext_lazy("Déplacement")}
TYPE_LABELS = {
    "text": "texte court", "textarea": "texte long", "email": "adresse électronique", "phone": "téléphone",
    "date": "date", "integer": "nombre entier", "decimal": "nombre décimal", "yesno": "oui / non",
    "choice": "choix unique", "multichoice": "choix multiple", "address": "adresse postale", "file": "fichier",
    "consent": "case à cocher", "info": "texte d'information",
}
assert set(TYPE_LABELS) == set(FIELD_TYPES)
_LONG_TEXT = 80
_FIELD_ATTRIBUTES = {"label": "libellé", "help": "aide", "required": "obligatoire", "type": "type",
                     "condition": "condition d'affichage", "prefill": "pré-remplissage",
                     "choices": "réponses proposées"}
_STATUS_ATTRIBUTES = {"label": "libellé pour les agents", "resident_label": "libellé pour l'usager",
                      "next_step": "prochaine étape", "final": "final", "outcome": "issue", "system": "système",
                      "on_enter": "actions à l'entrée"}
_TRANSITION_ATTRIBUTES = {"label": "libellé", "from": "statuts de départ", "to": "statut d'arrivée",
                          "roles": "rôles", "system": "déclenchée par le système", "requires": "saisies exigées"}


@dataclass
class Change:
    kind: str
    text: str

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


@dataclass
class Diff:
    first_publication: bool
    settings: list[Change] = field(default_factory=list)
    form: list[Change] = field(default_factory=list)
    workflow: list[Change] = field(default_factory=list)

    @property
    def empty(self):
        return not (self.settings or self.form or self.workflow)

    def groups(self):
        return [(_("Réglages de la démarche"), self.settings), (_("Formulaire"), self.form),
                (_("Circuit de traitement"), self.workflow)]


def _short(value):
    text = str(value)
    return text if len(text) <= _LONG_TEXT else text[: _LONG_TEXT - 1] + "…"


def compare(procedure, settings, schema, workflow) -> Diff:
    published = procedure.published_revision if procedure.published_revision_id else None
    if published is None:
        result = Diff(first_publication=True)
        count = schema_ops.field_count(schema)
        result.form.append(Change(ADDED, _("Formulaire de %(pages)s page(s) et %(fields)s champ(s).")
                                  % {"pages": len(schema_ops.pages(schema)), "fields": count}))
        result.workflow.append(Change(ADDED, _("Circuit de %(statuses)s statut(s) et %(transitions)s transition(s).")
                                      % {"statuses": len(workflow_ops.statuses(workflow)),
                                         "transitions": len(workflow_ops.transitions(workflow))}))
        result.settings.append(Change(ADDED, _("Première publication de la démarche.")))
        return result
    result = Diff(first_publication=False)
    result.settings = compare_settings(settings_from_procedure(procedure), settings)
    result.form = compare_forms(published.form_schema, schema)
    result.workflow = compare_workflows(load_workflow(published.workflow).to_data() if not published.workflow
                                        else published.workflow, workflow)
    return result


def lines(result: Diff) -> list[str]:
    return [f"{group} — {change.kind_label} : {change.text}" for group, changes in result.groups()
            for change in changes]


# --- Settings --------------------------------------------------------------------------------------------

def compare_settings(before, after) -> list[Change]:
    before, after = normalise(before), normalise(after)
    changes = []
    for name in SETTINGS_FIELDS:
        old, new = before.get(name), after.get(name)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        old_text, new_text = display_value(name, old), display_value(name, new)
        if len(old_text) > _LONG_TEXT or len(new_text) > _LONG_TEXT:
            changes.append(Change(CHANGED, _("%(label)s : texte modifié (« %(new)s »).")
                                  % {"label": label(name), "new": _short(new_text)}))
        else:
            changes.append(Change(CHANGED, _("%(label)s : « %(old)s » → « %(new)s ».")
                                  % {"label": label(name), "old": old_text, "new": new_text}))
    return changes


# --- Form --------------------------------------------------------------------------------------------------

def _title(item):
    return item.get("label") or item.get("title") or item.get("key")


def _index(schema):
    fields, sections, pages = {}, {}, {}
    for page in schema_ops.pages(schema):
        pages[page.get("key")] = page
        for section in page.get("sections") or []:
            sections[section.get("key")] = (page, section)
            for item in section.get("fields") or []:
                fields[item.get("key")] = (page, section, item)
    return pages, sections, fields


def compare_forms(before, after) -> list[Change]:
    old_pages, old_sections, old_fields = _index(before)
    new_pages, new_sections, new_fields = _index(after)
    changes = []
    for key, page in new_pages.items():
        if key not in old_pages:
            changes.append(Change(ADDED, _("page « %(title)s ».") % {"title": _title(page)}))
        else:
            changes += _attributes(_("page"), old_pages[key], page, {"title": "titre", "help": "aide",
                                                                    "condition": "condition d'affichage"})
    for key, page in old_pages.items():
        if key not in new_pages:
            changes.append(Change(REMOVED, _("page « %(title)s ».") % {"title": _title(page)}))
    if [k for k in old_pages if k in new_pages] != [k for k in new_pages if k in old_pages]:
        changes.append(Change(MOVED, _("ordre des pages modifié.")))
    for key, (page, section) in new_sections.items():
        if key not in old_sections:
            changes.append(Change(ADDED, _("partie « %(title)s » (page « %(page)s »).")
                                  % {"title": _title(section), "page": _title(page)}))
        else:
            changes += _attributes(_("partie"), old_sections[key][1], section,
                                   {"title": "titre", "help": "aide", "condition": "condition d'affichage"})
    for key, (_page, section) in old_sections.items():
        if key not in new_sections:
            changes.append(Change(REMOVED, _("partie « %(title)s ».") % {"title": _title(section)}))
    for key, (page, section, item) in new_fields.items():
        if key not in old_fields:
            changes.append(Change(ADDED, _("champ « %(label)s » (%(type)s, page « %(page)s »).")
                                  % {"label": _title(item), "type": TYPE_LABELS.get(item.get("type"), item.get("type")),
                                     "page": _title(page)}))
            continue
        old_page, old_section, old_item = old_fields[key]
        changes += _attributes(_("champ"), old_item, item, _FIELD_ATTRIBUTES, others=True)
        if old_section.get("key") != section.get("key"):
            changes.append(Change(MOVED, _("champ « %(label)s » déplacé dans la partie « %(section)s ».")
                                  % {"label": _title(item), "section": _title(section)}))
    for key, (_page, _section, item) in old_fields.items():
        if key not in new_fields:
            changes.append(Change(REMOVED, _("champ « %(label)s ».") % {"label": _title(item)}))
    return changes


def _attributes(what, old, new, names, others=False) -> list[Change]:
    changed = [label for name, label in names.items() if old.get(name) != new.get(name)]
    if others:
        rest = (set(old) | set(new)) - set(names) - {"key"}
        if any(old.get(name) != new.get(name) for name in rest):
            changed.append("options")
    if not changed:
        return []
    if old.get("label", old.get("title")) != new.get("label", new.get("title")):
        text = _("%(what)s « %(old)s », devenu « %(new)s » : %(changes)s.")
        values = {"what": what, "old": _title(old), "new": _title(new), "changes": ", ".join(changed)}
    else:
        text = _("%(what)s « %(title)s » : %(changes)s.")
        values = {"what": what, "title": _title(new), "changes": ", ".join(changed)}
    return [Change(CHANGED, text % values)]


# --- Workflow -------------------------------------------------------------------------------------------

def compare_workflows(before, after) -> list[Change]:
    changes = []
    old_statuses = {s.get("key"): s for s in workflow_ops.statuses(before)}
    new_statuses = {s.get("key"): s for s in workflow_ops.statuses(after)}
    if before.get("initial") != after.get("initial"):
        initial = new_statuses.get(after.get("initial"), {})
        changes.append(Change(CHANGED, _("statut initial : « %(label)s ».") % {"label": _title(initial) or "?"}))
    for key, status in new_statuses.items():
        if key not in old_statuses:
            changes.append(Change(ADDED, _("statut « %(label)s ».") % {"label": _title(status)}))
        else:
            changes += _attributes(_("statut"), _status_defaults(old_statuses[key]), _status_defaults(status),
                                   _STATUS_ATTRIBUTES)
    for key, status in old_statuses.items():
        if key not in new_statuses:
            changes.append(Change(REMOVED, _("statut « %(label)s ».") % {"label": _title(status)}))
    old_transitions = {t.get("key"): t for t in workflow_ops.transitions(before)}
    new_transitions = {t.get("key"): t for t in workflow_ops.transitions(after)}
    for key, transition in new_transitions.items():
        if key not in old_transitions:
            changes.append(Change(ADDED, _("transition « %(label)s ».") % {"label": _title(transition)}))
        else:
            changes += _attributes(_("transition"), _transition_defaults(old_transitions[key]),
                                   _transition_defaults(transition), _TRANSITION_ATTRIBUTES)
    for key, transition in old_transitions.items():
        if key not in new_transitions:
            changes.append(Change(REMOVED, _("transition « %(label)s ».") % {"label": _title(transition)}))
    if ([k for k in old_transitions if k in new_transitions] != [k for k in new_transitions if k in old_transitions]
            or [k for k in old_statuses if k in new_statuses] != [k for k in new_statuses if k in old_statuses]):
        changes.append(Change(MOVED, _("ordre des statuts ou des transitions modifié.")))
    return changes


def _status_defaults(status):
    return {"next_step": "", "final": False, "outcome": None, "system": False, "on_enter": [], **status}


def _transition_defaults(transition):
    values = {"roles": [], "system": False, "requires": [], **transition}
    values["roles"] = sorted(values["roles"] or [])
    values["from"] = list(values.get("from") or [])
    return values
