"""Fixtures of the builder's tests: a commune, a department with its procedure administrator, a category."""

import pytest

from parvis.organisation.models import Role
from parvis.testing.factories import make_agent, make_category, make_commune, make_department


@pytest.fixture
def commune(db):
    return make_commune()


@pytest.fixture
def department(commune):
    return make_department(name="Accueil et location de salles", slug="accueil-salles")


@pytest.fixture
def other_department(commune):
    return make_department(name="Voirie", slug="voirie")


@pytest.fixture
def category(db):
    return make_category(name="Salles et événements", slug="salles-evenements")


@pytest.fixture
def admin(department):
    user = make_agent(department, role=Role.PROCEDURE_ADMIN, email="admin.demarches@admiville.fr")
    user.first_name, user.last_name = "Nadia", "Benali"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client
