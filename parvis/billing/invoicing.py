"""Issuing invoices and credit notes. The monthly run (`issue_monthly_invoices`, command
`issue_monthly_invoices`) is idempotent: each household's invoice of a month has a run key, unique in the
database; a second run finds it and creates nothing. Each invoice is created in its own transaction with its
number (`numbering.next_number`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from parvis.billing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from parvis.billing.numbering import CREDIT_SERIES, INVOICE_SERIES, format_number, next_number
from parvis.families import notifications
from parvis.families.history import record_event
from parvis.families.invoicing import bills_for_month, month_label
from parvis.families.rules import euros, month_bounds
from parvis.families.services import FamilyError

CENT = Decimal("0.01")


class BillingError(FamilyError):
    pass


def payer_of(household):
    user = household.primary_user
    name = (user.full_name or user.email) if user else f"Foyer n° {household.pk}"
    return user, name, household.postal_address, (user.email if user and user.email else "")


def issue_invoice(*, cash_office, household, lines, period_start=None, period_end=None, run_key=None,
                  quotient_note="", created_by=None, issued_on=None, _before_commit=None):
    """Creates one invoice with its lines and number, in one transaction. `lines`: dicts of InvoiceLine fields
    (without `amount`, computed). `_before_commit` is for the numbering test (a failure rolls back)."""
    issued_on = issued_on or timezone.localdate()
    payer, payer_name, payer_address, payer_email = payer_of(household)
    with transaction.atomic():
        sequence = next_number(cash_office, issued_on.year, INVOICE_SERIES)
        prepared = []
        total = Decimal("0")
        for line in lines:
            amount = (Decimal(line["quantity"]) * Decimal(line["unit_price"])).quantize(CENT)
            total += amount
            prepared.append(InvoiceLine(amount=amount, **line))
        invoice = Invoice.objects.create(
            cash_office=cash_office, kind=InvoiceKind.INVOICE, year=issued_on.year, sequence=sequence,
            number=format_number(cash_office, issued_on.year, INVOICE_SERIES, sequence), household=household,
            payer=payer, payer_name=payer_name, payer_address=payer_address, payer_email=payer_email,
            period_start=period_start, period_end=period_end, issued_on=issued_on,
            due_on=issued_on + dt.timedelta(days=cash_office.payment_days), total=total, run_key=run_key,
            quotient_note=quotient_note, created_by=created_by)
        for line in prepared:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(prepared)
        record_event(household, "invoice_issued", f"Facture {invoice.number} émise : {euros(total)}", actor=created_by)
        if _before_commit:
            _before_commit(invoice)
    return invoice


@dataclass
class RunReport:
    month: dt.date
    dry_run: bool
    created: list = field(default_factory=list)
    existing: int = 0
    planned: list = field(default_factory=list)  # (household, total, line count) in a dry run

    @property
    def total(self):
        if self.dry_run:
            return sum((total for _household, total, _count in self.planned), Decimal("0"))
        return sum((invoice.total for invoice in self.created), Decimal("0"))


def run_key(cash_office, month_start, household):
    return f"monthly:{cash_office.code}:{month_start:%Y-%m}:{household.pk}"


def issue_monthly_invoices(cash_office, month_start, *, dry_run=False, created_by=None, issued_on=None):
    start, end = month_bounds(month_start)
    report = RunReport(month=start, dry_run=dry_run)
    for bill in bills_for_month(cash_office, start):
        key = run_key(cash_office, start, bill.household)
        if Invoice.objects.filter(run_key=key).exists():
            report.existing += 1
            continue
        if dry_run:
            report.planned.append((bill.household, bill.total, len(bill.lines)))
            continue
        lines = [{"child_name": line.child_name, "label": line.label, "detail": line.detail,
                  "quantity": line.quantity, "unit_price": line.unit_price, "tariff_label": line.tariff_label,
                  "registration": line.registration} for line in bill.lines]
        try:
            invoice = issue_invoice(cash_office=cash_office, household=bill.household, lines=lines, period_start=start,
                                    period_end=end, run_key=key, quotient_note=bill.quotient_note,
                                    created_by=created_by, issued_on=issued_on)
        except IntegrityError:
            report.existing += 1  # issued at the same moment by another run
            continue
        report.created.append(invoice)
        _notify_new_invoice(invoice, start)
    return report


def _notify_new_invoice(invoice, month_start):
    from parvis.families.notifications import site_url

    for user in notifications._recipients(invoice.household):
        notifications.queue_email(
            to=user.email, reply_to=invoice.cash_office.email,
            subject=f"Votre facture {invoice.number} ({month_label(month_start)}) — {euros(invoice.total)}",
            template_base="billing/emails/new_invoice", key=f"invoice-issued-{invoice.pk}-{user.pk}",
            context={"invoice": invoice, "user": user, "month": month_label(month_start),
                     "invoices_url": site_url("billing:home")})


def refresh_status(invoice):
    """Sets the status from the amounts (the caller holds the invoice's lock and saves)."""
    if invoice.kind != InvoiceKind.INVOICE:
        return invoice
    if invoice.total - invoice.amount_paid - invoice.amount_credited > 0:
        invoice.status = InvoiceStatus.ISSUED
    elif invoice.amount_paid == 0:
        invoice.status = InvoiceStatus.CANCELLED
    else:
        invoice.status = InvoiceStatus.PAID
    return invoice


def _credit_note(invoice, amount, reason, agent, lines):
    today = timezone.localdate()
    sequence = next_number(invoice.cash_office, today.year, CREDIT_SERIES)
    credit = Invoice.objects.create(
        cash_office=invoice.cash_office, kind=InvoiceKind.CREDIT_NOTE, year=today.year, sequence=sequence,
        number=format_number(invoice.cash_office, today.year, CREDIT_SERIES, sequence), household=invoice.household,
        payer=invoice.payer, payer_name=invoice.payer_name, payer_address=invoice.payer_address,
        payer_email=invoice.payer_email, period_start=invoice.period_start, period_end=invoice.period_end,
        issued_on=today, total=amount, status=InvoiceStatus.CREDIT, credited_invoice=invoice, reason=reason[:300],
        created_by=agent)
    InvoiceLine.objects.bulk_create([InvoiceLine(invoice=credit, **line) for line in lines])
    return credit


def _locked(invoice):
    return (Invoice.objects.select_for_update(of=("self",)).select_related("cash_office", "household")
            .get(pk=invoice.pk))


def cancel_invoice(invoice, *, agent, reason):
    """Cancels an unpaid invoice with a credit note for its whole amount; the month may then be invoiced again."""
    with transaction.atomic():
        invoice = _locked(invoice)
        if invoice.kind != InvoiceKind.INVOICE or invoice.status != InvoiceStatus.ISSUED:
            raise BillingError("Seule une facture à payer peut être annulée.")
        if invoice.amount_paid > 0:
            raise BillingError("Un paiement a déjà été reçu pour cette facture : émettez un avoir pour le reste.")
        amount = invoice.outstanding
        lines = [{"child_name": line.child_name, "label": f"Annulation : {line.label}", "detail": line.detail,
                  "quantity": line.quantity, "unit_price": line.unit_price, "tariff_label": line.tariff_label,
                  "amount": line.amount} for line in invoice.lines.all()]
        credit = _credit_note(invoice, amount, f"Annulation de la facture {invoice.number} : {reason}", agent, lines)
        invoice.amount_credited += amount
        invoice.run_key = None
        refresh_status(invoice)
        invoice.save(update_fields=["amount_credited", "run_key", "status"])
        record_event(invoice.household, "invoice_cancelled", f"Facture {invoice.number} annulée ({reason}) : avoir "
                     f"{credit.number}", actor=agent, channel="counter")
    return credit


def issue_credit(invoice, *, agent, amount, reason):
    """A credit note reducing an invoice (absence with a medical certificate, mistake...)."""
    amount = Decimal(amount).quantize(CENT)
    with transaction.atomic():
        invoice = _locked(invoice)
        if invoice.kind != InvoiceKind.INVOICE or invoice.status != InvoiceStatus.ISSUED:
            raise BillingError("Un avoir ne peut réduire qu'une facture restant à payer.")
        if amount <= 0 or amount > invoice.outstanding:
            raise BillingError(f"Le montant de l'avoir doit être compris entre 0,01 € et {euros(invoice.outstanding)}.")
        credit = _credit_note(invoice, amount, reason, agent, [{
            "label": f"Avoir sur la facture {invoice.number}", "detail": reason[:300], "quantity": Decimal(1),
            "unit_price": amount, "amount": amount}])
        invoice.amount_credited += amount
        refresh_status(invoice)
        invoice.save(update_fields=["amount_credited", "status"])
        record_event(invoice.household, "credit_issued",
                     f"Avoir {credit.number} de {euros(amount)} sur la facture {invoice.number} ({reason})",
                     actor=agent, channel="counter")
    return credit
