"""Payments: at the counter (cash, cheque, card, CESU) and online through the cash office's bank.

Online, the amount is always computed here from the invoices held in the database — never taken from the
browser. The bank's answers (browser return and server-to-server notification) go through
`handle_bank_response`: checked (`gateway.verify`), recorded (`PaymentNotification`, rejected ones too) and
applied idempotently — the transaction row is locked, a transaction already paid is left as it is, and a paid
transaction creates exactly one `Payment` (one-to-one), so a notification received twice pays once.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import string
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

import eopayment
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from parvis.billing import gateway
from parvis.billing.invoicing import BillingError, refresh_status
from parvis.billing.models import (
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentNotification,
    PaymentTransaction,
    TransactionInvoice,
    TransactionStatus,
)
from parvis.families.history import record_event
from parvis.families.rules import euros

logger = logging.getLogger(__name__)
CENT = Decimal("0.01")


class PaymentUnavailable(BillingError):
    pass


def _lock_invoices(ids):
    return list(Invoice.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _allocate(payment, invoices_and_amounts):
    for invoice, amount in invoices_and_amounts:
        if amount <= 0:
            continue
        PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=amount)
        invoice.amount_paid += amount
        refresh_status(invoice)
        invoice.save(update_fields=["amount_paid", "status"])


# --- At the counter ---------------------------------------------------------------------------------------

def record_counter_payment(*, cash_office, household, amount, method, agent, reference="", invoices=None,
                           payer_name=""):
    """Records money received at the cash office and allocates it to the chosen invoices (else the oldest
    unpaid ones). Refuses an invoice already paid and an amount above what is due."""
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise BillingError("Le montant doit être positif.")
    if method not in PaymentMethod.values or method == PaymentMethod.ONLINE:
        raise BillingError("Moyen de paiement inconnu.")
    if method == PaymentMethod.CESU and not cash_office.accepts_cesu:
        raise BillingError("Cette régie n'accepte pas les CESU.")
    with transaction.atomic():
        if invoices:
            locked = _lock_invoices([invoice.pk for invoice in invoices])
            for invoice in locked:
                if invoice.cash_office_id != cash_office.pk or invoice.household_id != household.pk:
                    raise BillingError("Facture d'une autre famille ou d'une autre régie.")
                if not invoice.is_payable:
                    raise BillingError(f"La facture {invoice.number} est déjà réglée.")
        else:
            ids = Invoice.objects.filter(cash_office=cash_office, household=household, kind=InvoiceKind.INVOICE,
                                         status=InvoiceStatus.ISSUED).values_list("pk", flat=True)
            locked = sorted(_lock_invoices(list(ids)), key=lambda invoice: (invoice.issued_on, invoice.pk))
        due = sum((invoice.outstanding for invoice in locked), Decimal("0"))
        if amount > due:
            raise BillingError(f"Le montant dépasse le reste à payer ({euros(due)}).")
        payer, _name, _address, _email = _payer(household)
        payment = Payment.objects.create(
            cash_office=cash_office, household=household, payer_name=payer_name or _name, amount=amount,
            method=method, reference=reference[:120], recorded_by=agent)
        remaining, plan = amount, []
        for invoice in locked:
            part = min(invoice.outstanding, remaining)
            plan.append((invoice, part))
            remaining -= part
        _allocate(payment, plan)
        record_event(household, "payment_recorded",
                     f"Paiement de {euros(amount)} reçu au guichet ({payment.get_method_display()})", actor=agent,
                     channel="counter")
    return payment


def _payer(household):
    from parvis.billing.invoicing import payer_of

    return payer_of(household)


@dataclass
class Balance:
    cash_office: object
    due: Decimal
    credit: Decimal

    @property
    def net(self):
        return self.due - self.credit


def household_balances(household):
    """What the household owes each cash office, and any money received beyond its invoices."""
    balances = {}
    for invoice in Invoice.objects.filter(household=household, kind=InvoiceKind.INVOICE,
                                          status=InvoiceStatus.ISSUED).select_related("cash_office"):
        entry = balances.setdefault(invoice.cash_office_id, Balance(invoice.cash_office, Decimal("0"), Decimal("0")))
        entry.due += invoice.outstanding
    for payment in Payment.objects.filter(household=household).select_related("cash_office").annotate(
            allocated=Sum("allocations__amount")):
        extra = payment.amount - (payment.allocated or Decimal("0"))
        if extra > 0:
            entry = balances.setdefault(payment.cash_office_id, Balance(payment.cash_office, Decimal("0"),
                                                                        Decimal("0")))
            entry.credit += extra
    return list(balances.values())


# --- Online ---------------------------------------------------------------------------------------------

def _order_id():
    alphabet = string.ascii_uppercase + string.digits
    return "P" + timezone.localdate().strftime("%Y%m%d") + "".join(secrets.choice(alphabet) for _ in range(9))


def start_online_payment(*, user, household, invoices, return_url, notify_url):
    """Creates the transaction for these invoices (already checked as the family's) and asks the bank for it.
    Returns (transaction, kind, data) — kind is eopayment.URL, FORM or HTML."""
    if not invoices:
        raise BillingError("Choisissez au moins une facture à payer.")
    offices = {invoice.cash_office_id for invoice in invoices}
    if len(offices) > 1:
        raise BillingError("Ces factures dépendent de régies différentes : payez-les séparément.")
    cash_office = invoices[0].cash_office
    if not cash_office.online_payment:
        raise BillingError("Le paiement en ligne n'est pas proposé pour cette régie : payez au guichet.")
    if not user.email:
        raise BillingError("Une adresse électronique est nécessaire pour payer en ligne.")
    eo = gateway.backend(cash_office, return_url=return_url, notify_url=notify_url)
    with transaction.atomic():
        locked = _lock_invoices([invoice.pk for invoice in invoices])
        for invoice in locked:
            if invoice.household_id != household.pk:
                raise BillingError("Facture introuvable.")
            if not invoice.is_payable:
                raise BillingError(f"La facture {invoice.number} est déjà payée.")
        wait = eo.get_min_time_between_transactions()
        if wait:
            since = timezone.now() - dt.timedelta(seconds=wait)
            busy = PaymentTransaction.objects.filter(items__invoice__in=locked, status=TransactionStatus.PENDING,
                                                     created_at__gte=since).first()
            if busy:
                retry_at = timezone.localtime(busy.created_at + dt.timedelta(seconds=wait))
                raise BillingError("Un paiement de cette facture est déjà en cours. Si vous l'avez abandonné, "
                                   f"réessayez après {retry_at:%H:%M}.")
        amount = sum((invoice.outstanding for invoice in locked), Decimal("0"))
        tx = PaymentTransaction.objects.create(
            cash_office=cash_office, order_id=_order_id(), backend=cash_office.payment_backend, household=household,
            user=user, email=user.email, amount=amount, status=TransactionStatus.CREATED)
        TransactionInvoice.objects.bulk_create([TransactionInvoice(transaction=tx, invoice=invoice,
                                                                   amount=invoice.outstanding) for invoice in locked])
    numbers = ", ".join(invoice.number for invoice in locked)
    try:
        bank_id, kind, data = eo.request(
            str(amount), **gateway.request_kwargs(cash_office, order_id=tx.order_id, email=user.email,
                                                  subject=f"Factures {numbers}", year=timezone.localdate().year))
    except Exception as error:  # the bank's web service failed (network, refusal of the request)
        logger.warning("Payment request %s failed: %s", tx.order_id, error)
        PaymentTransaction.objects.filter(pk=tx.pk).update(status=TransactionStatus.ERROR,
                                                           bank_status=str(error)[:200])
        raise PaymentUnavailable("Le service de paiement ne répond pas. Réessayez plus tard ou payez au guichet.")
    if kind == eopayment.URL:
        data = gateway.redirect_url(cash_office, data)
    tx.bank_transaction_id, tx.status = str(bank_id), TransactionStatus.PENDING
    tx.request_data = {"kind": kind, "data": str(data)[:4000]}
    tx.save(update_fields=["bank_transaction_id", "status", "request_data", "updated_at"])
    return tx, kind, data


def handle_bank_response(cash_office, query_string, *, channel, remote_addr=None):
    """Checks, records and applies one answer of the bank. Returns the `PaymentNotification`."""
    note = PaymentNotification(cash_office=cash_office, channel=channel, query_string=(query_string or "")[:10000],
                               remote_addr=remote_addr)
    try:
        response = gateway.backend(cash_office).response(query_string or "")
    except Exception as error:  # eopayment raises ResponseError, backends may raise others on garbage
        note.outcome = f"réponse illisible : {error}"[:300]
        note.save()
        logger.warning("Rejected bank response for %s (%s): %s", cash_office.code, channel, note.outcome)
        return note
    note.result = eopayment.STATUS_NAME.get(response.result, str(response.result))
    note.signed = bool(response.signed)
    tx = PaymentTransaction.objects.filter(cash_office=cash_office,
                                           bank_transaction_id=str(response.order_id or "")).first()
    if tx is None:
        note.outcome = "transaction inconnue"
        note.save()
        logger.warning("Rejected bank response for %s (%s): unknown transaction %r", cash_office.code, channel,
                       response.order_id)
        return note
    note.transaction = tx
    problems = gateway.verify(cash_office, response, tx, query_string)
    if problems:
        note.outcome = "; ".join(problems)[:300]
        note.save()
        logger.warning("Rejected bank response for transaction %s (%s): %s", tx.order_id, channel, note.outcome)
        return note
    note.accepted = True
    note.outcome = _apply(tx, response, gateway.status_for(cash_office, response))
    note.save()
    return note


def _apply(tx, response, status):
    with transaction.atomic():
        tx = (PaymentTransaction.objects.select_for_update(of=("self",))
              .select_related("cash_office", "household").get(pk=tx.pk))
        tx.last_response = _jsonable(response)
        if tx.status == TransactionStatus.PAID:
            tx.save(update_fields=["last_response", "updated_at"])
            return "déjà payée : sans effet"
        tx.bank_status = str(response.bank_status or "")[:200]
        if status == TransactionStatus.PAID:
            _settle(tx, response)
            return "paiement enregistré"
        tx.status = status
        tx.save(update_fields=["status", "bank_status", "last_response", "updated_at"])
        if tx.household_id and status in (TransactionStatus.REFUSED, TransactionStatus.CANCELLED):
            record_event(tx.household, "online_payment_" + status,
                         f"Paiement en ligne {tx.order_id} de {euros(tx.amount)} : {tx.get_status_display().lower()}",
                         actor=tx.user)
        return f"état : {tx.get_status_display()}"


def _settle(tx, response):
    now = timezone.now()
    items = list(tx.items.select_related("invoice").order_by("invoice_id"))
    locked = {invoice.pk: invoice for invoice in _lock_invoices([item.invoice_id for item in items])}
    payment = Payment.objects.create(cash_office=tx.cash_office, household=tx.household,
                                     payer_name=_payer(tx.household)[1] if tx.household else tx.email,
                                     amount=tx.amount, method=PaymentMethod.ONLINE, reference=tx.order_id,
                                     received_at=now, transaction=tx)
    # An invoice paid meanwhile at the counter keeps its allocation; the excess stays as a credit.
    _allocate(payment, [(locked[item.invoice_id], min(item.amount, locked[item.invoice_id].outstanding))
                        for item in items])
    tx.status, tx.paid_at = TransactionStatus.PAID, now
    if tx.bank_transaction_date is None:
        tx.bank_transaction_date = response.transaction_date or now
    tx.save(update_fields=["status", "paid_at", "bank_transaction_date", "bank_status", "last_response",
                           "updated_at"])
    if tx.household_id:
        record_event(tx.household, "online_payment_paid",
                     f"Paiement en ligne {tx.order_id} de {euros(tx.amount)} reçu", actor=tx.user)
    transaction.on_commit(partial(send_receipt, tx.pk), robust=True)


def _jsonable(response):
    data = response.as_dict() if hasattr(response, "as_dict") else {}
    try:
        import json

        json.dumps(data, default=str)
        return json.loads(json.dumps(data, default=str))
    except (TypeError, ValueError):
        return {"repr": repr(response)[:2000]}


def send_receipt(transaction_id):
    """The payment's electronic acknowledgement (CRPA L112-11) by email, with the PDF receipt attached."""
    from parvis.billing.documents import receipt_pdf
    from parvis.families import notifications

    tx = PaymentTransaction.objects.select_related("cash_office", "household", "payment").get(pk=transaction_id)
    stored = receipt_pdf(tx.payment)
    notifications.queue_email(
        to=tx.email, reply_to=tx.cash_office.email,
        subject=f"Accusé de réception de votre paiement de {euros(tx.amount)} — {tx.order_id}",
        template_base="billing/emails/payment_receipt", key=f"payment-receipt-{tx.pk}",
        context={"transaction": tx, "payment": tx.payment, "cash_office": tx.cash_office,
                 "invoices": [item.invoice for item in tx.items.select_related("invoice")]},
        attachments=[stored])


# --- Payments left pending ----------------------------------------------------------------------------

ABANDON_AFTER = dt.timedelta(hours=2)


def check_pending_transactions(now=None):
    """Settles the transactions still pending: asks the bank when its backend can tell (PayFiP's
    `payment_status`, which waits before calling an unanswered payment final), else ends those left more than
    two hours without an answer (the resident closed the bank's page). Idempotent; returns {status: count}."""
    now = now or timezone.now()
    counts = {}
    for tx in PaymentTransaction.objects.filter(status=TransactionStatus.PENDING).select_related("cash_office"):
        eo = gateway.backend(tx.cash_office)
        wait = dt.timedelta(seconds=eo.get_min_time_between_transactions())
        if tx.created_at > now - wait:
            continue
        if getattr(eo.backend, "payment_status", None) and tx.backend != gateway.DUMMY:
            try:
                response = eo.payment_status(tx.bank_transaction_id, transaction_date=tx.created_at)
            except Exception as error:  # the bank's web service is down: try again at the next run
                logger.warning("Payment status of %s unavailable: %s", tx.order_id, error)
                continue
            note = PaymentNotification(cash_office=tx.cash_office, transaction=tx, channel="status",
                                       query_string=f"payment_status({tx.bank_transaction_id})",
                                       result=eopayment.STATUS_NAME.get(response.result, str(response.result)),
                                       signed=bool(response.signed))
            problems = gateway.verify(tx.cash_office, response, tx, "")
            if problems:
                note.outcome = "; ".join(problems)[:300]
                note.save()
                logger.warning("Rejected payment status for %s: %s", tx.order_id, note.outcome)
                continue
            note.accepted = True
            note.outcome = _apply(tx, response, gateway.status_for(tx.cash_office, response))
            note.save()
        elif tx.created_at <= now - ABANDON_AFTER:
            updated = PaymentTransaction.objects.filter(pk=tx.pk, status=TransactionStatus.PENDING).update(
                status=TransactionStatus.EXPIRED, bank_status="sans réponse de la banque")
            if not updated:
                continue
        else:
            continue
        tx.refresh_from_db(fields=["status"])
        counts[tx.status] = counts.get(tx.status, 0) + 1
    return counts
