"""A resident finds a procedure from the home page, in a real browser, checked with axe-core."""

import pytest

from parvis.testing.browser import check_accessibility
from parvis.testing.catalogue_factories import make_life_event
from parvis.testing.factories import make_category, make_commune, make_procedure

pytestmark = [pytest.mark.browser]


@pytest.fixture
def catalogue(transactional_db):
    make_commune()
    civil = make_category(name="État civil", slug="etat-civil")
    birth = make_procedure(title="Copie d'acte de naissance", slug="copie-acte-naissance", category=civil,
                           summary="Recevoir une copie de votre acte.", is_featured=True,
                           documents_to_prepare="Nom et prénoms\nDate de naissance")
    birth.life_events.add(make_life_event(name="Je me marie", slug="je-me-marie"))
    make_procedure(title="Location de salle", category=make_category(name="Salles et événements"))
    return birth


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_search_from_home_to_procedure_page_is_accessible(page, catalogue):
    page.goto(page.base_url + "/")
    check_accessibility(page, "accueil")

    page.get_by_role("searchbox", name="Rechercher une démarche").fill("etat civil")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_text("1 démarche trouvée pour « etat civil »").wait_for()
    check_accessibility(page, "résultats de recherche")

    page.get_by_role("link", name="Copie d'acte de naissance").click()
    page.get_by_role("heading", level=1, name="Copie d'acte de naissance").wait_for()
    page.get_by_role("heading", name="Vous ne pouvez pas ou ne souhaitez pas faire la démarche en ligne ?").wait_for()
    check_accessibility(page, "page de la démarche")

    page.goto(page.base_url + "/demarches/?q=piscine")
    page.get_by_text("Aucune démarche trouvée").wait_for()
    check_accessibility(page, "recherche sans résultat")


@pytest.mark.parametrize("path", ["/", "/demarches/", "/demarches/copie-acte-naissance/",
                                  "/demarches/categorie/etat-civil/", "/demarches/evenement/je-me-marie/",
                                  "/accessibilite/", "/mentions-legales/", "/donnees-personnelles/", "/contact/"])
def test_pages_fit_a_360_px_screen_and_pass_axe(page, catalogue, path):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(page.base_url + path)
    assert scroll_width(page) <= 360
    check_accessibility(page, path)


def test_search_box_is_reachable_and_focus_is_visible(page, catalogue):
    page.goto(page.base_url + "/")
    search_box = page.get_by_role("searchbox", name="Rechercher une démarche")
    search_box.focus()
    outline = search_box.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
