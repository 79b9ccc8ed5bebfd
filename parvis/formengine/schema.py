"""The form schema: its vocabulary and `validate_schema`, which lists every problem in French.

The format is documented in docs/dev/form-schema.md. `validate_schema` never raises: it returns the
list of problems (empty when the schema is usable), so that the no-code builder can show them all.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

SCHEMA_VERSION = 1

FIELD_TYPES = (
    "text", "textarea", "email", "phone", "date", "integer", "decimal", "yesno", "choice", "multichoice",
    "address", "file", "consent", "info",
)

COMMON_OPTIONS = {"key", "type", "label", "help", "required", "condition", "prefill", "autocomplete"}
TYPE_OPTIONS = {
    "text": {"max_length"},
    "textarea": {"max_length"},
    "email": set(),
    "phone": set(),
    "date": {"min", "max"},
    "integer": {"min", "max"},
    "decimal": {"min", "max", "decimal_places"},
    "yesno": set(),
    "choice": {"choices", "widget"},
    "multichoice": {"choices", "min", "max"},
    "address": set(),
    "file": {"accept", "max_size_mb", "multiple", "max_files"},
    "consent": set(),
    "info": set(),
}

DEFAULT_MAX_LENGTH = {"text": 255, "textarea": 5000}
MAX_MAX_LENGTH = 100_000
DEFAULT_DECIMAL_PLACES = 2
DEFAULT_FILE_ACCEPT = ("pdf", "jpeg", "png")
DEFAULT_MAX_SIZE_MB = 10
MAX_MAX_SIZE_MB = 50
DEFAULT_MAX_FILES = 10

# Kinds of files a "file" field may accept: label shown to residents, stored content type, extensions
# offered by the browser's file picker. The type is always checked on the content (see filetypes.py).
FILE_KINDS = {
    "pdf": ("PDF", "application/pdf", (".pdf",)),
    "jpeg": ("JPEG", "image/jpeg", (".jpg", ".jpeg")),
    "png": ("PNG", "image/png", (".png",)),
    "heic": ("HEIC", "image/heic", (".heic", ".heif")),
    "odt": ("ODT", "application/vnd.oasis.opendocument.text", (".odt",)),
    "docx": ("Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
}

# Where a field may be pre-filled from ("say it once"): the types it fits and its autocomplete token.
PREFILL_SOURCES = {
    "profile.first_name": ({"text"}, "given-name"),
    "profile.last_name": ({"text"}, "family-name"),
    "profile.email": ({"email", "text"}, "email"),
    "profile.phone": ({"phone", "text"}, "tel"),
    "profile.birth_date": ({"date"}, "bday"),
    "profile.address": ({"address"}, ""),
    "profile.civility": ({"choice"}, "honorific-prefix"),
}

CONDITION_OPS = ("equals", "not_equals", "one_of", "filled")

# Page keys become URL segments of the filing pages: these words are taken by the fixed routes.
RESERVED_PAGE_KEYS = {"verification", "envoyer", "supprimer", "fichiers", "confirmation", "enregistree"}

# Field keys are the names of the inputs: these are taken by the filing forms' own inputs.
RESERVED_FIELD_KEYS = {"action", "revision", "from_review"}

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
KEY_MAX_LENGTH = 60


class SchemaError(ValueError):
    """Raised by `FormDefinition` for an unusable schema; `problems` lists them in French."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("Formulaire invalide : " + " ; ".join(self.problems))


def parse_date_bound(value, today=None):
    """A date bound ("today" or an ISO date) as a date, or None when it is not one."""
    if value == "today":
        return today or datetime.date.today()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _as_decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def condition_fields(condition):
    """Every field key a condition refers to (through all/any)."""
    if not isinstance(condition, dict):
        return []
    if "all" in condition or "any" in condition:
        keys = []
        for sub in condition.get("all") or condition.get("any") or []:
            keys.extend(condition_fields(sub))
        return keys
    field = condition.get("field")
    return [field] if isinstance(field, str) else []


