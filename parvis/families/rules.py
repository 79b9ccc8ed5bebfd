"""Pure rules of the family desk: eligibility, waiting-list rank, prices by family quotient, document expiry.

No database access here: callers pass the objects (or plain values); tests cover every branch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats, timezone

from parvis.cases.deadlines import PARIS, add_months


def age_in_months(birth_date: dt.date, on: dt.date) -> int:
    """Whole months from the birth date to `on`, counted month to month like legal periods (born on
    31 January: one month old on 28 February)."""
    months = (on.year - birth_date.year) * 12 + (on.month - birth_date.month)
    if months > 0 and add_months(birth_date, months) > on:
        months -= 1
    return months


def format_age(months: int) -> str:
    if months < 24:
        return f"{months} mois"
    years, rest = divmod(months, 12)
    return f"{years} ans" if not rest else f"{years} ans et {rest} mois"


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment, PARIS)
    return f"{formats.date_format(local.date(), 'j F Y')} à {local:%H} h {local:%M}"


def period_problems(session, now: dt.datetime) -> list[str]:
    """Why the registration period does not allow a request at `now` (empty list: it does)."""
    name = session.activity.name
    if not session.activity.is_active:
        return [f"L'activité « {name} » n'est plus proposée."]
    if now < session.registration_opens_at:
        return [f"Les inscriptions pour « {name} » ({session.label}) ouvrent le "
                f"{_when(session.registration_opens_at)}."]
    if now > session.registration_closes_at:
        return [f"Les inscriptions pour « {name} » ({session.label}) sont closes depuis le "
                f"{_when(session.registration_closes_at)}. Contactez le guichet unique."]
    return []


def child_problems(child, session, household_is_resident: bool) -> list[str]:
    """Why this child may not take part in this session (age at the start, class, school, residence)."""
    activity = session.activity
    problems = []
    name = child.first_name
    if not child.is_active:
        problems.append(f"{name} ne fait plus partie du foyer.")
    months = age_in_months(child.birth_date, session.starts_on)
    start = formats.date_format(session.starts_on, "j F Y")
    if activity.min_age_months is not None and months < activity.min_age_months:
        problems.append(f"{name} est trop jeune pour « {activity.name} » : il faut avoir au moins "
                        f"{format_age(activity.min_age_months)} le {start} ({name} aura {format_age(max(months, 0))}).")
    if activity.max_age_months is not None and months > activity.max_age_months:
        problems.append(f"{name} a passé l'âge pour « {activity.name} » : au plus "
                        f"{format_age(activity.max_age_months)} le {start}.")
    levels = list(activity.school_levels or [])
    if levels and child.school_level not in levels:
        current = child.get_school_level_display() if child.school_level else "pas de classe indiquée"
        problems.append(f"« {activity.name} » accueille les classes : {', '.join(levels)} "
                        f"({name} : {current}).")
    if activity.school_id and child.school_id != activity.school_id:
        problems.append(f"« {activity.name} » est réservé aux élèves de l'école {activity.school.name}.")
    if activity.residents_only and not household_is_resident:
        problems.append(f"« {activity.name} » est réservé aux familles domiciliées dans la commune.")
    return problems


def missing_documents(required: list[str], documents, today: dt.date) -> list[str]:
    """The required kinds without a usable document (pending or checked, not refused, not expired)."""
    usable = {document.kind for document in documents if document.is_usable(today)}
    return [kind for kind in required if kind not in usable]


def waiting_rank_key(registration):
    """The documented waiting-list order: more priority points first, then the earlier request, then the id."""
    return (-registration.priority, registration.requested_at, registration.pk or 0)


# Priority points, shown to families and agents (docs/family-desk-guide.md).
PRIORITY_RESIDENT = 2
PRIORITY_SIBLING = 1


def priority_for(*, household_is_resident: bool, sibling_holds_place: bool) -> tuple[int, list[str]]:
    points, reasons = 0, []
    if household_is_resident:
        points += PRIORITY_RESIDENT
        reasons.append("famille domiciliée dans la commune")
    if sibling_holds_place:
        points += PRIORITY_SIBLING
        reasons.append("frère ou sœur déjà inscrit")
    return points, reasons


@dataclass(frozen=True)
class Price:
    amount: Decimal
    label: str


def price_for(brackets, non_resident_price: Decimal, quotient: int | None, is_resident: bool) -> Price:
    """The unit price: the non-resident rate, else the bracket holding the quotient; without a known quotient
    (or in a gap of the grid) the highest resident price applies."""
    if not is_resident:
        return Price(Decimal(non_resident_price), "Tarif hors commune")
    brackets = sorted(brackets, key=lambda bracket: bracket.qf_min)
    if not brackets:
        raise ValueError("grille sans tranche")
    highest = max(brackets, key=lambda bracket: bracket.price)
    if quotient is None:
        return Price(Decimal(highest.price), "Tarif maximal (quotient familial non connu)")
    for bracket in brackets:
        if bracket.qf_min <= quotient and (bracket.qf_max is None or quotient <= bracket.qf_max):
            return Price(Decimal(bracket.price), bracket.label)
    return Price(Decimal(highest.price), "Tarif maximal (quotient hors grille)")


def grid_problems(brackets) -> list[str]:
    """Gaps and overlaps of a grid (for its administration): brackets must cover 0..∞ exactly once."""
    problems = []
    brackets = sorted(brackets, key=lambda bracket: bracket.qf_min)
    expected = 0
    for bracket in brackets:
        if bracket.qf_min > expected:
            problems.append(f"Aucun tarif pour un QF de {expected} à {bracket.qf_min - 1}.")
        elif bracket.qf_min < expected:
            problems.append(f"Tranches qui se chevauchent à partir de {bracket.qf_min}.")
        if bracket.qf_max is None:
            expected = None
            break
        expected = bracket.qf_max + 1
    if expected is not None:
        problems.append(f"Aucun tarif au-delà d'un QF de {expected - 1 if expected else 0}.")
    return problems


def document_valid_until(validity_months: int | None, document_date: dt.date) -> dt.date | None:
    if validity_months is None:
        return None
    return add_months(document_date, validity_months)


def quotient_valid_until(reference_month: dt.date) -> dt.date:
    """A quotient applies for twelve months from its reference month (then the family renews it)."""
    return add_months(reference_month, 12) - dt.timedelta(days=1)


def month_bounds(month_start: dt.date) -> tuple[dt.date, dt.date]:
    start = month_start.replace(day=1)
    return start, add_months(start, 1) - dt.timedelta(days=1)


def euros(amount) -> str:
    """12.5 → "12,50 €" (French notation, for texts built in Python: subjects, messages, history)."""
    value = Decimal(amount).quantize(Decimal("0.01"))
    sign = "−" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    separator = "\u202f"  # narrow no-break space between thousands
    return f"{sign}{separator.join(groups)},{cents} €"
