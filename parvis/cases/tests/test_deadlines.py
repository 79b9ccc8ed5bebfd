"""Tests of the legal deadlines engine (pure functions, no database)."""

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from parvis.cases.deadlines import (
    add_months,
    attestation_available_from,
    implicit_decision_date,
    is_working_day,
    working_days_after,
)

D = dt.date


@dataclass
class PiecesRequest:
    requested_on: dt.date
    deadline: dt.date | None
    completed_on: dt.date | None = None


def req(requested_on, deadline, completed_on=None):
    return {"requested_on": requested_on, "deadline": deadline, "completed_on": completed_on}


def all_days(*years):
    day = D(years[0], 1, 1)
    while day.year <= years[-1]:
        yield day
        day += dt.timedelta(days=1)


# ---------------------------------------------------------------------------
# add_months
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2025, 7, 10), 2, D(2025, 9, 10)),  # domain.md worked example
        (D(2024, 12, 31), 2, D(2025, 2, 28)),  # domain.md worked example
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2025, 8, 31), 1, D(2025, 9, 30)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2024, 2, 29), 1, D(2024, 3, 29)),
        (D(2025, 2, 28), 1, D(2025, 3, 28)),  # no "end of month" stickiness
        (D(2025, 11, 15), 2, D(2026, 1, 15)),  # across year end
        (D(2025, 12, 1), 1, D(2026, 1, 1)),
        (D(2025, 5, 31), 4, D(2025, 9, 30)),
        (D(2025, 1, 15), 0, D(2025, 1, 15)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 1, 10), -1, D(2024, 12, 10)),
        (D(2025, 1, 10), 24, D(2027, 1, 10)),
    ],
)
def test_add_months(day, n, expected):
    assert add_months(day, n) == expected


@pytest.mark.parametrize("n", [1.0, "1", None, True])
def test_add_months_rejects_non_integers(n):
    with pytest.raises(ValueError):
        add_months(D(2025, 1, 1), n)


@pytest.mark.parametrize("n", [1, 2, 4, 12])
def test_add_months_property_every_day_of_2024_and_2025(n):
    for day in all_days(2024, 2025):
        result = add_months(day, n)
        assert result > day
        expected_index = day.year * 12 + day.month - 1 + n
        assert (result.year, result.month - 1) == divmod(expected_index, 12)
        last = calendar.monthrange(result.year, result.month)[1]
        assert result.day == min(day.day, last)
        # either the same day of the month, or the last day of a shorter month
        assert result.day == day.day or (result.day == last and day.day > last)


def test_add_months_property_is_monotonic():
    days = list(all_days(2024, 2025))
    results = [add_months(day, 2) for day in days]
    assert results == sorted(results)


# ---------------------------------------------------------------------------
# implicit_decision_date: base period
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("regime", ["SVA", "SVR"])
@pytest.mark.parametrize(
    ("received_on", "period", "expected"),
    [
        (D(2025, 7, 10), (2, "months"), D(2025, 9, 10)),
        (D(2024, 12, 31), (2, "months"), D(2025, 2, 28)),
        (D(2025, 1, 31), (1, "month"), D(2025, 2, 28)),
        (D(2024, 1, 31), (1, "months"), D(2024, 2, 29)),
        (D(2024, 11, 30), (3, "months"), D(2025, 2, 28)),
        (D(2025, 8, 31), (1, "months"), D(2025, 9, 30)),
        (D(2024, 2, 29), (12, "months"), D(2025, 2, 28)),
        (D(2025, 3, 3), (4, "months"), D(2025, 7, 3)),
        (D(2025, 3, 3), (15, "days"), D(2025, 3, 18)),
        (D(2025, 1, 20), (15, "days"), D(2025, 2, 4)),  # across month end
        (D(2025, 12, 20), (15, "days"), D(2026, 1, 4)),  # across year end
        (D(2024, 2, 20), (10, "days"), D(2024, 3, 1)),  # leap February
        (D(2025, 2, 20), (10, "day"), D(2025, 3, 2)),
        (D(2025, 5, 1), (1, "day"), D(2025, 5, 2)),
    ],
)
def test_base_period(regime, received_on, period, expected):
    assert implicit_decision_date(received_on, regime, period) == expected


