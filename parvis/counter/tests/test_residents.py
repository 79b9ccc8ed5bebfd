"""Finding and creating residents at the counter, and the resident at a glance."""

import datetime as dt
import html

import pytest

from parvis.accounts.models import User
from parvis.cases.tests.factories import file_case
from parvis.counter.glance import GlancePanel, register_panel, unregister_panel
from parvis.counter.search import mask_email, search_residents
from parvis.privacy.models import AccessAction, AccessLog
from parvis.testing.factories import make_resident

pytestmark = pytest.mark.django_db


def _page(response):
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("query", ["lefevre", "LEFÈVRE", "éloïse", "eloise lef", "Lefèvre Éloïse", "  lefe  "])
def test_search_by_name_ignores_accents_and_case(resident_without_email, resident, query):
    assert list(search_residents(name=query)) == [resident_without_email]


def test_search_by_birth_date_email_phone_and_combined(resident, resident_without_email):
    assert list(search_residents(birth_date=dt.date(1985, 7, 14))) == [resident]
    assert list(search_residents(email="Camille.Durand@Example.org ")) == [resident]
    assert list(search_residents(email="camille")) == []  # emails match exactly, never partially
    assert list(search_residents(phone="0698765432")) == [resident]
    assert list(search_residents(phone="+33 6 98 76 54 32")) == [resident]
    assert list(search_residents(phone="01.44.55.66.77")) == [resident_without_email]
    assert list(search_residents(phone="12")) == []
    assert list(search_residents(name="durand", birth_date=dt.date(1985, 7, 14))) == [resident]
    assert list(search_residents(name="durand", birth_date=dt.date(1950, 3, 2))) == []
    assert list(search_residents()) == []


def test_inactive_accounts_are_not_found(resident):
    resident.is_active = False
    resident.save()
    assert list(search_residents(name="durand")) == []


def test_search_page_shows_name_birth_date_city_and_masked_email(as_front_desk, resident, resident_without_email):
    page = _page(as_front_desk.get("/agents/guichet/", {"nom": "durand"}))
    assert "1 personne trouvée" in page and "Camille DURAND" in page and "14/07/1985" in page
    assert "Admiville" in page and "c•••@example.org" in page
    assert "camille.durand@example.org" not in page and "06 98 76 54 32" not in page
    page = _page(as_front_desk.get("/agents/guichet/", {"telephone": "01 44 55 66 77"}))
    assert "Éloïse LEFÈVRE" in page and "aucun (documents sur papier)" in page
    # Lists are not logged line by line.
    assert not AccessLog.objects.exists()


def test_search_needs_a_criterion_and_valid_values(as_front_desk):
    page = _page(as_front_desk.get("/agents/guichet/", {"nom": ""}))
    assert "Indiquez au moins un critère" in page and 'id="erreurs"' in page
    page = _page(as_front_desk.get("/agents/guichet/", {"naissance": "31/02/1985"}))
    assert "Indiquez une date réelle" in page and 'aria-invalid="true"' in page
    page = _page(as_front_desk.get("/agents/guichet/", {"nom": "personne"}))
    assert "Aucune personne ne correspond" in page and "créez-la" in page


def test_mask_email():
    assert mask_email("camille.durand@example.org") == "c•••@example.org"
    assert mask_email(None) == "" and mask_email("") == ""


def _create(client, **overrides):
    data = {"civility": "mme", "first_name": "Éloïse", "last_name": "Lefèvre", "birth_date": "02/03/1950",
            "street": "12 rue de la Mairie", "postcode": "99100", "city": "Admiville", "phone": "0144556677",
            "email": ""}
    data.update(overrides)
    return client.post("/agents/guichet/usagers/nouveau/", data)


def test_create_a_resident_without_email(as_front_desk):
    assert as_front_desk.get("/agents/guichet/usagers/nouveau/").status_code == 200
    response = _create(as_front_desk)
    resident = User.objects.get(last_name="Lefèvre")
    assert response.status_code == 302 and response["Location"] == f"/agents/guichet/usagers/{resident.pk}/"
    assert resident.email is None and not resident.has_usable_password()
    assert resident.birth_date == dt.date(1950, 3, 2) and resident.phone == "01 44 55 66 77"
    assert resident.postal_address == "12 rue de la Mairie, 99100 Admiville"
    page = _page(as_front_desk.get(response["Location"]))
    assert "pas d'adresse électronique" in page and "Madame Éloïse LEFÈVRE" in page


def test_create_a_resident_with_email(as_front_desk):
    response = _create(as_front_desk, email="Eloise@Example.org", street="", postcode="", city="")
    assert response.status_code == 302
    assert User.objects.get(last_name="Lefèvre").email == "eloise@example.org"


def test_without_email_the_postal_address_is_required(as_front_desk):
    page = _page(_create(as_front_desk, street="", postcode="", city=""))
    assert "sans adresse électronique, l'usager reçoit ses documents par courrier" in page
    assert "Indiquez le code postal." in page and "Indiquez la commune." in page
    assert not User.objects.filter(last_name="Lefèvre").exists()


