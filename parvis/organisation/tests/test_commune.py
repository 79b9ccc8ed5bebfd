"""The commune page: details, legal contacts, accessibility status and logo."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from parvis.organisation.models import Commune

from .conftest import png_bytes

URL = "/administration/commune/"


def commune_data(**overrides):
    data = {
        "name": "Admiville", "street": "1 place de la Mairie", "postcode": "99100", "city": "Admiville",
        "phone": "0123456789", "email": "contact@admiville.fr", "website": "https://www.admiville.fr",
        "mayor_name": "Claire Martin", "dpo_name": "Paul Dupont", "dpo_email": "dpo@admiville.fr",
        "dpo_postal_address": "DPO, 1 place de la Mairie, 99100 Admiville",
        "accessibility_status": "partial", "accessibility_audit_date": "2025-03-14",
        "publication_director": "Claire Martin", "host_details": "Hébergeur SAS, 2 rue du Serveur, 75001 Paris",
    }
    data.update(overrides)
    return data


def test_url_name():
    assert reverse("organisation:commune") == URL


@pytest.mark.django_db
def test_the_commune_row_is_created_when_there_is_none(client, platform_admin):
    Commune.objects.all().delete()
    client.force_login(platform_admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert "pas encore remplie" in response.content.decode()
    response = client.post(URL, commune_data())
    assert response.status_code == 302
    commune = Commune.current()
    assert commune.name == "Admiville"
    assert commune.phone == "01 23 45 67 89"  # normalised with phonenumbers
    assert commune.accessibility_audit_date.isoformat() == "2025-03-14"
    assert Commune.objects.count() == 1


@pytest.mark.django_db
def test_edit_keeps_one_row_and_logs_who_did_it(admin_client, commune, platform_admin, caplog):
    caplog.set_level("INFO", logger="parvis.organisation.audit")
    response = admin_client.post(URL, commune_data(name="Admiville-sur-Mer", phone="+33 1 98 76 54 32"))
    assert response.status_code == 302
    commune.refresh_from_db()
    assert commune.name == "Admiville-sur-Mer"
    assert commune.phone == "01 98 76 54 32"
    assert Commune.objects.count() == 1
    assert f"user #{platform_admin.pk}" in caplog.text and f"commune #{commune.pk}" in caplog.text
    # The new name shows on every page at once.
    assert "Admiville-sur-Mer" in admin_client.get(reverse("organisation:home")).content.decode()


@pytest.mark.django_db
def test_errors_keep_typed_values(admin_client, commune):
    response = admin_client.post(URL, commune_data(name="Nouveau nom", phone="12", postcode="991",
                                                   dpo_email="pas-un-courriel"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Il y a 3 erreurs" in page
    assert "numéro de téléphone français valide" in page
    assert "code postal de 5 chiffres" in page
    assert 'value="Nouveau nom"' in page and 'value="12"' in page
    commune.refresh_from_db()
    assert commune.name == "Admiville"


@pytest.mark.django_db
def test_a_compliance_claim_needs_an_audit_date(admin_client, commune):
    response = admin_client.post(URL, commune_data(accessibility_status="total", accessibility_audit_date=""))
    assert response.status_code == 200
    assert "après un audit" in response.content.decode()
    response = admin_client.post(URL, commune_data(accessibility_status="none", accessibility_audit_date=""))
    assert response.status_code == 302
    commune.refresh_from_db()
    assert commune.accessibility_status == "none"
    response = admin_client.post(URL, commune_data(accessibility_audit_date="2999-01-01"))
    assert response.status_code == 200
    assert "dans le futur" in response.content.decode()


@pytest.mark.django_db
def test_logo_upload_png_then_served_publicly(admin_client, commune, client):
    logo = SimpleUploadedFile("mon logo.PNG", png_bytes(), content_type="image/png")
    response = admin_client.post(URL, {**commune_data(), "logo": logo})
    assert response.status_code == 302, response.content.decode()
    commune.refresh_from_db()
    assert commune.logo.name.startswith("commune/logo-") and commune.logo.name.endswith(".png")
    from parvis.organisation.branding import commune_logo_url

    assert commune_logo_url(commune) == f"/administration/commune/logo/?v={commune.logo.name.split('/')[-1]}"
    assert commune_logo_url(None) == ""
    # Uploaded files are not served from MEDIA_URL: the logo has its own public address.
    client.logout()
    response = client.get(reverse("organisation:commune_logo"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()


@pytest.mark.django_db
def test_jpeg_logo_is_stored_with_its_real_extension(admin_client, commune):
    logo = SimpleUploadedFile("logo.png", png_bytes(image_format="JPEG"), content_type="image/png")
    assert admin_client.post(URL, {**commune_data(), "logo": logo}).status_code == 302
    commune.refresh_from_db()
    assert commune.logo.name.endswith(".jpg")


@pytest.mark.django_db
@pytest.mark.parametrize("name, content, message", [
    ("logo.png", b"Ceci n'est pas une image.\n" * 10, "pas une image PNG ou JPEG lisible"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "pas une image PNG ou JPEG lisible"),
    ("logo.gif", png_bytes(image_format="GIF"), "doit être une image PNG ou JPEG"),
])
def test_logo_that_is_not_png_or_jpeg_is_refused(admin_client, commune, name, content, message):
    response = admin_client.post(URL, {**commune_data(name="Gardé"), "logo": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="Gardé"' in page
    commune.refresh_from_db()
    assert not commune.logo
    assert commune.name == "Admiville"


@pytest.mark.django_db
def test_logo_over_one_megabyte_is_refused(admin_client, commune):
    buffer = io.BytesIO()
    Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3)).save(buffer, format="PNG")  # noise: ~1.9 Mo
    assert buffer.tell() > 1024 * 1024
    response = admin_client.post(URL, {**commune_data(), "logo": SimpleUploadedFile("logo.png", buffer.getvalue())})
    assert response.status_code == 200
    assert "plus de 1 Mo" in response.content.decode()


@pytest.mark.django_db
def test_logo_replaced_then_removed(admin_client, commune, django_capture_on_commit_callbacks):
    admin_client.post(URL, {**commune_data(), "logo": SimpleUploadedFile("a.png", png_bytes((10, 10)))})
    commune.refresh_from_db()
    first = commune.logo.name
    storage = commune.logo.storage
    assert storage.exists(first)
    page = admin_client.get(URL).content.decode()
    assert reverse("organisation:commune_logo") in page and "Retirer le logo actuel" in page

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(URL, {**commune_data(), "logo": SimpleUploadedFile("b.jpg", png_bytes((12, 12), "JPEG"))})
    commune.refresh_from_db()
    assert commune.logo.name != first and not storage.exists(first)

    admin_client.post(URL, {**commune_data(), "remove_logo": "on"})
    commune.refresh_from_db()
    assert not commune.logo
    assert admin_client.get(reverse("organisation:commune_logo")).status_code == 404


@pytest.mark.django_db
def test_logo_address_is_404_without_a_logo(client, commune):
    assert client.get(reverse("organisation:commune_logo")).status_code == 404
