"""`FormDefinition`: a validated form schema, its pages, conditions, page forms, display and pre-fill.

The engine knows nothing of drafts or cases. Files: a page form validates uploads on their content and
hands them to a `store_file(field_key, upload)` callable given by the caller, which stores them and
returns the answer referencing the file ({"file_id", "name", "size", "content_type"}). A file field's
answer is always a list of such references.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django import forms
from django.utils.datastructures import MultiValueDict

from parvis.formengine import conditions
from parvis.formengine import fields as f
from parvis.formengine.schema import FILE_KINDS, PREFILL_SOURCES, SchemaError, validate_schema

PREFILL_SOURCE_LABEL = "votre profil"


@dataclass
class FieldDef:
    key: str
    type: str
    label: str
    help: str
    required: bool
    condition: dict | None
    prefill: str
    options: dict
    page_key: str
    section_key: str

    @property
    def choices(self):
        return [(choice["value"], choice["label"]) for choice in self.options.get("choices", [])]

    @property
    def has_answer(self):
        return self.type != "info"

    @property
    def autocomplete(self):
        if self.options.get("autocomplete"):
            return self.options["autocomplete"]
        return PREFILL_SOURCES[self.prefill][1] if self.prefill else ""

    def value_label(self, value):
        if isinstance(value, bool):
            return "Oui" if value else "Non"
        if self.type in ("choice", "multichoice"):
            return dict(self.choices).get(value, str(value))
        return str(value)


@dataclass
class SectionDef:
    key: str
    title: str
    help: str
    condition: dict | None
    page_key: str
    fields: list[FieldDef] = field(default_factory=list)


@dataclass
class PageDef:
    key: str
    title: str
    help: str
    condition: dict | None
    sections: list[SectionDef] = field(default_factory=list)

    @property
    def fields(self):
        return [item for section in self.sections for item in section.fields]

    @property
    def field_keys(self):
        return {item.key for item in self.fields}


@dataclass
class SubmissionError:
    page_key: str
    page_title: str
    field_key: str
    label: str
    message: str


@dataclass
class DisplayItem:
    key: str
    label: str
    type: str
    text: str
    empty: bool
    files: list[dict] = field(default_factory=list)


@dataclass
class DisplaySection:
    key: str
    title: str
    items: list[DisplayItem]


@dataclass
class DisplayPage:
    key: str
    title: str
    sections: list[DisplaySection]
    edit_url: str = ""  # set by callers that offer a "Modifier" link


class FormDefinition:
    """A form schema ready for use. Raises `SchemaError(problems)` when the schema is not valid."""

    def __init__(self, schema):
        problems = validate_schema(schema)
        if problems:
            raise SchemaError(problems)
        self.schema = schema
        self.pages: list[PageDef] = []
        self.fields: dict[str, FieldDef] = {}
        for raw_page in schema["pages"]:
            page = PageDef(key=raw_page["key"], title=raw_page["title"], help=raw_page.get("help", ""),
                           condition=raw_page.get("condition"))
            for raw_section in raw_page["sections"]:
                section = SectionDef(key=raw_section["key"], title=raw_section["title"],
                                     help=raw_section.get("help", ""), condition=raw_section.get("condition"),
                                     page_key=page.key)
                for raw_field in raw_section["fields"]:
                    definition = FieldDef(
                        key=raw_field["key"], type=raw_field["type"], label=raw_field["label"],
                        help=raw_field.get("help", ""), required=bool(raw_field.get("required", False)),
                        condition=raw_field.get("condition"), prefill=raw_field.get("prefill", ""),
                        options=raw_field, page_key=page.key, section_key=section.key,
                    )
                    section.fields.append(definition)
                    self.fields[definition.key] = definition
                page.sections.append(section)
            self.pages.append(page)
        self._pages = {page.key: page for page in self.pages}

    # --- Pages and visibility ----------------------------------------------------------------------
    def page(self, key) -> PageDef:
        """The page with this key; KeyError if there is none."""
        return self._pages[key]

    def _visibility(self, answers):
        """The visible pages/sections/fields, and the answers of visible fields only.

        Conditions only refer to what comes before them, so one pass in order is exact: a field hidden
        because of an earlier answer cannot make a later condition true with a stale answer.
        """
        answers = answers or {}
        visible, effective = set(), {}
        for page in self.pages:
            if not conditions.evaluate(page.condition, effective):
                continue
            visible.add(("page", page.key))
            for section in page.sections:
                if not conditions.evaluate(section.condition, effective):
                    continue
                visible.add(("section", section.key))
                for item in section.fields:
                    if conditions.evaluate(item.condition, effective):
                        visible.add(("field", item.key))
                        if item.key in answers:
                            effective[item.key] = answers[item.key]
        return visible, effective

    def visible_pages(self, answers) -> list[PageDef]:
        visible, _ = self._visibility(answers)
        return [page for page in self.pages if ("page", page.key) in visible]

    def is_visible(self, item, answers) -> bool:
        """Whether a page, section or field (or a field key) is shown for these answers.

        A field is visible only if its page, its section and itself are.
        """
        if isinstance(item, str):
            item = self.fields[item]
        kind = {PageDef: "page", SectionDef: "section", FieldDef: "field"}[type(item)]
        visible, _ = self._visibility(answers)
        return (kind, item.key) in visible

    def next_page(self, page_key, answers) -> PageDef | None:
        """The first visible page after `page_key` (None: the review comes next)."""
        index = self.pages.index(self.page(page_key))
        visible = {page.key for page in self.visible_pages(answers)}
        return next((page for page in self.pages[index + 1:] if page.key in visible), None)

    def previous_page(self, page_key, answers) -> PageDef | None:
        index = self.pages.index(self.page(page_key))
        visible = {page.key for page in self.visible_pages(answers)}
        return next((page for page in reversed(self.pages[:index]) if page.key in visible), None)

    # --- Forms -------------------------------------------------------------------------------------
    def page_form(self, page_key, answers, data=None, files=None, prefill=None, file_url=None) -> PageForm:
        """A Django form for one page. Initial values come from `answers`, else from `prefill`
        ({field_key: (value, source_label)}, see `prefill_values`). `file_url(ref)` gives the link to
        an already joined file, if the caller serves them."""
        return PageForm(self, self.page(page_key), answers, data=data, files=files, prefill=prefill,
                        file_url=file_url)

    def stored_page_form(self, page_key, answers, file_url=None) -> PageForm:
        """A page form bound to the stored answers and validated: its errors are those the page would
        have at submission (used to show them on the page the resident is sent back to)."""
        page = self.page(page_key)
        data = MultiValueDict()
        for item in page.fields:
            f.to_data(item.type, item.key, (answers or {}).get(item.key), data)
        form = PageForm(self, page, answers, data=data, files=MultiValueDict(), file_url=file_url)
        form.is_valid()
        return form

    def clean_for_submission(self, answers):
        """Re-validates every visible page from the stored answers, as at submission.

        Returns (answers, errors): the answers of visible fields only (hidden ones are removed, whatever
        was posted), and a list of `SubmissionError` (a required answer missing on a page never
        displayed, a value no longer valid...). Files are kept as their stored references.
        """
        answers = dict(answers or {})
        result, errors = {}, []
        for page in self.pages:
            if not conditions.evaluate(page.condition, result):
                continue
            page_answers = dict(result)
            page_answers.update({key: answers[key] for key in page.field_keys if key in answers})
            form = self.stored_page_form(page.key, page_answers)
            for key, messages in form.errors.items():
                label = self.fields[key].label if key in self.fields else ""
                for message in messages:
                    errors.append(SubmissionError(page.key, page.title, key, label, message))
            result.update(form.valid_answers())
        return result, errors

    # --- Display -----------------------------------------------------------------------------------
    def display(self, answers, file_url=None) -> list[DisplayPage]:
        """Answers as filed: visible pages → sections → items (label, value as text, files).

        `file_url(ref)` returns the link to a joined file (or None)."""
        visible, effective = self._visibility(answers)
        pages = []
        for page in self.pages:
            if ("page", page.key) not in visible:
                continue
            sections = []
            for section in page.sections:
                if ("section", section.key) not in visible:
                    continue
                items = [display_item(item, effective.get(item.key), file_url) for item in section.fields
                         if item.has_answer and ("field", item.key) in visible]
                if items:
                    sections.append(DisplaySection(section.key, section.title, items))
            pages.append(DisplayPage(page.key, page.title, sections))
        return pages

    def display_rows(self, answers) -> list[dict]:
        """The display flattened to [{"label", "value"}] rows (plain text), for compact listings."""
        return [{"label": item.label, "value": item.text} for page in self.display(answers)
                for section in page.sections for item in section.items]

    def file_refs(self, answers):
        """(field_key, file reference) of every file in the answers."""
        refs = []
        for key, item in self.fields.items():
            if item.type == "file":
                for ref in (answers or {}).get(key) or []:
                    if isinstance(ref, dict) and ref.get("file_id"):
                        refs.append((key, ref))
        return refs

    # --- Pre-fill ("say it once") ------------------------------------------------------------------
    def prefill_values(self, user) -> dict:
        """{field_key: (value, source_label)} for fields with `prefill` the user's profile can fill."""
        if user is None or not getattr(user, "is_authenticated", False):
            return {}
        values = {}
        for item in self.fields.values():
            if not item.prefill:
                continue
            value = _profile_value(user, item)
            if conditions.is_filled(value):
                values[item.key] = (value, PREFILL_SOURCE_LABEL)
        return values