def test_create_refuses_missing_identity_future_birth_date_and_taken_email(as_front_desk, resident):
    page = _page(_create(as_front_desk, first_name="", birth_date=""))
    assert "Indiquez le prénom de l'usager." in page and "Indiquez la date de naissance de l'usager." in page
    page = _page(_create(as_front_desk, birth_date="01/01/2999"))
    assert "ne peut pas être dans le futur" in page
    page = _page(_create(as_front_desk, email="camille.durand@example.org"))
    assert "Une fiche existe déjà avec cette adresse électronique" in page
    assert User.objects.filter(last_name="Lefèvre").count() == 0


def test_duplicates_are_warned_then_confirmed(as_front_desk, resident_without_email):
    page = _page(_create(as_front_desk, first_name="eloise", last_name="LEFEVRE"))
    assert "une fiche existe peut-être déjà" in page and "Éloïse LEFÈVRE" in page
    assert "Je confirme qu'il s'agit d'une autre personne" in page
    assert f'href="/agents/guichet/usagers/{resident_without_email.pk}/"' in page
    assert User.objects.filter(last_name__iexact="lefevre").count() == 0
    response = _create(as_front_desk, first_name="eloise", last_name="LEFEVRE", confirm_duplicate="on")
    assert response.status_code == 302
    assert User.objects.filter(birth_date=dt.date(1950, 3, 2)).count() == 2


def test_reading_a_card_is_logged(as_front_desk, front_desk, resident):
    as_front_desk.get(f"/agents/guichet/usagers/{resident.pk}/")
    log = AccessLog.objects.get()
    assert (log.agent, log.action, log.resident_id) == (front_desk, AccessAction.VIEW, resident.pk)
    assert log.path == f"/agents/guichet/usagers/{resident.pk}/"


def test_unknown_resident_is_404(as_front_desk):
    assert as_front_desk.get("/agents/guichet/usagers/999999/").status_code == 404


# --- At a glance ----------------------------------------------------------------------------------------

def test_front_desk_sees_every_case_but_opens_only_the_visible_ones(
        as_front_desk, front_desk, resident, procedure, urbanisme_procedure, accueil):
    from parvis.testing.factories import make_procedure

    accueil_procedure = make_procedure(department=accueil, title="Location de salle")
    own = file_case(procedure=accueil_procedure, applicant=resident)
    filed_by_me = file_case(procedure=urbanisme_procedure, applicant=resident, channel="counter", filed_by=front_desk)
    other = file_case(procedure=procedure, applicant=resident)
    someone_else = file_case(procedure=procedure, applicant=make_resident())
    page = _page(as_front_desk.get(f"/agents/guichet/usagers/{resident.pk}/"))
    for case in (own, filed_by_me, other):
        assert case.reference in page
    assert someone_else.reference not in page
    assert "État civil" in page and "Urbanisme" in page and "Reçue" in page
    assert page.count("Imprimer l'accusé de réception") == 2
    assert f"/agents/guichet/dossiers/{own.reference}/accuse-de-reception/" in page
    assert f"/agents/guichet/dossiers/{filed_by_me.reference}/accuse-de-reception/" in page
    assert f"/agents/guichet/dossiers/{other.reference}/accuse-de-reception/" not in page
    assert page.count("visible par le service instructeur uniquement") == 1
    # The content of the other department's case stays closed to this agent.
    assert as_front_desk.get(f"/agents/guichet/dossiers/{other.reference}/").status_code == 404
    assert as_front_desk.get(f"/agents/guichet/dossiers/{other.reference}/accuse-de-reception/").status_code == 404
    assert AccessLog.objects.filter(agent=front_desk, action=AccessAction.DENIED).count() == 2


def test_case_officer_sees_only_the_cases_they_may_open(client, officer, resident, procedure, urbanisme_procedure):
    mine = file_case(procedure=procedure, applicant=resident)
    elsewhere = file_case(procedure=urbanisme_procedure, applicant=resident)
    client.force_login(officer)
    page = _page(client.get(f"/agents/guichet/usagers/{resident.pk}/"))
    assert mine.reference in page and elsewhere.reference not in page


def test_at_a_glance_query_count_is_bounded(as_front_desk, resident, procedure, django_assert_max_num_queries):
    for _ in range(5):
        file_case(procedure=procedure, applicant=resident)
    with django_assert_max_num_queries(14):
        as_front_desk.get(f"/agents/guichet/usagers/{resident.pk}/")


def test_other_apps_add_panels(as_front_desk, resident):
    register_panel(GlancePanel("test", "counter/tests/panel.html", lambda agent, person: {"who": person.first_name}))
    try:
        assert "Panneau de Camille" in _page(as_front_desk.get(f"/agents/guichet/usagers/{resident.pk}/"))
        unregister_panel("test")
        register_panel(GlancePanel("test", "counter/tests/panel.html", lambda agent, person: None))
        assert "Panneau de" not in _page(as_front_desk.get(f"/agents/guichet/usagers/{resident.pk}/"))
    finally:
        unregister_panel("test")
