"""The commune is shown on every page: each process reads it at most once per COMMUNE_CACHE_SECONDS."""

from parvis.organisation.models import Commune
from parvis.testing.factories import make_agent, make_commune, make_department, make_resident


def test_the_commune_is_read_once_then_served_from_the_process(db, django_assert_num_queries):
    make_commune(name="Admiville")
    with django_assert_num_queries(1):
        assert Commune.current().name == "Admiville"
        assert Commune.current().name == "Admiville"


def test_callers_get_their_own_copy(db):
    make_commune(name="Admiville")
    mine = Commune.current()
    mine.name = "Changé sans enregistrer"
    assert Commune.current().name == "Admiville"


def test_saving_the_commune_is_seen_at_once_in_this_process(db):
    commune = make_commune(name="Admiville")
    assert Commune.current().name == "Admiville"
    commune.name = "Admiville-sur-Mer"
    commune.save()
    assert Commune.current().name == "Admiville-sur-Mer"
    commune.delete()
    assert Commune.current() is None


def test_other_processes_see_a_change_within_the_delay(db, settings):
    make_commune(name="Admiville")
    assert Commune.current().name == "Admiville"
    Commune.objects.update(name="Admiville-sur-Mer")  # as another process would: no signal here
    assert Commune.current().name == "Admiville"
    settings.COMMUNE_CACHE_SECONDS = 0
    Commune.forget_current()
    assert Commune.current().name == "Admiville-sur-Mer"
    Commune.objects.update(name="Admiville")
    assert Commune.current().name == "Admiville", "with 0, every call reads the row"


def test_a_page_reads_only_the_session_and_the_user_with_their_agent_role(client, db, django_assert_num_queries):
    make_commune()
    resident = make_resident()
    client.force_login(resident)
    client.get("/accessibilite/")  # the commune is read once by this process
    with django_assert_num_queries(2):
        content = client.get("/accessibilite/").content.decode()
    assert "Espace agents" not in content
    agent = make_agent(department=make_department())
    client.force_login(agent)
    with django_assert_num_queries(2):
        content = client.get("/accessibilite/").content.decode()
    assert "Espace agents" in content
