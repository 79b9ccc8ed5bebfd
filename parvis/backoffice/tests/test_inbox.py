"""The inbox: who sees what, every filter, the search, the sorts, keyset pages, badges, query counts."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from parvis.backoffice.inbox import has_assignee
from parvis.cases.models import Case
from parvis.testing.factories import make_resident

pytestmark = pytest.mark.django_db
needs_assignee = pytest.mark.skipif(not has_assignee(), reason="Case.assignee n'existe pas encore (partie dossiers)")

INBOX = reverse("backoffice:inbox")


ROW_REFERENCE = re.compile(r'<th scope="row">\s*(?:<a href="[^"]*">)?([A-Z]+-\d{4}-\d{6})')


def listed(response):
    """The references listed in the table, in order."""
    assert response.status_code in (200, 400), response.status_code
    return ROW_REFERENCE.findall(response.content.decode())


def today():
    return timezone.localdate()


# --- Access -------------------------------------------------------------------------------------------

def test_anonymous_goes_to_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_resident_is_refused(client, world):
    client.force_login(world.resident)
    assert client.get(INBOX).status_code == 403


def test_agent_sees_only_the_cases_of_their_departments(client, world):
    mine = world.file(world.proc_a)
    other = world.file(world.proc_b)
    client.force_login(world.officer_a)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert listed(response) == [mine.reference]
    assert other.reference not in response.content.decode()


def test_test_cases_are_hidden_unless_asked(client, world):
    real = world.file()
    test = world.file(is_test=True)
    client.force_login(world.officer_a)
    assert listed(client.get(INBOX)) == [real.reference]
    assert set(listed(client.get(INBOX, {"tests": "1"}))) == {real.reference, test.reference}


def test_cases_filed_by_the_agent_in_other_departments(client, world):
    """`cases_visible_to`: the agent's departments plus what they filed elsewhere (counter)."""
    from parvis.backoffice.access import cases_visible_to

    only_a = world.officer_a
    filed_elsewhere = world.file(world.proc_b, channel="counter", filed_by=only_a)
    not_mine = world.file(world.proc_b)
    mine = world.file(world.proc_a)
    client.force_login(only_a)
    # By default the cases of the agent's departments; the cases filed elsewhere on request.
    assert listed(client.get(INBOX)) == [mine.reference]
    assert listed(client.get(INBOX, {"service": "deposees"})) == [filed_elsewhere.reference]
    assert set(cases_visible_to(only_a).values_list("reference", flat=True)) == {
        mine.reference, filed_elsewhere.reference}
    assert not_mine.reference not in client.get(INBOX, {"service": "deposees"}).content.decode()


def test_an_agent_without_handling_role_sees_what_they_filed(client, world):
    filed = world.file(world.proc_b, channel="counter", filed_by=world.dpo)
    world.file(world.proc_a)
    client.force_login(world.dpo)
    response = client.get(INBOX)
    assert listed(response) == [filed.reference]
    assert "pas de rôle de traitement" in response.content.decode()


def test_department_filter_for_multi_department_agents(client, world):
    a = world.file(world.proc_a)
    b = world.file(world.proc_b)
    client.force_login(world.front_desk)
    assert set(listed(client.get(INBOX))) == {a.reference, b.reference}
    assert listed(client.get(INBOX, {"service": world.dept_b.pk})) == [b.reference]


def test_forged_department_is_an_error_not_a_leak(client, world):
    world.file(world.proc_b)
    mine = world.file(world.proc_a)
    client.force_login(world.officer_a)
    response = client.get(INBOX, {"service": world.dept_b.pk})
    assert response.status_code == 200
    assert "Certains filtres n’ont pas été appliqués" in response.content.decode()
    assert listed(response) == [mine.reference]


# --- Filters ------------------------------------------------------------------------------------------

