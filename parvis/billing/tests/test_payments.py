"""Online payment through eopayment's dummy backend (the round trip, duplicate, unsigned and tampered
notifications, refusal and abandon), and payments at the counter."""

import html
import logging
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from parvis.billing import gateway, payments
from parvis.billing.invoicing import BillingError
from parvis.billing.models import (
    InvoiceStatus,
    Payment,
    PaymentNotification,
    PaymentTransaction,
    TransactionStatus,
)
from parvis.billing.tests.helpers import simple_invoice
from parvis.families.tests.factories import make_cash_office, make_household
from parvis.testing.pdf import pdf_text
from parvis.testing.smtp import attachments, body_text

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture(autouse=True)
def _fake_bank(settings):
    settings.PAYMENT_DUMMY_BANK = True


@pytest.fixture
def family_invoices():
    office = make_cash_office()
    household = make_household()
    return office, household, [simple_invoice(office, household, "12.50"), simple_invoice(office, household, "7.30")]


def start(client, invoices, extra=None):
    data = {"invoices": [invoice.pk for invoice in invoices], **(extra or {})}
    return client.post(reverse("billing:pay"), data)


def notify(client, office, query):
    return client.get(f"{reverse('billing:bank_notify', args=[office.code])}?{query}")


def test_pay_two_invoices_in_one_transaction_amount_from_the_server(client, family_invoices):
    office, household, invoices = family_invoices
    client.force_login(household.primary_user)
    response = start(client, invoices, {"amount": "0.01", "montant": "1"})  # forged amounts are ignored
    assert response.status_code == 302
    url = urlsplit(response.url)
    assert url.path == "/paiements/banque-fictive/"
    query = parse_qs(url.query)
    assert query["amount"] == ["19.80"]
    tx = PaymentTransaction.objects.get()
    assert tx.amount == Decimal("19.80") and tx.status == TransactionStatus.PENDING
    assert tx.bank_transaction_id == query["transaction_id"][0] and query["orderid"] == [tx.order_id]
    assert query["return_url"][0].endswith(f"/paiements/banque/{office.code}/retour/")
    assert sorted(item.invoice_id for item in tx.items.all()) == sorted(i.pk for i in invoices)


def test_dummy_round_trip_through_the_fake_bank(client, family_invoices, mailbox, django_capture_on_commit_callbacks):
    office, household, invoices = family_invoices
    client.force_login(household.primary_user)
    bank_url = start(client, invoices).url
    page = client.get(bank_url)
    assert page.status_code == 200 and "Payer 19.80 €" in text(page)
    tx = PaymentTransaction.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(bank_url.split("?")[0], {"q": bank_url.split("?", 1)[1], "action": "paid"})
    assert back.status_code == 302 and back.url.startswith(f"/paiements/banque/{office.code}/retour/?")
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.PAID and tx.paid_at and tx.bank_transaction_date
    payment = Payment.objects.get()
    assert payment.amount == Decimal("19.80") and payment.transaction == tx and payment.method == "online"
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.PAID and invoice.outstanding == 0
    # The browser comes back (signed too): recorded, no second payment, and the acknowledgement shows.
    with django_capture_on_commit_callbacks(execute=True):
        result = client.get(back.url, follow=True)
    content = text(result)
    assert "Accusé de réception de votre paiement" in content and "19,80 €" in content
    assert Payment.objects.count() == 1
    assert list(PaymentNotification.objects.order_by("pk").values_list("channel", "accepted", "outcome")) == [
        ("callback", True, "paiement enregistré"), ("return", True, "déjà payée : sans effet")]
    (message,) = mailbox.wait_for(1)
    assert message["Subject"].startswith("Accusé de réception de votre paiement de 19,80 €")
    assert "article L112-11" in body_text(message)
    (receipt,) = attachments(message)
    receipt_text = pdf_text(receipt[2] if isinstance(receipt, tuple) else receipt.get_content())
    assert "Reçu de paiement" in receipt_text and invoices[0].number in receipt_text


def test_a_notification_received_twice_pays_once(client, family_invoices, django_capture_on_commit_callbacks,
                                                 mailbox):
    office, household, invoices = family_invoices
    client.force_login(household.primary_user)
    start(client, invoices)
    tx = PaymentTransaction.objects.get()
    query = gateway.dummy_bank_query(transaction_id=tx.bank_transaction_id, amount="19.80", outcome="paid")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(client, office, query).status_code == 200
        assert notify(client, office, query).status_code == 200
    assert Payment.objects.count() == 1
    assert len(mailbox.wait_for(1)) == 1
    invoices[0].refresh_from_db()
    assert invoices[0].amount_paid == Decimal("12.50")


