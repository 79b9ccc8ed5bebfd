"""The agents' pages: access through get_case_for_agent (denials logged), each action through one service that
writes the history and tells the filer and followers; filing by phone or at the counter; API keys."""

import io
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from parvis.cases.models import CaseDocument, CaseEvent
from parvis.organisation.models import Role
from parvis.privacy.models import AccessAction, AccessLog
from parvis.reports import services
from parvis.reports.models import ApiKey, Follower, Report, ReportPhoto
from parvis.reports.tests.factories import EAST_POINT, WEST_POINT, jpeg_bytes
from parvis.testing.factories import make_agent, make_department, make_resident
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db


def _file(world, category=None, point=WEST_POINT, **kwargs):
    category = category or world.pavement
    return services.file_report(category=category, description="Bordure cassée.", latitude=point[0],
                                longitude=point[1], **kwargs)


def _act(client, report, action, **data):
    report.case.refresh_from_db()
    return client.post(reverse("reports:agent_action", args=[report.reference]),
                       {"action": action, "version": report.case.version, **data})


def test_an_agent_of_the_department_sees_the_report_and_its_contact_the_read_is_logged(client, world):
    report = _file(world, contact_email="camille@example.org", contact_name="Camille Durand",
                   contact_phone="06 12 34 56 78")
    client.force_login(world.road_officer)
    html = unescape(client.get(reverse("reports:agent_detail", args=[report.reference])).content.decode())
    assert "Camille Durand" in html and "camille@example.org" in html and "06 12 34 56 78" in html
    assert "Programmer l'intervention" in html and "Marquer comme résolu" in html
    assert AccessLog.objects.filter(agent=world.road_officer, action=AccessAction.VIEW,
                                    case_reference=report.reference).exists()
    listing = client.get(reverse("reports:agent_list")).content.decode()
    assert report.reference in listing


def test_an_agent_of_another_department_is_denied_and_the_denial_logged(client, world):
    report = _file(world)
    client.force_login(world.parks_officer)
    assert client.get(reverse("reports:agent_detail", args=[report.reference])).status_code == 404
    assert _act(client, report, "resolve").status_code == 404
    assert client.get(reverse("reports:agent_photo", args=[report.reference, 1])).status_code == 404
    assert AccessLog.objects.filter(agent=world.parks_officer, action=AccessAction.DENIED,
                                    case_reference=report.reference).count() == 3
    assert report.reference not in client.get(reverse("reports:agent_list")).content.decode()
    report.case.refresh_from_db()
    assert report.case.status == "received"


def test_residents_and_anonymous_visitors_are_kept_out(client, world):
    report = _file(world)
    url = reverse("reports:agent_detail", args=[report.reference])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_resident())
    assert client.get(url).status_code == 403
    assert client.get(reverse("reports:agent_list")).status_code == 403


def test_the_front_desk_reads_but_cannot_change_the_status(client, world):
    report = _file(world)
    client.force_login(world.front_desk)
    html = client.get(reverse("reports:agent_detail", args=[report.reference])).content.decode()
    assert "Programmer l'intervention" not in html
    assert _act(client, report, "resolve").status_code == 403
    report.case.refresh_from_db()
    assert report.case.status == "received"