def test_status_filter(client, world):
    received = world.file()
    progress = world.file(status="in_progress")
    accepted = world.file(status="accepted")
    client.force_login(world.officer_a)
    assert set(listed(client.get(INBOX))) == {received.reference, progress.reference}
    assert listed(client.get(INBOX, {"statut": "accepted"})) == [accepted.reference]
    assert listed(client.get(INBOX, {"statut": "termines"})) == [accepted.reference]
    assert set(listed(client.get(INBOX, {"statut": "tous"}))) == {
        received.reference, progress.reference, accepted.reference}
    page = html.unescape(client.get(INBOX).content.decode())
    assert "En cours d'instruction" in page  # the workflow's label, not the key
    response = client.get(INBOX, {"statut": "pirate"})
    assert "Certains filtres n’ont pas été appliqués" in response.content.decode()


def test_procedure_filter(client, world):
    a = world.file(world.proc_a)
    a2 = world.file(world.proc_a2)
    client.force_login(world.officer_a)
    assert listed(client.get(INBOX, {"demarche": world.proc_a2.pk})) == [a2.reference]
    assert listed(client.get(INBOX, {"demarche": world.proc_a.pk})) == [a.reference]
    forged = client.get(INBOX, {"demarche": world.proc_b.pk})
    assert "Certains filtres n’ont pas été appliqués" in forged.content.decode()


def test_channel_filter(client, world):
    web = world.file()
    phone = world.file(channel="phone", filed_by=world.front_desk)
    client.force_login(world.officer_a)
    assert listed(client.get(INBOX, {"canal": "phone"})) == [phone.reference]
    assert listed(client.get(INBOX, {"canal": "web"})) == [web.reference]


def test_deadline_filters(client, world):
    late = world.file(implicit_decision_on=today() - dt.timedelta(days=3))
    soon = world.file(implicit_decision_on=today() + dt.timedelta(days=5))
    later = world.file(implicit_decision_on=today() + dt.timedelta(days=30))
    none = world.file(world.proc_a2)
    world.file(implicit_decision_on=today() - dt.timedelta(days=3), status="accepted")  # closed: never "late"
    client.force_login(world.officer_a)
    assert listed(client.get(INBOX, {"echeance": "depassee", "statut": "tous"})) == [late.reference]
    assert listed(client.get(INBOX, {"echeance": "proche"})) == [soon.reference]
    assert listed(client.get(INBOX, {"echeance": "sans"})) == [none.reference]
    assert later.reference in listed(client.get(INBOX))


def test_received_date_range(client, world):
    old = world.file(days_ago=40)
    recent = world.file(days_ago=2)
    client.force_login(world.officer_a)
    start = (today() - dt.timedelta(days=10)).isoformat()
    assert listed(client.get(INBOX, {"recu_du": start})) == [recent.reference]
    end = (today() - dt.timedelta(days=10)).isoformat()
    assert listed(client.get(INBOX, {"recu_au": end})) == [old.reference]
    day = timezone.localtime(recent.received_at).date().isoformat()
    assert listed(client.get(INBOX, {"recu_du": day, "recu_au": day})) == [recent.reference]
    response = client.get(INBOX, {"recu_du": "2026-05-10", "recu_au": "2026-05-01"})
    assert "La date de fin doit suivre la date de début" in response.content.decode()
    assert "Indiquez une date valide" in client.get(INBOX, {"recu_du": "31/02/2026"}).content.decode()


@needs_assignee
def test_assignee_filter(client, world):
    mine = world.file(assignee=world.officer_a)
    colleague = world.file(assignee=world.officer_a2)
    nobody = world.file()
    client.force_login(world.officer_a)
    assert listed(client.get(INBOX, {"agent": "moi"})) == [mine.reference]
    assert listed(client.get(INBOX, {"agent": "aucun"})) == [nobody.reference]
    assert listed(client.get(INBOX, {"agent": world.officer_a2.pk})) == [colleague.reference]
    forged = client.get(INBOX, {"agent": world.officer_b.pk})
    assert "Certains filtres n’ont pas été appliqués" in forged.content.decode()
    assert len(listed(forged)) == 3
    assert "Lucie GARNIER" in client.get(INBOX).content.decode()


# --- Search -------------------------------------------------------------------------------------------

