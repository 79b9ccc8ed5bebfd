"""Django form fields for each type of the schema, with their French messages.

Each type also knows how to turn a cleaned value into an answer (JSON), an answer back into an
initial value, and an answer into POST-like data (used to re-validate a whole draft at submission).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from parvis.formengine import schema as s
from parvis.formengine.filetypes import detect_kind

NUMBER_LIMIT = Decimal(10) ** 15
DATE_EXAMPLE = "14/07/2026"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]
POSTCODE_RE = re.compile(r"^\d{5}$")
DISPLAY_EXTRA_CHARS = 200


def french_date(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def french_number(value) -> str:
    return str(value).replace(".", ",")


def size_label(size: int) -> str:
    if size < 1024:
        return f"{size} octets"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} Ko"
    megabytes = round(size / (1024 * 1024), 1)
    return f"{french_number(int(megabytes) if megabytes == int(megabytes) else megabytes)} Mo"


# --- Widgets: they read the POST; rendering is done by formengine/page.html ---------------------------
class _BoundedValueMixin:
    """Never echoes back more than the limit plus a margin (a 10 MB paste is refused, not re-sent)."""

    display_limit = 5000 + DISPLAY_EXTRA_CHARS

    def format_value(self, value):
        value = super().format_value(value)
        if isinstance(value, str) and len(value) > self.display_limit:
            return value[: self.display_limit]
        return value


class TextInput(_BoundedValueMixin, forms.TextInput):
    pass


class Textarea(_BoundedValueMixin, forms.Textarea):
    pass


class EmailInput(_BoundedValueMixin, forms.EmailInput):
    pass


class TelInput(_BoundedValueMixin, forms.TextInput):
    input_type = "tel"


class DateTextInput(_BoundedValueMixin, forms.DateInput):
    """Dates are typed as text (jj/mm/aaaa): simpler to use with assistive technologies than pickers."""

    input_type = "text"


class DecimalInput(_BoundedValueMixin, forms.TextInput):
    def format_value(self, value):
        value = super().format_value(value)
        return value.replace(".", ",") if isinstance(value, str) else value


class AddressWidget(forms.Widget):
    """Three inputs named <key>__street, <key>__postcode, <key>__city."""

    parts = ("street", "postcode", "city")

    def value_from_datadict(self, data, files, name):
        return {part: data.get(f"{name}__{part}", "") for part in self.parts}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}__{part}" in data for part in self.parts)

    def format_value(self, value):
        if isinstance(value, dict):
            return {part: str(value.get(part) or "")[:400] for part in self.parts}
        return {part: "" for part in self.parts}


def _getlist(data, name):
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data.get(name) if data else None
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class FileAnswerWidget(forms.Widget):
    """New uploads under <key>, files to remove under <key>__retirer (their file ids)."""

    def value_from_datadict(self, data, files, name):
        uploads = _getlist(files, name)
        remove = _getlist(data, f"{name}__retirer")
        return {"uploads": [upload for upload in uploads if upload], "remove": remove}

    def value_omitted_from_data(self, data, files, name):
        return False


# --- Fields ------------------------------------------------------------------------------------------
REQUIRED = "Ce champ est obligatoire."


class TextAnswerField(forms.CharField):
    def __init__(self, *, limit, **kwargs):
        self.limit = limit
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.limit:
            raise ValidationError(
                f"Ce texte est trop long : {self.limit} caractères au maximum, vous en avez saisi {len(value)}. "
                "Raccourcissez-le ou joignez un document si la démarche le permet.", code="max_length")


class PhoneField(forms.CharField):
    message = "Indiquez un numéro de téléphone valide, par exemple 06 12 34 56 78."

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        if len(value) > 40:
            raise ValidationError(self.message, code="invalid")
        try:
            number = phonenumbers.parse(value, "FR")
        except phonenumbers.NumberParseException:
            raise ValidationError(self.message, code="invalid")
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(self.message, code="invalid")
        if number.country_code == 33:
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_phone(value: str) -> str:
    """A phone number as the phone field stores it, or the value unchanged when it is not valid."""
    try:
        return PhoneField(required=False).clean(value)
    except ValidationError:
        return value


class DateAnswerField(forms.DateField):
    def __init__(self, *, min_bound=None, max_bound=None, **kwargs):
        self.min_bound, self.max_bound = min_bound, max_bound
        super().__init__(input_formats=DATE_INPUT_FORMATS, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and len(value) > 40:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value.strip() if isinstance(value, str) else value)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        today = timezone.localdate()
        low = s.parse_date_bound(self.min_bound, today) if self.min_bound else None
        high = s.parse_date_bound(self.max_bound, today) if self.max_bound else None
        if low and value < low:
            when = "aujourd'hui" if self.min_bound == "today" else f"le {french_date(low)}"
            raise ValidationError(f"La date doit être {when} ou après.", code="min")
        if high and value > high:
            when = "aujourd'hui" if self.max_bound == "today" else f"le {french_date(high)}"
            raise ValidationError(f"La date doit être {when} ou avant.", code="max")


class _BoundedNumberMixin:
    def check_bounds(self, value, low, high):
        if value is None:
            return
        if low is not None and value < Decimal(str(low)):
            raise ValidationError(f"Indiquez un nombre supérieur ou égal à {french_number(low)}.", code="min")
        if high is not None and value > Decimal(str(high)):
            raise ValidationError(f"Indiquez un nombre inférieur ou égal à {french_number(high)}.", code="max")
        if abs(Decimal(value)) >= NUMBER_LIMIT:
            raise ValidationError("Ce nombre est trop grand.", code="max")


class IntegerAnswerField(_BoundedNumberMixin, forms.Field):
    def __init__(self, *, low=None, high=None, **kwargs):
        self.low, self.high = low, high
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
        if len(text) > 20 or not re.fullmatch(r"[+-]?\d+", text):
            raise ValidationError("Indiquez un nombre entier, par exemple 3.", code="invalid")
        return int(text)

    def validate(self, value):
        super().validate(value)
        self.check_bounds(value, self.low, self.high)


class DecimalAnswerField(_BoundedNumberMixin, forms.Field):
    def __init__(self, *, low=None, high=None, places=2, **kwargs):
        self.low, self.high, self.places = low, high, places
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "").replace(",", ".")
        example = "12" if not self.places else "12," + "5" * min(self.places, 2)
        if len(text) > 30 or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValidationError(f"Indiquez un nombre, par exemple {example}.", code="invalid")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(f"Indiquez un nombre, par exemple {example}.", code="invalid")
        if -number.as_tuple().exponent > self.places:
            if self.places == 0:
                raise ValidationError("Indiquez un nombre entier, sans virgule.", code="decimal_places")
            raise ValidationError(f"Indiquez au plus {self.places} chiffre(s) après la virgule.",
                                  code="decimal_places")
        return number

    def validate(self, value):
        super().validate(value)
        self.check_bounds(value, self.low, self.high)


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=[("true", "Oui"), ("false", "Non")], coerce=lambda v: v == "true",
                         empty_value=None, widget=forms.RadioSelect, **kwargs)


class MultiChoiceAnswerField(forms.MultipleChoiceField):
    def __init__(self, *, low=None, high=None, **kwargs):
        self.low, self.high = low, high
        super().__init__(widget=forms.CheckboxSelectMultiple, **kwargs)

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        if self.low and len(value) < self.low:
            raise ValidationError(f"Cochez au moins {self.low} réponses.", code="min")
        if self.high and len(value) > self.high:
            raise ValidationError(f"Cochez au plus {self.high} réponse(s).", code="max")


class AddressField(forms.Field):
    widget = AddressWidget
    limits = {"street": 250, "postcode": 5, "city": 120}

    def to_python(self, value):
        if not isinstance(value, dict):
            return None
        parts = {part: str(value.get(part) or "").strip() for part in AddressWidget.parts}
        if not any(parts.values()):
            return None
        return parts

    def validate(self, value):
        if value is None:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return
        errors = []
        if not value["street"]:
            errors.append(ValidationError("Indiquez le numéro et la rue.", code="street"))
        elif len(value["street"]) > self.limits["street"]:
            errors.append(ValidationError("Le numéro et la rue sont trop longs (250 caractères au maximum).",
                                          code="street"))
        if not POSTCODE_RE.match(value["postcode"]):
            errors.append(ValidationError("Indiquez un code postal de 5 chiffres, par exemple 75001.",
                                          code="postcode"))
        if not value["city"]:
            errors.append(ValidationError("Indiquez la commune.", code="city"))
        elif len(value["city"]) > self.limits["city"]:
            errors.append(ValidationError("Le nom de la commune est trop long (120 caractères au maximum).",
                                          code="city"))
        if errors:
            raise ValidationError(errors)


@dataclass
class ValidatedUpload:
    """An uploaded file whose content was checked; the caller stores it (see FormDefinition docs)."""

    file: object
    name: str
    kind: str
    content_type: str
    size: int


@dataclass
class FileAnswer:
    kept: list[dict] = field(default_factory=list)
    new: list[ValidatedUpload] = field(default_factory=list)


class FileAnswerField(forms.Field):
    widget = FileAnswerWidget

    def __init__(self, *, accept, max_size_mb, multiple, max_files, **kwargs):
        self.accept = list(accept)
        self.max_size_mb = max_size_mb
        self.multiple = multiple
        self.max_files = max_files if multiple else 1
        self.partial = None
        super().__init__(**kwargs)

    @property
    def accepted_labels(self):
        return ", ".join(s.FILE_KINDS[kind][0] for kind in self.accept)

    def _clean_bound_field(self, bf):
        return self.clean(bf.data, bf.initial)

    def check_upload(self, upload):
        name = getattr(upload, "name", "") or "fichier"
        size = getattr(upload, "size", 0) or 0
        if size == 0:
            return None, f"Le fichier « {name} » est vide."
        if size > self.max_size_mb * 1024 * 1024:
            return None, (f"Le fichier « {name} » est trop lourd ({size_label(size)}) : "
                          f"{french_number(self.max_size_mb)} Mo au maximum.")
        kind = detect_kind(upload)
        if kind == "executable":
            return None, (f"Le fichier « {name} » est un programme, pas un document : il est refusé. "
                          f"Joignez un fichier {self.accepted_labels}.")
        if kind not in self.accept:
            return None, (f"Le contenu du fichier « {name} » n'est pas dans un format accepté "
                          f"({self.accepted_labels}), quel que soit son nom.")
        return ValidatedUpload(file=upload, name=name, kind=kind, content_type=s.FILE_KINDS[kind][1],
                               size=size), None

    def clean(self, value, initial=None):
        value = value if isinstance(value, dict) else {}
        refs = [ref for ref in (initial or []) if isinstance(ref, dict) and ref.get("file_id")]
        remove = set(value.get("remove") or [])
        kept = [ref for ref in refs if ref["file_id"] not in remove]
        uploads = list(value.get("uploads") or [])
        if not self.multiple:
            uploads = uploads[:1]
        errors, new = [], []
        for upload in uploads:
            validated, error = self.check_upload(upload)
            if error:
                errors.append(ValidationError(error, code="invalid_file"))
            else:
                new.append(validated)
        if not self.multiple and new:
            kept = []  # a new file replaces the one joined before
        if len(kept) + len(new) > self.max_files:
            errors.append(ValidationError(f"Vous pouvez joindre au plus {self.max_files} fichiers.",
                                          code="max_files"))
            new = new[: max(0, self.max_files - len(kept))]
        self.partial = FileAnswer(kept=kept, new=new)
        if errors:
            raise ValidationError(errors)
        if self.required and not kept and not new:
            raise ValidationError(self.error_messages["required"], code="required")
        return self.partial


# --- Building fields, and converting between answers and form values --------------------------------
REQUIRED_MESSAGES = {
    "date": f"Indiquez une date, par exemple {DATE_EXAMPLE}.",
    "yesno": "Choisissez une réponse.",
    "choice": "Choisissez une réponse.",
    "multichoice": "Cochez au moins une réponse.",
    "address": "Indiquez l'adresse complète : numéro et rue, code postal et commune.",
    "file": "Joignez un fichier.",
    "consent": "Cochez cette case pour continuer.",
}


def build_field(definition) -> forms.Field | None:
    """The Django field for a field definition (None for "info", which has no answer)."""
    options = definition.options
    kind = definition.type
    common = {"required": definition.required, "label": definition.label,
              "error_messages": {"required": REQUIRED_MESSAGES.get(kind, REQUIRED)}}
    if kind in ("text", "textarea"):
        limit = options.get("max_length", s.DEFAULT_MAX_LENGTH[kind])
        widget = (Textarea if kind == "textarea" else TextInput)()
        widget.display_limit = limit + DISPLAY_EXTRA_CHARS
        return TextAnswerField(limit=limit, widget=widget, **common)
    if kind == "email":
        common["error_messages"]["invalid"] = "Indiquez une adresse électronique valide, par exemple nom@exemple.fr."
        return forms.EmailField(max_length=254, widget=EmailInput(), **common)
    if kind == "phone":
        return PhoneField(widget=TelInput(), **common)
    if kind == "date":
        common["error_messages"]["invalid"] = f"Indiquez une date valide, par exemple {DATE_EXAMPLE}."
        return DateAnswerField(min_bound=options.get("min"), max_bound=options.get("max"),
                               widget=DateTextInput(format="%d/%m/%Y"), **common)
    if kind == "integer":
        return IntegerAnswerField(low=options.get("min"), high=options.get("max"), widget=TextInput(), **common)
    if kind == "decimal":
        return DecimalAnswerField(low=options.get("min"), high=options.get("max"),
                                  places=options.get("decimal_places", s.DEFAULT_DECIMAL_PLACES),
                                  widget=DecimalInput(), **common)
    if kind == "yesno":
        return YesNoField(**common)
    if kind == "choice":
        common["error_messages"]["invalid_choice"] = "Choisissez une des réponses proposées."
        choices = definition.choices
        if options.get("widget") == "select":
            return forms.ChoiceField(choices=[("", "— Choisissez —"), *choices], widget=forms.Select, **common)
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "multichoice":
        common["error_messages"]["invalid_choice"] = "Choisissez parmi les réponses proposées."
        return MultiChoiceAnswerField(choices=definition.choices, low=options.get("min"), high=options.get("max"),
                                      **common)
    if kind == "address":
        return AddressField(**common)
    if kind == "file":
        multiple = bool(options.get("multiple"))
        return FileAnswerField(accept=options.get("accept", s.DEFAULT_FILE_ACCEPT),
                               max_size_mb=options.get("max_size_mb", s.DEFAULT_MAX_SIZE_MB), multiple=multiple,
                               max_files=options.get("max_files", s.DEFAULT_MAX_FILES), **common)
    if kind == "consent":
        return forms.BooleanField(**common)
    return None


def to_answer(kind, value):
    """A cleaned form value as it is stored in the answers (JSON)."""
    if kind in ("text", "textarea", "email", "phone", "choice"):
        return value or None
    if kind == "date":
        return value.isoformat() if value else None
    if kind == "decimal":
        return str(value) if value is not None else None
    if kind == "multichoice":
        return list(value or [])
    if kind == "consent":
        return bool(value)
    if kind == "file":
        return list(value.kept) if value else []
    return value


def to_initial(kind, answer):
    """An answer as the initial value of its form field."""
    if answer is None:
        return None
    if kind == "date":
        try:
            return datetime.date.fromisoformat(answer)
        except (TypeError, ValueError):
            return None
    if kind == "yesno":
        return {True: "true", False: "false"}.get(answer)
    return answer


def to_data(kind, key, answer, data):
    """Writes an answer into POST-like `data` (a MultiValueDict), to re-validate it through its form."""
    if answer is None or kind in ("file", "info"):
        return
    if kind == "multichoice":
        data.setlist(key, [str(item) for item in answer] if isinstance(answer, list) else [str(answer)])
    elif kind == "address":
        if isinstance(answer, dict):
            for part in AddressWidget.parts:
                data[f"{key}__{part}"] = str(answer.get(part) or "")
    elif kind == "yesno":
        data[key] = {True: "true", False: "false"}.get(answer, str(answer))
    elif kind == "consent":
        if answer is True:
            data[key] = "on"
    else:
        data[key] = str(answer)