def test_schedule_then_start_then_resolve_with_a_repair_photo_and_a_public_answer(
        client, world, mailbox, django_capture_on_commit_callbacks):
    report = _file(world, contact_email="camille@example.org")
    Follower.objects.create(report=report, email="voisin@example.org", confirmed_at=timezone.now())
    client.force_login(world.road_officer)
    day = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, report, "schedule", expected_on=day, public_answer="Intervention la semaine prochaine.")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.case.status == "scheduled" and report.expected_at.date().isoformat() == day
    assert report.case.assignee == world.road_officer  # the workflow's "assign: actor"
    assert sorted(str(m["To"]) for m in mailbox.messages) == ["camille@example.org", "voisin@example.org"]
    assert "Intervention programmée" in body_text(mailbox.to("voisin@example.org")[0])
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _act(client, report, "start")
    report.refresh_from_db()
    assert report.case.status == "in_progress"
    mailbox.clear()
    photo = io.BytesIO(jpeg_bytes(size=(2000, 1000), gps=(48.85, 2.35)))
    photo.name = "apres.jpg"
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, report, "resolve", public_answer="Bordure refaite.", repair_photo=photo)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.case.status == "resolved" and report.case.closed_at is not None
    assert report.public_answer == "Bordure refaite."
    [repair] = ReportPhoto.objects.filter(report=report, kind="repair")
    assert repair.is_public and b"Exif" not in repair.stored_file.file.open("rb").read()
    assert CaseDocument.objects.filter(case=report.case, stored_file=repair.stored_file).exists()
    [to_filer] = mailbox.to("camille@example.org")
    assert "Résolu" in to_filer["Subject"] or "résolu" in to_filer["Subject"]
    assert "Bordure refaite." in body_text(to_filer)
    kinds = list(CaseEvent.objects.filter(case=report.case).values_list("kind", flat=True))
    for kind in ("received", "report_routed", "status_changed", "public_answer", "report_scheduled", "repair_photo"):
        assert kind in kinds
    public = client.get(report.get_absolute_url()).content.decode()
    assert reverse("reports:photo", args=[report.reference, repair.pk]) in public
    assert client.get(reverse("reports:photo", args=[report.reference, repair.pk])).status_code == 200


def test_not_our_remit_needs_a_public_answer(client, world):
    report = _file(world)
    client.force_login(world.road_head)
    response = _act(client, report, "not_our_remit", public_answer="")
    assert response.status_code == 400 and "ne relève pas de la commune" in unescape(response.content.decode())
    response = _act(client, report, "not_our_remit",
                    public_answer="Cette voie appartient au département : contactez le 01 00 00 00 00.")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.case.status == "not_our_remit" and "département" in report.public_answer


def test_merge_from_the_agents_page(client, world):
    original, duplicate = _file(world), _file(world)
    client.force_login(world.road_officer)
    response = _act(client, duplicate, "mark_duplicate", duplicate_of="ADM-0000-000000")
    assert response.status_code == 400 and "Aucun signalement" in unescape(response.content.decode())
    response = _act(client, duplicate, "mark_duplicate", duplicate_of=original.reference.lower())
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original and duplicate.case.status == "duplicate"


def test_a_stale_form_changes_nothing(client, world):
    report = _file(world)
    client.force_login(world.road_officer)
    version = report.case.version
    _act(client, report, "start")
    response = client.post(reverse("reports:agent_action", args=[report.reference]),
                           {"action": "resolve", "version": version})
    assert response.status_code == 302
    report.case.refresh_from_db()
    assert report.case.status == "in_progress"
    page = unescape(client.get(response.url).content.decode())
    assert "vient d'être modifié" in page


def test_a_transition_not_allowed_from_the_status(client, world):
    report = _file(world)
    client.force_login(world.road_officer)
    _act(client, report, "resolve")
    response = _act(client, report, "start")
    assert response.status_code == 403


def test_qualify_hide_and_publish_photos(client, world):
    report = _file(world, photos=[(jpeg_bytes(size=(100, 100)), "a.jpg")])
    [photo] = report.photos.all()
    client.force_login(world.road_officer)
    assert client.get(reverse("reports:photo", args=[report.reference, photo.pk])).status_code == 404
    _act(client, report, "qualify", categorie="trottoir", is_public="on", photos_publiees=[photo.pk])
    photo.refresh_from_db()
    assert photo.is_public
    assert client.get(reverse("reports:photo", args=[report.reference, photo.pk])).status_code == 200
    _act(client, report, "qualify", categorie="trottoir")  # not public any more
    report.refresh_from_db()
    assert not report.is_public
    assert client.get(report.get_absolute_url()).status_code == 404


