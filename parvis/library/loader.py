"""Reading the library's files and installing a model as a procedure."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from parvis.builder import exchange, services
from parvis.builder.models import PublicationAction
from parvis.organisation.models import Department
from parvis.procedures.models import Family, PeriodUnit, Procedure, Regime

MODELS_DIR = Path(__file__).resolve().parent / "models"


class LibraryError(ValueError):
    """A model of the library does not read cleanly; `problems` lists why."""

    def __init__(self, slug, problems):
        self.slug, self.problems = slug, list(problems)
        super().__init__(f"Modèle « {slug} » : " + " ; ".join(self.problems))


@dataclass(frozen=True)
class LibraryModel:
    slug: str
    title: str
    summary: str
    family: str
    category: str
    regime: str
    period: str
    legal_basis: str
    department_slug: str
    department_name: str
    notes: str
    path: Path

    @property
    def family_label(self):
        return str(Family(self.family).label) if self.family in Family.values else self.family

    @property
    def regime_label(self):
        return str(Regime(self.regime).label) if self.regime in Regime.values else self.regime


def _describe(path) -> LibraryModel:
    document = json.loads(path.read_text(encoding="utf-8"))
    procedure = document.get("procedure") or {}
    legal = procedure.get("legal") or {}
    period = legal.get("period") or {}
    unit = {PeriodUnit.MONTHS: "mois", PeriodUnit.DAYS: "jours"}.get(period.get("unit"), "")
    department = procedure.get("department") or {}
    return LibraryModel(
        slug=path.stem, title=procedure.get("title", path.stem), summary=procedure.get("summary", ""),
        family=procedure.get("family", ""), category=(procedure.get("category") or {}).get("name", ""),
        regime=legal.get("regime", ""), period=f"{period['value']} {unit}" if period.get("value") else "",
        legal_basis=legal.get("legal_basis", ""), department_slug=department.get("slug", ""),
        department_name=department.get("name", ""), notes=document.get("notes", ""), path=path,
    )


@functools.cache
def _models() -> tuple[LibraryModel, ...]:
    return tuple(sorted((_describe(path) for path in MODELS_DIR.glob("*.json")), key=lambda m: m.title))


def list_models() -> list[LibraryModel]:
    """The library's models, by title."""
    return list(_models())


def get_model(slug) -> LibraryModel | None:
    return next((model for model in _models() if model.slug == slug), None)


def read_model(slug) -> exchange.ImportResult:
    """The model's file, read and checked as an import (`errors` empty for every shipped model)."""
    model = get_model(slug)
    if model is None:
        raise LibraryError(slug, ["modèle inconnu"])
    return exchange.read_document(model.path.read_bytes())


def install_model(slug, department, user) -> Procedure:
    """Installs a model as a new, unpublished procedure of `department` (a draft to adapt and publish)."""
    result = read_model(slug)
    if not result.ok:
        raise LibraryError(slug, result.errors)
    return exchange.import_procedure(result, user=user, department=department, source=f"library:{slug}",
                                     action=PublicationAction.INSTALL)


def install_library_into_demo(user=None) -> list[str]:
    """Installs and publishes every model whose slug is not a procedure yet (idempotent: the demo's own
    procedures, which share their slugs with models, are left as they are). Returns the slugs installed.

    Each model goes to the department its file suggests when the commune has it, else to the first active one.
    """
    installed = []
    fallback = Department.objects.filter(is_active=True).order_by("pk").first()
    existing = set(Procedure.objects.values_list("slug", flat=True))
    for model in _models():
        if model.slug in existing:
            continue
        department = Department.objects.filter(slug=model.department_slug, is_active=True).first() or fallback
        if department is None:
            raise LibraryError(model.slug, ["aucun service actif pour recevoir la démarche"])
        with transaction.atomic():
            procedure = install_model(model.slug, department, user)
            services.publish(procedure, user, message="Démarche de la bibliothèque installée pour la démonstration.")
        installed.append(model.slug)
    return installed