def test_search_by_reference_exact_prefix_and_number(client, world):
    first = world.file()
    second = world.file()
    client.force_login(world.officer_a)
    assert listed(client.get(INBOX, {"q": first.reference})) == [first.reference]
    assert listed(client.get(INBOX, {"q": first.reference.lower()})) == [first.reference]
    prefix = first.reference[:-1]
    assert first.reference in listed(client.get(INBOX, {"q": prefix}))
    year, number = first.reference.split("-")[1:]
    assert listed(client.get(INBOX, {"q": str(int(number))})) == [first.reference]
    assert listed(client.get(INBOX, {"q": f"{year}-{int(number)}"})) == [first.reference]
    assert listed(client.get(INBOX, {"q": second.reference, "dans": "reference"})) == [second.reference]


def test_search_by_resident_name_and_email(client, world):
    durand = world.file()
    other_resident = make_resident(first_name="Karim", last_name="Haddad", email="karim@example.org")
    haddad = world.file(applicant=other_resident)
    anonymous = world.file(contact_email="Anonyme.Contact@example.org")
    client.force_login(world.officer_a)
    assert listed(client.get(INBOX, {"q": "durand"})) == [durand.reference]
    assert listed(client.get(INBOX, {"q": "Camille Durand"})) == [durand.reference]
    assert listed(client.get(INBOX, {"q": "Karim", "dans": "usager"})) == [haddad.reference]
    assert listed(client.get(INBOX, {"q": "karim@example.org"})) == [haddad.reference]
    assert listed(client.get(INBOX, {"q": "camille.durand@"})) == [durand.reference]
    assert listed(client.get(INBOX, {"q": "anonyme.contact@example.org"})) == [anonymous.reference]
    assert listed(client.get(INBOX, {"q": "Zzyzx"})) == []


def test_search_in_answers(client, world):
    wedding = world.file(answers={"objet": "Salle pour un mariage", "details": "Samedi soir"})
    meeting = world.file(answers={"objet": "Réunion d'association", "details": "Mardi"})
    client.force_login(world.officer_a)
    assert listed(client.get(INBOX, {"q": "mariage"})) == [wedding.reference]
    assert listed(client.get(INBOX, {"q": "mariage", "dans": "reponses"})) == [wedding.reference]
    assert listed(client.get(INBOX, {"q": "Réunion"})) == [meeting.reference]
    assert listed(client.get(INBOX, {"q": "mariage", "dans": "usager"})) == []


@pytest.mark.postgres
def test_search_ignores_accents_and_stems_on_postgresql(client, world):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL seulement")
    noel = make_resident(first_name="Élodie", last_name="Noël", email="elodie@example.org")
    case = world.file(applicant=noel, answers={"objet": "Réunions de quartier"})
    client.force_login(world.officer_a)
    assert listed(client.get(INBOX, {"q": "noel"})) == [case.reference]
    assert listed(client.get(INBOX, {"q": "elodie", "dans": "usager"})) == [case.reference]
    assert listed(client.get(INBOX, {"q": "reunion", "dans": "reponses"})) == [case.reference]


def test_search_does_not_leak_other_departments(client, world):
    other = world.file(world.proc_b, answers={"objet": "Déménagement secret"})
    client.force_login(world.officer_a)
    assert listed(client.get(INBOX, {"q": "Déménagement"})) == []
    assert listed(client.get(INBOX, {"q": other.reference})) == []


# --- Sort and pages -----------------------------------------------------------------------------------

def test_sorts(client, world):
    no_deadline = world.file(world.proc_a2, days_ago=1)
    far = world.file(days_ago=3, implicit_decision_on=today() + dt.timedelta(days=50))
    near = world.file(days_ago=2, implicit_decision_on=today() + dt.timedelta(days=2))
    client.force_login(world.officer_a)
    assert listed(client.get(INBOX)) == [near.reference, far.reference, no_deadline.reference]
    assert listed(client.get(INBOX, {"tri": "recentes"})) == [no_deadline.reference, near.reference, far.reference]
    assert listed(client.get(INBOX, {"tri": "anciennes"})) == [far.reference, near.reference, no_deadline.reference]


