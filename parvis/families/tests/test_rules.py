"""Pure rules: age, eligibility and period, waiting-list order, prices by quotient, document validity."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace as NS
from zoneinfo import ZoneInfo

import pytest

from parvis.families import rules

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(("birth", "on", "months"), [
    ("2020-03-15", "2020-04-14", 0),
    ("2020-03-15", "2020-04-15", 1),
    ("2020-01-31", "2020-02-29", 1),  # month to month: the last day of a shorter month
    ("2020-01-31", "2020-02-28", 0),
    ("2019-09-01", "2022-09-01", 36),
    ("2019-09-02", "2022-09-01", 35),
    ("2026-05-01", "2026-04-01", -1),  # not born yet
])
def test_age_in_months(birth, on, months):
    assert rules.age_in_months(dt.date.fromisoformat(birth), dt.date.fromisoformat(on)) == months


def test_format_age():
    assert rules.format_age(10) == "10 mois"
    assert rules.format_age(36) == "3 ans"
    assert rules.format_age(40) == "3 ans et 4 mois"


def _session(**activity):
    values = {"name": "Accueil de loisirs", "is_active": True, "min_age_months": None, "max_age_months": None,
              "school_levels": [], "school_id": None, "school": None, "residents_only": False}
    values.update(activity)
    opens = dt.datetime(2026, 6, 1, 9, tzinfo=PARIS)
    return NS(activity=NS(**values), label="Été 2026", starts_on=dt.date(2026, 7, 6),
              registration_opens_at=opens, registration_closes_at=opens + dt.timedelta(days=20))


def _child(**fields):
    values = {"first_name": "Léa", "birth_date": dt.date(2023, 1, 10), "is_active": True, "school_level": "PS",
              "school_id": None}
    values.update(fields)
    child = NS(**values)
    child.get_school_level_display = lambda: values["school_level"]
    return child


def test_period_before_opening_during_and_after_closing():
    session = _session()
    assert "ouvrent le 1 juin 2026 à 09 h 00" in rules.period_problems(session, session.registration_opens_at
                                                                          - dt.timedelta(minutes=1))[0]
    assert rules.period_problems(session, session.registration_opens_at) == []
    assert rules.period_problems(session, session.registration_closes_at) == []
    late = rules.period_problems(session, session.registration_closes_at + dt.timedelta(seconds=1))
    assert "sont closes depuis le 21 juin 2026" in late[0]


def test_inactive_activity_refused():
    session = _session(is_active=False)
    assert "n'est plus proposée" in rules.period_problems(session, session.registration_opens_at)[0]


def test_child_too_young_and_too_old():
    session = _session(min_age_months=36, max_age_months=144)
    problems = rules.child_problems(_child(birth_date=dt.date(2024, 1, 10)), session, True)
    assert problems == ["Léa est trop jeune pour « Accueil de loisirs » : il faut avoir au moins 3 ans le 6 juillet "
                        "2026 (Léa aura 2 ans et 5 mois)."]
    assert rules.child_problems(_child(birth_date=dt.date(2023, 7, 6)), session, True) == []  # 3 years that day
    assert "a passé l'âge" in rules.child_problems(_child(birth_date=dt.date(2010, 1, 1)), session, True)[0]


def test_school_level_school_and_residence():
    session = _session(school_levels=["CP", "CE1"], school_id=4, school=NS(name="École Pasteur"), residents_only=True)
    problems = rules.child_problems(_child(school_level="PS", school_id=3), session, household_is_resident=False)
    assert len(problems) == 3
    assert "accueille les classes : CP, CE1" in problems[0]
    assert "réservé aux élèves de l'école École Pasteur" in problems[1]
    assert "domiciliées dans la commune" in problems[2]
    assert rules.child_problems(_child(school_level="CE1", school_id=4), session, True) == []


def test_missing_documents_counts_pending_but_not_refused_or_expired():
    today = dt.date(2026, 3, 1)

    def doc(kind, status="pending", valid_until=None):
        return NS(kind=kind, is_usable=lambda day: status != "rejected" and (valid_until is None or valid_until >= day))

    documents = [doc("proof_of_address", "pending", dt.date(2026, 4, 1)), doc("family_record_book", "rejected"),
                 doc("quotient_certificate", "valid", dt.date(2026, 2, 1))]
    assert rules.missing_documents(["proof_of_address", "family_record_book", "quotient_certificate"], documents,
                                   today) == ["family_record_book", "quotient_certificate"]


def test_waiting_list_order_priority_then_date_then_id():
    t = dt.datetime(2026, 3, 1, 9, tzinfo=PARIS)
    a = NS(priority=0, requested_at=t, pk=1)
    b = NS(priority=2, requested_at=t + dt.timedelta(hours=1), pk=2)
    c = NS(priority=2, requested_at=t + dt.timedelta(hours=1), pk=3)
    d = NS(priority=3, requested_at=t + dt.timedelta(days=1), pk=4)
    assert sorted([a, b, c, d], key=rules.waiting_rank_key) == [d, b, c, a]


def test_priority_points():
    assert rules.priority_for(household_is_resident=True, sibling_holds_place=True) == (
        3, ["famille domiciliée dans la commune", "frère ou sœur déjà inscrit"])
    assert rules.priority_for(household_is_resident=False, sibling_holds_place=False) == (0, [])


BRACKETS = [NS(qf_min=0, qf_max=500, price=Decimal("1.00"), label="QF 0 à 500"),
            NS(qf_min=501, qf_max=1000, price=Decimal("2.50"), label="QF 501 à 1000"),
            NS(qf_min=1001, qf_max=None, price=Decimal("4.00"), label="QF ≥ 1001")]


@pytest.mark.parametrize(("quotient", "price", "label"), [
    (0, "1.00", "QF 0 à 500"), (500, "1.00", "QF 0 à 500"), (501, "2.50", "QF 501 à 1000"),
    (1000, "2.50", "QF 501 à 1000"), (1001, "4.00", "QF ≥ 1001"), (25000, "4.00", "QF ≥ 1001"),
    (None, "4.00", "Tarif maximal (quotient familial non connu)"),
])
def test_price_by_quotient_bracket(quotient, price, label):
    assert rules.price_for(BRACKETS, Decimal("5.50"), quotient, True) == rules.Price(Decimal(price), label)


def test_non_resident_rate_whatever_the_quotient():
    assert rules.price_for(BRACKETS, Decimal("5.50"), 100, False) == rules.Price(Decimal("5.50"), "Tarif hors commune")


def test_gap_in_the_grid_gives_the_highest_price_and_is_reported():
    gapped = [BRACKETS[0], BRACKETS[2]]
    assert rules.price_for(gapped, Decimal("5"), 700, True).label == "Tarif maximal (quotient hors grille)"
    assert rules.grid_problems(gapped) == ["Aucun tarif pour un QF de 501 à 1000."]
    assert rules.grid_problems(BRACKETS) == []
    assert rules.grid_problems(BRACKETS[:2]) == ["Aucun tarif au-delà d'un QF de 1000."]


def test_document_and_quotient_validity():
    assert rules.document_valid_until(3, dt.date(2025, 11, 30)) == dt.date(2026, 2, 28)
    assert rules.document_valid_until(None, dt.date(2025, 11, 30)) is None
    assert rules.quotient_valid_until(dt.date(2026, 3, 1)) == dt.date(2027, 2, 28)
    assert rules.month_bounds(dt.date(2026, 2, 14)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
