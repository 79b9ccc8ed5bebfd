"""Forms of the form editor: pages, sections, one form per field type, and a condition's clauses.

A field form reads a field of the schema (docs/dev/form-schema.md) and gives it back (`to_field`) with the
options of its type only, so that what the builder stores is always what the format documents.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.builder import schema_ops
from parvis.builder.presentation import FIELD_TYPE_HINTS, FIELD_TYPE_LABELS, OP_LABELS, PREFILL_LABELS
from parvis.formengine.schema import (
    DEFAULT_FILE_ACCEPT,
    FIELD_TYPES,
    FILE_KINDS,
    KEY_MAX_LENGTH,
    MAX_MAX_LENGTH,
    MAX_MAX_SIZE_MB,
    PREFILL_SOURCES,
    RESERVED_FIELD_KEYS,
    RESERVED_PAGE_KEYS,
)


class PageEditForm(forms.Form):
    title = forms.CharField(label=_("Titre de la page"), max_length=200,
                            help_text=_("Il s'affiche en haut de la page et dans la barre de progression."))
    help = forms.CharField(label=_("Texte d'introduction (facultatif)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class NewPageForm(PageEditForm):
    section_title = forms.CharField(
        label=_("Titre de la première partie"), required=False, max_length=200,
        help_text=_("Une page regroupe ses champs en parties (chacune encadrée, avec son titre). Laissé vide, la "
                    "partie prend le titre de la page."))


class SectionEditForm(forms.Form):
    title = forms.CharField(label=_("Titre de la partie"), max_length=200,
                            help_text=_("Il est lu avant les champs de la partie (légende de l'encadré)."))
    help = forms.CharField(label=_("Texte d'aide (facultatif)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class FieldTypeForm(forms.Form):
    type = forms.ChoiceField(label=_("Type de champ"), widget=forms.RadioSelect,
                             choices=[(name, f"{FIELD_TYPE_LABELS[name]} — {FIELD_TYPE_HINTS[name]}")
                                      for name in FIELD_TYPES])


def _date_bound(value):
    """« aujourd'hui » / today → "today"; 14/07/2026 or 2026-07-14 → "2026-07-14"; "" → None."""
    text = (value or "").strip().lower()
    if not text:
        return None
    if text in ("today", "aujourd'hui", "aujourd’hui", "aujourdhui"):
        return "today"
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise forms.ValidationError(_("Écrivez « aujourd'hui » ou une date comme 14/07/2026."))


def _date_bound_initial(value):
    if value == "today":
        return "aujourd'hui"
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""
    except (TypeError, ValueError):
        return value or ""


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def choice_code(label, taken):
    code = schema_ops.slug_key(label, fallback="reponse", max_length=50)
    base, number = code, 2
    while code in taken:
        code = f"{base}_{number}"
        number += 1
    return code


