"""Duplicates: nearby open reports shown before filing; following a report; merging duplicates."""

from html import unescape

import pytest
from django.urls import reverse

from parvis.cases.models import CaseEvent
from parvis.reports import services
from parvis.reports.models import Follower
from parvis.reports.tests.helpers import choose_category, give_location
from parvis.testing.factories import make_resident
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db


def _file(category, lat, lon, **kwargs):
    return services.file_report(category=category, description="Déjà vu.", latitude=lat, longitude=lon,
                                answers={"taille": "petit"} if category.slug == "nid-de-poule" else None, **kwargs)


def test_nearby_open_reports_of_the_same_category_are_shown_before_filing(client, world):
    near = _file(world.pothole, 48.8513, 2.3489)  # about 15 m away
    _file(world.pothole, 48.8600, 2.3700)  # far
    _file(world.pavement, 48.8512, 2.3488)  # another category
    closed = _file(world.pothole, 48.8512, 2.3487)
    services.change_report_status(closed, "resolve", actor=world.road_officer, expected_version=closed.case.version)
    choose_category(client, "nid-de-poule")
    give_location(client, latitude="48.8512", longitude="2.3488")
    html = unescape(client.get(reverse("reports:new_details")).content.decode())
    assert "Déjà signalé ?" in html
    assert near.reference in html and html.count("Suivre ce signalement") == 1
    assert reverse("reports:detail", args=[near.reference]) + "#suivre" in html


def test_nearby_search_uses_the_distance(world, settings):
    settings.REPORTS_NEARBY_METERS = 100
    a = _file(world.pothole, 48.8500, 2.3500)
    _file(world.pothole, 48.8500, 2.3515)  # about 110 m east
    found = services.nearby_open_reports(world.pothole, 48.8500, 2.3501)
    assert [report for report, _distance in found] == [a]
    assert found[0][1] == pytest.approx(7.3, abs=0.5)


def test_following_needs_a_confirmed_email(client, world, mailbox, django_capture_on_commit_callbacks):
    report = _file(world.pothole, 48.8512, 2.3488, contact_email="auteur@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:follow", args=[report.reference]), {"courriel": "Voisin@Example.org"})
    assert response.status_code == 302
    follower = Follower.objects.get()
    assert follower.email == "voisin@example.org" and not follower.is_confirmed
    [message] = mailbox.to("voisin@example.org")
    text = body_text(message)
    confirm = reverse("reports:follow_confirm", args=[follower.token])
    assert confirm in text and "auteur@example.org" not in text
    assert client.get(confirm).status_code == 200  # a page with a button: link scanners confirm nothing
    follower.refresh_from_db()
    assert not follower.is_confirmed
    client.post(confirm)
    follower.refresh_from_db()
    assert follower.is_confirmed
    # Asking again sends nothing more and says the same thing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:follow", args=[report.reference]), {"courriel": "voisin@example.org"})
    assert len(mailbox.to("voisin@example.org")) == 1


def test_a_logged_in_resident_with_this_verified_email_follows_at_once(client, world, mailbox):
    resident = make_resident("jeanne@example.org")
    client.force_login(resident)
    report = _file(world.pothole, 48.8512, 2.3488)
    client.post(reverse("reports:follow", args=[report.reference]), {"courriel": "jeanne@example.org"})
    follower = Follower.objects.get()
    assert follower.is_confirmed and follower.user == resident and not mailbox.messages


def test_unfollow_link(client, world):
    report = _file(world.pothole, 48.8512, 2.3488)
    follower = Follower.objects.create(report=report, email="a@example.org", confirmed_at=report.created_at)
    url = reverse("reports:unfollow", args=[follower.token])
    assert client.get(url).status_code == 200
    client.post(url)
    assert not Follower.objects.exists()
    assert client.post(url).status_code == 200  # again: still a calm answer
    assert client.get(url).status_code == 404


def test_merging_a_duplicate_moves_and_tells_its_followers(world, mailbox, django_capture_on_commit_callbacks):
    original = _file(world.pothole, 48.8512, 2.3488, contact_email="premier@example.org")
    duplicate = _file(world.pothole, 48.8513, 2.3489, contact_email="second@example.org")
    Follower.objects.create(report=duplicate, email="voisin@example.org", confirmed_at=duplicate.created_at)
    Follower.objects.create(report=duplicate, email="pas-confirme@example.org")
    Follower.objects.create(report=original, email="deja@example.org", confirmed_at=original.created_at)
    Follower.objects.create(report=duplicate, email="deja@example.org", confirmed_at=duplicate.created_at)
    with django_capture_on_commit_callbacks(execute=True):
        merged = services.change_report_status(duplicate, "mark_duplicate", actor=world.road_officer,
                                               expected_version=duplicate.case.version, duplicate_of=original)
    assert merged.case.status == "duplicate" and merged.merged_into == original
    followers = dict(Follower.objects.filter(report=original).values_list("email", "confirmed_at"))
    assert set(followers) == {"voisin@example.org", "pas-confirme@example.org", "deja@example.org",
                              "second@example.org"}
    assert followers["second@example.org"] is not None and followers["pas-confirme@example.org"] is None
    assert not Follower.objects.filter(report=duplicate).exists()
    recipients = sorted(str(message["To"]) for message in mailbox.messages)
    assert recipients == ["deja@example.org", "second@example.org", "voisin@example.org"]
    people = {"premier@example.org", "second@example.org", "voisin@example.org", "deja@example.org",
              "pas-confirme@example.org"}
    for message in mailbox.messages:
        text = body_text(message)
        assert original.reference in text and "déjà signalé" in text
        assert not any(address in text for address in people - {str(message["To"])})  # nobody else's address
    assert CaseEvent.objects.filter(case=original.case, kind="report_merged").exists()
    # A later change of the original reaches the merged report's people.
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_report_status(original, "resolve", actor=world.road_officer,
                                      expected_version=original.case.version, public_answer="Trou rebouché.")
    assert sorted(str(m["To"]) for m in mailbox.messages) == [
        "deja@example.org", "premier@example.org", "second@example.org", "voisin@example.org"]


def test_a_duplicate_cannot_point_to_itself_and_follows_chains(world):
    a = _file(world.pothole, 48.8512, 2.3488)
    b = _file(world.pothole, 48.8512, 2.3488)
    c = _file(world.pothole, 48.8512, 2.3488)
    with pytest.raises(services.ReportInputError):
        services.change_report_status(a, "mark_duplicate", actor=world.road_officer, expected_version=a.case.version,
                                      duplicate_of=a)
    services.change_report_status(b, "mark_duplicate", actor=world.road_officer, expected_version=b.case.version,
                                  duplicate_of=a)
    b.refresh_from_db()
    c = services.change_report_status(c, "mark_duplicate", actor=world.road_officer, expected_version=c.case.version,
                                      duplicate_of=b)
    assert c.merged_into == a