def _profile_value(user, item):
    source = item.prefill.removeprefix("profile.")
    if source == "address":
        parts = {"street": user.street or "", "postcode": user.postcode or "", "city": user.city or ""}
        return parts if any(parts.values()) else None
    if source == "birth_date":
        return user.birth_date.isoformat() if user.birth_date else None
    if source == "phone":
        return f.normalise_phone(user.phone) if item.type == "phone" and user.phone else user.phone
    if source == "civility":
        return user.civility if user.civility in dict(item.choices) else None
    return getattr(user, source, "") or None


def display_item(item: FieldDef, value, file_url=None) -> DisplayItem:
    empty = not conditions.is_filled(value) or (item.type == "consent" and value is None)
    if empty:
        return DisplayItem(item.key, item.label, item.type, "Non renseigné", True)
    files = []
    if item.type in ("yesno", "consent"):
        text = "Oui" if value is True else "Non"
    elif item.type == "choice":
        text = item.value_label(value)
    elif item.type == "multichoice":
        text = ", ".join(item.value_label(v) for v in (value if isinstance(value, list) else [value]))
    elif item.type == "date":
        initial = f.to_initial("date", value)
        text = f.french_date(initial) if initial else str(value)
    elif item.type == "decimal":
        text = f.french_number(value)
    elif item.type == "address" and isinstance(value, dict):
        text = f"{value.get('street', '')}, {value.get('postcode', '')} {value.get('city', '')}".strip()
    elif item.type == "file":
        for ref in value if isinstance(value, list) else [value]:
            if isinstance(ref, dict):
                files.append({"name": ref.get("name", ""), "size": f.size_label(int(ref.get("size") or 0)),
                              "url": file_url(ref) if file_url else None, "file_id": ref.get("file_id")})
        text = ", ".join(file["name"] for file in files)
    else:
        text = str(value)
    return DisplayItem(item.key, item.label, item.type, text, False, files)


