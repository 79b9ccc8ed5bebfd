"""What a household owes a cash office for a month: the lines the monthly invoicing turns into invoices.

- per attendance (canteen, after-school care): days marked present in the month × the unit price;
- monthly (crèche): one month's flat fee while a place is held during the month;
- per session (holiday week): the week's flat fee, in the month the week starts.
Unit prices come from the activity's grid valid on the first day of the month and the household's quotient
for that month (`quotient.quotient_for_month`); without a quotient the highest price applies.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import formats, timezone

from parvis.families.models import BillingMode, Registration
from parvis.families.quotient import quotient_for_month
from parvis.families.rules import month_bounds, price_for

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


def month_label(month_start):
    return f"{MONTHS[month_start.month - 1]} {month_start.year}"


@dataclass
class Line:
    registration: Registration
    child_name: str
    label: str
    detail: str
    quantity: Decimal
    unit_price: Decimal
    tariff_label: str

    @property
    def amount(self):
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


@dataclass
class HouseholdBill:
    household: object
    lines: list[Line] = field(default_factory=list)
    quotient_note: str = ""

    @property
    def total(self):
        return sum((line.amount for line in self.lines), Decimal("0"))


def grid_for(activity, on):
    return activity.tariff_grids.filter(valid_from__lte=on).order_by("-valid_from").prefetch_related(
        "brackets").first()


def quotient_note(quotient):
    if quotient is None:
        return "Quotient familial non connu : tarif maximal appliqué."
    return (f"Quotient familial {quotient.value} — source : {quotient.source_label}, mois de référence "
            f"{month_label(quotient.reference_month)}.")


def _held_during(registration, start, end):
    if registration.confirmed_at is None:
        return False
    confirmed = timezone.localdate(registration.confirmed_at)
    ended = timezone.localdate(registration.ended_at) if registration.ended_at else None
    return confirmed <= end and (ended is None or ended >= start)


def bills_for_month(cash_office, month_start):
    """One `HouseholdBill` per household with something to pay this month, in household order."""
    start, end = month_bounds(month_start)
    registrations = (
        Registration.objects.filter(session__activity__cash_office=cash_office, session__starts_on__lte=end,
                                    session__ends_on__gte=start, confirmed_at__isnull=False)
        .exclude(session__activity__billing_mode=BillingMode.FREE)
        .select_related("session__activity", "child", "household")
        .annotate(days_present=Count("attendances", filter=Q(attendances__present=True,
                                                              attendances__day__gte=start,
                                                              attendances__day__lte=end)))
        .order_by("household_id", "child__birth_date", "session__activity__sort_order", "pk")
    )
    by_household = defaultdict(list)
    for registration in registrations:
        by_household[registration.household_id].append(registration)
    grids, bills = {}, []
    for _household_id, items in by_household.items():
        household = items[0].household
        quotient = quotient_for_month(household, start)
        bill = HouseholdBill(household=household, quotient_note=quotient_note(quotient))
        for registration in items:
            activity, session = registration.session.activity, registration.session
            mode = activity.billing_mode
            if mode == BillingMode.PER_ATTENDANCE:
                quantity = Decimal(registration.days_present)
                detail = f"{registration.days_present} jour(s) de présence en {month_label(start)}"
            elif mode == BillingMode.MONTHLY:
                quantity = Decimal(1) if _held_during(registration, start, end) else Decimal(0)
                detail = f"Forfait de {month_label(start)}"
            else:  # per session
                in_month = start <= session.starts_on <= end
                quantity = Decimal(1) if in_month and _held_during(registration, session.starts_on,
                                                                   session.starts_on) else Decimal(0)
                detail = f"{session.label} (du {formats.date_format(session.starts_on, 'j F')} au " \
                         f"{formats.date_format(session.ends_on, 'j F Y')})"
            if quantity <= 0:
                continue
            key = (activity.pk, start)
            if key not in grids:
                grids[key] = grid_for(activity, start)
            grid = grids[key]
            if grid is None:
                raise ValueError(f"Aucune grille tarifaire pour « {activity.name} » au {start:%d/%m/%Y}.")
            price = price_for(list(grid.brackets.all()), grid.non_resident_price,
                              quotient.value if quotient else None, household.is_resident)
            bill.lines.append(Line(registration=registration, child_name=registration.child.full_name,
                                   label=f"{activity.name} — {session.label}", detail=detail, quantity=quantity,
                                   unit_price=price.amount, tariff_label=price.label))
        if bill.lines and bill.total > 0:
            bills.append(bill)
    return bills


def first_of_month(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    year, month = value.split("-")
    return dt.date(int(year), int(month), 1)