def test_default_sort_follows_the_status(client, world):
    """Open cases: nearest deadline first; a list holding closed cases: latest received first."""
    old = world.file(days_ago=5, implicit_decision_on=today() + dt.timedelta(days=1), status="accepted")
    new = world.file(days_ago=1, implicit_decision_on=today() + dt.timedelta(days=30), status="accepted")
    client.force_login(world.officer_a)
    assert listed(client.get(INBOX, {"statut": "tous"})) == [new.reference, old.reference]
    assert listed(client.get(INBOX, {"statut": "accepted"})) == [new.reference, old.reference]
    assert listed(client.get(INBOX, {"statut": "tous", "tri": "echeance"})) == [old.reference, new.reference]
    page = client.get(INBOX, {"statut": "tous"}).content.decode()
    assert '<option value="recentes" selected>' in page
    assert 'href="/agents/export/csv/?statut=tous"' in page


def _walk(client, params):
    """Follows "Page suivante" to the end; returns the pages (lists of references)."""
    pages = []
    response = client.get(INBOX, params)
    for _ in range(50):
        pages.append(listed(response))
        match = re.search(r'href="\?([^"]*apres=[^"]+)" rel="next"', response.content.decode())
        if not match:
            break
        response = client.get(f"{INBOX}?{match.group(1).replace('&amp;', '&')}")
    return pages, response


@pytest.mark.parametrize("sort", ["echeance", "recentes", "anciennes"])
def test_keyset_pages_cover_every_case_once_in_order(client, world, settings, sort):
    settings.BACKOFFICE_PAGE_SIZE = 5
    base = today()
    cases = []
    for n in range(13):
        fields = {"implicit_decision_on": base + dt.timedelta(days=n % 4)} if n % 3 else {}
        cases.append(world.file(world.proc_a if n % 3 else world.proc_a2, days_ago=n % 5, **fields))
    client.force_login(world.officer_a)
    pages, last = _walk(client, {"tri": sort})
    flat = [reference for page in pages for reference in page]
    assert [len(page) for page in pages] == [5, 5, 3]
    assert sorted(flat) == sorted(case.reference for case in cases)
    # Expected order computed from the database.
    rows = list(Case.objects.filter(pk__in=[case.pk for case in cases]))
    if sort == "echeance":
        rows.sort(key=lambda c: (c.implicit_decision_on is None, c.implicit_decision_on or dt.date.min, c.pk))
    elif sort == "recentes":
        rows.sort(key=lambda c: (c.received_at, c.pk), reverse=True)
    else:
        rows.sort(key=lambda c: (c.received_at, c.pk))
    assert flat == [case.reference for case in rows]
    # "Page précédente" from the last page gives the second page back.
    match = re.search(r'href="\?([^"]*avant=[^"]+)" rel="prev"', last.content.decode())
    previous = client.get(f"{INBOX}?{match.group(1).replace('&amp;', '&')}")
    assert listed(previous) == pages[1]


def test_malformed_cursor_gives_the_first_page(client, world, settings):
    settings.BACKOFFICE_PAGE_SIZE = 5
    for _ in range(7):
        world.file()
    client.force_login(world.officer_a)
    first = listed(client.get(INBOX))
    for cursor in ("abc", "1.2.3", "99999999999999999999.1", "1.9999999999999999999", "n.x", "-5.", "😀"):
        for name in ("apres", "avant"):
            response = client.get(INBOX, {name: cursor})
            assert response.status_code == 200
            assert listed(response) == first
    assert client.get(INBOX, {"apres": "2932896.1"}).status_code == 200  # 31/12/9999: an empty page


def test_count_is_bounded(client, world, settings):
    settings.BACKOFFICE_COUNT_LIMIT = 10
    settings.BACKOFFICE_PAGE_SIZE = 5
    for _ in range(12):
        world.file()
    client.force_login(world.officer_a)
    assert "Plus de 10 dossiers" in client.get(INBOX).content.decode()


# --- Badges and links ---------------------------------------------------------------------------------

def test_countdown_badges_say_it_in_words(client, world):
    world.file(implicit_decision_on=today() + dt.timedelta(days=5))
    world.file(implicit_decision_on=today() - dt.timedelta(days=3))
    world.file(implicit_decision_on=today())
    world.file(implicit_decision_on=today() + dt.timedelta(days=20))
    world.file(implicit_decision_on=today() - dt.timedelta(days=3), status="accepted")
    client.force_login(world.officer_a)
    page = client.get(INBOX, {"statut": "tous"}).content.decode()
    assert ('countdown-soon"><span aria-hidden="true">J-5</span>'
            '<span class="visually-hidden">Décision implicite dans 5 jours') in page
    assert 'countdown-overdue">Dépassée de 3 jours</span>' in page
    assert "Aujourd’hui" in page
    assert 'countdown-later"><span aria-hidden="true">J-20' in page
    assert page.count("countdown-overdue") == 1  # the accepted case gets no badge