def test_answer_without_changing_the_status(client, world, mailbox, django_capture_on_commit_callbacks):
    report = _file(world, contact_email="camille@example.org")
    client.force_login(world.road_officer)
    with django_capture_on_commit_callbacks(execute=True):
        _act(client, report, "answer", public_answer="Nous passons demain.")
    report.refresh_from_db()
    assert report.public_answer == "Nous passons demain." and report.case.status == "received"
    assert "Nous passons demain." in body_text(mailbox.to("camille@example.org")[-1])


def test_filing_by_phone_for_a_resident(client, world, mailbox, django_capture_on_commit_callbacks):
    client.force_login(world.front_desk)
    page = client.get(reverse("reports:agent_new"), {"categorie": "nid-de-poule"}).content.decode()
    assert "Taille du trou" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:agent_new"), {
            "categorie": "nid-de-poule", "canal": "phone", "adresse": "Devant la poste",
            "latitude": "48.8512", "longitude": "2.3600", "description": "Trou signalé par téléphone.",
            "q_taille": "grand", "nom": "M. Martin", "telephone": "01 23 45 67 89", "courriel": ""})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.case.channel == "phone" and report.case.filed_by == world.front_desk
    assert report.contact_name == "M. Martin" and report.case.department == world.roads
    assert not mailbox.messages  # no email address, no receipt (not an online filing anyway)
    assert client.get(response.url).status_code == 200  # the agent who filed it can open it


def test_filing_at_the_counter_with_errors(client, world):
    client.force_login(world.road_officer)
    response = client.post(reverse("reports:agent_new"), {
        "categorie": "trottoir", "canal": "counter", "latitude": "48.99", "longitude": "2.35",
        "description": "Trottoir."})
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "en dehors de la commune" in html


def test_only_handling_agents_file_reports(client, world):
    admin_agent = make_agent(make_department(), Role.PROCEDURE_ADMIN)
    client.force_login(admin_agent)
    assert client.get(reverse("reports:agent_new")).status_code == 404


def test_api_keys_page_for_platform_administrators_only(client, world):
    client.force_login(world.road_head)
    assert client.get(reverse("reports:api_keys")).status_code == 403
    admin = make_resident("admin@admiville.fr", is_staff=True)
    client.force_login(admin)
    response = client.post(reverse("reports:api_keys"), {"name": "Appli Citoyenne", "contact_email": "dev@appli.fr"})
    html = response.content.decode()
    key = ApiKey.objects.get()
    new_key = html.split('<code class="api-key">')[1].split("</code>")[0]
    assert ApiKey.find_active(new_key) == key and key.key_hash != new_key and new_key not in str(key.__dict__)
    assert new_key not in client.get(reverse("reports:api_keys")).content.decode()  # shown once
    client.post(reverse("reports:api_key_revoke", args=[key.pk]))
    assert ApiKey.find_active(new_key) is None


def test_agents_action_on_a_case_that_is_not_a_report(client, world):
    from parvis.cases.services import submit_case
    from parvis.testing.factories import make_procedure

    procedure = make_procedure(department=world.roads)
    case = submit_case(revision=procedure.published_revision, answers={})
    client.force_login(world.road_officer)
    assert client.get(reverse("reports:agent_detail", args=[case.reference])).status_code == 404


def test_repair_photo_must_be_an_image(client, world):
    report = _file(world)
    client.force_login(world.road_officer)
    bad = io.BytesIO(b"%PDF-1.4 pas une photo")
    bad.name = "photo.jpg"
    response = _act(client, report, "resolve", repair_photo=bad)
    assert response.status_code == 400
    report.case.refresh_from_db()
    assert report.case.status == "received"  # nothing changed: one transaction


def test_the_east_sector_report_is_handled_by_the_parks_department(client, world):
    report = services.file_report(category=world.litter, description="Sacs.", latitude=EAST_POINT[0],
                                  longitude=EAST_POINT[1])
    client.force_login(world.parks_officer)
    assert _act(client, report, "resolve").status_code == 302


def test_image_helper_sanity():
    assert Image.open(io.BytesIO(jpeg_bytes(size=(10, 10)))).size == (10, 10)
