"""Conditions on pages, sections and fields: evaluation on answers, and a French description.

A condition is {"field": key, "op": "equals"|"not_equals"|"one_of"|"filled", "value": ...}, or
{"all": [...]} / {"any": [...]}. A field without an answer (absent, hidden, empty) is "not filled":
`equals` and `one_of` are false on it, `not_equals` is true. On a multiple choice (a list of values),
`equals` means "this value is ticked" and `one_of` "one of these values is ticked".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def is_filled(value) -> bool:
    return value not in (None, "", [], {})


def _same(answer, expected) -> bool:
    if isinstance(answer, bool) or isinstance(expected, bool):
        return isinstance(answer, bool) and isinstance(expected, bool) and answer == expected
    if isinstance(answer, str) and isinstance(expected, str):
        return answer == expected
    numbers = int | float | Decimal | str
    if isinstance(answer, numbers) and isinstance(expected, numbers):
        try:
            return Decimal(str(answer)) == Decimal(str(expected))
        except (InvalidOperation, ValueError):
            return False
    return answer == expected


def _matches(answer, expected) -> bool:
    if isinstance(answer, list):
        return any(_same(item, expected) for item in answer)
    return _same(answer, expected)


def evaluate(condition, answers) -> bool:
    """Whether a condition holds for these answers; no condition (None) always holds."""
    if not condition:
        return True
    if "all" in condition:
        return all(evaluate(sub, answers) for sub in condition["all"])
    if "any" in condition:
        return any(evaluate(sub, answers) for sub in condition["any"])
    answer = answers.get(condition["field"])
    op = condition["op"]
    if op == "filled":
        return is_filled(answer)
    if not is_filled(answer):
        return op == "not_equals"
    if op == "equals":
        return _matches(answer, condition["value"])
    if op == "not_equals":
        return not _matches(answer, condition["value"])
    if op == "one_of":
        return any(_matches(answer, expected) for expected in condition["value"])
    return False


def referenced_fields(condition) -> list[str]:
    if not condition:
        return []
    if "all" in condition or "any" in condition:
        keys = []
        for sub in condition.get("all") or condition.get("any"):
            keys.extend(referenced_fields(sub))
        return keys
    return [condition["field"]]


def describe(condition, fields) -> str:
    """The condition in plain French, for residents without JavaScript: « si vous avez répondu… »."""
    if "all" in condition:
        return " et ".join(describe(sub, fields) for sub in condition["all"])
    if "any" in condition:
        return " ou ".join(describe(sub, fields) for sub in condition["any"])
    field = fields[condition["field"]]
    label = field.label
    op = condition["op"]
    if op == "filled":
        return f"vous avez répondu à « {label} »"
    shown = [field.value_label(value) for value in
             (condition["value"] if op == "one_of" else [condition["value"]])]
    quoted = " ou ".join(f"« {value} »" for value in shown)
    if op == "not_equals":
        return f"vous n'avez pas répondu {quoted} à « {label} »"
    return f"vous avez répondu {quoted} à « {label} »"
