"""Fixtures of the organisation tests: the people who knock at the administration's door."""

import io
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image

from parvis.organisation.models import Role
from parvis.testing import factories
from parvis.testing.smtp import body_text

PASSWORD = "un mot de passe solide"


@pytest.fixture
def commune(db):
    return factories.make_commune()


@pytest.fixture
def department(commune):
    return factories.make_department(name="État civil", slug="etat-civil", pole="Services à la population")


@pytest.fixture
def platform_admin(commune):
    """A platform administrator: `is_staff`, not superuser, and no role in any department."""
    return factories.make_resident("admin@admiville.fr", PASSWORD, first_name="Alice", last_name="Admin",
                                   is_staff=True)


@pytest.fixture
def admin_client(client, platform_admin):
    client.force_login(platform_admin)
    return client


@pytest.fixture
def resident(commune):
    return factories.make_resident("usager@example.org", PASSWORD)


@pytest.fixture
def agent(department):
    """An agent (case officer) who is not a platform administrator."""
    return factories.make_agent(department, Role.CASE_OFFICER, email="instructeur@admiville.fr")


@pytest.fixture
def other_client():
    """A second browser (the `client` fixture is the administrator's once `admin_client` is used)."""
    from django.test import Client

    return Client()


def png_bytes(size=(40, 20), image_format="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 78, 137)).save(buffer, format=image_format)
    return buffer.getvalue()


def activation_path(message):
    """The path of the activation link found in an email's body."""
    match = re.search(r"https?://\S+/administration/agents/activer/\S+/\S+/", body_text(message))
    assert match, body_text(message)
    return urlsplit(match.group(0)).path