def _refers_to(condition, keys) -> bool:
    return any(key in keys for key in conditions.referenced_fields(condition))


class PageForm(forms.Form):
    """The form of one page. After `is_valid()`, `valid_answers(store_file)` gives the answers of the
    page's valid visible fields, even when other fields are invalid (nothing typed is lost)."""

    use_required_attribute = False  # the server validates; no browser bubbles

    def __init__(self, definition, page, answers, data=None, files=None, prefill=None, file_url=None):
        super().__init__(data=data, files=files)
        self.definition = definition
        self.page = page
        self.answers = dict(answers or {})
        self.prefill = prefill or {}
        self.file_url = file_url
        own = page.field_keys
        _, effective = definition._visibility(self.answers)
        self.before = {key: value for key, value in effective.items() if key not in own}
        self.file_refs = {}
        self.visible_keys, self.hidden_keys = [], []
        # Sections and fields whose condition depends only on earlier pages are decided now; those that
        # depend on this page's answers ("dynamic") are decided at validation (and live by conditions.js).
        self.items = []
        for section in page.sections:
            section_dynamic = _refers_to(section.condition, own)
            if not section_dynamic and not conditions.evaluate(section.condition, self.before):
                continue
            entries = []
            for item in section.fields:
                dynamic = _refers_to(item.condition, own)
                if not dynamic and not conditions.evaluate(item.condition, self.before):
                    continue
                entries.append((item, dynamic))
                django_field = f.build_field(item)
                if django_field is None:
                    continue
                self.fields[item.key] = django_field
                if item.type == "file":
                    self.file_refs[item.key] = [ref for ref in self.answers.get(item.key) or []
                                                if isinstance(ref, dict)]
                    self.initial[item.key] = self.file_refs[item.key]
                elif item.key in self.answers:
                    self.initial[item.key] = f.to_initial(item.type, self.answers[item.key])
                elif item.key in self.prefill:
                    self.initial[item.key] = f.to_initial(item.type, self.prefill[item.key][0])
            if entries:
                self.items.append((section, section_dynamic, entries))

    def clean(self):
        cleaned = super().clean()
        merged = dict(self.before)
        self.visible_keys, self.hidden_keys = [], []
        for section, section_dynamic, entries in self.items:
            section_visible = conditions.evaluate(section.condition, merged) if section_dynamic else True
            for item, dynamic in entries:
                if not item.has_answer:
                    continue
                visible = section_visible and (conditions.evaluate(item.condition, merged) if dynamic else True)
                if visible:
                    self.visible_keys.append(item.key)
                    if item.key in cleaned:
                        merged[item.key] = self._condition_value(item, cleaned[item.key])
                else:
                    # Hidden by an answer of this page: whatever was posted for it is ignored.
                    self.hidden_keys.append(item.key)
                    self._errors.pop(item.key, None)
                    cleaned.pop(item.key, None)
        return cleaned

    @staticmethod
    def _condition_value(item, value):
        if item.type == "file":
            return list(value.kept) + [{"name": upload.name} for upload in value.new]
        return f.to_answer(item.type, value)

    def valid_answers(self, store_file=None) -> dict:
        """Answers of the valid, visible fields of the page (call after `is_valid()`).

        New uploads that passed validation are given to `store_file(field_key, upload)` (upload: a
        `ValidatedUpload` with .file, .name, .kind, .content_type, .size), which returns the reference
        to put in the answers. Valid uploads are kept even if another file of the same field failed.
        """
        if not hasattr(self, "cleaned_data"):
            raise ValueError("valid_answers() s'appelle après is_valid().")
        result = {}
        for key in self.visible_keys:
            item = self.definition.fields[key]
            if key in self.cleaned_data:
                value = self.cleaned_data[key]
            elif item.type == "file" and self.fields[key].partial is not None:
                value = self.fields[key].partial
            else:
                continue
            if item.type != "file":
                result[key] = f.to_answer(item.type, value)
                continue
            refs = list(value.kept)
            for upload in value.new:
                if store_file is None:
                    raise ValueError("Un fichier a été déposé : valid_answers() a besoin de store_file.")
                refs.append(store_file(key, upload))
            value.new = []  # stored once, even if valid_answers() is called again
            value.kept = refs
            result[key] = refs
            self.file_refs[key] = refs
        return result

    # --- Rendering (formengine/page.html) -----------------------------------------------------------
    @property
    def layout(self):
        if not hasattr(self, "_layout"):
            self._layout = [self._section_view(*entry) for entry in self.items]
        return self._layout

    @property
    def error_summary(self):
        summary = [{"anchor": "", "label": "", "message": str(error)} for error in self.non_field_errors()]
        for section in self.layout:
            for view in section["fields"]:
                for message in view["errors"]:
                    summary.append({"anchor": view["anchor"], "label": view["label"], "message": message})
        return summary

    @property
    def condition_answers_json(self):
        """Answers of earlier pages that this page's live conditions use (read by conditions.js)."""
        keys = set()
        for section, section_dynamic, entries in self.items:
            if section_dynamic:
                keys.update(conditions.referenced_fields(section.condition))
            for item, dynamic in entries:
                if dynamic:
                    keys.update(conditions.referenced_fields(item.condition))
        return {key: self.before[key] for key in sorted(keys) if key in self.before}

    def _condition_view(self, condition, dynamic, prefix):
        if not dynamic:
            return "", ""
        text = conditions.describe(condition, self.definition.fields)
        return json.dumps(condition, ensure_ascii=False), f"{prefix} seulement si {text}."

    def _section_view(self, section, section_dynamic, entries):
        condition_json, condition_text = self._condition_view(section.condition, section_dynamic,
                                                              "Cette partie est à remplir")
        return {
            "key": section.key, "title": section.title, "help": section.help, "id": f"section-{section.key}",
            "condition_json": condition_json, "condition_text": condition_text,
            "fields": [self._field_view(item, dynamic) for item, dynamic in entries],
        }

    def _field_view(self, item, dynamic):
        base = f"id_{item.key}"
        condition_json, condition_text = self._condition_view(item.condition, dynamic, "À remplir")
        view = {
            "key": item.key, "type": item.type, "label": item.label, "help": item.help,
            "required": item.required, "id": base, "anchor": base, "wrapper_id": f"champ-{item.key}",
            "condition_json": condition_json, "condition_text": condition_text, "errors": [],
            "hint_id": f"{base}-aide" if item.help else "",
            "condition_id": f"{base}-condition" if condition_text else "",
            "source": "", "source_id": "", "error_id": "",
        }
        if item.type == "info":
            return view
        bound = self[item.key]
        view["errors"] = [str(error) for error in bound.errors]
        view["error_id"] = f"{base}-erreur" if view["errors"] else ""
        if item.key in self.prefill:
            value, source = self.prefill[item.key]
            if item.key not in self.answers or self.answers[item.key] == value:
                view["source"], view["source_id"] = source, f"{base}-source"
        view["formats"], view["formats_id"] = "", ""
        if item.type in ("file", "date"):
            view["formats_id"] = f"{base}-format"
            view["formats"] = f"Par exemple : {f.DATE_EXAMPLE} (jour/mois/année)." if item.type == "date" else ""
        described = [view["hint_id"], view["condition_id"], view["source_id"], view["formats_id"], view["error_id"]]
        view["describedby"] = " ".join(part for part in described if part)
        getattr(self, f"_view_{item.type}", self._view_input)(item, bound, view)
        return view

    def _attrs(self, item, view, **extra):
        attrs = {"id": view["id"]}
        if view["describedby"]:
            attrs["aria-describedby"] = view["describedby"]
        if view["errors"]:
            attrs["aria-invalid"] = "true"
        if item.autocomplete:
            attrs["autocomplete"] = item.autocomplete
        attrs.update(extra)
        return attrs

    def _view_input(self, item, bound, view):
        extra = {}
        if item.type == "date":
            extra = {"class": "fe-width-10"}
        elif item.type in ("integer", "decimal"):
            extra = {"inputmode": "numeric" if item.type == "integer" else "decimal", "class": "fe-width-10"}
        elif item.type == "phone":
            extra = {"class": "fe-width-20"}
        elif item.type == "email":
            extra = {"spellcheck": "false"}
        view["control"] = "input"
        view["html"] = bound.as_widget(attrs=self._attrs(item, view, **extra))

    def _view_choice(self, item, bound, view):
        if item.options.get("widget") == "select":
            view["control"] = "input"
            view["html"] = bound.as_widget(attrs=self._attrs(item, view))
            return
        self._view_options(item, bound, view, "radio")

    def _view_yesno(self, item, bound, view):
        self._view_options(item, bound, view, "radio", inline=True)

    def _view_multichoice(self, item, bound, view):
        self._view_options(item, bound, view, "checkbox")

    def _view_options(self, item, bound, view, input_type, inline=False):
        current = bound.value()
        current = {str(value) for value in current} if isinstance(current, list | tuple) else {str(current)}
        choices = bound.field.choices
        view["control"] = "options"
        view["input_type"] = input_type
        view["inline"] = inline
        view["options"] = [
            {"id": f"{view['id']}_{index}", "value": value, "label": label, "checked": str(value) in current}
            for index, (value, label) in enumerate(choices)
        ]
        view["anchor"] = f"{view['id']}_0"

    def _view_address(self, item, bound, view):
        value = bound.field.widget.format_value(bound.value())
        codes = {error.code for error in bound.errors.as_data()} if bound.errors else set()
        all_invalid = bool(codes - {"street", "postcode", "city"})
        autocomplete = bool(item.prefill or item.options.get("autocomplete"))
        labels = {"street": "Numéro et rue", "postcode": "Code postal", "city": "Commune"}
        tokens = {"street": "address-line1", "postcode": "postal-code", "city": "address-level2"}
        view["control"] = "address"
        view["parts"] = []
        for part in f.AddressWidget.parts:
            invalid = all_invalid or part in codes
            view["parts"].append({
                "name": f"{item.key}__{part}", "id": f"{view['id']}__{part}", "label": labels[part],
                "value": value[part], "invalid": invalid, "autocomplete": tokens[part] if autocomplete else "",
                "inputmode": "numeric" if part == "postcode" else "",
                "class": "fe-width-5" if part == "postcode" else "",
            })
        first_invalid = next((p for p in view["parts"] if p["invalid"]), view["parts"][0])
        view["anchor"] = first_invalid["id"]

    def _view_file(self, item, bound, view):
        field_obj = bound.field
        refs = self.file_refs.get(item.key, [])
        view["control"] = "file"
        view["multiple"] = field_obj.multiple
        view["max_files"] = field_obj.max_files
        view["accept"] = ",".join(ext for kind in field_obj.accept for ext in FILE_KINDS[kind][2])
        view["formats"] = (f"Formats acceptés : {field_obj.accepted_labels}. "
                           f"{f.french_number(field_obj.max_size_mb)} Mo au maximum par fichier"
                           + (f", {field_obj.max_files} fichiers au maximum." if field_obj.multiple else "."))
        removed = set(f._getlist(self.data, f"{item.key}__retirer")) if self.is_bound else set()
        view["files"] = [
            {"name": ref.get("name", ""), "size": f.size_label(int(ref.get("size") or 0)),
             "url": self.file_url(ref) if self.file_url else None, "file_id": ref.get("file_id"),
             "remove_id": f"{view['id']}__retirer_{index}", "removed": ref.get("file_id") in removed}
            for index, ref in enumerate(refs)
        ]

    def _view_consent(self, item, bound, view):
        view["control"] = "checkbox"
        view["html"] = bound.as_widget(attrs=self._attrs(item, view))