@pytest.mark.parametrize("unit", ["months", "month", "Months", " MONTH "])
def test_unit_spellings(unit):
    assert implicit_decision_date(D(2025, 7, 10), "SVA", (2, unit)) == D(2025, 9, 10)


def test_period_as_list():
    assert implicit_decision_date(D(2025, 7, 10), "SVA", [2, "months"]) == D(2025, 9, 10)


# ---------------------------------------------------------------------------
# implicit_decision_date: SVA and incomplete requests
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        # domain.md worked example: received 3 March, complete 14 April -> 14 June
        ([req(D(2025, 3, 10), D(2025, 4, 30), D(2025, 4, 14))], D(2025, 6, 14)),
        # several requests: the latest completion restarts the period
        (
            [
                req(D(2025, 3, 5), D(2025, 3, 20), D(2025, 3, 18)),
                req(D(2025, 3, 25), D(2025, 4, 30), D(2025, 4, 14)),
            ],
            D(2025, 6, 14),
        ),
        # order does not matter
        (
            [
                req(D(2025, 3, 25), D(2025, 4, 30), D(2025, 4, 14)),
                req(D(2025, 3, 5), D(2025, 3, 20), D(2025, 3, 18)),
            ],
            D(2025, 6, 14),
        ),
        # pieces arriving after the deadline still start the period
        ([req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 31))], D(2025, 5, 31)),
        # completion on a 31st -> clamped to the end of a shorter month
        ([req(D(2025, 3, 10), D(2025, 4, 30), D(2025, 3, 31))], D(2025, 5, 31)),
        ([req(D(2025, 10, 10), D(2025, 12, 31), D(2025, 12, 31))], D(2026, 2, 28)),
        # no request
        ([], D(2025, 5, 3)),
        # a request "made" before receipt is ignored
        ([req(D(2025, 3, 1), D(2025, 3, 15), D(2025, 3, 10))], D(2025, 5, 3)),
    ],
)
def test_sva_restarts_from_last_missing_piece(pieces, expected):
    assert implicit_decision_date(D(2025, 3, 3), "SVA", (2, "months"), pieces) == expected


def test_sva_restart_with_day_period():
    pieces = [req(D(2025, 3, 10), D(2025, 4, 30), D(2025, 4, 14))]
    assert implicit_decision_date(D(2025, 3, 3), "SVA", (15, "days"), pieces) == D(2025, 4, 29)


@pytest.mark.parametrize(
    "pieces",
    [
        [req(D(2025, 3, 10), D(2025, 3, 25))],
        # pending even though the deadline has passed
        [req(D(2025, 3, 10), D(2025, 3, 11))],
        # one completed, one pending
        [req(D(2025, 3, 5), D(2025, 3, 20), D(2025, 3, 18)), req(D(2025, 3, 25), D(2025, 4, 30))],
        [PiecesRequest(D(2025, 3, 10), D(2025, 3, 25), None)],
    ],
)
def test_sva_pending_request_means_period_not_started(pieces):
    assert implicit_decision_date(D(2025, 3, 3), "SVA", (2, "months"), pieces) is None


def test_sva_pending_is_none_even_with_next_working_day():
    pieces = [req(D(2025, 3, 10), D(2025, 3, 25))]
    assert implicit_decision_date(D(2025, 3, 3), "SVA", (2, "months"), pieces, next_working_day=True) is None


