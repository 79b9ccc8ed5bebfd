"""The answers of a case, for the case page and the acknowledgement PDF.

With the form engine (`parvis.formengine`), `FormDefinition(schema).display(answers)` gives pages,
sections and items (labels, values as text, files); the case page includes its
`formengine/display.html`. When the schema cannot be read by the engine (an old or hand-made
revision), a plain fallback lists the answers with the labels found in the schema. Values are text:
templates escape them.
"""

from collections.abc import Mapping


def formengine_pages(case, file_url=None):
    """The form engine's display of the answers (list of DisplayPage), or None when unavailable."""
    try:
        from parvis.formengine import FormDefinition, SchemaError
    except ImportError:
        return None
    try:
        return FormDefinition(case.revision.form_schema).display(case.answers or {}, file_url=file_url)
    except (SchemaError, ValueError, TypeError, KeyError):
        return None


def _labels(node, labels):
    """Collects {key: label} from any nesting of pages, sections and fields."""
    if isinstance(node, Mapping):
        key = node.get("key")
        if isinstance(key, str) and isinstance(node.get("label"), str):
            labels.setdefault(key, node["label"])
        for value in node.values():
            if isinstance(value, Mapping | list):
                _labels(value, labels)
    elif isinstance(node, list):
        for value in node:
            _labels(value, labels)
    return labels


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, Mapping):
        if "file_id" in value:
            return str(value.get("name") or "fichier")
        return ", ".join(f"{key} : {_plain(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value)
    return str(value)


def fallback_groups(case):
    labels = _labels(case.revision.form_schema or {}, {})
    rows = [{"label": labels.get(key, key), "value": _plain(value)} for key, value in (case.answers or {}).items()]
    return [{"title": "", "rows": rows}] if rows else []


def answers_for_display(case, pages=None):
    """[{"title": page title, "rows": [{"label", "value"}]}]: the answers as plain text groups."""
    pages = formengine_pages(case) if pages is None else pages
    if pages is None:
        return fallback_groups(case)
    groups = []
    for page in pages:
        rows = []
        for section in page.sections:
            rows.extend({"label": item.label, "value": item.text} for item in section.items)
        if rows:
            groups.append({"title": page.title, "rows": rows})
    return groups
