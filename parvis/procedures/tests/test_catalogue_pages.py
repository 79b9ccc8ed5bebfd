"""Home, catalogue, category and life-event pages: only published procedures, grouped and linked."""

import pytest

from parvis.testing.catalogue_factories import make_closed_procedure, make_draft_procedure, make_life_event
from parvis.testing.factories import make_category, make_commune, make_procedure

pytestmark = pytest.mark.django_db


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_home_shows_search_categories_life_events_and_most_requested(client):
    make_commune()
    civil = make_category(name="État civil", slug="etat-civil")
    moving = make_life_event(name="Je déménage", slug="je-demenage")
    featured = make_procedure(title="Opération Tranquillité Vacances", is_featured=True, category=civil)
    plain = make_procedure(title="Attestation de domicile", category=civil)
    plain.life_events.add(moving)

    page = html(client.get("/"))

    assert 'role="search"' in page
    assert '<label for="recherche">Rechercher une démarche</label>' in page
    assert page.count("<h1") == 1
    assert "Les démarches les plus demandées" in page
    # Featured procedures come first, before the alphabetical order.
    assert page.index(featured.title) < page.index(plain.title)
    assert 'href="/demarches/categorie/etat-civil/"' in page
    assert "2 démarches" in page
    assert 'href="/demarches/evenement/je-demenage/"' in page
    assert "01 23 45 67 89" in page  # the town hall's phone, for those who need help


def test_home_hides_draft_and_closed_procedures_and_empty_categories(client):
    make_procedure(title="Démarche publiée")
    make_draft_procedure(title="Démarche en brouillon", category=make_category(name="Thème brouillon"))
    make_closed_procedure(title="Démarche fermée")
    event = make_life_event(name="Moment sans démarche publiée")
    make_draft_procedure(title="Autre brouillon").life_events.add(event)

    page = html(client.get("/"))

    assert "Démarche publiée" in page
    assert "Démarche en brouillon" not in page
    assert "Démarche fermée" not in page
    assert "Thème brouillon" not in page
    assert "Moment sans démarche publiée" not in page


def test_home_renders_without_any_procedure_or_commune(client, settings):
    settings.COMMUNE_NAME = "Villebourg"
    page = html(client.get("/"))
    assert "Villebourg : vos démarches en ligne" in page
    assert "Aucune démarche n'est encore publiée" in page


def test_home_query_count_does_not_grow_with_the_catalogue(client, django_assert_max_num_queries):
    make_commune()
    for n in range(8):
        procedure = make_procedure(is_featured=n % 2 == 0)
        procedure.life_events.add(make_life_event())
    # commune, most requested, categories, life events
    with django_assert_max_num_queries(4):
        html(client.get("/"))


def test_catalogue_groups_published_procedures_by_category(client):
    civil = make_category(name="État civil", slug="etat-civil", sort_order=1)
    rooms = make_category(name="Salles et événements", slug="salles", sort_order=2)
    make_procedure(title="Copie d'acte de naissance", category=civil)
    make_procedure(title="Copie d'acte de décès", category=civil)
    make_procedure(title="Location de salle", category=rooms)
    make_draft_procedure(title="Brouillon caché", category=rooms)

    page = html(client.get("/demarches/"))

    assert page.count("<h1") == 1
    assert "Toutes les démarches" in page
    assert 'role="search"' in page
    assert '<h2 id="theme-etat-civil">État civil</h2>' in page
    death = page.index("Copie d&#x27;acte de décès")
    assert page.index("État civil</h2>") < death < page.index("Salles et événements</h2>")
    assert page.index("Copie d&#x27;acte de décès") < page.index("Copie d&#x27;acte de naissance")
    assert "Location de salle" in page
    assert "Brouillon caché" not in page
    assert 'aria-label="Fil d’Ariane"' in page


def test_category_page_lists_its_published_procedures(client):
    civil = make_category(name="État civil", slug="etat-civil")
    make_procedure(title="Copie d'acte de naissance", category=civil)
    make_procedure(title="Location de salle")
    make_closed_procedure(title="Ancienne démarche", category=civil)

    page = html(client.get("/demarches/categorie/etat-civil/"))

    assert "<h1>État civil</h1>" in page
    assert "Copie d&#x27;acte de naissance" in page
    assert "Location de salle" not in page
    assert "Ancienne démarche" not in page
    assert '<a href="/demarches/">Démarches</a>' in page  # breadcrumb


def test_category_without_published_procedure_says_so(client):
    make_category(name="Cimetière", slug="cimetiere")
    page = html(client.get("/demarches/categorie/cimetiere/"))
    assert "Aucune démarche de ce thème" in page


def test_life_event_page_lists_its_published_procedures(client):
    moving = make_life_event(name="Je déménage", slug="je-demenage")
    make_procedure(title="Changement d'adresse").life_events.add(moving)
    make_procedure(title="Stationnement pour un déménagement").life_events.add(moving)
    make_draft_procedure(title="Brouillon de déménagement").life_events.add(moving)
    make_procedure(title="Sans rapport")

    page = html(client.get("/demarches/evenement/je-demenage/"))

    assert "<h1>Je déménage</h1>" in page
    assert "Changement d&#x27;adresse" in page
    assert "Stationnement pour un déménagement" in page
    assert "Brouillon de déménagement" not in page
    assert "Sans rapport" not in page


@pytest.mark.parametrize("url", ["/demarches/categorie/inconnue/", "/demarches/evenement/inconnu/"])
def test_unknown_category_or_life_event_is_a_themed_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