@pytest.mark.parametrize(("tamper", "reason"), [
    (lambda q: q.replace("amount=19.80", "amount=0.01"), "signature"),
    (lambda q: q.replace("&hmac=", "&hmac=00"), "signature"),
    (lambda q: q.split("&hmac=")[0], "signature"),
])
def test_tampered_notification_rejected_and_logged(client, family_invoices, caplog, tamper, reason):
    office, household, invoices = family_invoices
    client.force_login(household.primary_user)
    start(client, invoices)
    tx = PaymentTransaction.objects.get()
    query = tamper(gateway.dummy_bank_query(transaction_id=tx.bank_transaction_id, amount="19.80", outcome="paid"))
    with caplog.at_level(logging.WARNING, logger="parvis.billing.payments"):
        response = notify(client, office, query)
    assert response.status_code == 400
    note = PaymentNotification.objects.get()
    assert not note.accepted and reason in note.outcome and note.transaction == tx
    assert any("Rejected bank response" in record.message for record in caplog.records)
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.PENDING and not Payment.objects.exists()


def test_amount_differing_from_the_transaction_is_rejected_even_signed(client, family_invoices):
    office, household, invoices = family_invoices
    client.force_login(household.primary_user)
    start(client, invoices)
    tx = PaymentTransaction.objects.get()
    query = gateway.dummy_bank_query(transaction_id=tx.bank_transaction_id, amount="0.01", outcome="paid")
    assert notify(client, office, query).status_code == 400
    assert "montant 0.01 différent" in PaymentNotification.objects.get().outcome


def test_unsigned_unknown_and_garbage_notifications_rejected(client, family_invoices):
    office, household, invoices = family_invoices
    client.force_login(household.primary_user)
    start(client, invoices)
    tx = PaymentTransaction.objects.get()
    unsigned = gateway.dummy_bank_query(transaction_id=tx.bank_transaction_id, amount="19.80", outcome="paid",
                                        signed=False)
    unknown = gateway.dummy_bank_query(transaction_id="inconnue", amount="19.80", outcome="paid")
    assert notify(client, office, unsigned).status_code == 400
    assert notify(client, office, unknown).status_code == 400
    assert notify(client, office, "n=importe&quoi").status_code == 400
    outcomes = list(PaymentNotification.objects.order_by("pk").values_list("outcome", flat=True))
    assert "réponse non signée" in outcomes[0]
    assert outcomes[1] == "transaction inconnue" and outcomes[2].startswith("réponse illisible")
    assert not Payment.objects.exists()


def test_refusal_path(client, family_invoices):
    office, household, invoices = family_invoices
    client.force_login(household.primary_user)
    bank_url = start(client, invoices).url
    back = client.post(bank_url.split("?")[0], {"q": bank_url.split("?", 1)[1], "action": "refused"})
    content = text(client.get(back.url, follow=True))
    assert "Paiement refusé" in content and "rien n'a été débité" in content
    assert PaymentTransaction.objects.get().status == TransactionStatus.REFUSED
    invoices[0].refresh_from_db()
    assert invoices[0].is_payable
    assert start(client, invoices).status_code == 302  # may try again


def test_abandon_path(client, family_invoices):
    office, household, invoices = family_invoices
    client.force_login(household.primary_user)
    bank_url = start(client, invoices).url
    back = client.post(bank_url.split("?")[0], {"q": bank_url.split("?", 1)[1], "action": "abandoned"})
    assert text(client.get(back.url, follow=True)).count("Paiement abandonné") >= 1
    assert PaymentTransaction.objects.get().status == TransactionStatus.CANCELLED
    assert PaymentNotification.objects.filter(channel="callback").count() == 0  # no notification on abandon


def test_invoice_already_paid_cannot_be_paid_again(client, family_invoices):
    office, household, invoices = family_invoices
    payments.record_counter_payment(cash_office=office, household=household, amount="12.50", method="cash",
                                    agent=None, invoices=[invoices[0]])
    client.force_login(household.primary_user)
    response = start(client, [invoices[0]])
    assert response.status_code == 302 and response.url == reverse("billing:home")
    assert "déjà payée" in text(client.get(response.url))
    assert not PaymentTransaction.objects.exists()


def test_another_familys_invoice_id_answers_404(client, family_invoices):
    _office, _household, invoices = family_invoices
    other = make_household()
    mine = simple_invoice(household=other)
    client.force_login(other.primary_user)
    assert start(client, [mine, invoices[0]]).status_code == 404
    assert start(client, [invoices[0]]).status_code == 404
    assert client.post(reverse("billing:pay"), {"invoices": ["abc"]}).status_code == 404
    assert not PaymentTransaction.objects.exists()


def test_another_familys_transaction_page_answers_404(client, family_invoices):
    _office, household, invoices = family_invoices
    client.force_login(household.primary_user)
    start(client, invoices)
    tx = PaymentTransaction.objects.get()
    client.force_login(make_household().primary_user)
    assert client.get(reverse("billing:transaction", args=[tx.order_id])).status_code == 404