# ---------------------------------------------------------------------------
# implicit_decision_date: SVR suspension
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        # domain.md worked example: asked 10 March, deadline 25 March, arrived 20 March
        # -> 10 days of suspension -> 13 May
        ([req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 20))], D(2025, 5, 13)),
        # never arrive: suspended until the deadline (15 days) -> 18 May
        ([req(D(2025, 3, 10), D(2025, 3, 25))], D(2025, 5, 18)),
        # arrive the same day they were asked: no suspension
        ([req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 10))], D(2025, 5, 3)),
        # arrive the day after: one day
        ([req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 11))], D(2025, 5, 4)),
        # arrive after the deadline: suspension ends on arrival (21 days)
        ([req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 31))], D(2025, 5, 24)),
        # two disjoint requests: 10 + 5 days
        (
            [
                req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 20)),
                req(D(2025, 4, 1), D(2025, 4, 15), D(2025, 4, 6)),
            ],
            D(2025, 5, 18),
        ),
        # overlapping: 10 March -> 20 March and 15 March -> 30 March = 20 days, not 25
        (
            [
                req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 20)),
                req(D(2025, 3, 15), D(2025, 3, 30)),
            ],
            D(2025, 5, 23),
        ),
        # one interval contained in another: only the outer one counts (15 days)
        (
            [
                req(D(2025, 3, 10), D(2025, 3, 25)),
                req(D(2025, 3, 12), D(2025, 3, 20), D(2025, 3, 14)),
            ],
            D(2025, 5, 18),
        ),
        # adjacent intervals: 10 -> 20 then 20 -> 25 = 15 days
        (
            [
                req(D(2025, 3, 20), D(2025, 3, 25)),
                req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 20)),
            ],
            D(2025, 5, 18),
        ),
        # three requests, two overlapping and one separate: (10..20 U 18..28) + (1..4 Apr) = 18 + 3
        (
            [
                req(D(2025, 4, 1), D(2025, 4, 10), D(2025, 4, 4)),
                req(D(2025, 3, 18), D(2025, 3, 28)),
                req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 20)),
            ],
            D(2025, 5, 24),
        ),
        # a request made on the day of receipt counts
        ([req(D(2025, 3, 3), D(2025, 3, 18), D(2025, 3, 8))], D(2025, 5, 8)),
        # a request dated before receipt is ignored
        ([req(D(2025, 3, 1), D(2025, 3, 18), D(2025, 3, 8))], D(2025, 5, 3)),
        # a request made on the last day still suspends
        ([req(D(2025, 5, 3), D(2025, 5, 10), D(2025, 5, 5))], D(2025, 5, 5)),
        # a request made after the decision arose cannot suspend it
        ([req(D(2025, 5, 4), D(2025, 5, 10), D(2025, 5, 5))], D(2025, 5, 3)),
        # ...unless an earlier suspension pushed the end past it
        (
            [
                req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 20)),
                req(D(2025, 5, 10), D(2025, 5, 20), D(2025, 5, 12)),
            ],
            D(2025, 5, 15),
        ),
    ],
)
def test_svr_suspension(pieces, expected):
    assert implicit_decision_date(D(2025, 3, 3), "SVR", (2, "months"), pieces) == expected


def test_svr_pending_request_counts_up_to_its_deadline():
    """Still pending, deadline not yet passed: the answer assumes the pieces never arrive."""
    pending = [req(D(2025, 3, 10), D(2025, 3, 25))]
    assert implicit_decision_date(D(2025, 3, 3), "SVR", (2, "months"), pending) == D(2025, 5, 18)
    # once they arrive, the date moves earlier
    pending[0]["completed_on"] = D(2025, 3, 20)
    assert implicit_decision_date(D(2025, 3, 3), "SVR", (2, "months"), pending) == D(2025, 5, 13)


def test_svr_suspension_with_day_period():
    pieces = [req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 20))]
    assert implicit_decision_date(D(2025, 3, 3), "SVR", (15, "days"), pieces) == D(2025, 3, 28)


def test_svr_suspension_added_after_month_clamping():
    # 31 Dec + 2 months -> 28 Feb, then 10 days of suspension -> 10 March
    pieces = [req(D(2025, 1, 5), D(2025, 1, 20), D(2025, 1, 15))]
    assert implicit_decision_date(D(2024, 12, 31), "SVR", (2, "months"), pieces) == D(2025, 3, 10)


