"""Changes to a workflow (docs/dev/workflows.md) made by the builder's pages, as pure functions.

Each function changes the workflow dict in place and raises `KeyError` for an unknown status,
transition or action. Removing a status removes it from the transitions that leave from it and removes
the transitions that lead to it (the confirmation page lists them first). Whatever the administrator
builds, `validate_workflow` judges it: the builder shows its problems and refuses to publish them.
"""

from __future__ import annotations

import re
import unicodedata

from parvis.workflows import FORMAT_VERSION, default_workflow

UP, DOWN = "up", "down"
KEY_MAX = 40


def new_workflow() -> dict:
    return default_workflow()


def ensure_shape(workflow) -> dict:
    """A workflow dict with the lists the editor needs, even when the stored one is empty or damaged."""
    if not isinstance(workflow, dict) or not workflow:
        return default_workflow()
    workflow.setdefault("version", FORMAT_VERSION)
    if not isinstance(workflow.get("statuses"), list):
        workflow["statuses"] = []
    if not isinstance(workflow.get("transitions"), list):
        workflow["transitions"] = []
    return workflow


def make_key(text: str, taken, fallback: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")[: KEY_MAX - 4].strip("_")
    if not base or not base[0].isalpha():
        base = f"{fallback}_{base}".strip("_")[: KEY_MAX - 4]
    key, number = base, 2
    while key in taken:
        key = f"{base}_{number}"
        number += 1
    return key


# --- Statuses -------------------------------------------------------------------------------------------

def statuses(workflow) -> list[dict]:
    return [s for s in workflow.get("statuses") or [] if isinstance(s, dict)]


def transitions(workflow) -> list[dict]:
    return [t for t in workflow.get("transitions") or [] if isinstance(t, dict)]


def status_keys(workflow) -> list[str]:
    return [s.get("key") for s in statuses(workflow)]


def transition_keys(workflow) -> list[str]:
    return [t.get("key") for t in transitions(workflow)]


def find_status(workflow, key) -> tuple[int, dict]:
    for index, status in enumerate(workflow.get("statuses") or []):
        if isinstance(status, dict) and status.get("key") == key:
            return index, status
    raise KeyError(key)


def find_transition(workflow, key) -> tuple[int, dict]:
    for index, transition in enumerate(workflow.get("transitions") or []):
        if isinstance(transition, dict) and transition.get("key") == key:
            return index, transition
    raise KeyError(key)


def add_status(workflow, values: dict) -> str:
    key = make_key(values["label"], set(status_keys(workflow)), "statut")
    status = {"key": key, "label": values["label"], "resident_label": values["resident_label"],
              "next_step": values.get("next_step", ""), "final": bool(values.get("final")),
              "outcome": values.get("outcome") or None, "system": bool(values.get("system")), "on_enter": []}
    workflow.setdefault("statuses", []).append(status)
    if not workflow.get("initial"):
        workflow["initial"] = key
    return key


def update_status(workflow, key, values: dict):
    _index, status = find_status(workflow, key)
    status.update({
        "label": values["label"], "resident_label": values["resident_label"],
        "next_step": values.get("next_step", ""), "final": bool(values.get("final")),
        "outcome": values.get("outcome") or None, "system": bool(values.get("system")),
    })
    status.setdefault("on_enter", [])


def status_removal_effects(workflow, key) -> dict:
    """What removing the status `key` also changes: {"deleted": [transitions], "shortened": [transitions]}."""
    deleted, shortened = [], []
    for transition in transitions(workflow):
        sources = transition.get("from") or []
        if transition.get("to") == key or (key in sources and len(sources) == 1):
            deleted.append(transition)
        elif key in sources:
            shortened.append(transition)
    return {"deleted": deleted, "shortened": shortened}


def delete_status(workflow, key) -> dict:
    index, status = find_status(workflow, key)
    effects = status_removal_effects(workflow, key)
    doomed = {id(item) for item in effects["deleted"]}
    workflow["transitions"] = [t for t in workflow.get("transitions") or [] if id(t) not in doomed]
    for transition in effects["shortened"]:
        transition["from"] = [source for source in transition["from"] if source != key]
    del workflow["statuses"][index]
    if workflow.get("initial") == key:
        remaining = status_keys(workflow)
        workflow["initial"] = remaining[0] if remaining else ""
    return status


def move_status(workflow, key, direction) -> bool:
    index, _status = find_status(workflow, key)
    return _swap(workflow["statuses"], index, direction)


def set_initial(workflow, key):
    find_status(workflow, key)
    workflow["initial"] = key


# --- Transitions -------------------------------------------------------------------------------------------

def _transition_values(values):
    return {"label": values["label"], "from": list(values["from"]), "to": values["to"],
            "roles": list(values.get("roles") or []), "system": bool(values.get("system")),
            "requires": list(values.get("requires") or [])}


def add_transition(workflow, values: dict) -> str:
    key = make_key(values["label"], set(transition_keys(workflow)), "transition")
    workflow.setdefault("transitions", []).append({"key": key, **_transition_values(values)})
    return key


def update_transition(workflow, key, values: dict):
    _index, transition = find_transition(workflow, key)
    transition.update(_transition_values(values))


def delete_transition(workflow, key) -> dict:
    index, transition = find_transition(workflow, key)
    del workflow["transitions"][index]
    return transition


def move_transition(workflow, key, direction) -> bool:
    index, _transition = find_transition(workflow, key)
    return _swap(workflow["transitions"], index, direction)


# --- Actions on entering a status ---------------------------------------------------------------------------

def actions(workflow, status_key) -> list[dict]:
    _index, status = find_status(workflow, status_key)
    return status.setdefault("on_enter", [])


def find_action(workflow, status_key, index) -> dict:
    items = actions(workflow, status_key)
    if not 0 <= index < len(items):
        raise KeyError(index)
    return items[index]


def add_action(workflow, status_key, action: dict) -> int:
    items = actions(workflow, status_key)
    items.append(action)
    return len(items) - 1


def update_action(workflow, status_key, index, action: dict):
    find_action(workflow, status_key, index)
    actions(workflow, status_key)[index] = action


def delete_action(workflow, status_key, index) -> dict:
    action = find_action(workflow, status_key, index)
    del actions(workflow, status_key)[index]
    return action


def move_action(workflow, status_key, index, direction) -> bool:
    find_action(workflow, status_key, index)
    return _swap(actions(workflow, status_key), index, direction)


def _swap(items, index, direction) -> bool:
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    return True
