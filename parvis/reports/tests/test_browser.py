"""A resident files a report on a phone-sized screen (360 px) in a real browser: every page axe-core clean,
nothing wider than the screen; the map (Leaflet) places the point; then the report's public page."""

import io

import pytest
from PIL import Image

from parvis.reports.models import Report
from parvis.reports.tests.factories import jpeg_bytes, make_world
from parvis.testing.browser import check_accessibility, fits_width, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def phone(page, settings, live_server):
    # Tiles from the test server itself (they 404: no network needed, the map still works).
    settings.MAP_TILE_URL = live_server.url + "/static/reports/tuiles/{z}/{x}/{y}.png"
    page.set_viewport_size({"width": 360, "height": 740})
    return page


def test_filing_a_report_on_a_360px_screen(phone, tmp_path):
    page = phone
    make_world()
    photo = tmp_path / "trou.jpg"
    photo.write_bytes(jpeg_bytes(size=(1200, 900), gps=(48.8515, 2.3470)))

    page.goto(f"{page.base_url}/signalements/")
    page.get_by_role("heading", name="Signalements dans l'espace public").wait_for()
    page.locator(".leaflet-container").wait_for()
    check_accessibility(page, "carte et liste")
    assert fits_width(page)
    screenshot(page, "signalement-liste")

    page.get_by_role("link", name="Signaler un problème").click()
    page.get_by_role("heading", name="Signaler un problème", level=1).wait_for()
    page.get_by_role("button", name="Continuer").click()  # nothing chosen: the error summary
    page.locator("#erreurs").wait_for()
    check_accessibility(page, "catégorie (erreur)")
    page.get_by_label("Nid-de-poule").check()
    assert fits_width(page)
    screenshot(page, "signalement-categorie")
    page.get_by_role("button", name="Continuer").click()

    page.get_by_role("heading", name="Photos").wait_for()
    check_accessibility(page, "photos")
    page.set_input_files("#id_photos", str(photo))
    page.get_by_role("button", name="Envoyer ces photos").click()
    page.get_by_role("img", name="Votre photo n° 1").wait_for()
    check_accessibility(page, "photos ajoutées")
    assert fits_width(page)
    page.get_by_role("button", name="Continuer").click()

    page.get_by_role("heading", name="Où est le problème ?").wait_for()
    page.locator(".leaflet-container").wait_for()
    assert page.locator("#id_latitude").input_value() == "48.851500"  # from the photo
    check_accessibility(page, "lieu")
    assert fits_width(page)
    screenshot(page, "signalement-lieu")
    page.get_by_role("button", name="Placer le point au centre de la carte").click()
    latitude = float(page.locator("#id_latitude").input_value())
    assert 48.835 < latitude < 48.865
    page.locator("#carte").click(position={"x": 60, "y": 60})
    assert float(page.locator("#id_latitude").input_value()) > latitude  # north-west of the centre
    page.get_by_role("button", name="Continuer").click()

    page.get_by_role("heading", name="Décrivez le problème").wait_for()
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.locator("#erreurs").wait_for()
    check_accessibility(page, "description (erreurs)")
    page.get_by_label("Décrivez le problème").fill("Un trou profond au milieu de la chaussée.")
    page.get_by_label("Grand").check()
    page.get_by_label("Votre courriel").fill("camille@example.org")
    assert fits_width(page)
    screenshot(page, "signalement-description")
    page.get_by_role("button", name="Envoyer le signalement").click()

    page.get_by_role("heading", name="Merci, votre signalement est enregistré").wait_for()
    check_accessibility(page, "enregistré")
    report = Report.objects.select_related("case").get()
    assert report.case.reference in page.content()
    assert report.photos.count() == 1 and report.answers == {"taille": "grand"}
    stored = Image.open(io.BytesIO(report.photos.get().stored_file.file.open("rb").read()))
    assert len(stored.getexif()) == 0
    assert fits_width(page)

    page.get_by_role("link", name="Voir la page publique du signalement").click()
    page.get_by_role("heading", name="Voirie › Nid-de-poule").wait_for()
    page.locator(".leaflet-container").wait_for()
    check_accessibility(page, "page publique")
    assert "camille@example.org" not in page.content()
    assert fits_width(page)
    screenshot(page, "signalement-page-publique")