def test_svr_four_months_crosses_year_end():
    pieces = [req(D(2025, 9, 1), D(2025, 9, 30))]
    assert implicit_decision_date(D(2025, 8, 31), "SVR", (4, "months"), pieces) == D(2026, 1, 29)


# ---------------------------------------------------------------------------
# pieces requests as dicts or objects
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        req,
        PiecesRequest,
        lambda r, d, c=None: {"requested_on": r, "deadline": d, "completed_on": c, "extra": 1},
    ],
    ids=["dict", "object", "dict-with-extra-keys"],
)
@pytest.mark.parametrize(
    ("regime", "completed_on", "expected"),
    [
        ("SVR", D(2025, 3, 20), D(2025, 5, 13)),
        ("SVR", None, D(2025, 5, 18)),
        ("SVA", D(2025, 4, 14), D(2025, 6, 14)),
        ("SVA", None, None),
    ],
)
def test_pieces_requests_dict_or_object(make, regime, completed_on, expected):
    pieces = [make(D(2025, 3, 10), D(2025, 3, 25), completed_on)]
    assert implicit_decision_date(D(2025, 3, 3), regime, (2, "months"), pieces) == expected


def test_pieces_requests_dict_without_completed_on_key_is_pending():
    pieces = [{"requested_on": D(2025, 3, 10), "deadline": D(2025, 3, 25)}]
    assert implicit_decision_date(D(2025, 3, 3), "SVA", (2, "months"), pieces) is None
    assert implicit_decision_date(D(2025, 3, 3), "SVR", (2, "months"), pieces) == D(2025, 5, 18)


def test_pieces_requests_accepts_generator_and_none():
    pieces = (req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 20)) for _ in range(2))
    assert implicit_decision_date(D(2025, 3, 3), "SVR", (2, "months"), pieces) == D(2025, 5, 13)
    assert implicit_decision_date(D(2025, 3, 3), "SVR", (2, "months"), None) == D(2025, 5, 3)


# ---------------------------------------------------------------------------
# next working day
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_on", "period", "without", "with_"),
    [
        # ends on Saturday 13 September 2025 -> Monday 15
        (D(2025, 7, 13), (2, "months"), D(2025, 9, 13), D(2025, 9, 15)),
        # ends on Sunday 14 September 2025 -> Monday 15
        (D(2025, 7, 14), (2, "months"), D(2025, 9, 14), D(2025, 9, 15)),
        # working day: unchanged
        (D(2025, 7, 10), (2, "months"), D(2025, 9, 10), D(2025, 9, 10)),
        # 1 May 2026 (Friday) -> Monday 4 May
        (D(2026, 3, 1), (2, "months"), D(2026, 5, 1), D(2026, 5, 4)),
        # 14 July 2025 (Monday) -> Tuesday 15
        (D(2025, 5, 14), (2, "months"), D(2025, 7, 14), D(2025, 7, 15)),
        # 25 December 2025 (Thursday) -> Friday 26
        (D(2025, 10, 25), (2, "months"), D(2025, 12, 25), D(2025, 12, 26)),
        # Easter Monday 6 April 2026 -> Tuesday 7
        (D(2026, 2, 6), (2, "months"), D(2026, 4, 6), D(2026, 4, 7)),
        # Friday 1 May 2026, then the weekend -> Monday 4 May (day period)
        (D(2026, 4, 16), (15, "days"), D(2026, 5, 1), D(2026, 5, 4)),
        # Saturday 8 May 2027 is a holiday and a weekend day -> Monday 10
        (D(2027, 3, 8), (2, "months"), D(2027, 5, 8), D(2027, 5, 10)),
        # Thursday 25 December 2025 (holiday) -> Friday 26 (Alsace-Moselle's 26 Dec is not used)
        (D(2025, 12, 10), (15, "days"), D(2025, 12, 25), D(2025, 12, 26)),
        # Sunday 28 Dec 2025 -> Monday 29; Thursday 1 Jan 2026 -> Friday 2
        (D(2025, 12, 13), (15, "days"), D(2025, 12, 28), D(2025, 12, 29)),
        (D(2025, 12, 17), (15, "days"), D(2026, 1, 1), D(2026, 1, 2)),
        # Saturday 14 July 2029 -> Monday 16; Sunday 15 Aug 2027 -> Monday 16
        (D(2029, 5, 14), (2, "months"), D(2029, 7, 14), D(2029, 7, 16)),
        (D(2027, 6, 15), (2, "months"), D(2027, 8, 15), D(2027, 8, 16)),
        # Pentecost Monday 25 May 2026 -> Tuesday 26
        (D(2026, 3, 25), (2, "months"), D(2026, 5, 25), D(2026, 5, 26)),
        # Ascension Thursday 14 May 2026 -> Friday 15
        (D(2026, 3, 14), (2, "months"), D(2026, 5, 14), D(2026, 5, 15)),
    ],
)
@pytest.mark.parametrize("regime", ["SVA", "SVR"])
def test_next_working_day(regime, received_on, period, without, with_):
    assert implicit_decision_date(received_on, regime, period) == without
    assert implicit_decision_date(received_on, regime, period, next_working_day=True) == with_


