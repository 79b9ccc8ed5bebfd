"""Changes to a form schema (docs/dev/form-schema.md) made by the builder's pages, as pure functions.

Every function takes the schema (a dict, changed in place) and raises `KeyError` for an unknown page,
section or field key. Keys are made from titles and labels (`make_key`) and stay unique in the whole form;
renaming a field's key rewrites the conditions that use it. Removing a field leaves the conditions that
use it in place on purpose: the builder shows them as problems to fix (`dangling_conditions`).
"""

from __future__ import annotations

import re
import unicodedata

from parvis.formengine.schema import (
    KEY_MAX_LENGTH,
    KEY_PATTERN,
    RESERVED_FIELD_KEYS,
    RESERVED_PAGE_KEYS,
    SCHEMA_VERSION,
    condition_fields,
)

UP, DOWN = "up", "down"


def empty_schema() -> dict:
    return {"version": SCHEMA_VERSION, "pages": []}


# --- Keys ---------------------------------------------------------------------------------------------

def slug_key(text: str, fallback: str = "champ", max_length: int = KEY_MAX_LENGTH) -> str:
    """An identifier from a text: « Nom de l'association » → "nom_de_l_association"."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")[:max_length].strip("_")
    if not key or not key[0].isalpha():
        key = f"{fallback}_{key}".strip("_") if key else fallback
    return key[:max_length].strip("_")


def make_key(text: str, taken, *, fallback="champ", reserved=(), max_length=KEY_MAX_LENGTH) -> str:
    """A key made from `text`, not in `taken` nor `reserved` (a number is added when needed)."""
    base = slug_key(text, fallback, max_length - 4)
    key, number = base, 2
    while key in taken or key in reserved:
        key = f"{base}_{number}"
        number += 1
    return key


def is_valid_key(key: str) -> bool:
    return isinstance(key, str) and len(key) <= KEY_MAX_LENGTH and bool(KEY_PATTERN.match(key))


def keys(schema) -> dict[str, set[str]]:
    """The keys in use: {"page": {...}, "section": {...}, "field": {...}}."""
    result = {"page": set(), "section": set(), "field": set()}
    for page in pages(schema):
        result["page"].add(page.get("key"))
        for section in page.get("sections") or []:
            result["section"].add(section.get("key"))
            for field in section.get("fields") or []:
                result["field"].add(field.get("key"))
    return result


# --- Reading -----------------------------------------------------------------------------------------

def pages(schema) -> list[dict]:
    value = schema.get("pages") if isinstance(schema, dict) else None
    return value if isinstance(value, list) else []


def iter_fields(schema):
    """(page, section, field) of every field, in order."""
    for page in pages(schema):
        for section in page.get("sections") or []:
            for field in section.get("fields") or []:
                yield page, section, field


def find_page(schema, key) -> tuple[int, dict]:
    for index, page in enumerate(pages(schema)):
        if page.get("key") == key:
            return index, page
    raise KeyError(key)


def find_section(schema, key) -> tuple[dict, int, dict]:
    """(page, index in the page, section)."""
    for page in pages(schema):
        for index, section in enumerate(page.get("sections") or []):
            if section.get("key") == key:
                return page, index, section
    raise KeyError(key)


def find_field(schema, key) -> tuple[dict, dict, int, dict]:
    """(page, section, index in the section, field)."""
    for page in pages(schema):
        for section in page.get("sections") or []:
            for index, field in enumerate(section.get("fields") or []):
                if field.get("key") == key:
                    return page, section, index, field
    raise KeyError(key)


def find(schema, kind, key) -> dict:
    """The page, section or field `key` (kind: "page", "section", "field")."""
    if kind == "page":
        return find_page(schema, key)[1]
    if kind == "section":
        return find_section(schema, key)[2]
    if kind == "field":
        return find_field(schema, key)[3]
    raise KeyError(kind)


def field_count(schema) -> int:
    return sum(1 for _ in iter_fields(schema))


# --- Pages ----------------------------------------------------------------------------------------------

def add_page(schema, *, title, help_text="", section_title="") -> str:
    """Adds a page at the end, with a first section (a page holds sections, a section holds fields)."""
    used = keys(schema)
    key = make_key(title, used["page"], fallback="page", reserved=RESERVED_PAGE_KEYS)
    page = {"key": key, "title": title, "sections": []}
    if help_text:
        page["help"] = help_text
    schema.setdefault("pages", []).append(page)
    add_section(schema, key, title=section_title or title)
    return key


def update_page(schema, key, *, title, help_text=""):
    _index, page = find_page(schema, key)
    page["title"] = title
    _set_optional(page, "help", help_text)


def delete_page(schema, key) -> dict:
    index, page = find_page(schema, key)
    del schema["pages"][index]
    return page


def move_page(schema, key, direction) -> bool:
    index, _page = find_page(schema, key)
    return _swap(schema["pages"], index, direction)


# --- Sections ---------------------------------------------------------------------------------------------

def add_section(schema, page_key, *, title, help_text="") -> str:
    _index, page = find_page(schema, page_key)
    key = make_key(title, keys(schema)["section"], fallback="section")
    section = {"key": key, "title": title, "fields": []}
    if help_text:
        section["help"] = help_text
    page.setdefault("sections", []).append(section)
    return key


def update_section(schema, key, *, title, help_text=""):
    _page, _index, section = find_section(schema, key)
    section["title"] = title
    _set_optional(section, "help", help_text)


def delete_section(schema, key) -> dict:
    page, index, section = find_section(schema, key)
    del page["sections"][index]
    return section


def move_section(schema, key, direction) -> bool:
    """Moves a section up or down in its page; past the first or last one, into the previous or next page."""
    page, index, section = find_section(schema, key)
    if _swap(page["sections"], index, direction):
        return True
    page_index, _page = find_page(schema, page["key"])
    neighbour = page_index - 1 if direction == UP else page_index + 1
    if not 0 <= neighbour < len(schema["pages"]):
        return False
    del page["sections"][index]
    target = schema["pages"][neighbour].setdefault("sections", [])
    if direction == UP:
        target.append(section)
    else:
        target.insert(0, section)
    return True


# --- Fields -------------------------------------------------------------------------------------------------

def new_field_key(schema, label) -> str:
    return make_key(label, keys(schema)["field"], fallback="champ", reserved=RESERVED_FIELD_KEYS)


def add_field(schema, section_key, field: dict, *, after=None) -> str:
    """Adds a field (its `key` already chosen) at the end of a section, or right after the field `after`."""
    _page, _index, section = find_section(schema, section_key)
    fields = section.setdefault("fields", [])
    position = len(fields)
    if after:
        position = next((i + 1 for i, item in enumerate(fields) if item.get("key") == after), position)
    fields.insert(position, field)
    return field["key"]


def replace_field(schema, key, field: dict):
    """Puts `field` in place of the field `key`; a new key is carried into the conditions that used the old one."""
    _page, section, index, _old = find_field(schema, key)
    section["fields"][index] = field
    if field["key"] != key:
        rename_references(schema, key, field["key"])


def delete_field(schema, key) -> dict:
    _page, section, index, field = find_field(schema, key)
    del section["fields"][index]
    return field


def move_field(schema, key, direction) -> bool:
    """Moves a field up or down in its section; past the first or last one, into the previous or next section
    (of the same page or the neighbouring one)."""
    _page, section, index, field = find_field(schema, key)
    if _swap(section["fields"], index, direction):
        return True
    sections = [item for page in pages(schema) for item in page.get("sections") or []]
    position = next(i for i, item in enumerate(sections) if item is section)
    neighbour = position - 1 if direction == UP else position + 1
    if not 0 <= neighbour < len(sections):
        return False
    del section["fields"][index]
    target = sections[neighbour].setdefault("fields", [])
    if direction == UP:
        target.append(field)
    else:
        target.insert(0, field)
    return True


# --- Conditions ----------------------------------------------------------------------------------------------

def set_condition(schema, kind, key, condition):
    """Sets (or removes, with None) the condition of a page, section or field."""
    item = find(schema, kind, key)
    if condition:
        item["condition"] = condition
    else:
        item.pop("condition", None)


def conditioned_items(schema):
    """(kind, item, page) of every page, section and field that has a condition, in order."""
    for page in pages(schema):
        if page.get("condition"):
            yield "page", page, page
        for section in page.get("sections") or []:
            if section.get("condition"):
                yield "section", section, page
            for field in section.get("fields") or []:
                if field.get("condition"):
                    yield "field", field, page


def references_to(schema, field_key) -> list[tuple[str, dict]]:
    """The pages, sections and fields whose condition uses the field `field_key`."""
    return [(kind, item) for kind, item, _page in conditioned_items(schema)
            if field_key in condition_fields(item["condition"])]


def rename_references(schema, old, new):
    def rename(condition):
        if not isinstance(condition, dict):
            return
        for combinator in ("all", "any"):
            for sub in condition.get(combinator) or []:
                rename(sub)
        if condition.get("field") == old:
            condition["field"] = new

    for _kind, item, _page in conditioned_items(schema):
        rename(item["condition"])


def dangling_conditions(schema) -> list[tuple[str, dict, str]]:
    """(kind, item, missing field key) for every condition that uses a field the form no longer has."""
    existing = keys(schema)["field"]
    found = []
    for kind, item, _page in conditioned_items(schema):
        for key in dict.fromkeys(condition_fields(item["condition"])):
            if key not in existing:
                found.append((kind, item, key))
    return found


def fields_before(schema, kind, key) -> list[tuple[dict, dict]]:
    """The fields a condition on this page, section or field may use: those placed before it (not the
    information texts, which have no answer). A list of (page, field)."""
    result = []
    for page in pages(schema):
        if kind == "page" and page.get("key") == key:
            return result
        for section in page.get("sections") or []:
            if kind == "section" and section.get("key") == key:
                return result
            for field in section.get("fields") or []:
                if kind == "field" and field.get("key") == key:
                    return result
                if field.get("type") != "info":
                    result.append((page, field))
    return result


# --- Helpers ---------------------------------------------------------------------------------------------------

def _swap(items, index, direction) -> bool:
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    return True


def _set_optional(item, name, value):
    if value:
        item[name] = value
    else:
        item.pop(name, None)
