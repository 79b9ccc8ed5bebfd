"""A small commune for the back-office tests: two departments, their agents, a DPO, a front desk.

`build_world()` is plain code (the privacy tests use it too); the `world` fixture calls it.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from parvis.cases.models import Case
from parvis.cases.tests.factories import SCHEMA, file_case
from parvis.organisation.models import AgentRole, Role
from parvis.testing.factories import make_department, make_procedure, make_resident

FINAL_STATUSES = {"accepted", "refused", "closed_without_action", "implicitly_accepted", "implicitly_refused"}


def make_agent(department, role, first_name, last_name):
    user = make_resident(f"{first_name.lower()}.{last_name.lower()}@admiville.fr", "un mot de passe solide",
                         first_name=first_name, last_name=last_name)
    AgentRole.objects.create(user=user, department=department, role=role)
    return user


@pytest.fixture(autouse=True)
def _no_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@dataclass
class World:
    dept_a: object
    dept_b: object
    proc_a: object
    proc_a2: object
    proc_b: object
    officer_a: object
    officer_a2: object
    head_a: object
    officer_b: object
    head_b: object
    front_desk: object
    dpo: object
    resident: object

    def file(self, procedure=None, days_ago=0, status=None, applicant=None, **fields):
        """A case filed `days_ago` days ago (its implicit-decision date follows), then `fields` set on it."""
        received = timezone.now() - dt.timedelta(days=days_ago)
        extra = {key: fields.pop(key) for key in ("channel", "filed_by", "contact_email", "answers", "is_test")
                 if key in fields}
        if "contact_email" in extra:
            applicant = None
        case = file_case(procedure=procedure or self.proc_a, applicant=applicant if applicant is not None
                         else (None if "contact_email" in extra else self.resident), received_at=received, **extra)
        if status:
            fields["status"] = status
            if status in FINAL_STATUSES:
                fields.setdefault("closed_at", timezone.now())
        if fields:
            Case.objects.filter(pk=case.pk).update(**fields)
            case.refresh_from_db()
        return case


@pytest.fixture
def world(db):
    return build_world()


def build_world():
    dept_a = make_department(name="État civil")
    dept_b = make_department(name="Voirie")
    proc_a = make_procedure(schema=SCHEMA, department=dept_a, title="Location de salle", regime="SVA",
                            period_value=2, period_unit="months")
    proc_a2 = make_procedure(schema=SCHEMA, department=dept_a, title="Copie d'acte", regime="none",
                             period_value=None, period_unit="")
    proc_b = make_procedure(schema=SCHEMA, department=dept_b, title="Occupation du domaine public", regime="SVR",
                            period_value=2, period_unit="months")
    front_desk = make_agent(dept_a, Role.FRONT_DESK, "Sophie", "Accueil")
    AgentRole.objects.create(user=front_desk, department=dept_b, role=Role.FRONT_DESK)
    return World(
        dept_a=dept_a, dept_b=dept_b, proc_a=proc_a, proc_a2=proc_a2, proc_b=proc_b,
        officer_a=make_agent(dept_a, Role.CASE_OFFICER, "Lucie", "Garnier"),
        officer_a2=make_agent(dept_a, Role.CASE_OFFICER, "Marc", "Petit"),
        head_a=make_agent(dept_a, Role.HEAD, "Philippe", "Roux"),
        officer_b=make_agent(dept_b, Role.CASE_OFFICER, "Bruno", "Lemaire"),
        head_b=make_agent(dept_b, Role.HEAD, "Stéphanie", "Gauthier"),
        front_desk=front_desk,
        dpo=make_agent(dept_a, Role.DPO, "Denise", "Protection"),
        resident=make_resident(first_name="Camille", last_name="Durand", email="camille.durand@example.org"),
    )