def test_next_working_day_applies_after_svr_suspension():
    # received 1 March: 1 May + 2 days of suspension = Saturday 3 May -> Monday 5 May
    pieces = [req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 12))]
    assert implicit_decision_date(D(2025, 3, 1), "SVR", (2, "months"), pieces) == D(2025, 5, 3)
    moved = implicit_decision_date(D(2025, 3, 1), "SVR", (2, "months"), pieces, next_working_day=True)
    assert moved == D(2025, 5, 5)


def test_next_working_day_applies_after_sva_restart():
    # complete on Monday 14 July 2025 -> 14 September 2025 (Sunday) -> Monday 15
    pieces = [req(D(2025, 7, 1), D(2025, 7, 31), D(2025, 7, 14))]
    assert implicit_decision_date(D(2025, 6, 20), "SVA", (2, "months"), pieces) == D(2025, 9, 14)
    moved = implicit_decision_date(D(2025, 6, 20), "SVA", (2, "months"), pieces, next_working_day=True)
    assert moved == D(2025, 9, 15)


# ---------------------------------------------------------------------------
# datetimes
# ---------------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("received_on", "expected"),
    [
        # 23:30 UTC on 9 July is 01:30 on 10 July in Paris (summer time)
        (dt.datetime(2025, 7, 9, 23, 30, tzinfo=dt.UTC), D(2025, 9, 10)),
        (dt.datetime(2025, 7, 9, 21, 59, tzinfo=dt.UTC), D(2025, 9, 9)),
        (dt.datetime(2025, 7, 9, 22, 0, tzinfo=dt.UTC), D(2025, 9, 10)),
        # winter time: UTC+1; 31 Dec 2024 23:30 UTC is 1 January 2025 in Paris
        (dt.datetime(2024, 12, 31, 23, 30, tzinfo=dt.UTC), D(2025, 3, 1)),
        (dt.datetime(2024, 12, 31, 22, 59, tzinfo=dt.UTC), D(2025, 2, 28)),
        # already in Paris time
        (dt.datetime(2025, 7, 10, 0, 5, tzinfo=PARIS), D(2025, 9, 10)),
        # another zone: 20:00 on 9 July in New York is 02:00 on 10 July in Paris
        (dt.datetime(2025, 7, 9, 20, 0, tzinfo=ZoneInfo("America/New_York")), D(2025, 9, 10)),
        # naive datetimes are Paris local time
        (dt.datetime(2025, 7, 10, 23, 59), D(2025, 9, 10)),
        (dt.datetime(2025, 7, 10, 0, 0), D(2025, 9, 10)),
    ],
)
def test_datetime_received_on_is_converted_to_paris(received_on, expected):
    assert implicit_decision_date(received_on, "SVA", (2, "months")) == expected


