"""The public map and list, a report's public page (no personal data), status notifications."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.reports import services
from parvis.reports.models import Follower
from parvis.reports.tests.factories import EAST_POINT, WEST_POINT
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db


def _file(world, category, point=WEST_POINT, **kwargs):
    return services.file_report(category=category, description=kwargs.pop("description", "Un problème."),
                                latitude=point[0], longitude=point[1],
                                answers={"taille": "grand"} if category.slug == "nid-de-poule" else None, **kwargs)


def test_list_with_status_and_category_filters(client, world):
    pothole = _file(world, world.pothole)
    tree = _file(world, world.tree, EAST_POINT)
    lamp = _file(world, world.lamp)
    services.change_report_status(lamp, "resolve", actor=world.road_officer, expected_version=lamp.case.version)
    html = client.get(reverse("reports:list")).content.decode()
    assert "3 signalements" in html
    for report in (pothole, tree, lamp):
        assert report.get_absolute_url() in html
    html = client.get(reverse("reports:list"), {"statut": "ouverts"}).content.decode()
    assert pothole.get_absolute_url() in html and lamp.get_absolute_url() not in html
    html = client.get(reverse("reports:list"), {"statut": "resolved"}).content.decode()
    assert lamp.get_absolute_url() in html and pothole.get_absolute_url() not in html
    html = client.get(reverse("reports:list"), {"categorie": "voirie"}).content.decode()  # a group
    assert pothole.get_absolute_url() in html and tree.get_absolute_url() not in html
    html = client.get(reverse("reports:list"), {"categorie": "arbre"}).content.decode()
    assert tree.get_absolute_url() in html and "1 signalement" in html


def test_list_page_query_count_does_not_grow_with_reports(client, world, django_assert_max_num_queries):
    for _ in range(15):
        _file(world, world.tree)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("reports:list")).status_code == 200


def test_map_data_is_geojson_without_personal_data(client, world):
    report = _file(world, world.pothole, contact_email="secret@example.org", contact_name="Nom Secret")
    services.file_report(category=world.tree, description="Sans position", address="Parc")
    response = client.get(reverse("reports:map_data"), {"statut": "ouverts"})
    data = response.json()
    assert data["type"] == "FeatureCollection"
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [WEST_POINT[1], WEST_POINT[0]]}
    assert feature["properties"]["reference"] == report.reference and feature["properties"]["open"] is True
    assert "secret" not in response.content.decode().lower()


def test_map_is_an_enhancement(client, world, settings):
    html = client.get(reverse("reports:list")).content.decode()
    assert 'id="carte"' in html and "leaflet.js" in html and "reports-map-config" in html
    assert "tile.openstreetmap.org" in html
    settings.MAP_TILE_URL = ""
    html = client.get(reverse("reports:list")).content.decode()
    assert 'id="carte"' not in html and "leaflet.js" not in html
    assert "Signaler un problème" in html


def test_a_reports_public_page_shows_no_personal_data(client, world):
    report = _file(world, world.pothole, contact_email="camille@example.org", contact_name="Camille Durand",
                   contact_phone="06 12 34 56 78", address="12 rue des Écoles 99100 Admiville",
                   description="Trou devant l'école.")
    Follower.objects.create(report=report, email="voisin@example.org", confirmed_at=timezone.now())
    services.change_report_status(report, "schedule", actor=world.road_officer, expected_version=report.case.version,
                                  public_answer="Rebouchage prévu.",
                                  expected_at=timezone.now() + timezone.timedelta(days=2))
    html = unescape(client.get(report.get_absolute_url()).content.decode())
    for text in ("Nid-de-poule", "Intervention programmée", "12 rue des Écoles", "Trou devant l'école.",
                 "Rebouchage prévu.", "Voirie", "Taille du trou", "Grand", "Suivre ce signalement"):
        assert text in html
    for secret in ("camille", "Camille Durand", "06 12 34 56 78", "voisin@example.org", world.road_officer.email,
                   world.road_officer.last_name, report.case.tracking_token):
        assert secret not in html


def test_closed_reports_cannot_be_followed_and_unknown_ones_are_404(client, world):
    report = _file(world, world.tree)
    services.change_report_status(report, "resolve", actor=world.parks_officer, expected_version=report.case.version)
    assert "Suivre ce signalement" not in client.get(report.get_absolute_url()).content.decode()
    assert client.get(reverse("reports:detail", args=["ADM-1999-000001"])).status_code == 404


def test_status_changes_reach_the_filer_and_confirmed_followers_only(client, world, mailbox,
                                                                     django_capture_on_commit_callbacks):
    report = _file(world, world.lamp, contact_email="auteur@example.org")
    Follower.objects.create(report=report, email="confirme@example.org", confirmed_at=timezone.now())
    Follower.objects.create(report=report, email="en-attente@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.change_report_status(report, "start", actor=world.road_officer, expected_version=report.case.version)
    assert sorted(str(m["To"]) for m in mailbox.messages) == ["auteur@example.org", "confirme@example.org"]
    to_filer = body_text(mailbox.to("auteur@example.org")[0])
    to_follower = body_text(mailbox.to("confirme@example.org")[0])
    assert "que vous avez fait" in to_filer and "Intervention en cours" in to_filer
    assert reverse("cases:track", args=[report.case.tracking_token]) in to_filer
    assert "que vous suivez" in to_follower and report.case.tracking_token not in to_follower
    follower = Follower.objects.get(email="confirme@example.org")
    assert reverse("reports:unfollow", args=[follower.token]) in to_follower
    assert "confirme@example.org" not in to_filer and "auteur@example.org" not in to_follower
    # The filer's history (shown to them) records their own email only.
    from parvis.cases.models import CaseEvent

    history = " ".join(CaseEvent.objects.filter(case=report.case, visible_to_resident=True)
                       .values_list("description", flat=True))
    assert "confirme@example.org" not in history


def test_without_any_address_nobody_is_written_to(world, mailbox, django_capture_on_commit_callbacks):
    report = _file(world, world.lamp)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_report_status(report, "resolve", actor=world.road_officer,
                                      expected_version=report.case.version)
    assert not mailbox.messages