def parse_choices(text):
    """One answer per line: « Libellé » or « code | Libellé ». Returns [{"value", "label"}]."""
    choices, taken = [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if "|" in line:
            code, label = (part.strip() for part in line.split("|", 1))
            if not code or not label:
                raise forms.ValidationError(_("Ligne %(n)s : écrivez « code | Libellé », ou seulement le libellé.")
                                            % {"n": number})
        else:
            code, label = choice_code(line, taken), line
        if code in taken:
            raise forms.ValidationError(_("Ligne %(n)s : le code « %(code)s » est déjà utilisé par une autre réponse.")
                                        % {"n": number, "code": code})
        taken.add(code)
        choices.append({"value": code, "label": label})
    if not choices:
        raise forms.ValidationError(_("Proposez au moins une réponse (une par ligne)."))
    return choices


def format_choices(choices):
    return "\n".join(f"{choice.get('value')} | {choice.get('label')}" for choice in choices or []
                     if isinstance(choice, dict))


class FieldEditForm(forms.Form):
    """The settings of one field of type `field_type`; `existing` is the field being edited (None: new)."""

    def __init__(self, *args, field_type, schema, existing=None, **kwargs):
        self.field_type, self.schema, self.existing = field_type, schema, existing or {}
        super().__init__(*args, initial=self._initial(), **kwargs)
        is_info = field_type == "info"
        self.fields["label"] = forms.CharField(
            label=_("Titre de l'encadré") if is_info else _("Libellé (la question posée)"), max_length=300,
            help_text=_("Court et clair : « Date de l'événement », « Nombre de personnes attendues »."))
        self.fields["help"] = forms.CharField(
            label=_("Texte de l'encadré") if is_info else _("Texte d'aide (facultatif)"), required=is_info,
            max_length=3000, widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Affiché sous le libellé : un exemple, une précision sur ce qui est attendu."))
        if not is_info:
            self.fields["required"] = forms.BooleanField(label=_("Réponse obligatoire"), required=False)
        sources = [(source, PREFILL_LABELS[source]) for source, (types, _token) in PREFILL_SOURCES.items()
                   if field_type in types]
        if sources and not is_info:
            self.fields["prefill"] = forms.ChoiceField(
                label=_("Pré-remplir depuis le profil de l'usager"), required=False,
                choices=[("", _("Non"))] + sources,
                help_text=_("« Dites-le nous une fois » : l'usager n'a pas à retaper ce que la commune sait déjà ; "
                            "il peut modifier la valeur proposée."))
        getattr(self, f"_fields_{field_type}", lambda: None)()
        self.fields["key"] = forms.CharField(
            label=_("Identifiant technique (facultatif)"), required=False, max_length=KEY_MAX_LENGTH,
            help_text=_("Sert aux conditions, aux exports et aux réponses enregistrées : lettres minuscules sans "
                        "accents, chiffres et « _ ». Laissé vide, il est fait à partir du libellé."))

    # -- type-specific options -------------------------------------------------------------------------
    def _fields_text(self):
        self.fields["max_length"] = forms.IntegerField(
            label=_("Nombre maximal de caractères (facultatif)"), required=False, min_value=1, max_value=MAX_MAX_LENGTH)

    _fields_textarea = _fields_text

    def _fields_date(self):
        bounds = (("min", _("Date au plus tôt (facultative)")), ("max", _("Date au plus tard (facultative)")))
        for name, label in bounds:
            self.fields[name] = forms.CharField(label=label, required=False, max_length=20,
                                                help_text=_("« aujourd'hui » ou une date comme 14/07/2026."))

    def _fields_integer(self):
        self.fields["min"] = forms.IntegerField(label=_("Valeur minimale (facultative)"), required=False)
        self.fields["max"] = forms.IntegerField(label=_("Valeur maximale (facultative)"), required=False)

    def _fields_decimal(self):
        self.fields["min"] = forms.DecimalField(label=_("Valeur minimale (facultative)"), required=False)
        self.fields["max"] = forms.DecimalField(label=_("Valeur maximale (facultative)"), required=False)
        self.fields["decimal_places"] = forms.IntegerField(label=_("Nombre de décimales"), required=False,
                                                           min_value=0, max_value=10)

    def _choices_field(self):
        self.fields["choices"] = forms.CharField(
            label=_("Réponses proposées"), widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={"required": _("Proposez au moins une réponse (une par ligne).")},
            help_text=_("Une réponse par ligne. Le code avant la barre « | » sert aux conditions et aux exports : "
                        "gardez-le si vous modifiez un libellé. Pour une nouvelle réponse, écrivez seulement son "
                        "libellé."))

    def _fields_choice(self):
        self._choices_field()
        self.fields["widget"] = forms.ChoiceField(
            label=_("Présentation"), widget=forms.RadioSelect, required=False,
            choices=[("radio", _("Boutons (toutes les réponses visibles)")),
                     ("select", _("Liste déroulante (pour une longue liste)"))])

    def _fields_multichoice(self):
        self._choices_field()
        self.fields["min"] = forms.IntegerField(label=_("Nombre minimal de cases cochées (facultatif)"),
                                                required=False, min_value=0)
        self.fields["max"] = forms.IntegerField(label=_("Nombre maximal de cases cochées (facultatif)"),
                                                required=False, min_value=1)

    def _fields_file(self):
        self.fields["accept"] = forms.MultipleChoiceField(
            label=_("Formats acceptés"), widget=forms.CheckboxSelectMultiple,
            choices=[(kind, label) for kind, (label, _type, _ext) in FILE_KINDS.items()])
        self.fields["max_size_mb"] = forms.IntegerField(label=_("Taille maximale par fichier (Mo)"), required=False,
                                                        min_value=1, max_value=MAX_MAX_SIZE_MB)
        self.fields["multiple"] = forms.BooleanField(label=_("Plusieurs fichiers possibles"), required=False)
        self.fields["max_files"] = forms.IntegerField(label=_("Nombre maximal de fichiers (si plusieurs)"),
                                                      required=False, min_value=1, max_value=50)

    # -- reading and writing the field ---------------------------------------------------------------------
    def _initial(self):
        field = self.existing
        if not field:
            initial = {"widget": "radio", "accept": list(DEFAULT_FILE_ACCEPT)}
            return initial
        initial = {name: field.get(name) for name in ("label", "help", "required", "prefill", "key", "max_length",
                                                      "decimal_places", "max_size_mb", "multiple", "max_files")}
        initial["widget"] = field.get("widget", "radio")
        initial["accept"] = field.get("accept", list(DEFAULT_FILE_ACCEPT))
        if self.field_type == "date":
            initial["min"] = _date_bound_initial(field.get("min"))
            initial["max"] = _date_bound_initial(field.get("max"))
        else:
            initial["min"], initial["max"] = field.get("min"), field.get("max")
        if self.field_type in ("choice", "multichoice"):
            initial["choices"] = format_choices(field.get("choices"))
        return initial

    def clean_key(self):
        key = (self.cleaned_data.get("key") or "").strip()
        if not key:
            return ""
        if not schema_ops.is_valid_key(key):
            raise forms.ValidationError(_("Identifiant invalide : lettres minuscules sans accents, chiffres et « _ » "
                                          "simples, en commençant par une lettre (par exemple « nom_association »)."))
        if key in RESERVED_FIELD_KEYS:
            raise forms.ValidationError(_("L'identifiant « %(key)s » est réservé : choisissez-en un autre.")
                                        % {"key": key})
        others = schema_ops.keys(self.schema)["field"] - {self.existing.get("key")}
        if key in others:
            raise forms.ValidationError(_("Un autre champ du formulaire a déjà l'identifiant « %(key)s » : deux "
                                          "champs ne peuvent pas avoir le même identifiant.") % {"key": key})
        return key

    def clean_min(self):
        value = self.cleaned_data.get("min")
        return _date_bound(value) if self.field_type == "date" else value

    def clean_max(self):
        value = self.cleaned_data.get("max")
        return _date_bound(value) if self.field_type == "date" else value

    def clean_choices(self):
        return parse_choices(self.cleaned_data.get("choices"))

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min"), cleaned.get("max")
        if low is not None and high is not None and low != "today" and high != "today" and low > high:
            self.add_error("max", _("La borne maximale doit être supérieure ou égale à la borne minimale."))
        if self.field_type == "multichoice" and cleaned.get("choices") and low and low > len(cleaned["choices"]):
            self.add_error("min", _("Le nombre minimal dépasse le nombre de réponses proposées."))
        if self.field_type == "file" and cleaned.get("max_files") and not cleaned.get("multiple"):
            self.add_error("max_files", _("Le nombre maximal de fichiers n'a de sens que si plusieurs fichiers sont "
                                          "possibles."))
        if self.field_type == "file" and not cleaned.get("accept") and "accept" in self.fields:
            self.add_error("accept", _("Cochez au moins un format."))
        return cleaned

    def to_field(self) -> dict:
        """The field as the schema stores it (its condition and autocomplete token are kept)."""
        data = self.cleaned_data
        key = data.get("key") or self.existing.get("key") or schema_ops.new_field_key(self.schema, data["label"])
        field = {"key": key, "type": self.field_type, "label": data["label"].strip()}
        if data.get("help"):
            field["help"] = data["help"].strip()
        if self.field_type != "info":
            field["required"] = bool(data.get("required"))
        if data.get("prefill"):
            field["prefill"] = data["prefill"]
        kind = self.field_type
        if kind in ("text", "textarea") and data.get("max_length"):
            field["max_length"] = data["max_length"]
        if kind in ("date", "integer", "decimal", "multichoice"):
            for name in ("min", "max"):
                if data.get(name) is not None and data.get(name) != "":
                    field[name] = _number(data[name])
        if kind == "decimal" and data.get("decimal_places") is not None:
            field["decimal_places"] = data["decimal_places"]
        if kind in ("choice", "multichoice"):
            field["choices"] = data["choices"]
        if kind == "choice" and data.get("widget") == "select":
            field["widget"] = "select"
        if kind == "file":
            field["accept"] = list(data["accept"])
            if data.get("max_size_mb"):
                field["max_size_mb"] = data["max_size_mb"]
            if data.get("multiple"):
                field["multiple"] = True
                if data.get("max_files"):
                    field["max_files"] = data["max_files"]
        for kept in ("condition", "autocomplete"):
            if kept in self.existing:
                field[kept] = self.existing[kept]
        return field


# --- Conditions ------------------------------------------------------------------------------------------------

class ConditionFieldForm(forms.Form):
    """Step 1: which earlier answer the condition looks at."""

    champ = forms.ChoiceField(label=_("Afficher seulement selon la réponse à"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["champ"].choices = [(field["key"], f"{field.get('label')} ({page.get('title')})")
                                        for page, field in candidates]


_OPS_BY_TYPE = {
    "choice": ("equals", "not_equals", "one_of", "filled"),
    "multichoice": ("equals", "not_equals", "one_of", "filled"),
    "yesno": ("equals", "filled"),
    "consent": ("equals",),
    "file": ("filled",),
    "address": ("filled",),
}
_DEFAULT_OPS = ("equals", "not_equals", "filled")


class ConditionClauseForm(forms.Form):
    """Step 2: how the answer to `field` must be for the page, section or field to show."""

    def __init__(self, *args, field, **kwargs):
        self.target = field
        super().__init__(*args, **kwargs)
        kind = field.get("type")
        ops = _OPS_BY_TYPE.get(kind, _DEFAULT_OPS)
        self.fields["op"] = forms.ChoiceField(label=_("Condition"), choices=[(op, OP_LABELS[op]) for op in ops],
                                              widget=forms.RadioSelect, initial=ops[0])
        if kind in ("choice", "multichoice"):
            self.fields["values"] = forms.MultipleChoiceField(
                label=_("Réponse(s)"), required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(c.get("value"), c.get("label")) for c in field.get("choices") or [] if isinstance(c, dict)],
                help_text=_("Une seule réponse pour « est » et « n'est pas » ; une ou plusieurs pour « est l'une "
                            "de »."))
        elif kind in ("yesno", "consent"):
            labels = ((_("Cochée"), _("Non cochée")) if kind == "consent" else (_("Oui"), _("Non")))
            self.fields["boolean"] = forms.ChoiceField(label=_("Réponse"), required=False, widget=forms.RadioSelect,
                                                       choices=[("true", labels[0]), ("false", labels[1])])
        elif kind == "integer":
            self.fields["number"] = forms.IntegerField(label=_("Valeur"), required=False)
        elif kind == "decimal":
            self.fields["number"] = forms.DecimalField(label=_("Valeur"), required=False)
        elif kind == "date":
            self.fields["text"] = forms.DateField(label=_("Date"), required=False,
                                                  input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                                  help_text=_("Par exemple 14/07/2026."))
        elif kind not in ("file", "address"):
            self.fields["text"] = forms.CharField(label=_("Valeur"), required=False, max_length=300)

    def clean(self):
        cleaned = super().clean()
        op = cleaned.get("op")
        if not op:
            return cleaned
        condition = {"field": self.target["key"], "op": op}
        if op != "filled":
            value = self._value(op, cleaned)
            if value is not None:
                condition["value"] = value
        cleaned["condition"] = condition
        return cleaned

    def _value(self, op, cleaned):
        kind = self.target.get("type")
        if "values" in self.fields:
            values = cleaned.get("values") or []
            if op == "one_of":
                if not values:
                    self.add_error("values", _("Cochez au moins une réponse."))
                return list(values)
            if len(values) != 1:
                self.add_error("values", _("Cochez exactement une réponse pour cette condition."))
                return None
            return values[0]
        if "boolean" in self.fields:
            if cleaned.get("boolean") not in ("true", "false"):
                self.add_error("boolean", _("Choisissez la réponse attendue."))
                return None
            return cleaned["boolean"] == "true"
        if "number" in self.fields:
            if cleaned.get("number") is None:
                self.add_error("number", _("Indiquez la valeur attendue."))
                return None
            return _number(cleaned["number"])
        if "text" in self.fields:
            value = cleaned.get("text")
            if value in (None, ""):
                self.add_error("text", _("Indiquez la valeur attendue."))
                return None
            return value.isoformat() if kind == "date" else value.strip()
        return None


def page_key_is_free(schema, key):
    return key not in schema_ops.keys(schema)["page"] and key not in RESERVED_PAGE_KEYS