def test_datetime_in_pieces_requests():
    pieces = [
        req(
            dt.datetime(2025, 3, 9, 23, 30, tzinfo=dt.UTC),  # 10 March in Paris
            dt.datetime(2025, 3, 25, 12, 0),
            dt.datetime(2025, 3, 19, 23, 30, tzinfo=dt.UTC),  # 20 March in Paris
        )
    ]
    assert implicit_decision_date(D(2025, 3, 3), "SVR", (2, "months"), pieces) == D(2025, 5, 13)


def test_datetime_in_helpers():
    assert add_months(dt.datetime(2025, 7, 9, 23, 30, tzinfo=dt.UTC), 2) == D(2025, 9, 10)
    assert is_working_day(dt.datetime(2025, 7, 13, 22, 30, tzinfo=dt.UTC)) is False  # 14 July
    assert working_days_after(dt.datetime(2025, 12, 19, 10, 0), 10) == D(2026, 1, 6)
    assert attestation_available_from(dt.datetime(2025, 9, 10, 12, 0)) == D(2025, 9, 11)


# ---------------------------------------------------------------------------
# invalid inputs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("regime", ["sva", "SVX", "", None, "NONE", "silence"])
def test_bad_regime(regime):
    with pytest.raises(ValueError):
        implicit_decision_date(D(2025, 3, 3), regime, (2, "months"))


@pytest.mark.parametrize(
    "period",
    [
        (0, "months"),
        (-1, "months"),
        (0, "days"),
        (2, "weeks"),
        (2, "years"),
        (2, ""),
        (2, None),
        (2.5, "months"),
        ("2", "months"),
        (True, "months"),
        (2,),
        (2, "months", "extra"),
        2,
        None,
        "2 months",
    ],
)
def test_bad_period(period):
    with pytest.raises(ValueError):
        implicit_decision_date(D(2025, 3, 3), "SVA", period)


@pytest.mark.parametrize("received_on", [None, "2025-03-03", 20250303])
def test_bad_received_on(received_on):
    with pytest.raises(ValueError):
        implicit_decision_date(received_on, "SVA", (2, "months"))


@pytest.mark.parametrize(
    "pieces",
    [
        # no requested_on
        [{"deadline": D(2025, 3, 25), "completed_on": None}],
        # deadline before the request
        [req(D(2025, 3, 10), D(2025, 3, 9))],
        # completion before the request
        [req(D(2025, 3, 10), D(2025, 3, 25), D(2025, 3, 9))],
        # not a date
        [req("2025-03-10", D(2025, 3, 25))],
    ],
)
@pytest.mark.parametrize("regime", ["SVA", "SVR"])
def test_bad_pieces_requests(regime, pieces):
    with pytest.raises(ValueError):
        implicit_decision_date(D(2025, 3, 3), regime, (2, "months"), pieces)


def test_svr_pending_request_without_deadline_is_an_error():
    with pytest.raises(ValueError):
        implicit_decision_date(D(2025, 3, 3), "SVR", (2, "months"), [req(D(2025, 3, 10), None)])


def test_sva_does_not_need_a_deadline():
    pieces = [req(D(2025, 3, 10), None, D(2025, 4, 14))]
    assert implicit_decision_date(D(2025, 3, 3), "SVA", (2, "months"), pieces) == D(2025, 6, 14)


# ---------------------------------------------------------------------------
# working days
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 9, 10), True),  # Wednesday
        (D(2025, 9, 13), False),  # Saturday
        (D(2025, 9, 14), False),  # Sunday
        (D(2025, 1, 1), False),
        (D(2025, 4, 21), False),  # Easter Monday 2025
        (D(2026, 4, 6), False),  # Easter Monday 2026
        (D(2025, 4, 18), True),  # Good Friday: not a holiday in metropolitan France
        (D(2025, 5, 1), False),
        (D(2025, 5, 8), False),
        (D(2025, 5, 29), False),  # Ascension
        (D(2025, 6, 9), False),  # Pentecost Monday
        (D(2025, 7, 14), False),
        (D(2025, 8, 15), False),
        (D(2025, 11, 1), False),
        (D(2025, 11, 11), False),
        (D(2025, 12, 25), False),
        (D(2025, 12, 26), True),  # Saint Stephen: Alsace-Moselle only
        (D(2025, 12, 24), True),
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected


