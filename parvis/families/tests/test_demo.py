"""The demo of the family desk: every activity used, a waiting list, invoices paid and unpaid; idempotent."""

import pytest

from parvis.billing.models import Invoice, InvoiceStatus, Payment, PaymentTransaction
from parvis.demo.loader import load_demo
from parvis.families.demo import load_families_demo
from parvis.families.models import Activity, ActivityKind, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


def test_demo_covers_the_whole_cycle_and_runs_twice():
    load_demo()
    report = load_families_demo()
    assert report["inscriptions"] > 10
    used = set(Registration.objects.filter(status=RegistrationStatus.CONFIRMED)
               .values_list("session__activity__kind", flat=True))
    assert used == set(ActivityKind.values)
    assert Registration.objects.filter(status=RegistrationStatus.WAITING).exists()
    assert Invoice.objects.filter(status=InvoiceStatus.PAID).exists()
    assert Invoice.objects.filter(status=InvoiceStatus.ISSUED).exists()
    assert PaymentTransaction.objects.filter(status="paid").exists()
    assert Payment.objects.filter(method="cheque").exists() and Payment.objects.filter(method="cash").exists()
    counts = (Registration.objects.count(), Invoice.objects.count(), Payment.objects.count(), Activity.objects.count())
    load_families_demo()
    assert (Registration.objects.count(), Invoice.objects.count(), Payment.objects.count(),
            Activity.objects.count()) == counts


def test_demo_needs_the_base_demo():
    with pytest.raises(RuntimeError, match="load_demo"):
        load_families_demo()
