"""The settings of a procedure that the builder edits on a draft and applies at publication.

They are the fields of `procedures.Procedure` an administrator owns (information page, access and
channels, department, legal regime, privacy metadata), kept as plain JSON in `ProcedureDraft.settings`:
foreign keys as primary keys (`category`, `department`) and `life_events` as a sorted list of primary keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from parvis.organisation.models import Department
from parvis.procedures.models import (
    Category,
    Family,
    LifeEvent,
    PeriodUnit,
    PrivacyLegalBasis,
    Procedure,
    Regime,
)

INFO_FIELDS = ("title", "slug", "summary", "description", "eligibility", "documents_to_prepare", "cost",
               "usual_delay", "keywords", "category", "life_events", "family", "is_featured")
ACCESS_FIELDS = ("department", "account_required", "allow_anonymous", "channel_web", "channel_counter",
                 "channel_phone", "channel_mail", "offline_alternative")
LEGAL_FIELDS = ("regime", "period_value", "period_unit", "legal_basis", "acknowledgement_due")
PRIVACY_FIELDS = ("privacy_purpose", "privacy_legal_basis", "privacy_legal_basis_detail", "privacy_data_categories",
                  "privacy_recipients", "retention_months", "retention_detail")
SETTINGS_FIELDS = INFO_FIELDS + ACCESS_FIELDS + LEGAL_FIELDS + PRIVACY_FIELDS
FOREIGN_KEYS = ("category", "department")
TEXT_FIELDS = ("title", "slug", "summary", "description", "eligibility", "documents_to_prepare", "cost", "usual_delay",
               "keywords", "offline_alternative", "legal_basis", "privacy_purpose", "privacy_legal_basis_detail",
               "privacy_data_categories", "privacy_recipients", "retention_detail")

# Areas of the builder (the sub-menu of a procedure), used to point each problem at the page that fixes it.
AREA_INFO, AREA_ACCESS, AREA_LEGAL, AREA_PRIVACY, AREA_FORM, AREA_WORKFLOW = (
    "informations", "acces", "regime", "donnees", "formulaire", "circuit")

MAX_PERIOD = {PeriodUnit.MONTHS: 24, PeriodUnit.DAYS: 730}
MAX_RETENTION_MONTHS = 1200


@dataclass(frozen=True)
class BuilderProblem:
    """One reason a draft cannot be published, in French, with the builder page that fixes it."""

    area: str
    message: str
    code: str = ""
    target: str = ""  # a status, transition, page, section or field key, when the problem has one

    def __str__(self):
        return self.message


def label(name):
    """The French label of a settings field (the model's verbose name, capitalised)."""
    return str(Procedure._meta.get_field(name).verbose_name).capitalize()


def settings_from_procedure(procedure) -> dict:
    """The live settings of a procedure, as the draft keeps them."""
    values = {}
    for name in SETTINGS_FIELDS:
        if name == "life_events":
            values[name] = sorted(procedure.life_events.values_list("pk", flat=True)) if procedure.pk else []
        elif name in FOREIGN_KEYS:
            values[name] = getattr(procedure, f"{name}_id")
        else:
            values[name] = getattr(procedure, name)
    return values


def default_settings(*, title, slug, department, category, family=Family.DECISION) -> dict:
    """The settings of a new procedure: the general rule of silence (acceptance after two months)."""
    return {
        "title": title, "slug": slug, "summary": "", "description": "", "eligibility": "",
        "documents_to_prepare": "", "cost": "Gratuit", "usual_delay": "", "keywords": "",
        "category": getattr(category, "pk", category), "life_events": [], "family": family, "is_featured": False,
        "department": getattr(department, "pk", department), "account_required": True, "allow_anonymous": False,
        "channel_web": True, "channel_counter": True, "channel_phone": False, "channel_mail": True,
        "offline_alternative": "",
        "regime": Regime.SVA, "period_value": 2, "period_unit": PeriodUnit.MONTHS,
        "legal_basis": "Code des relations entre le public et l'administration (CRPA), art. L231-1",
        "acknowledgement_due": True,
        "privacy_purpose": "", "privacy_legal_basis": PrivacyLegalBasis.PUBLIC_TASK,
        "privacy_legal_basis_detail": "", "privacy_data_categories": "", "privacy_recipients": "",
        "retention_months": None, "retention_detail": "",
    }


def normalise(settings: dict) -> dict:
    """The settings with every field present, and no period when silence has no meaning."""
    values = {name: settings.get(name) for name in SETTINGS_FIELDS}
    values["life_events"] = sorted(values.get("life_events") or [])
    for name in TEXT_FIELDS:
        if values[name] is None or isinstance(values[name], str):
            values[name] = (values[name] or "").strip()
    if values.get("regime") == Regime.NONE:
        values["period_value"] = None
    values["period_unit"] = values.get("period_unit") or PeriodUnit.MONTHS
    return values


def apply_settings(procedure, settings: dict):
    """Writes the settings on the procedure's row (and its life events). The caller saves in a transaction."""
    values = normalise(settings)
    for name in SETTINGS_FIELDS:
        if name == "life_events":
            continue
        value = values[name]
        if name in FOREIGN_KEYS:
            setattr(procedure, f"{name}_id", value)
            continue
        field = Procedure._meta.get_field(name)
        if value is None and not field.null:
            value = field.get_default() if field.has_default() else ""
        setattr(procedure, name, value)
    procedure.save()
    procedure.life_events.set(LifeEvent.objects.filter(pk__in=values["life_events"]))


def settings_problems(settings: dict, *, procedure=None) -> list[BuilderProblem]:
    """Everything that keeps these settings from being published, each with the page that fixes it."""
    values = normalise(settings)
    problems: list[BuilderProblem] = []

    def add(area, message, code=""):
        problems.append(BuilderProblem(area, message, code))

    # Information page
    if not values["title"]:
        add(AREA_INFO, _("Informations : le titre de la démarche est obligatoire."), "missing_title")
    if not values["summary"]:
        add(AREA_INFO, _("Informations : le résumé est obligatoire (il présente la démarche dans le catalogue)."),
            "missing_summary")
    slug = values["slug"]
    if not slug:
        add(AREA_INFO, _("Informations : l'adresse de la page (identifiant) est obligatoire."), "missing_slug")
    else:
        taken = Procedure.objects.filter(slug=slug)
        if procedure is not None and procedure.pk:
            taken = taken.exclude(pk=procedure.pk)
        if taken.exists():
            add(AREA_INFO, _("Informations : l'adresse « %(slug)s » est déjà celle d'une autre démarche.")
                % {"slug": slug}, "slug_taken")
    if not values["category"] or not Category.objects.filter(pk=values["category"]).exists():
        add(AREA_INFO, _("Informations : choisissez la catégorie du catalogue où ranger la démarche."),
            "missing_category")
    if values["family"] not in Family.values:
        add(AREA_INFO, _("Informations : choisissez la famille de la démarche."), "missing_family")

    # Access, channels, department
    department = Department.objects.filter(pk=values["department"]).first() if values["department"] else None
    if department is None:
        add(AREA_ACCESS, _("Accès et canaux : choisissez le service qui traite les demandes."), "missing_department")
    elif not department.is_active:
        add(AREA_ACCESS, _("Accès et canaux : le service « %(name)s » est désactivé ; choisissez un service actif.")
            % {"name": department.name}, "inactive_department")
    if not any(values[name] for name in ("channel_web", "channel_counter", "channel_phone", "channel_mail")):
        add(AREA_ACCESS, _("Accès et canaux : proposez la démarche sur au moins un canal."), "no_channel")
    if not values["offline_alternative"]:
        add(AREA_ACCESS, _("Accès et canaux : décrivez l'alternative non numérique (guichet, téléphone, courrier) : "
                           "chaque démarche doit l'indiquer, pour que personne ne reste sans solution."),
            "missing_offline_alternative")
    if values["account_required"] and values["allow_anonymous"]:
        add(AREA_ACCESS, _("Accès et canaux : le dépôt sans compte n'est possible que si le compte n'est pas "
                           "requis ; décochez l'une des deux cases."), "anonymous_and_account")

    # Legal regime
    regime = values["regime"]
    if regime not in Regime.values:
        add(AREA_LEGAL, _("Régime juridique : choisissez ce que vaut le silence de la mairie."), "missing_regime")
    elif regime != Regime.NONE:
        regime_label = Regime(regime).label
        period, unit = values["period_value"], values["period_unit"]
        if not period:
            add(AREA_LEGAL, _("Régime juridique : avec le régime « %(regime)s », indiquez le délai au terme duquel le "
                              "silence vaut décision (deux mois en règle générale, CRPA L231-1 et L231-4).")
                % {"regime": regime_label}, "missing_period")
        elif unit not in MAX_PERIOD or not 1 <= int(period) <= MAX_PERIOD[unit]:
            add(AREA_LEGAL, _("Régime juridique : le délai doit être compris entre 1 et %(max)s %(unit)s.")
                % {"max": MAX_PERIOD.get(unit, 24), "unit": PeriodUnit(unit).label if unit in PeriodUnit.values
                   else "mois"}, "invalid_period")
        if not values["legal_basis"]:
            add(AREA_LEGAL, _("Régime juridique : indiquez le fondement juridique du régime « %(regime)s » (il est "
                              "montré aux agents et aux usagers).") % {"regime": regime_label}, "missing_legal_basis")

    # Privacy (GDPR art. 13 notice, art. 30 register)
    if not values["privacy_purpose"]:
        add(AREA_PRIVACY, _("Données personnelles : la finalité du traitement est obligatoire pour publier."),
            "missing_privacy_purpose")
    if values["privacy_legal_basis"] not in PrivacyLegalBasis.values:
        add(AREA_PRIVACY, _("Données personnelles : la base légale du traitement est obligatoire pour publier."),
            "missing_privacy_legal_basis")
    retention = values["retention_months"]
    if retention in (None, ""):
        add(AREA_PRIVACY, _("Données personnelles : la durée de conservation est obligatoire pour publier."),
            "missing_retention")
    elif not 1 <= int(retention) <= MAX_RETENTION_MONTHS:
        add(AREA_PRIVACY, _("Données personnelles : la durée de conservation doit être comprise entre 1 et "
                            "%(max)s mois.") % {"max": MAX_RETENTION_MONTHS}, "invalid_retention")
    return problems


def display_value(name, value) -> str:
    """A settings value as people read it (for the differences before publication)."""
    if value in (None, "", []):
        return _("(vide)")
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if name == "category":
        return str(Category.objects.filter(pk=value).first() or value)
    if name == "department":
        return str(Department.objects.filter(pk=value).first() or value)
    if name == "life_events":
        return ", ".join(str(event) for event in LifeEvent.objects.filter(pk__in=value)) or _("(vide)")
    field = Procedure._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
