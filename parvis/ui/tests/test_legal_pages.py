"""Home-adjacent pages every site must have: accessibility, legal notice, personal data, contact."""

import datetime as dt

import pytest

from parvis.testing.catalogue_factories import make_draft_procedure
from parvis.testing.factories import make_commune, make_department, make_procedure

pytestmark = pytest.mark.django_db

PAGES = ["/accessibilite/", "/mentions-legales/", "/donnees-personnelles/", "/contact/"]


def html(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_without_a_commune(client, settings, url):
    settings.COMMUNE_NAME = "Villebourg"
    page = html(client.get(url))
    assert page.count("<h1") == 1
    assert "Villebourg" in page


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_with_a_commune(client, url):
    make_commune()
    page = html(client.get(url))
    assert page.count("<h1") == 1
    assert "Admiville" in page


def test_accessibility_statement(client):
    make_commune(accessibility_status="partial", accessibility_audit_date=dt.date(2026, 3, 12),
                 email="mairie@admiville.fr")
    page = html(client.get("/accessibilite/"))
    assert "Déclaration d&#x27;accessibilité" in page or "Déclaration d'accessibilité" in page
    assert "<strong>partiellement conforme</strong>" in page
    assert "RGAA" in page and "version 4.1" in page
    assert "12 mars 2026" in page
    assert "Non-conformités" in page
    assert "mailto:mairie@admiville.fr" in page
    assert "Défenseur des droits" in page
    assert "Libre réponse 71120" in page


def test_accessibility_statement_without_audit(client):
    make_commune(accessibility_status="none")
    page = html(client.get("/accessibilite/"))
    assert "<strong>non conforme</strong>" in page
    assert "Aucun audit de conformité n&#x27;a encore été réalisé" in page or \
        "Aucun audit de conformité n'a encore été réalisé" in page


def test_legal_notice_names_publisher_director_and_host(client):
    make_commune(publication_director="Claire Martin, maire", host_details="Hébergeur Exemple, 1 rue du Serveur")
    page = html(client.get("/mentions-legales/"))
    assert "Commune d’Admiville" in page
    assert "Claire Martin, maire" in page
    assert "Hébergeur Exemple, 1 rue du Serveur" in page


def test_legal_notice_falls_back_to_the_mayor_as_director(client):
    make_commune(mayor_name="Claire Martin", publication_director="")
    assert "Claire Martin, maire" in html(client.get("/mentions-legales/"))


def test_privacy_page_names_controller_dpo_rights_and_links_every_notice(client):
    make_commune(mayor_name="Claire Martin", dpo_name="Julien Moreau", dpo_email="dpo@admiville.fr")
    published = make_procedure(title="Location de salle", privacy_purpose="Gérer la location.", retention_months=60)
    make_draft_procedure(title="Démarche en préparation")
    page = html(client.get("/donnees-personnelles/"))
    assert "Le maire d’Admiville, Claire Martin" in page
    assert "Julien Moreau" in page
    assert "mailto:dpo@admiville.fr" in page
    assert f'href="{published.get_absolute_url()}#donnees-personnelles"' in page
    assert "Gérer la location." in page
    assert "5 ans" in page
    assert "Démarche en préparation" not in page
    assert "CNIL" in page
    assert "un mois" in page


def test_contact_page_lists_commune_and_active_departments_with_hours(client):
    commune = make_commune(phone="01 23 45 67 89", email="mairie@admiville.fr")
    make_department(commune=commune, name="Guichet unique d'inscription", slug="guichet-unique",
                    opening_hours="Lundi : 8 h 30 – 17 h\nMercredi : 8 h 30 – 18 h 30")
    make_department(commune=commune, name="Service fermé", slug="ferme", is_active=False)
    page = html(client.get("/contact/"))
    assert "Mairie d’Admiville" in page
    assert 'href="tel:0123456789"' in page
    assert "mailto:mairie@admiville.fr" in page
    assert "Guichet unique d&#x27;inscription" in page
    assert "<li>Mercredi : 8 h 30 – 18 h 30</li>" in page
    assert "Service fermé" not in page