def test_fake_bank_refuses_foreign_urls_and_is_off_in_production(client, family_invoices, settings):
    _office, household, invoices = family_invoices
    client.force_login(household.primary_user)
    bank_url = start(client, invoices).url
    evil = bank_url.replace("return_url=http", "return_url=https%3A%2F%2Fevil.example%2Fx%3F").replace(
        "%2Fpaiements%2Fbanque%2F", "%2Fnope%2F")
    assert client.get(evil).status_code == 400
    settings.PAYMENT_DUMMY_BANK = False
    assert client.get(bank_url).status_code == 404


def test_counter_payments_cash_then_cheque_and_refusals(family_invoices):
    office, household, invoices = family_invoices
    first = payments.record_counter_payment(cash_office=office, household=household, amount="10", method="cash",
                                            agent=None)
    assert [a.invoice_id for a in first.allocations.all()] == [invoices[0].pk]  # oldest first
    payments.record_counter_payment(cash_office=office, household=household, amount="9.80", method="cheque",
                                    reference="CHQ 0012345", agent=None)
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.PAID
    assert payments.household_balances(household)[0].due == 0 if payments.household_balances(household) else True
    with pytest.raises(BillingError, match="déjà réglée"):
        payments.record_counter_payment(cash_office=office, household=household, amount="1", method="card",
                                        agent=None, invoices=[invoices[0]])
    more = simple_invoice(office, household, "5.00")
    with pytest.raises(BillingError, match="dépasse le reste à payer"):
        payments.record_counter_payment(cash_office=office, household=household, amount="6", method="cash",
                                        agent=None, invoices=[more])
    office.accepts_cesu = False
    with pytest.raises(BillingError, match="CESU"):
        payments.record_counter_payment(cash_office=office, household=household, amount="5", method="cesu",
                                        agent=None)


def test_payfip_answers_are_checked_against_the_transaction():
    class Response:
        signed = True
        bank_data = {"refdet": "P20260402ABCDEFGHI", "montant": "1980"}

    office = make_cash_office(payment_backend="payfip_ws", payment_options={"numcli": "123456", "saisie": "T"})
    tx = PaymentTransaction(cash_office=office, order_id="P20260402ABCDEFGHI", amount=Decimal("19.80"))
    assert gateway.verify(office, Response(), tx, "idop=1") == []
    Response.bank_data = {"refdet": "AUTRE", "montant": "100"}
    problems = gateway.verify(office, Response(), tx, "idop=1")
    assert len(problems) == 2


def test_pending_payments_are_settled_or_closed(family_invoices, monkeypatch, capsys):
    import datetime as dt

    import eopayment
    from django.core.management import call_command
    from django.utils import timezone
    from eopayment.common import PaymentResponse

    office, household, invoices = family_invoices
    user = household.primary_user
    tx, _kind, _url = payments.start_online_payment(user=user, household=household, invoices=[invoices[0]],
                                                    return_url="http://t/r", notify_url="http://t/n")
    call_command("check_pending_payments")
    assert "Aucun paiement" in capsys.readouterr().out  # recent: the resident may still be paying
    PaymentTransaction.objects.filter(pk=tx.pk).update(created_at=timezone.now() - dt.timedelta(hours=3))
    call_command("check_pending_payments")
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.EXPIRED and "expired" in capsys.readouterr().out

    # PayFiP: the bank is asked (its web service, replaced here), and a paid answer pays once.
    payfip = make_cash_office(payment_backend="payfip_ws", payment_options={"numcli": "123456", "saisie": "T"})
    invoice = simple_invoice(payfip, household, "19.80")
    transaction = PaymentTransaction.objects.create(
        cash_office=payfip, order_id="P20261128ABCDEFGHI", bank_transaction_id="IDOP42", backend="payfip_ws",
        household=household, user=user, email=user.email, amount=Decimal("19.80"), status=TransactionStatus.PENDING,
        created_at=timezone.now() - dt.timedelta(minutes=30))
    transaction.items.create(invoice=invoice, amount=Decimal("19.80"))

    def payment_status(self, transaction_id, **kwargs):
        assert transaction_id == "IDOP42"
        return PaymentResponse(result=eopayment.PAID, signed=True, order_id="IDOP42",
                               bank_data={"refdet": "P20261128ABCDEFGHI", "montant": "1980"})

    from eopayment.payfip_ws import Payment as PayFiP

    monkeypatch.setattr(PayFiP, "payment_status", payment_status)
    assert payments.check_pending_transactions() == {"paid": 1}
    assert payments.check_pending_transactions() == {}
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and Payment.objects.filter(transaction=transaction).count() == 1
