import datetime as dt
from decimal import Decimal

from parvis.billing.invoicing import issue_invoice
from parvis.families.models import Attendance, FamilyQuotient
from parvis.families.registrations import register_child
from parvis.families.tests.factories import make_activity, make_cash_office, make_child, make_household, make_session

MARCH = dt.date(2026, 3, 1)
MARCH_DAYS = [dt.date(2026, 3, day) for day in (2, 3, 5, 6, 9)]


def canteen_setup(capacity=20, **activity_fields):
    office = make_cash_office()
    activity = make_activity(cash_office=office, **activity_fields)
    session = make_session(activity, capacity=capacity, starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 7, 3))
    return office, activity, session


def registered_family(session, children=2, postcode="99100", quotient=851):
    household = make_household(postcode=postcode)
    kids = [make_child(household) for _ in range(children)]
    regs = [register_child(child=child, session=session, actor=household.primary_user).registration for child in kids]
    if quotient is not None:
        FamilyQuotient.objects.create(household=household, value=quotient, source="api_particulier",
                                      reference_month=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31))
    return household, kids, regs


def attend(registration, days):
    for day in days:
        Attendance.objects.create(registration=registration, day=day, present=True)


def simple_invoice(office=None, household=None, amount="12.50", issued_on=dt.date(2026, 4, 2)):
    office = office or make_cash_office()
    household = household or make_household()
    return issue_invoice(cash_office=office, household=household, issued_on=issued_on, period_start=MARCH,
                         period_end=dt.date(2026, 3, 31), lines=[{
                             "child_name": "Léa DURAND", "label": "Restauration scolaire", "detail": "5 repas",
                             "quantity": Decimal(1), "unit_price": Decimal(amount), "tariff_label": "QF 501 à 1000"}])
