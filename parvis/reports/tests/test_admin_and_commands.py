"""Administration (API keys in the Django admin, categories and sectors checked) and the periodic command."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parvis.reports import ratelimit, services
from parvis.reports.models import ApiKey, RateLimitHit, ReportCategory, ReportPhoto, ReportQuestion, ReportSector
from parvis.reports.tests.factories import jpeg_bytes
from parvis.testing.factories import make_resident

pytestmark = pytest.mark.django_db


def test_an_api_key_created_in_the_django_admin_is_shown_once(client, world):
    admin = make_resident("root@admiville.fr", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(reverse("admin:reports_apikey_add"), {"name": "Appli", "contact_email": "",
                                                                 "is_active": "on", "max_posts_per_hour": ""},
                           follow=True)
    assert response.status_code == 200
    key = ApiKey.objects.get()
    shown = [str(message) for message in response.context["messages"]]
    [text] = [message for message in shown if "Clé créée" in message]
    clear = text.split("Clé créée : ")[1].split(" — ")[0]
    assert ApiKey.find_active(clear) == key and key.created_by == admin
    assert client.get(reverse("admin:reports_report_changelist")).status_code == 200


def test_categories_questions_and_sectors_are_checked(world):
    with pytest.raises(ValidationError):
        ReportCategory(name="Sous-sous", slug="x", parent=world.pothole).full_clean()
    with pytest.raises(ValidationError):
        ReportCategory(name="Sans service", slug="y").full_clean()
    with pytest.raises(ValidationError):
        ReportQuestion(category=world.tree, code="c", label="Choix", datatype="singlevaluelist", values=[]).full_clean()
    with pytest.raises(ValidationError):
        ReportSector(name="Mauvais", slug="mauvais", geometry={"type": "Point", "coordinates": [2, 48]}).full_clean()


def test_purge_report_drafts(world):
    old, _gps = services.add_draft_photo("cle-abandonnee", jpeg_bytes(size=(50, 50)))
    ReportPhoto.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=30))
    recent, _gps = services.add_draft_photo("cle-en-cours", jpeg_bytes(size=(50, 50)))
    path = old.stored_file.file.path
    ratelimit.record("web-ip", "x", now=timezone.now() - dt.timedelta(days=2))
    ratelimit.record("web-ip", "x")
    call_command("purge_report_drafts")
    assert list(ReportPhoto.objects.all()) == [recent]
    import os

    assert not os.path.exists(path)
    assert RateLimitHit.objects.count() == 1


def test_address_search_without_ban(client, world):
    assert client.get(reverse("reports:address_search"), {"q": "rue des Lilas"}).json() == {
        "available": False, "results": []}


def test_address_search_when_the_ban_does_not_answer(client, world, ban):
    ban.behave(fail_status=503)
    data = client.get(reverse("reports:address_search"), {"q": "rue des Lilas"}).json()
    assert data["results"] == [] and "ne répond pas" in data["error"]
