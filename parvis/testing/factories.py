"""Plain factory functions for tests: each builds a valid object with overridable fields."""

import itertools

from django.utils import timezone

from parvis.accounts.models import User
from parvis.organisation.models import AgentRole, Commune, Department, Role
from parvis.procedures.models import Category, Procedure, ProcedureRevision, ProcedureStatus, Regime

_seq = itertools.count(1)


def make_commune(**fields):
    existing = Commune.current()
    if existing and not fields:
        return existing
    values = {
        "name": "Admiville", "street": "1 place de la Mairie", "postcode": "99100", "city": "Admiville",
        "phone": "01 23 45 67 89", "email": "contact@admiville.fr", "website": "https://www.admiville.fr",
        "mayor_name": "Claire Martin", "dpo_name": "Délégué à la protection des données",
        "dpo_email": "dpo@admiville.fr",
    }
    values.update(fields)
    return Commune.objects.create(**values)


def make_department(**fields):
    n = next(_seq)
    values = {
        "commune": fields.pop("commune", None) or make_commune(),
        "name": f"Service {n}", "slug": f"service-{n}", "street": "1 place de la Mairie", "postcode": "99100",
        "city": "Admiville", "email": f"service{n}@admiville.fr", "phone": "01 23 45 67 00",
        "opening_hours": "Du lundi au vendredi, de 8 h 30 à 17 h",
    }
    values.update(fields)
    return Department.objects.create(**values)


def make_resident(email=None, password="un mot de passe solide", verified=True, **fields):
    n = next(_seq)
    values = {"first_name": "Camille", "last_name": f"Durand{n}"}
    values.update(fields)
    user = User.objects.create_user(email or f"usager{n}@example.org", password, **values)
    if verified:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def make_agent(department=None, role=Role.CASE_OFFICER, email=None, password="un mot de passe solide", **fields):
    n = next(_seq)
    user = make_resident(email or f"agent{n}@admiville.fr", password, first_name="Agent", last_name=f"N{n}", **fields)
    AgentRole.objects.create(user=user, department=department or make_department(), role=role)
    return user


def make_category(**fields):
    n = next(_seq)
    values = {"name": f"Catégorie {n}", "slug": f"categorie-{n}"}
    values.update(fields)
    return Category.objects.create(**values)


def make_procedure(schema=None, publish=True, **fields):
    n = next(_seq)
    values = {
        "title": f"Démarche {n}", "slug": f"demarche-{n}", "summary": "Une démarche de test.",
        "category": fields.pop("category", None) or make_category(),
        "department": fields.pop("department", None) or make_department(),
        "offline_alternative": "À l'accueil de la mairie, du lundi au vendredi.",
        "regime": Regime.SVA, "period_value": 2, "period_unit": "months",
        "legal_basis": "Code des relations entre le public et l'administration, art. L231-1",
        "privacy_purpose": "Instruire la demande.", "privacy_data_categories": "Identité, coordonnées.",
        "privacy_recipients": "Le service instructeur.", "retention_months": 24,
    }
    values.update(fields)
    procedure = Procedure.objects.create(**values)
    revision = ProcedureRevision.objects.create(
        procedure=procedure, number=1, form_schema=schema or {"version": 1, "pages": []},
        published_at=timezone.now() if publish else None,
    )
    if publish:
        procedure.status = ProcedureStatus.PUBLISHED
        procedure.published_revision = revision
        procedure.save(update_fields=["status", "published_revision"])
    return procedure