class _Validator:
    def __init__(self, schema):
        self.schema = schema
        self.problems: list[str] = []
        self.fields_before: dict[str, dict] = {}  # key -> field, in order
        self.page_keys: set[str] = set()
        self.section_keys: set[str] = set()

    def add(self, where, message):
        self.problems.append(f"{where} : {message}" if where else message)

    def run(self):
        schema = self.schema
        if not isinstance(schema, dict):
            self.add("", "le formulaire doit être un objet JSON.")
            return self.problems
        version = schema.get("version")
        if version != SCHEMA_VERSION:
            self.add("", f"version de formulaire inconnue : {version!r} (attendu : {SCHEMA_VERSION}).")
        pages = schema.get("pages")
        if not isinstance(pages, list):
            self.add("", "« pages » doit être une liste.")
            return self.problems
        if not pages:
            self.add("", "le formulaire n'a aucune page.")
        for index, page in enumerate(pages, start=1):
            self.check_page(page, index)
        return self.problems

    def check_key(self, where, key, seen, what):
        if not isinstance(key, str) or not key:
            self.add(where, f"{what} sans identifiant (« key »).")
            return False
        if len(key) > KEY_MAX_LENGTH or not KEY_PATTERN.match(key):
            self.add(where, f"identifiant « {key} » invalide : lettres minuscules sans accents, chiffres et "
                            f"tirets bas simples, {KEY_MAX_LENGTH} caractères au plus.")
            return False
        if key in seen:
            self.add(where, f"identifiant « {key} » en double.")
            return False
        seen.add(key)
        return True

    def check_string(self, where, item, name, required):
        value = item.get(name)
        if value is None or value == "":
            if required:
                self.add(where, f"« {name} » manquant.")
            return
        if not isinstance(value, str):
            self.add(where, f"« {name} » doit être un texte.")

    def check_page(self, page, index):
        where = f"Page {index}"
        if not isinstance(page, dict):
            self.add(where, "doit être un objet JSON.")
            return
        key = page.get("key")
        if self.check_key(where, key, self.page_keys, "page"):
            where = f"Page « {key} »"
            if key in RESERVED_PAGE_KEYS:
                self.add(where, f"l'identifiant « {key} » est réservé ; choisissez-en un autre.")
        self.check_string(where, page, "title", required=True)
        self.check_string(where, page, "help", required=False)
        if "condition" in page:
            # A page's condition can only use answers of earlier pages (its own fields come after it).
            self.check_condition(where, page["condition"], dict(self.fields_before))
        sections = page.get("sections")
        if not isinstance(sections, list) or not sections:
            self.add(where, "une page doit contenir au moins une section (« sections »).")
            return
        for s_index, section in enumerate(sections, start=1):
            self.check_section(where, key, section, s_index)

    def check_section(self, page_where, page_key, section, index):
        where = f"{page_where}, section {index}"
        if not isinstance(section, dict):
            self.add(where, "doit être un objet JSON.")
            return
        key = section.get("key")
        if self.check_key(where, key, self.section_keys, "section"):
            where = f"{page_where}, section « {key} »"
        self.check_string(where, section, "title", required=True)
        self.check_string(where, section, "help", required=False)
        if "condition" in section:
            self.check_condition(where, section["condition"], dict(self.fields_before))
        fields = section.get("fields")
        if not isinstance(fields, list) or not fields:
            self.add(where, "une section doit contenir au moins un champ (« fields »).")
            return
        for f_index, field in enumerate(fields, start=1):
            self.check_field(page_where, page_key, field, f_index, where)

    def check_field(self, page_where, page_key, field, index, section_where):
        where = f"{section_where}, champ {index}"
        if not isinstance(field, dict):
            self.add(where, "doit être un objet JSON.")
            return
        key = field.get("key")
        seen = set(self.fields_before)
        key_ok = self.check_key(where, key, seen, "champ")
        if key_ok:
            where = f"{page_where}, champ « {key} »"
            if key in RESERVED_FIELD_KEYS:
                self.add(where, f"l'identifiant « {key} » est réservé ; choisissez-en un autre.")
        field_type = field.get("type")
        if field_type not in FIELD_TYPES:
            self.add(where, f"type inconnu « {field_type} » (types possibles : {', '.join(FIELD_TYPES)}).")
            field_type = None
        self.check_string(where, field, "label", required=True)
        self.check_string(where, field, "help", required=False)
        self.check_string(where, field, "autocomplete", required=False)
        if "required" in field and not isinstance(field["required"], bool):
            self.add(where, "« required » doit valoir true ou false.")
        if field_type:
            unknown = set(field) - COMMON_OPTIONS - TYPE_OPTIONS[field_type]
            for option in sorted(unknown):
                self.add(where, f"option « {option} » inconnue pour le type « {field_type} ».")
            getattr(self, f"check_type_{field_type}")(where, field)
            if field_type == "info":
                if field.get("required"):
                    self.add(where, "un texte d'information ne peut pas être obligatoire.")
                if "prefill" in field:
                    self.add(where, "un texte d'information ne peut pas être pré-rempli.")
        if "prefill" in field and field_type != "info":
            source = field["prefill"]
            if source not in PREFILL_SOURCES:
                self.add(where, f"source de pré-remplissage inconnue « {source} » "
                                f"(sources possibles : {', '.join(PREFILL_SOURCES)}).")
            elif field_type and field_type not in PREFILL_SOURCES[source][0]:
                self.add(where, f"la source « {source} » ne convient pas à un champ de type « {field_type} ».")
        if "condition" in field:
            self.check_condition(where, field["condition"], dict(self.fields_before))
        if key_ok:
            self.fields_before[key] = field

    # --- Options of each type -----------------------------------------------------------------------
    def _check_max_length(self, where, field):
        if "max_length" in field:
            value = field["max_length"]
            if not _is_int(value) or not 1 <= value <= MAX_MAX_LENGTH:
                self.add(where, f"« max_length » doit être un nombre entier entre 1 et {MAX_MAX_LENGTH}.")

    def check_type_text(self, where, field):
        self._check_max_length(where, field)

    check_type_textarea = check_type_text

    def check_type_without_options(self, where, field):
        pass

    check_type_email = check_type_without_options
    check_type_phone = check_type_without_options
    check_type_yesno = check_type_without_options
    check_type_address = check_type_without_options
    check_type_consent = check_type_without_options
    check_type_info = check_type_without_options

    def check_type_date(self, where, field):
        bounds = {}
        for name in ("min", "max"):
            if name in field:
                value = parse_date_bound(field[name])
                if value is None:
                    self.add(where, f"« {name} » doit être une date AAAA-MM-JJ ou « today ».")
                elif field[name] != "today":
                    bounds[name] = value
        if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
            self.add(where, "« min » est postérieur à « max ».")

    def check_type_integer(self, where, field):
        self._check_number_bounds(where, field, _is_int, "un nombre entier")

    def check_type_decimal(self, where, field):
        self._check_number_bounds(where, field, _is_number, "un nombre")
        if "decimal_places" in field:
            value = field["decimal_places"]
            if not _is_int(value) or not 0 <= value <= 10:
                self.add(where, "« decimal_places » doit être un nombre entier entre 0 et 10.")

    def _check_number_bounds(self, where, field, check, what):
        ok = True
        for name in ("min", "max"):
            if name in field and not check(field[name]):
                self.add(where, f"« {name} » doit être {what}.")
                ok = False
        if ok and "min" in field and "max" in field and _as_decimal(field["min"]) > _as_decimal(field["max"]):
            self.add(where, "« min » est supérieur à « max ».")

    def _check_choices(self, where, field):
        choices = field.get("choices")
        if not isinstance(choices, list) or not choices:
            self.add(where, "un choix doit proposer des réponses (« choices » : liste de {value, label}).")
            return []
        values = []
        for number, choice in enumerate(choices, start=1):
            if not isinstance(choice, dict) or not isinstance(choice.get("value"), str) or not choice["value"] \
                    or not isinstance(choice.get("label"), str) or not choice["label"]:
                self.add(where, f"réponse {number} : « value » et « label » doivent être des textes non vides.")
                continue
            if choice["value"] in values:
                self.add(where, f"réponse « {choice['value']} » en double.")
            values.append(choice["value"])
        return values

    def check_type_choice(self, where, field):
        self._check_choices(where, field)
        if "widget" in field and field["widget"] not in ("radio", "select"):
            self.add(where, "« widget » doit valoir « radio » ou « select ».")

    def check_type_multichoice(self, where, field):
        values = self._check_choices(where, field)
        ok = True
        for name in ("min", "max"):
            if name in field and (not _is_int(field[name]) or field[name] < 0):
                self.add(where, f"« {name} » (nombre de cases à cocher) doit être un nombre entier positif.")
                ok = False
        if ok and "min" in field and "max" in field and field["min"] > field["max"]:
            self.add(where, "« min » est supérieur à « max ».")
        if ok and values and field.get("min", 0) > len(values):
            self.add(where, "« min » dépasse le nombre de réponses proposées.")

    def check_type_file(self, where, field):
        accept = field.get("accept", list(DEFAULT_FILE_ACCEPT))
        if not isinstance(accept, list) or not accept:
            self.add(where, f"« accept » doit être une liste parmi : {', '.join(FILE_KINDS)}.")
        else:
            for kind in accept:
                if kind not in FILE_KINDS:
                    self.add(where, f"type de fichier « {kind} » non pris en charge "
                                    f"(types possibles : {', '.join(FILE_KINDS)}).")
        if "max_size_mb" in field:
            value = field["max_size_mb"]
            if not _is_number(value) or not 0 < value <= MAX_MAX_SIZE_MB:
                self.add(where, f"« max_size_mb » doit être un nombre entre 0 et {MAX_MAX_SIZE_MB}.")
        if "multiple" in field and not isinstance(field["multiple"], bool):
            self.add(where, "« multiple » doit valoir true ou false.")
        if "max_files" in field:
            value = field["max_files"]
            if not _is_int(value) or value < 1:
                self.add(where, "« max_files » doit être un nombre entier supérieur ou égal à 1.")
            elif not field.get("multiple"):
                self.add(where, "« max_files » n'a de sens qu'avec « multiple » : true.")

    # --- Conditions ---------------------------------------------------------------------------------
    def check_condition(self, where, condition, before):
        where = f"{where}, condition"
        if not isinstance(condition, dict):
            self.add(where, "doit être un objet JSON.")
            return
        for combinator in ("all", "any"):
            if combinator in condition:
                subs = condition[combinator]
                if len(condition) != 1 or not isinstance(subs, list) or not subs:
                    self.add(where, f"« {combinator} » doit être seul et contenir une liste de conditions.")
                    return
                for sub in subs:
                    self.check_condition(where.removesuffix(", condition"), sub, before)
                return
        op = condition.get("op")
        if op not in CONDITION_OPS:
            self.add(where, f"opérateur inconnu « {op} » (opérateurs possibles : {', '.join(CONDITION_OPS)}).")
            return
        key = condition.get("field")
        if not isinstance(key, str) or not key:
            self.add(where, "« field » manquant.")
            return
        if key not in before:
            if key in self.all_field_keys():
                self.add(where, f"porte sur le champ « {key} », placé après elle : une condition ne peut "
                                "dépendre que de champs qui la précèdent.")
            else:
                self.add(where, f"porte sur le champ inconnu « {key} ».")
            return
        target = before[key]
        target_type = target.get("type")
        if target_type == "info":
            self.add(where, f"porte sur « {key} », un texte d'information sans réponse.")
            return
        if op == "filled":
            if target_type == "consent":
                self.add(where, f"« filled » sur la case à cocher « {key} » serait toujours vrai une fois la page "
                                "enregistrée : utilisez « equals » avec true.")
            return
        if "value" not in condition:
            self.add(where, f"« value » manquant pour l'opérateur « {op} ».")
            return
        value = condition["value"]
        if target_type in ("file", "address"):
            self.add(where, f"sur un champ de type « {target_type} », seul l'opérateur « filled » est possible.")
            return
        values = value if op == "one_of" else [value]
        if op == "one_of" and (not isinstance(value, list) or not value):
            self.add(where, "« one_of » attend une liste de valeurs.")
            return
        if target_type in ("choice", "multichoice"):
            known = [c.get("value") for c in target.get("choices") or [] if isinstance(c, dict)]
            for item in values:
                if item not in known:
                    self.add(where, f"la valeur « {item} » n'est pas une réponse possible de « {key} ».")
        elif target_type in ("yesno", "consent"):
            for item in values:
                if not isinstance(item, bool):
                    self.add(where, f"« {key} » vaut true ou false, pas « {item} ».")
        elif target_type in ("integer", "decimal"):
            for item in values:
                if isinstance(item, bool) or not isinstance(item, int | float):
                    self.add(where, f"« {key} » est un nombre : écrivez la valeur sans guillemets (par exemple 12.5), "
                                    f"pas « {item} ».")
                elif target_type == "integer" and isinstance(item, float) and not item.is_integer():
                    self.add(where, f"« {key} » est un nombre entier, pas « {item} ».")
        else:
            for item in values:
                if not isinstance(item, str):
                    self.add(where, f"« {key} » est un texte : écrivez la valeur entre guillemets, pas « {item} ».")

    def all_field_keys(self):
        keys = set()
        for page in self.schema.get("pages") or []:
            if not isinstance(page, dict):
                continue
            for section in page.get("sections") or []:
                if not isinstance(section, dict):
                    continue
                for field in section.get("fields") or []:
                    if isinstance(field, dict) and isinstance(field.get("key"), str):
                        keys.add(field["key"])
        return keys



def validate_schema(schema) -> list[str]:
    """Every problem of a form schema, in French; an empty list means the schema is usable."""
    return _Validator(schema).run()