def test_no_link_while_the_case_page_does_not_exist(client, world):
    case = world.file()
    client.force_login(world.officer_a)
    page = client.get(INBOX).content.decode()
    assert case.reference in page
    if not _casework_detail_exists():
        assert f">{case.reference}</a>" not in page


def _casework_detail_exists():
    from django.urls import NoReverseMatch

    try:
        reverse("casework:detail", kwargs={"reference": "ADM-2026-000001"})
    except NoReverseMatch:
        return False
    return True


@pytest.mark.urls("parvis.backoffice.tests.urls_with_case_page")
def test_links_to_the_case_page(client, world):
    case = world.file()
    client.force_login(world.officer_a)
    page = client.get(INBOX).content.decode()
    assert f'<a href="/agents/dossiers/{case.reference}/">{case.reference}</a>' in page


# --- Query counts -------------------------------------------------------------------------------------

def _count_queries(client, params, django_assert_max_num_queries):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(conn) as captured:
        response = client.get(INBOX, params)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("params", [
    {}, {"statut": "tous", "tri": "recentes"}, {"q": "Durand"}, {"echeance": "depassee"},
])
def test_query_count_does_not_grow_with_the_number_of_cases(client, world, params, django_assert_max_num_queries):
    for _ in range(3):
        world.file(implicit_decision_on=today() - dt.timedelta(days=2))
    client.force_login(world.head_a)
    small, _ = _count_queries(client, params, django_assert_max_num_queries)
    for n in range(27):
        world.file(world.proc_a if n % 2 else world.proc_a2, implicit_decision_on=today() - dt.timedelta(days=2))
    large, response = _count_queries(client, params, django_assert_max_num_queries)
    assert small == large
    with django_assert_max_num_queries(INBOX_MAX_QUERIES):
        client.get(INBOX, params)


# The inbox's first page: session, user (with whether they are an agent), roles (3); departments, procedures,
# colleagues, statuses (4); the bounded count, the page's keys sorted by deadline, the keys without a deadline
# (the page is not full), the page's rows (4); the saved filters (1) — the layout's commune is read once per
# process. A search by name adds the people found (1). Pinned: more cases must never add queries.
INBOX_FIRST_PAGE_QUERIES = 12
INBOX_MAX_QUERIES = 14


def test_inbox_first_page_query_count_is_pinned(client, world, django_assert_num_queries):
    for _ in range(30):
        world.file()
    client.force_login(world.officer_a)
    client.get(INBOX)  # warm the per-process caches (content types, templates)
    expected = INBOX_FIRST_PAGE_QUERIES if has_assignee() else INBOX_FIRST_PAGE_QUERIES - 1
    with django_assert_num_queries(expected):
        client.get(INBOX)


@pytest.mark.django_db
def test_report_statuses_are_known_to_every_department():
    """A report routed by sector to a department that does not own the reports procedure keeps its
    field-work statuses open (they were hidden from that department's default list)."""
    from parvis.backoffice.statuses import status_catalogue
    from parvis.testing.factories import make_department, make_procedure

    owner, routed_to = make_department(), make_department()
    procedure = make_procedure(department=owner, family="report", regime="none", period_value=None)
    revision = procedure.published_revision
    revision.workflow = {"version": 1, "initial": "received", "statuses": [
        {"key": "received", "label": "À qualifier", "final": False},
        {"key": "scheduled", "label": "Programmé", "final": False},
        {"key": "resolved", "label": "Résolu", "final": True},
    ], "transitions": []}
    revision.save()
    catalogue = status_catalogue([routed_to.pk])
    assert catalogue.is_open("scheduled") and catalogue.label("scheduled") == "Programmé"
    assert not catalogue.is_open("resolved")
