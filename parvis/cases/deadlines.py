"""Legal deadlines engine: pure functions, no Django, no database.

Everything here works on ``datetime.date`` values and plain Python objects so
that it can be tested (and reasoned about) without the ORM. Callers pass the
facts of a case (date of receipt, the procedure's regime and period, the
requests for missing pieces) and get back dates.

Law carried by this module (Code des relations entre le public et
l'administration, CRPA):

* **L231-1** - two months of silence from the administration on a request
  amount to acceptance (*silence vaut acceptation*, "SVA").
* **L231-4** and the decrees taken under it - the exceptions where silence
  amounts to rejection (*silence vaut rejet*, "SVR"), sometimes with another
  period (e.g. 4 months for capacity-limited services). Each procedure carries
  its regime and period; this module only receives them.
* **L114-5** - incomplete requests. The administration lists the missing
  pieces and sets a deadline to send them.

  - Under SVA the period does not start until the last missing piece is
    received: it is counted again, in full, from that day.
  - Under SVR the period is *suspended* from the request for pieces until the
    pieces arrive or, if they never do, until the deadline given.

* **L112-3 / R112-5** acknowledgements state the date of the implicit decision;
  **L112-11 / R112-11-2**: the electronic acknowledgement follows the automatic
  registration receipt within 10 working days (see :func:`working_days_after`).
* **L232-3**: an attestation of implicit acceptance is issued on request; the
  decision arises at the *end* of the last day of the period, so the
  attestation can be issued from the next day (:func:`attestation_available_from`).

Counting rules:

* Periods in months are counted month to month from the day of receipt: 10 July
  + 2 months -> 10 September. When that day does not exist in the final month,
  the last day of that month is used: 31 December 2024 + 2 months -> 28 February
  2025; 29 February 2024 + 12 months -> 28 February 2025.
* Periods in days: the date of receipt plus *n* calendar days.
* The returned date is the day **at the end of which** the implicit decision
  arises.

Weekends and public holidays: whether an implicit-decision deadline that ends
on a Saturday, Sunday or public holiday is carried over to the next working day
is not settled in case law. The default is *no* (the date is returned as
counted); the caller passes ``next_working_day=True`` when the commune's
setting says otherwise. Working days are Monday to Friday, excluding the
public holidays of metropolitan France as known by the ``holidays`` library
(Alsace-Moselle's extra days are not included).

Datetimes: every date argument may also be a ``datetime``. Aware datetimes are
converted to Europe/Paris before taking the date; naive datetimes are taken as
Paris local time (their date is used as is). A request sent at 23:30 UTC on
9 July 2025 was received on 10 July 2025 in Paris.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "PARIS",
    "REGIME_SVA",
    "REGIME_SVR",
    "add_months",
    "attestation_available_from",
    "implicit_decision_date",
    "is_working_day",
    "working_days_after",
]

PARIS = ZoneInfo("Europe/Paris")

REGIME_SVA = "SVA"
REGIME_SVR = "SVR"
_REGIMES = (REGIME_SVA, REGIME_SVR)

_MONTHS = "months"
_DAYS = "days"
_UNITS = {"months": _MONTHS, "month": _MONTHS, "days": _DAYS, "day": _DAYS}


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def _to_date(value: Any, name: str = "date") -> dt.date:
    """Return ``value`` as a ``date`` (see the module docstring for datetimes)."""
    # ``datetime`` is a subclass of ``date``: test it first.
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(PARIS)
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise ValueError(f"{name} must be a date, got {value!r}")


def _to_optional_date(value: Any, name: str) -> dt.date | None:
    return None if value is None else _to_date(value, name)


def add_months(day: dt.date, n: int) -> dt.date:
    """Return ``day`` plus ``n`` months, counted month to month.

    The result keeps the day of the month of ``day``; when that day does not
    exist in the target month, the last day of that month is returned
    (31 January + 1 month -> 28 or 29 February). ``n`` may be zero or negative.
    """
    day = _to_date(day, "day")
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"number of months must be an integer, got {n!r}")
    month_index = day.year * 12 + (day.month - 1) + n
    year, month0 = divmod(month_index, 12)
    month = month0 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"{day} + {n} months is out of the supported date range")
    last_day = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last_day))


# ---------------------------------------------------------------------------
# Working days
# ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    """Public holidays of metropolitan France for ``year``."""
    return frozenset(holidays.France(years=year))


def is_working_day(day: dt.date) -> bool:
    """True for Monday to Friday when the day is not a French public holiday."""
    day = _to_date(day, "day")
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def _next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, otherwise the next working day."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days_after(day: dt.date, n: int) -> dt.date:
    """Return the ``n``-th working day strictly after ``day``.

    Used for the 10-working-day limit of the electronic acknowledgement
    (R112-11-2). ``day`` itself never counts, whether or not it is a working
    day: 10 working days after Friday 19 December 2025 is Tuesday 6 January
    2026 (25 December and 1 January are skipped). ``n`` must be ``>= 0``;
    ``n == 0`` returns ``day`` unchanged, even if it is not a working day.
    """
    day = _to_date(day, "day")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"number of working days must be an integer >= 0, got {n!r}")
    remaining = n
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def attestation_available_from(decision_date: dt.date) -> dt.date:
    """First day on which the attestation of implicit acceptance can be issued.

    The implicit decision arises at the end of ``decision_date``, so the
    attestation (L232-3) is available from the following day.
    """
    return _to_date(decision_date, "decision_date") + dt.timedelta(days=1)


# ---------------------------------------------------------------------------
# Implicit decisions
# ---------------------------------------------------------------------------


def _parse_period(period: Any) -> tuple[int, str]:
    try:
        n, unit = period
    except (TypeError, ValueError):
        raise ValueError(f"period must be a pair (n, 'months'|'days'), got {period!r}") from None
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise ValueError(f"period length must be a positive integer, got {n!r}")
    normalised = _UNITS.get(unit.strip().lower()) if isinstance(unit, str) else None
    if normalised is None:
        raise ValueError(f"period unit must be 'months' or 'days', got {unit!r}")
    return n, normalised


def _add_period(start: dt.date, n: int, unit: str) -> dt.date:
    if unit == _MONTHS:
        return add_months(start, n)
    return start + dt.timedelta(days=n)


def _field(item: Any, name: str) -> Any:
    """Read ``name`` from a mapping (key) or from any other object (attribute)."""
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)


class _PiecesRequest:
    __slots__ = ("requested_on", "deadline", "completed_on")

    def __init__(self, requested_on: dt.date, deadline: dt.date | None, completed_on: dt.date | None):
        self.requested_on = requested_on
        self.deadline = deadline
        self.completed_on = completed_on


def _parse_pieces_requests(items: Iterable[Any] | None, received_on: dt.date) -> list[_PiecesRequest]:
    """Normalise the requests for pieces; keep those made on or after receipt."""
    parsed = []
    for item in items or ():
        requested_on = _field(item, "requested_on")
        if requested_on is None:
            raise ValueError(f"request for pieces without requested_on: {item!r}")
        requested_on = _to_date(requested_on, "requested_on")
        deadline = _to_optional_date(_field(item, "deadline"), "deadline")
        completed_on = _to_optional_date(_field(item, "completed_on"), "completed_on")
        if deadline is not None and deadline < requested_on:
            raise ValueError(f"deadline {deadline} is before the request for pieces {requested_on}")
        if completed_on is not None and completed_on < requested_on:
            raise ValueError(f"pieces completed on {completed_on}, before they were asked ({requested_on})")
        if requested_on < received_on:
            # A request for pieces cannot precede the receipt of the request.
            continue
        parsed.append(_PiecesRequest(requested_on, deadline, completed_on))
    return parsed


def _merged_suspensions(requests: list[_PiecesRequest]) -> list[tuple[dt.date, dt.date]]:
    """Suspension intervals ``[start, end)`` of the SVR period, merged, sorted."""
    intervals = []
    for request in requests:
        if request.completed_on is not None:
            end = request.completed_on
        elif request.deadline is not None:
            end = request.deadline
        else:
            raise ValueError(
                f"request for pieces of {request.requested_on} has neither a deadline nor a completion date"
            )
        intervals.append((request.requested_on, end))
    intervals.sort()
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def implicit_decision_date(
    received_on: dt.date,
    regime: str,
    period: tuple[int, str],
    pieces_requests: Iterable[Any] = (),
    next_working_day: bool = False,
) -> dt.date | None:
    """Return the date at the end of which the implicit decision arises.

    :param received_on: date of receipt by the competent department (a
        ``datetime`` is converted to its date in Europe/Paris).
    :param regime: ``"SVA"`` (silence means acceptance) or ``"SVR"`` (silence
        means rejection); anything else raises ``ValueError``.
    :param period: ``(n, unit)`` with ``n > 0`` and unit ``"months"``/``"month"``
        or ``"days"``/``"day"``; anything else raises ``ValueError``.
    :param pieces_requests: requests for missing pieces (L114-5), each an
        object with attributes or a mapping with keys ``requested_on``,
        ``deadline`` and ``completed_on`` (``None`` while pending). Requests
        made before ``received_on`` are ignored.
    :param next_working_day: when true, a result falling on a Saturday,
        Sunday or French public holiday is moved to the next working day
        (a commune setting; the default is not to move it).
    :returns: a ``date``, or ``None`` when the period has not started (SVA
        with a request for pieces still pending).

    Rules:

    * The base period is counted from ``received_on``: month to month for
      months (clamped to the end of a shorter month), ``received_on + n``
      days for days.
    * **SVA**: if any request for pieces is pending (``completed_on`` is
      ``None``), the period has not started and ``None`` is returned - even
      when the deadline for the pieces has passed. Otherwise the full period
      is counted again from the latest ``completed_on`` (or from
      ``received_on`` when there is no request).
    * **SVR**: each request suspends the period from ``requested_on`` until
      ``completed_on`` when the pieces arrived, otherwise until ``deadline``;
      the suspension lasts ``end - requested_on`` days. ``completed_on`` is
      used as is even when it is after ``deadline`` (pieces sent late still
      end the suspension on their arrival). A request still pending whose
      deadline has not passed yet is counted up to its deadline: the answer is
      then the date *assuming the pieces never arrive*, and moves earlier once
      they do. Overlapping suspensions are merged so no day is counted twice.
      The base end date is computed first, then the suspended days are added
      to it. A request for pieces made after the (already extended) end date
      cannot suspend a decision that has already arisen and is ignored.
    * ``next_working_day`` is applied to the final date only.
    """
    received_on = _to_date(received_on, "received_on")
    if regime not in _REGIMES:
        raise ValueError(f"regime must be 'SVA' or 'SVR', got {regime!r}")
    n, unit = _parse_period(period)
    requests = _parse_pieces_requests(pieces_requests, received_on)

    if regime == REGIME_SVA:
        if any(request.completed_on is None for request in requests):
            return None
        start = max([received_on, *(request.completed_on for request in requests)])
        result = _add_period(start, n, unit)
    else:
        result = _add_period(received_on, n, unit)
        for start, end in _merged_suspensions(requests):
            if start > result:
                # The decision had already arisen when the pieces were asked.
                break
            result += end - start

    if next_working_day:
        result = _next_working_day(result)
    return result
