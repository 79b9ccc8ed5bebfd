"""The Django admin registrations (the technical team's fallback) open without errors."""

import pytest
from django.urls import reverse

from parvis.testing import factories


@pytest.mark.django_db
def test_django_admin_pages_open_for_a_superuser(client, agent, department):
    client.force_login(factories.make_resident("tech@admiville.fr", is_staff=True, is_superuser=True))
    role = agent.agent_roles.get()
    for url in [
        reverse("admin:organisation_commune_changelist"),
        reverse("admin:organisation_commune_change", args=[department.commune_id]),
        reverse("admin:organisation_department_changelist"),
        reverse("admin:organisation_department_change", args=[department.pk]),
        reverse("admin:organisation_department_add"),
        reverse("admin:organisation_agentrole_changelist") + "?role__exact=case_officer",
        reverse("admin:organisation_agentrole_change", args=[role.pk]),
    ]:
        assert client.get(url).status_code == 200, url
    # One commune only: no "add" once it exists.
    assert client.get(reverse("admin:organisation_commune_add")).status_code == 403
