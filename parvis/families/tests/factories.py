"""Factories for the family desk and billing tests."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from parvis.billing.models import CashOffice
from parvis.cases.deadlines import add_months
from parvis.families import services
from parvis.families.models import (
    Activity,
    ActivitySession,
    School,
    TariffBracket,
    TariffGrid,
)
from parvis.testing.factories import make_agent, make_commune, make_department, make_resident

_seq = itertools.count(1)


def make_family_department(**fields):
    make_commune()
    n = next(_seq)
    return make_department(name=fields.pop("name", "Guichet unique d'inscription"),
                           slug=fields.pop("slug", f"guichet-unique-{n}"), **fields)


def make_cash_office(department=None, **fields):
    n = next(_seq)
    values = {
        "department": department or make_family_department(), "name": "Régie enfance-jeunesse", "code": f"enf{n}",
        "manager_name": "Martine Dupuis", "street": "12 rue des Écoles", "postcode": "99100", "city": "Admiville",
        "phone": "01 23 45 67 31", "email": "regie@admiville.fr", "opening_hours": "Lundi au vendredi, 8 h 30 – 17 h",
        "cheque_payee": "Régie enfance-jeunesse — Trésor public", "accepts_cesu": True,
        "public_accountant": "Service de gestion comptable d'Admiville, 3 rue du Trésor, 99100 Admiville",
        "vat_mention": "TVA non applicable (article 256 B du code général des impôts)",
        "payment_backend": "dummy", "payment_options": {"dummy_service_url": "/paiements/banque-fictive/"},
    }
    values.update(fields)
    return CashOffice.objects.create(**values)


def make_school(**fields):
    n = next(_seq)
    values = {"name": f"École Jules-Ferry {n}", "sector": "Centre"}
    values.update(fields)
    return School.objects.create(**values)


def make_activity(department=None, cash_office=None, *, grid=True, **fields):
    n = next(_seq)
    department = department or (cash_office.department if cash_office else make_family_department())
    values = {"department": department, "cash_office": cash_office, "name": f"Restauration scolaire {n}",
              "slug": f"cantine-{n}", "kind": "canteen", "billing_mode": "per_attendance",
              "school_levels": ["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"]}
    values.update(fields)
    activity = Activity.objects.create(**values)
    if grid and activity.billing_mode != "free":
        make_grid(activity)
    return activity


def make_grid(activity, valid_from=dt.date(2000, 1, 1), brackets=((0, 500, "1.00"), (501, 1000, "2.50"),
                                                                  (1001, None, "4.00")), non_resident="5.50"):
    grid = TariffGrid.objects.create(activity=activity, valid_from=valid_from, non_resident_price=Decimal(non_resident))
    for low, high, price in brackets:
        TariffBracket.objects.create(grid=grid, qf_min=low, qf_max=high, price=Decimal(price))
    return grid


def make_session(activity=None, **fields):
    now = timezone.now()
    today = timezone.localdate()
    values = {"activity": activity or make_activity(), "label": "Année scolaire",
              "starts_on": today + dt.timedelta(days=30), "ends_on": today + dt.timedelta(days=300),
              "weekdays": [0, 1, 3, 4], "capacity": 10, "registration_opens_at": now - dt.timedelta(days=1),
              "registration_closes_at": now + dt.timedelta(days=10)}
    values.update(fields)
    return ActivitySession.objects.create(**values)


def make_household(user=None, postcode="99100", **fields):
    make_commune()
    user = user or make_resident()
    return services.create_household(user, street=fields.get("street", "8 rue des Lilas"), postcode=postcode,
                                     city=fields.get("city", "Admiville"), relationship="mère")


def make_child(household, **fields):
    today = timezone.localdate()
    values = {"first_name": f"Enfant{next(_seq)}", "last_name": "Durand",
              "birth_date": add_months(today, -84), "school_level": "CE1"}
    values.update(fields)
    return services.add_child(household, actor=household.primary_user, **values)


def make_family_agent(department, role="case_officer", **fields):
    return make_agent(department=department, role=role, **fields)