def test_is_working_day_property_weekends():
    for day in all_days(2024, 2026):
        if day.weekday() >= 5:
            assert not is_working_day(day)


def test_is_working_day_count_2025():
    # 261 weekdays in 2025, minus the 10 holidays falling on a weekday (1 Nov is a Saturday)
    assert sum(is_working_day(day) for day in all_days(2025, 2025)) == 251


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        # Friday 19 December 2025 + 10 working days, skipping 25 Dec and 1 Jan
        (D(2025, 12, 19), 10, D(2026, 1, 6)),
        (D(2025, 12, 19), 0, D(2025, 12, 19)),
        (D(2025, 12, 20), 0, D(2025, 12, 20)),  # n == 0 returns the day even on a Saturday
        (D(2025, 12, 19), 1, D(2025, 12, 22)),  # Friday -> Monday
        (D(2025, 12, 20), 1, D(2025, 12, 22)),  # Saturday -> Monday
        (D(2025, 12, 24), 1, D(2025, 12, 26)),  # skips Christmas
        (D(2025, 9, 8), 5, D(2025, 9, 15)),  # Monday + 5 -> next Monday
        (D(2025, 9, 8), 10, D(2025, 9, 22)),
        (D(2026, 4, 2), 2, D(2026, 4, 7)),  # Thursday; Friday; weekend; Easter Monday
        (D(2025, 4, 30), 10, D(2025, 5, 16)),  # 1 May and 8 May
        (D(2025, 7, 11), 1, D(2025, 7, 15)),  # Friday; weekend; 14 July
        (D(2025, 5, 28), 1, D(2025, 5, 30)),  # Ascension Thursday
    ],
)
def test_working_days_after(day, n, expected):
    assert working_days_after(day, n) == expected


def test_working_days_after_property():
    for day in all_days(2025, 2025):
        result = working_days_after(day, 10)
        assert is_working_day(result)
        between = [day + dt.timedelta(days=i) for i in range(1, (result - day).days + 1)]
        assert sum(is_working_day(d) for d in between) == 10
        # two weeks (12 days when starting on a Sunday), at most three
        assert 12 <= (result - day).days <= 21


@pytest.mark.parametrize("n", [-1, 1.5, "10", None, True])
def test_working_days_after_bad_n(n):
    with pytest.raises(ValueError):
        working_days_after(D(2025, 12, 19), n)


# ---------------------------------------------------------------------------
# attestation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision_date", "expected"),
    [
        (D(2025, 9, 10), D(2025, 9, 11)),  # domain.md: attestation from 11 September
        (D(2025, 2, 28), D(2025, 3, 1)),
        (D(2024, 2, 28), D(2024, 2, 29)),
        (D(2025, 12, 31), D(2026, 1, 1)),
    ],
)
def test_attestation_available_from(decision_date, expected):
    assert attestation_available_from(decision_date) == expected


def test_attestation_after_worked_example():
    decision = implicit_decision_date(D(2025, 7, 10), "SVA", (2, "months"))
    assert attestation_available_from(decision) == D(2025, 9, 11)


# ---------------------------------------------------------------------------
# properties of implicit_decision_date
# ---------------------------------------------------------------------------


def test_property_svr_never_earlier_than_without_pieces_and_sva_equals_base():
    for day in all_days(2025, 2025):
        base = implicit_decision_date(day, "SVR", (2, "months"))
        assert base == add_months(day, 2) == implicit_decision_date(day, "SVA", (2, "months"))
        pieces = [req(day + dt.timedelta(days=3), day + dt.timedelta(days=18), day + dt.timedelta(days=8))]
        assert implicit_decision_date(day, "SVR", (2, "months"), pieces) == base + dt.timedelta(days=5)
        moved = implicit_decision_date(day, "SVR", (2, "months"), next_working_day=True)
        assert moved >= base and is_working_day(moved)
        assert (moved - base).days <= 4
