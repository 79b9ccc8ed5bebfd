"""Loads the Admiville demo (`parvis.demo.data`) into the database, idempotently.

Rows are found by a stable key (slug, email; the commune is the single `Commune.current()` row) and
only written when a value differs, so that a second run writes nothing. Nothing is deleted: rows added
by hand next to the demo stay as they are.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from parvis.accounts.models import User
from parvis.demo import data
from parvis.organisation.models import AgentRole, Commune, Department
from parvis.procedures.models import Category, LifeEvent, Procedure, ProcedureRevision, ProcedureStatus

# Keys of a procedure definition that are not plain Procedure fields.
_PROCEDURE_EXTRA_KEYS = {"category", "department", "life_events", "form_schema"}


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    @property
    def changed(self):
        return bool(+self.created or +self.updated)

    def lines(self):
        labels = sorted(set(self.created) | set(self.updated))
        return [f"{label} : {self.created[label]} créé(s), {self.updated[label]} mis à jour" for label in labels]


def load_demo():
    """Creates or updates the demo commune, departments, people, categories and procedures."""
    report = LoadReport()
    with transaction.atomic():
        commune = _load_commune(report)
        departments = {
            slug: _load_department(commune, slug, values, report) for slug, values in data.DEPARTMENTS.items()
        }
        _load_agents(departments, report)
        _load_residents(report)
        categories = {
            slug: _upsert(Category, {"slug": slug}, values, report) for slug, values in data.CATEGORIES.items()
        }
        life_events = {
            slug: _upsert(LifeEvent, {"slug": slug}, values, report) for slug, values in data.LIFE_EVENTS.items()
        }
        for slug, definition in data.PROCEDURES.items():
            _load_procedure(slug, definition, categories, departments, life_events, report)
    return report


def _label(model):
    return str(model._meta.verbose_name_plural)


def _upsert(model, lookup, values, report):
    """Gets the row matching `lookup` and sets `values` on it, saving only what differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        report.created[_label(model)] += 1
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        report.updated[_label(model)] += 1
    return obj


def _load_commune(report):
    values = dict(data.COMMUNE)
    commune = Commune.current()
    if commune is None:
        report.created[_label(Commune)] += 1
        return Commune.objects.create(**values)
    return _upsert(Commune, {"pk": commune.pk}, values, report)


def _load_department(commune, slug, values, report):
    values = {key: value for key, value in values.items() if key != "short"}
    return _upsert(Department, {"slug": slug}, {"commune": commune, "is_active": True, **values}, report)


def _load_user(email, values, report, *, is_staff=False, is_superuser=False):
    values = {key: value for key, value in values.items() if key not in ("email", "description", "roles")}
    if isinstance(values.get("birth_date"), str):
        values["birth_date"] = dt.date.fromisoformat(values["birth_date"])
    values.update({"is_staff": is_staff, "is_superuser": is_superuser, "is_active": True})
    user = User.objects.filter(email=email).first()
    if user is None:
        report.created[_label(User)] += 1
        user = User.objects.create_user(email, data.DEMO_PASSWORD, **values)
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        return user
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, values[name])
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        changed.append("email_verified_at")
    if not user.check_password(data.DEMO_PASSWORD):
        user.set_password(data.DEMO_PASSWORD)
        changed.append("password")
    if changed:
        user.save()
        report.updated[_label(User)] += 1
    return user


def _load_agents(departments, report):
    for agent in data.AGENTS:
        user = _load_user(agent["email"], agent, report)
        for department_slug, role in agent["roles"]:
            targets = departments.values() if department_slug == "*" else [departments[department_slug]]
            for department in targets:
                _, created = AgentRole.objects.get_or_create(user=user, department=department, role=role)
                if created:
                    report.created[_label(AgentRole)] += 1
    _load_user(data.PLATFORM_ADMIN["email"], data.PLATFORM_ADMIN, report, is_staff=True, is_superuser=True)


def _load_residents(report):
    for resident in data.RESIDENTS:
        _load_user(resident["email"], resident, report)


def _load_procedure(slug, definition, categories, departments, life_events, report):
    values = {key: value for key, value in definition.items() if key not in _PROCEDURE_EXTRA_KEYS}
    values.update({
        "category": categories[definition["category"]],
        "department": departments[definition["department"]],
        "status": ProcedureStatus.PUBLISHED,
    })
    procedure = _upsert(Procedure, {"slug": slug}, values, report)

    wanted = {life_events[event_slug].pk for event_slug in definition.get("life_events", [])}
    current = set(procedure.life_events.values_list("pk", flat=True))
    if current != wanted:
        procedure.life_events.set(wanted)
        (report.updated if current else report.created)["liens démarche – événement de vie"] += 1

    # Published revisions never change: a different schema in data.py publishes a new revision.
    schema = definition.get("form_schema", data.DEFAULT_FORM_SCHEMA)
    # Only published revisions count: a draft opened in the builder must not confuse the reload.
    revision = procedure.revisions.filter(published_at__isnull=False).order_by("-number").first()
    new_revision = revision is None or revision.form_schema != schema
    if new_revision:
        last = procedure.revisions.order_by("-number").values_list("number", flat=True).first()
        revision = ProcedureRevision.objects.create(
            procedure=procedure, number=(last or 0) + 1, form_schema=schema,
            published_at=timezone.now(),
        )
        report.created[_label(ProcedureRevision)] += 1
    if procedure.published_revision_id != revision.pk:
        procedure.published_revision = revision
        procedure.save(update_fields=["published_revision", "updated_at"])
        if not new_revision:
            report.updated[_label(Procedure)] += 1
    return procedure
