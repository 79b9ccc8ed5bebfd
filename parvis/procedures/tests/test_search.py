"""Search in the catalogue: accent- and case-insensitive, all fields, published only, best first.

The same tests run on SQLite (Python fallback) and PostgreSQL (French full-text search); the tests
marked `postgres` check what only the French stemmer does.
"""

import pytest
from django.db import connection

from parvis.procedures.search import search_procedures
from parvis.testing.catalogue_factories import make_closed_procedure, make_draft_procedure
from parvis.testing.factories import make_category, make_commune, make_procedure

pytestmark = pytest.mark.django_db

postgres_only = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="recherche plein texte PostgreSQL"),
]


@pytest.fixture
def catalogue():
    civil = make_category(name="État civil", slug="etat-civil")
    rooms = make_category(name="Salles et événements", slug="salles")
    family = make_category(name="Famille et enfance", slug="famille")
    return {
        "birth": make_procedure(title="Copie d'acte de naissance", summary="Recevoir une copie de votre acte.",
                                category=civil, keywords="extrait, filiation"),
        "room": make_procedure(title="Location de salle", summary="Réserver une salle municipale.",
                               category=rooms, description="Pour un anniversaire ou un mariage."),
        "school": make_procedure(title="Inscription scolaire", summary="Inscrire votre enfant à l'école.",
                                 category=family, keywords="maternelle, élémentaire"),
        "report": make_procedure(title="Signalement sur l'espace public", summary="Nid-de-poule, éclairage, tag.",
                                 category=make_category(name="Signalements")),
    }


def titles(query):
    return [procedure.title for procedure in search_procedures(query)]


@pytest.mark.parametrize("query", ["etat civil", "ÉTAT CIVIL", "État Civil", "etat"])
def test_search_ignores_accents_and_case(catalogue, query):
    assert titles(query) == ["Copie d'acte de naissance"]


@pytest.mark.parametrize("query, expected", [
    ("ACTE", "Copie d'acte de naissance"),               # title, upper case
    ("municipale", "Location de salle"),                 # summary
    ("filiation", "Copie d'acte de naissance"),          # keywords
    ("elementaire", "Inscription scolaire"),             # keywords, without accent
    ("anniversaire", "Location de salle"),               # description
    ("evenements", "Location de salle"),                 # category name
    ("éclairage", "Signalement sur l'espace public"),
    ("acte naissance", "Copie d'acte de naissance"),     # several words
    ("copie d'acte de naissance", "Copie d'acte de naissance"),  # with stop words and an apostrophe
])
def test_search_looks_in_every_field(catalogue, query, expected):
    assert titles(query) == [expected]


@pytest.mark.parametrize("query, expected", [
    ("actes", "Copie d'acte de naissance"),
    ("salles", "Location de salle"),
    ("inscriptions", "Inscription scolaire"),
])
def test_search_finds_singular_from_plural(catalogue, query, expected):
    assert expected in titles(query)


@pytest.mark.parametrize("query, expected", [
    ("naiss", "Copie d'acte de naissance"),
    ("inscri", "Inscription scolaire"),
    ("loca sal", "Location de salle"),
])
def test_search_finds_words_being_typed(catalogue, query, expected):
    assert expected in titles(query)


def test_every_word_must_match(catalogue):
    assert titles("salle naissance") == []


def test_title_matches_rank_before_description_matches():
    make_procedure(title="Animations d'été", description="Sortie à la piscine municipale.")
    make_procedure(title="Piscine municipale", summary="Horaires et tarifs.")
    assert titles("piscine") == ["Piscine municipale", "Animations d'été"]


def test_search_returns_published_procedures_only():
    make_procedure(title="Location de salle")
    make_draft_procedure(title="Location de salle (nouvelle version)")
    make_closed_procedure(title="Location de salle (ancienne)")
    assert titles("salle") == ["Location de salle"]


@pytest.mark.parametrize("query", ["", "   ", "de la", "'", "&|!():*\\"])
def test_empty_or_meaningless_query_finds_nothing(catalogue, query):
    assert search_procedures(query) == []


@pytest.mark.parametrize("query", ["acte & | ! ( ) : * ' \\ naissance", "acte:* | salle", '"acte de naissance"',
                                   "-salle acte", "a" * 500])
def test_search_survives_operators_and_odd_input(catalogue, query):
    search_procedures(query)  # no error


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="recherche plein texte PostgreSQL")
def test_postgresql_french_stemming_matches_plural_and_singular(catalogue):
    assert titles("actes") == ["Copie d'acte de naissance"]
    assert titles("salles") == ["Location de salle"]
    assert titles("inscriptions scolaires") == ["Inscription scolaire"]
    assert titles("ACTES de NAISSANCES") == ["Copie d'acte de naissance"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="recherche plein texte PostgreSQL")
def test_postgresql_search_configuration_strips_accents_then_stems():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('french_unaccent', 'Réservations des salles municipales')::text")
        vector = cursor.fetchone()[0]
    assert "'reserv'" in vector
    assert "'sall'" in vector


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="recherche plein texte PostgreSQL")
def test_postgresql_websearch_syntax(catalogue):
    assert titles('"acte de naissance"') == ["Copie d'acte de naissance"]
    assert "Location de salle" in titles("salle or naissance")


# --- The search page ---------------------------------------------------------------------------------

def test_search_page_counts_results_and_lists_them(client, catalogue):
    make_procedure(title="Copie d'acte de décès", category=catalogue["birth"].category)
    make_procedure(title="Copie d'acte de mariage", category=catalogue["birth"].category)
    response = client.get("/demarches/", {"q": "acte"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 démarches trouvées pour « acte »" in page
    assert page.count("<h1") == 1
    assert 'value="acte"' in page  # the search box keeps the query
    assert f'href="{catalogue["birth"].get_absolute_url()}"' in page
    assert "Location de salle" not in page


def test_search_page_with_one_result_uses_singular(client, catalogue):
    page = client.get("/demarches/", {"q": "salle"}).content.decode()
    assert "1 démarche trouvée pour « salle »" in page


def test_search_page_without_results_suggests_what_to_do(client, catalogue):
    make_commune()
    page = client.get("/demarches/", {"q": "piscine olympique"}).content.decode()
    assert "Aucune démarche trouvée pour « piscine olympique »" in page
    assert "Vérifiez l&#x27;orthographe" in page or "Vérifiez l'orthographe" in page
    assert 'href="/demarches/categorie/etat-civil/"' in page
    assert "01 23 45 67 89" in page
    assert 'href="tel:0123456789"' in page


def test_search_page_escapes_the_query(client, catalogue):
    page = client.get("/demarches/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_search_page_query_count(client, catalogue, django_assert_max_num_queries):
    # search, categories for suggestions, commune
    with django_assert_max_num_queries(3):
        client.get("/demarches/", {"q": "zzz"})
