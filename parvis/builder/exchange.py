"""Import and export of a procedure as JSON (docs/procedure-format.md): format "parvis.procedure", version 1.

`export_document(procedure)` writes the draft when there is one, else the published procedure: its
information page, access and channels, legal regime, privacy metadata, form and workflow (with its email and
letter texts). `read_document(raw)` checks a file and reports **every** problem at once: `errors` block the
import (a malformed file, an unknown value, an invalid form or workflow); `warnings` list what must be
completed before publishing (privacy metadata, offline alternative...). `import_procedure(result, ...)`
creates a new, unpublished procedure from a file without errors.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from parvis.accounts.models import User
from parvis.builder import services
from parvis.builder.models import PublicationAction
from parvis.builder.procedure_settings import normalise, settings_problems
from parvis.formengine import validate_schema
from parvis.organisation.models import Commune, Department
from parvis.procedures.models import Category, Family, LifeEvent, PeriodUnit, PrivacyLegalBasis, Regime
from parvis.workflows import default_workflow, validate_workflow

FORMAT_NAME = "parvis.procedure"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 2 * 1024 * 1024
_SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")

_TOP_KEYS = {"format", "version", "exported_at", "generator", "source", "notes", "procedure", "form", "workflow"}
_PROCEDURE_KEYS = {"slug", "title", "summary", "description", "eligibility", "documents_to_prepare", "cost",
                   "usual_delay", "keywords", "family", "is_featured", "category", "life_events", "department",
                   "access", "channels", "legal", "privacy"}
_TEXTS = {"summary": 300, "description": None, "eligibility": None, "documents_to_prepare": None, "cost": 200,
          "usual_delay": 200, "keywords": 300}
_ACCESS = {"account_required": "account_required", "allow_anonymous": "allow_anonymous"}
_CHANNELS = {"web": "channel_web", "counter": "channel_counter", "phone": "channel_phone", "mail": "channel_mail"}
_PRIVACY_TEXTS = {"purpose": ("privacy_purpose", None), "legal_basis_detail": ("privacy_legal_basis_detail", 300),
                  "data_categories": ("privacy_data_categories", None), "recipients": ("privacy_recipients", None),
                  "retention_detail": ("retention_detail", 300)}
# Codes of `settings_problems` that depend on the commune importing the file, not on the file.
_LOCAL_CODES = {"missing_category", "missing_department", "inactive_department", "slug_taken", "missing_slug"}


# --- Export ----------------------------------------------------------------------------------------------

def document_from(settings, schema, workflow, *, category, life_events=(), department=None, source=None) -> dict:
    """The exchange document of a procedure from its settings (flat, as the builder keeps them)."""
    values = normalise(settings)
    period = None
    if values["regime"] != Regime.NONE and values["period_value"]:
        period = {"value": values["period_value"], "unit": values["period_unit"]}
    procedure = {
        "slug": values["slug"], "title": values["title"],
        **{name: values[name] for name in _TEXTS},
        "family": values["family"], "is_featured": bool(values["is_featured"]),
        "category": {"slug": category.slug, "name": category.name} if category else None,
        "life_events": [event.slug for event in life_events],
        "access": {key: bool(values[name]) for key, name in _ACCESS.items()},
        "channels": {**{key: bool(values[name]) for key, name in _CHANNELS.items()},
                     "offline_alternative": values["offline_alternative"]},
        "legal": {"regime": values["regime"], "period": period, "legal_basis": values["legal_basis"],
                  "acknowledgement_due": bool(values["acknowledgement_due"])},
        "privacy": {"purpose": values["privacy_purpose"], "legal_basis": values["privacy_legal_basis"],
                    "legal_basis_detail": values["privacy_legal_basis_detail"],
                    "data_categories": values["privacy_data_categories"],
                    "recipients": values["privacy_recipients"], "retention_months": values["retention_months"],
                    "retention_detail": values["retention_detail"]},
    }
    if department is not None:
        procedure["department"] = {"slug": department.slug, "name": department.name}
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION,
                "exported_at": timezone.now().isoformat(timespec="seconds"), "generator": "Parvis"}
    if source:
        document["source"] = source
    document.update({"procedure": procedure, "form": copy.deepcopy(schema), "workflow": copy.deepcopy(workflow)})
    return document


def export_document(procedure) -> dict:
    current = services.state(procedure)
    values = current.settings
    category = Category.objects.filter(pk=values["category"]).first()
    department = Department.objects.filter(pk=values["department"]).first()
    life_events = LifeEvent.objects.filter(pk__in=values["life_events"]).order_by("sort_order", "name")
    commune = Commune.current()
    revision = current.revision
    source = {"commune": commune.name if commune else "", "procedure": values["slug"],
              "revision": revision.number if revision else None, "draft": current.has_draft}
    return document_from(values, current.schema, current.workflow, category=category, life_events=life_events,
                         department=department, source=source)


def dumps(document) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- Import ------------------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    category: dict = field(default_factory=dict)
    life_events: list[str] = field(default_factory=list)
    department: dict | None = None
    schema: dict = field(default_factory=dict)
    workflow: dict = field(default_factory=dict)
    notes: str = ""

    @property
    def ok(self):
        return not self.errors

    @property
    def title(self):
        return self.settings.get("title", "")


class _Reader:
    def __init__(self):
        self.result = ImportResult()

    def error(self, where, message):
        self.result.errors.append(f"{where} : {message}" if where else message)

    def obj(self, value, where, allowed, required=True):
        if value is None:
            if required:
                self.error(where, _("obligatoire."))
            return {}
        if not isinstance(value, dict):
            self.error(where, _("doit être un objet JSON ({ … })."))
            return {}
        for key in value:
            if key not in allowed:
                self.error(where, _("champ inconnu « %(key)s » (champs possibles : %(allowed)s).")
                           % {"key": key, "allowed": ", ".join(sorted(allowed))})
        return value

    def text(self, data, key, where, max_length=None, required=False, default=""):
        if key not in data or data[key] is None:
            if required:
                self.error(f"{where}.{key}", _("obligatoire."))
            return default
        value = data[key]
        if not isinstance(value, str):
            self.error(f"{where}.{key}", _("doit être un texte."))
            return default
        value = value.strip()
        if required and not value:
            self.error(f"{where}.{key}", _("ne peut pas être vide."))
        if max_length and len(value) > max_length:
            self.error(f"{where}.{key}", _("dépasse %(max)s caractères.") % {"max": max_length})
            value = value[:max_length]
        return value

    def boolean(self, data, key, where, default):
        if key not in data:
            return default
        if not isinstance(data[key], bool):
            self.error(f"{where}.{key}", _("doit valoir true ou false."))
            return default
        return data[key]

    def choice(self, data, key, where, choices, default=None, required=False):
        if key not in data or data[key] is None:
            if required:
                self.error(f"{where}.{key}", _("obligatoire (valeurs possibles : %(values)s).")
                           % {"values": ", ".join(choices)})
            return default
        if data[key] not in choices:
            self.error(f"{where}.{key}", _("valeur inconnue « %(value)s » (valeurs possibles : %(values)s).")
                       % {"value": data[key], "values": ", ".join(choices)})
            return default
        return data[key]

    def integer(self, value, where, low, high):
        if type(value) is not int or not low <= value <= high:
            self.error(where, _("doit être un nombre entier de %(low)s à %(high)s.") % {"low": low, "high": high})
            return None
        return value

    def slug_ref(self, value, where, required):
        """A {"slug", "name"} reference to a category or a department."""
        data = self.obj(value, where, {"slug", "name", "description"}, required=required)
        if not data:
            return {}
        slug = self.text(data, "slug", where, 80, required=True)
        if slug and not _SLUG_RE.match(slug):
            self.error(f"{where}.slug", _("« %(slug)s » n'est pas un identifiant valide (lettres, chiffres, tirets).")
                       % {"slug": slug})
        name = self.text(data, "name", where, 120, required=True)
        return {"slug": slug, "name": name, "description": self.text(data, "description", where, 300)}

    # -- the document ------------------------------------------------------------------------------------
    def read(self, document):
        if not isinstance(document, dict):
            self.error("", _("Le fichier doit contenir un objet JSON ({ … })."))
            return self.result
        self.obj(document, "", _TOP_KEYS)
        if document.get("format") != FORMAT_NAME:
            self.error("format", _("doit valoir « %(name)s » : ce fichier n'est pas une démarche Parvis.")
                       % {"name": FORMAT_NAME})
        version = document.get("version")
        if type(version) is not int:
            self.error("version", _("numéro de version du format manquant (attendu : %(version)s).")
                       % {"version": FORMAT_VERSION})
        elif version > FORMAT_VERSION:
            self.error("version", _("version %(version)s du format, plus récente que celle que connaît ce Parvis "
                                    "(%(known)s) : mettez Parvis à jour.")
                       % {"version": version, "known": FORMAT_VERSION})
        elif version != FORMAT_VERSION:
            self.error("version", _("version %(version)s inconnue (attendue : %(known)s).")
                       % {"version": version, "known": FORMAT_VERSION})
        notes = document.get("notes", "")
        self.result.notes = notes if isinstance(notes, str) else ""
        self.read_procedure(document.get("procedure"))
        self.read_form(document.get("form"), "form" in document)
        self.read_workflow(document.get("workflow", "default"))
        if not self.result.errors:
            self.warn()
        return self.result

    def read_procedure(self, value):
        where = "procedure"
        data = self.obj(value, where, _PROCEDURE_KEYS)
        if not isinstance(value, dict):
            return
        settings = {}
        settings["title"] = self.text(data, "title", where, 200, required=True)
        slug = self.text(data, "slug", where, 120)
        if slug and not _SLUG_RE.match(slug):
            self.error(f"{where}.slug", _("« %(slug)s » n'est pas un identifiant valide (lettres, chiffres, tirets).")
                       % {"slug": slug})
        settings["slug"] = slug or slugify(settings["title"])[:120]
        for name, max_length in _TEXTS.items():
            settings[name] = self.text(data, name, where, max_length)
        settings["family"] = self.choice(data, "family", where, Family.values, default=Family.DECISION)
        settings["is_featured"] = self.boolean(data, "is_featured", where, False)
        self.result.category = self.slug_ref(data.get("category"), f"{where}.category", required=True)
        events = data.get("life_events", [])
        if not isinstance(events, list) or not all(isinstance(item, str) for item in events):
            self.error(f"{where}.life_events", _("doit être une liste d'identifiants d'événements de vie."))
            events = []
        self.result.life_events = list(dict.fromkeys(events))
        if data.get("department") is not None:
            self.result.department = self.slug_ref(data["department"], f"{where}.department", required=False) or None

        access = self.obj(data.get("access"), f"{where}.access", set(_ACCESS), required=False)
        settings["account_required"] = self.boolean(access, "account_required", f"{where}.access", True)
        settings["allow_anonymous"] = self.boolean(access, "allow_anonymous", f"{where}.access", False)
        channels = self.obj(data.get("channels"), f"{where}.channels", set(_CHANNELS) | {"offline_alternative"},
                            required=False)
        for key, name in _CHANNELS.items():
            settings[name] = self.boolean(channels, key, f"{where}.channels", key != "phone")
        settings["offline_alternative"] = self.text(channels, "offline_alternative", f"{where}.channels")
        self.read_legal(data.get("legal"), f"{where}.legal", settings, required=True)
        self.read_privacy(data.get("privacy"), f"{where}.privacy", settings, required=True)
        self.result.settings = settings

    def read_legal(self, value, where, settings, required):
        data = self.obj(value, where, {"regime", "period", "legal_basis", "acknowledgement_due"}, required=required)
        regime = self.choice(data, "regime", where, Regime.values, default=Regime.NONE, required=bool(data))
        settings["regime"] = regime
        settings["period_value"], settings["period_unit"] = None, PeriodUnit.MONTHS
        period = data.get("period")
        if period is not None:
            period_data = self.obj(period, f"{where}.period", {"value", "unit"})
            unit = self.choice(period_data, "unit", f"{where}.period", PeriodUnit.values, default=PeriodUnit.MONTHS,
                               required=True)
            high = 730 if unit == PeriodUnit.DAYS else 24
            settings["period_value"] = self.integer(period_data.get("value"), f"{where}.period.value", 1, high)
            settings["period_unit"] = unit
        if regime in (Regime.SVA, Regime.SVR) and period is None and data:
            self.error(f"{where}.period", _("le régime « %(regime)s » a besoin d'un délai, par exemple "
                                            "{\"value\": 2, \"unit\": \"months\"}.") % {"regime": Regime(regime).label})
        settings["legal_basis"] = self.text(data, "legal_basis", where, 300)
        settings["acknowledgement_due"] = self.boolean(data, "acknowledgement_due", where, True)

    def read_privacy(self, value, where, settings, required):
        allowed = set(_PRIVACY_TEXTS) | {"legal_basis", "retention_months"}
        data = self.obj(value, where, allowed, required=required)
        for key, (name, max_length) in _PRIVACY_TEXTS.items():
            settings[name] = self.text(data, key, where, max_length)
        settings["privacy_legal_basis"] = self.choice(data, "legal_basis", where, PrivacyLegalBasis.values,
                                                      default=PrivacyLegalBasis.PUBLIC_TASK)
        retention = data.get("retention_months")
        settings["retention_months"] = None if retention is None else self.integer(
            retention, f"{where}.retention_months", 1, 1200)

    def read_form(self, value, present):
        if not present:
            self.error("form", _("obligatoire : le formulaire de la démarche."))
            return
        for problem in validate_schema(value):
            self.error("form", problem)
        self.result.schema = value if isinstance(value, dict) else {}

    def read_workflow(self, value):
        if value == "default":
            self.result.workflow = default_workflow()
            return
        regime = self.result.settings.get("regime")
        agents = User.objects.filter(is_active=True, agent_roles__isnull=False).exclude(email__isnull=True)
        problems = validate_workflow(value, regime=regime if regime in Regime.values else None,
                                     agents=set(agents.values_list("email", flat=True)),
                                     departments=set(Department.objects.values_list("slug", flat=True)))
        for problem in problems:
            self.error("workflow", str(problem))
        self.result.workflow = value if isinstance(value, dict) else {}

    def warn(self):
        values = dict(self.result.settings, category=None, department=None, life_events=[])
        for problem in settings_problems(values):
            if problem.code not in _LOCAL_CODES:
                self.result.warnings.append(str(problem))


def read_document(raw) -> ImportResult:
    """Checks an exchange document (bytes, text or already parsed) and lists every problem found."""
    if isinstance(raw, bytes | str):
        if len(raw) > MAX_FILE_BYTES:
            size = MAX_FILE_BYTES // (1024 * 1024)
            return ImportResult(errors=[_("Le fichier dépasse %(size)s Mo.") % {"size": size}])
        try:
            text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
            document = json.loads(text)
        except UnicodeDecodeError:
            return ImportResult(errors=[_("Le fichier n'est pas un texte UTF-8 : est-ce bien un export JSON ?")])
        except json.JSONDecodeError as error:
            return ImportResult(errors=[_("Le fichier n'est pas un JSON valide : %(message)s, ligne %(line)s, "
                                          "colonne %(column)s.") % {"message": error.msg, "line": error.lineno,
                                                                     "column": error.colno}])
    else:
        document = raw
    return _Reader().read(document)


def resolve_category(result: ImportResult, category=None):
    """The category to file the procedure under: the one chosen, else the file's (created if missing)."""
    if category is not None:
        return category
    info = result.category
    found = Category.objects.filter(slug=info["slug"]).first()
    if found is not None:
        return found
    return Category.objects.create(slug=info["slug"], name=info["name"], description=info.get("description", ""))


def import_procedure(result: ImportResult, *, user, department, category=None, source="import",
                     action=PublicationAction.IMPORT):
    """Creates a new, unpublished procedure from a file read without errors (ValueError otherwise)."""
    if not result.ok:
        raise ValueError("import impossible : " + "; ".join(result.errors))
    category = resolve_category(result, category)
    settings = dict(result.settings)
    settings["category"] = category.pk
    settings["life_events"] = list(LifeEvent.objects.filter(slug__in=result.life_events).values_list("pk", flat=True))
    return services.create_procedure(
        user=user, title=settings["title"], department=department, category=category, family=settings["family"],
        schema=copy.deepcopy(result.schema), workflow=copy.deepcopy(result.workflow), settings=settings,
        source=source, action=action)
