"""Filing a report on the web, step by step, with each way of giving the place; without JavaScript."""

from html import unescape

import pytest
from django.urls import reverse

from parvis.cases.models import CaseDocument, CaseEvent
from parvis.reports.models import Report, ReportPhoto
from parvis.reports.tests.factories import jpeg_bytes
from parvis.reports.tests.helpers import (
    add_photos,
    choose_category,
    file_by_web,
    give_location,
    send_details,
)
from parvis.testing.factories import make_resident
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db


def test_category_step_lists_sub_categories_by_group_and_requires_a_choice(client, world):
    response = client.get(reverse("reports:new"))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Voirie", "Nid-de-poule", "Trottoir abîmé", "Éclairage public", "Lampadaire en panne", "Arbre"):
        assert text in html
    response = client.post(reverse("reports:new"), {})
    assert response.status_code == 200 and "Choisissez le type de problème" in response.content.decode()
    response = client.post(reverse("reports:new"), {"categorie": "voirie"})  # a group, not a leaf
    assert "Choisissez le type de problème" in response.content.decode()


def test_filing_with_a_pin_on_the_map(client, world, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = file_by_web(client, "nid-de-poule", lat="48.8512", lon="2.3488", details={
            "description": "Trou profond devant le n° 4.", "q_taille": "grand", "q_danger": "oui",
            "courriel": "Camille@Example.org", "nom": "Camille D.", "telephone": "06 12 34 56 78"})
    assert (report.latitude, report.longitude) == (48.8512, 2.3488)
    assert report.category == world.pothole and report.answers == {"taille": "grand", "danger": "oui"}
    case = report.case
    assert case.channel == "web" and case.department == world.roads and case.status == "received"
    assert case.contact_email == "camille@example.org" and report.contact_name == "Camille D."
    assert case.revision.workflow["initial"] == "received"
    assert case.procedure.regime == "none" and case.implicit_decision_on is None
    # The electronic acknowledgement of an online filing: at once, by email, with the department's details.
    [receipt] = mailbox.to("camille@example.org")
    text = body_text(receipt)
    assert case.reference in receipt["Subject"] and "accusé d'enregistrement" in text
    assert "01 23 45 67 00" in text and "voirie@admiville.fr" in text
    page = client.get(reverse("reports:filed")).content.decode()
    assert case.reference in page and "Voirie" in page and "Accusé d'enregistrement" in page
    assert CaseEvent.objects.filter(case=case, kind="report_routed").exists()


def test_filing_with_the_device_position(client, world):
    report = file_by_web(client, "lampadaire", lat="48.85300", lon="2.34500", source="gps",
                         details={"q_numero": "L-12"})
    assert report.answers == {"numero": "L-12"} and report.has_position


def test_filing_by_address_search_without_javascript(client, world, ban):
    choose_category(client, "trottoir")
    response = give_location(client, adresse="12 rue des ecoles", action="chercher")
    html = response.content.decode()
    assert "12 rue des Écoles 99100 Admiville" in html and 'name="choix"' in html
    response = give_location(client, adresse="12 rue des ecoles", choix="0")
    assert response.status_code == 302
    response = send_details(client, description="Bordure descellée.")
    assert response.status_code == 302
    report = Report.objects.latest("pk")
    assert report.address == "12 rue des Écoles 99100 Admiville" and report.postcode == "99100"
    assert (report.latitude, report.longitude) == (48.8531, 2.3442)


def test_address_suggestions_for_the_map_say_what_is_outside_the_commune(client, world, ban):
    data = client.get(reverse("reports:address_search"), {"q": "rue"}).json()
    assert data["available"] is True
    inside = {result["label"]: result["in_commune"] for result in data["results"]}
    assert inside["3 rue Lointaine 99200 Autreville"] is False
    assert inside["5 rue de la Paix 99100 Admiville"] is True


def test_an_address_outside_the_commune_is_refused_clearly(client, world, ban):
    choose_category(client, "trottoir")
    give_location(client, adresse="rue lointaine", action="chercher")
    response = give_location(client, adresse="rue lointaine", choix="0")
    assert response.status_code == 400
    assert "en dehors de la commune" in response.content.decode()


def test_a_typed_address_alone_without_ban(client, world):
    choose_category(client, "trottoir")
    response = give_location(client, adresse="Devant la boulangerie, place du marché")
    assert response.status_code == 302
    send_details(client, description="Pavés manquants.")
    report = Report.objects.latest("pk")
    assert report.address == "Devant la boulangerie, place du marché" and not report.has_position


def test_a_typed_address_is_geocoded_with_the_ban(client, world, ban):
    choose_category(client, "trottoir")
    give_location(client, adresse="8 rue des Lilas")
    send_details(client, description="Pavés manquants.")
    report = Report.objects.latest("pk")
    assert (report.latitude, report.longitude) == (48.8557, 2.3566)


def test_the_position_of_the_photo_is_proposed_and_the_photo_cleaned(client, world):
    choose_category(client, "nid-de-poule")
    response = add_photos(client, ("IMG_0001.JPG", jpeg_bytes(size=(3000, 2000), gps=(48.8533, 2.3455))))
    assert response.status_code == 302 and response.url == reverse("reports:new_location")
    html = client.get(reverse("reports:new_location")).content.decode()
    assert "position enregistrée dans votre photo" in html
    assert 'value="48.853300"' in html and 'value="2.345500"' in html
    give_location(client, latitude="48.853300", longitude="2.345500", source="photo")
    send_details(client, description="Trou.", q_taille="petit")
    report = Report.objects.latest("pk")
    [photo] = report.photos.all()
    assert photo.stored_file.content_type == "image/jpeg" and photo.stored_file.original_name == "IMG_0001.jpg"
    content = photo.stored_file.file.open("rb").read()
    assert b"SecretPhone" not in content and b"Exif" not in content and max(photo.width, photo.height) == 1600
    assert not photo.is_public  # published only by the department
    assert CaseDocument.objects.filter(case=report.case, stored_file=photo.stored_file).exists()
    assert report.case.answers["photos"][0]["file_id"] == str(photo.stored_file.pk)


def test_photo_outside_the_commune_is_not_proposed(client, world):
    choose_category(client, "nid-de-poule")
    add_photos(client, ("loin.jpg", jpeg_bytes(size=(300, 300), gps=(43.3, 5.4))))
    assert "position enregistrée" not in client.get(reverse("reports:new_location")).content.decode()


def test_non_images_and_oversized_photos_are_refused(client, world, settings):
    settings.REPORTS_PHOTO_MAX_BYTES = 200_000
    choose_category(client, "nid-de-poule")
    response = add_photos(client, ("facture.jpg", b"%PDF-1.4 pas une photo"),
                          ("enorme.jpg", jpeg_bytes(size=(200, 200)) + b"\0" * 300_000))
    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert "« facture.jpg » : Ce fichier n'est pas une photo acceptée" in html
    assert "« enorme.jpg » : la photo dépasse" in html
    assert not ReportPhoto.objects.exists()


def test_three_photos_at_most_and_a_photo_can_be_removed(client, world):
    choose_category(client, "nid-de-poule")
    add_photos(client, *[(f"p{n}.jpg", jpeg_bytes(size=(50, 50))) for n in range(3)], action="ajouter")
    response = add_photos(client, ("p4.jpg", jpeg_bytes(size=(50, 50))), action="ajouter")
    assert "3 photos au plus" in response.content.decode() or "nombre maximum" in response.content.decode()
    assert ReportPhoto.objects.count() == 3
    first = ReportPhoto.objects.first()
    assert client.get(reverse("reports:draft_photo", args=[first.pk])).status_code == 200
    client.post(reverse("reports:new_photos"), {"action": f"retirer-{first.pk}"})
    assert ReportPhoto.objects.count() == 2
    other = client.__class__()
    assert other.get(reverse("reports:draft_photo", args=[ReportPhoto.objects.first().pk])).status_code == 404


def test_position_outside_the_commune_gets_a_clear_message(client, world):
    choose_category(client, "nid-de-poule")
    response = give_location(client, latitude="48.9000", longitude="2.5000")
    html = response.content.decode()
    assert response.status_code == 400 and "en dehors de la commune Admiville" in html


def test_no_place_at_all(client, world):
    choose_category(client, "nid-de-poule")
    response = give_location(client)
    assert response.status_code == 400 and "Indiquez le lieu du problème" in response.content.decode()


def test_description_too_long_and_html_stripped(client, world):
    choose_category(client, "trottoir")
    give_location(client, latitude="48.8512", longitude="2.3488")
    response = send_details(client, description="x" * 4001)
    assert response.status_code == 400 and "4\u202f000 caractères" in response.content.decode()
    response = send_details(client, description='<script>alert("x")</script><b>Trottoir</b> <a href="http://x">cassé</a>')
    assert response.status_code == 302
    report = Report.objects.latest("pk")
    assert report.description == 'alert("x")Trottoir cassé'
    page = client.get(report.get_absolute_url()).content.decode()
    assert "<script>alert" not in page


def test_html_only_description_is_empty(client, world):
    choose_category(client, "trottoir")
    give_location(client, latitude="48.8512", longitude="2.3488")
    response = send_details(client, description="<img src=x onerror=alert(1)>")
    assert response.status_code == 400 and "Décrivez le problème" in response.content.decode()


def test_required_question_and_choices_are_checked(client, world):
    choose_category(client, "nid-de-poule")
    give_location(client, latitude="48.8512", longitude="2.3488")
    response = send_details(client, description="Trou.")
    assert response.status_code == 400 and "Taille du trou" in response.content.decode()
    response = send_details(client, description="Trou.", q_taille="immense")
    assert response.status_code == 400


def test_a_logged_in_resident_files_under_their_account(client, world, mailbox, django_capture_on_commit_callbacks):
    resident = make_resident("karim@example.org")
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        report = file_by_web(client, "trottoir")
    assert report.case.applicant == resident and report.case.contact_email == ""
    assert mailbox.to("karim@example.org")


def test_steps_cannot_be_skipped(client, world):
    assert client.get(reverse("reports:new_location")).url == reverse("reports:new")
    choose_category(client, "trottoir")
    assert client.get(reverse("reports:new_details")).url == reverse("reports:new_location")


def test_a_flood_from_one_address_is_stopped_clearly(client, world, settings):
    settings.REPORTS_MAX_PER_IP_PER_HOUR = 2
    file_by_web(client, "trottoir")
    file_by_web(client, "trottoir")
    choose_category(client, "trottoir")
    give_location(client, latitude="48.8512", longitude="2.3488")
    response = send_details(client, description="Encore un.")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Trop de signalements en peu de temps" in response.content.decode()
    assert Report.objects.count() == 2
    other = client.__class__(REMOTE_ADDR="10.1.2.3")
    file_by_web(other, "trottoir")
    assert Report.objects.count() == 3
