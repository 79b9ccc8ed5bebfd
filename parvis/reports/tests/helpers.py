"""Helpers to drive the resident's filing steps through the HTTP client, as a browser without JavaScript."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parvis.reports.models import Report


def choose_category(client, slug):
    response = client.post(reverse("reports:new"), {"categorie": slug})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def add_photos(client, *files, action="continuer"):
    uploads = [SimpleUploadedFile(name, data, content_type="image/jpeg") for name, data in files]
    return client.post(reverse("reports:new_photos"), {"photos": uploads, "action": action})


def give_location(client, **data):
    data.setdefault("action", "continuer")
    return client.post(reverse("reports:new_location"), data)


def send_details(client, **data):
    data.setdefault("description", "Un problème à régler.")
    return client.post(reverse("reports:new_details"), data)


def file_by_web(client, slug="nid-de-poule", *, lat="48.8512", lon="2.3488", address="", details=None,
                source="map"):
    """The four steps, position given as coordinates; returns the new Report."""
    choose_category(client, slug)
    add_photos(client)
    response = give_location(client, latitude=lat, longitude=lon, adresse=address, source=source)
    assert response.status_code == 302, response.content.decode()[:3000]
    details = {"q_taille": "grand"} | (details or {}) if slug == "nid-de-poule" else (details or {})
    response = send_details(client, **details)
    assert response.status_code == 302 and response.url == reverse("reports:filed"), \
        response.content.decode()[:3000]
    return Report.objects.select_related("case").latest("pk")
