"""Invoice numbering under concurrency (PostgreSQL): distinct, consecutive numbers per cash office, and a
rolled-back invoice gives its number back; online payment notifications racing each other pay once."""

from collections import Counter

import pytest

from parvis.billing import gateway, payments
from parvis.billing.models import Invoice, Payment, PaymentTransaction, TransactionStatus
from parvis.billing.tests.helpers import simple_invoice
from parvis.families.tests.factories import make_cash_office, make_household
from parvis.testing.concurrency import run_threads, skip_unless_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    skip_unless_postgres()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_twenty_invoices_at_once_get_consecutive_numbers():
    office, other_office = make_cash_office(), make_cash_office()
    households = [make_household() for _ in range(20)]

    def work(index):
        target = office if index < 16 else other_office
        return simple_invoice(target, households[index]).number

    results, errors = run_threads(20, work)
    assert errors == Counter() and len(set(results)) == 20
    assert sorted(Invoice.objects.filter(cash_office=office).values_list("sequence", flat=True)) == list(range(1, 17))
    assert sorted(Invoice.objects.filter(cash_office=other_office).values_list("sequence", flat=True)) == [1, 2, 3, 4]


def test_failures_in_the_middle_leave_no_gap():
    from parvis.billing.invoicing import issue_invoice

    office = make_cash_office()
    households = [make_household() for _ in range(12)]

    def work(index):
        def fail(_invoice):
            if index % 3 == 0:
                raise RuntimeError("rollback")

        return issue_invoice(cash_office=office, household=households[index], lines=[], _before_commit=fail).sequence

    results, errors = run_threads(12, work)
    assert errors == Counter({"RuntimeError": 4})
    assert sorted(Invoice.objects.filter(cash_office=office).values_list("sequence", flat=True)) == list(range(1, 9))


def test_the_same_notification_many_times_at_once_pays_once():
    office = make_cash_office()
    household = make_household()
    invoice = simple_invoice(office, household, "19.80")
    tx, _kind, _url = payments.start_online_payment(
        user=household.primary_user, household=household, invoices=[invoice],
        return_url="http://testserver/r", notify_url="http://testserver/n")
    query = gateway.dummy_bank_query(transaction_id=tx.bank_transaction_id, amount="19.80", outcome="paid")

    def work(_index):
        return payments.handle_bank_response(office, query, channel="callback").accepted

    results, errors = run_threads(10, work)
    assert errors == Counter() and all(results)
    assert Payment.objects.count() == 1
    assert PaymentTransaction.objects.get().status == TransactionStatus.PAID
    invoice.refresh_from_db()
    assert invoice.amount_paid == invoice.total
