"""Cash-office agents (/paiements/agents/): families' accounts, counter payments, credit notes, cancellations,
the bank's answers."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from parvis.billing import access, payments
from parvis.billing.documents import invoice_pdf
from parvis.billing.forms import CancelInvoiceForm, CounterPaymentForm, CreditForm, SearchForm
from parvis.billing.invoicing import BillingError, cancel_invoice, issue_credit
from parvis.billing.models import Invoice, InvoiceKind, InvoiceStatus, Payment, PaymentNotification
from parvis.families.models import Household, MemberStatus
from parvis.families.rules import euros
from parvis.files.downloads import file_response
from parvis.privacy.models import AccessAction


def _crumbs(*items):
    return [(str(label), url) for label, url in items]


def _home():
    return ("Régies", reverse("billing:agent_home"))


@access.require_cash_agent
def agent_home(request):
    offices = access.cash_offices_for(request.user)
    form = SearchForm(request.GET or None)
    households, invoice_hits = [], []
    if form.is_valid() and form.cleaned_data["q"].strip():
        q = form.cleaned_data["q"].strip()
        households = list(Household.objects.filter(
            Q(members__status=MemberStatus.ACTIVE)
            & (Q(members__user__last_name__icontains=q) | Q(members__user__first_name__icontains=q)
               | Q(members__user__email__icontains=q))).distinct().prefetch_related("members__user")[:30])
        invoice_hits = list(Invoice.objects.filter(cash_office__in=offices, number__icontains=q)[:10])
    unpaid = list(Invoice.objects.filter(cash_office__in=offices, kind=InvoiceKind.INVOICE,
                                         status=InvoiceStatus.ISSUED).select_related("cash_office")
                  .order_by("due_on", "pk")[:50])
    return render(request, "billing/agents/home.html", {
        "offices": offices, "form": form, "households": households, "invoice_hits": invoice_hits, "unpaid": unpaid,
        "breadcrumbs": _crumbs(("Régies", None))})


@access.require_cash_agent
def agent_household(request, household_id):
    household = access.get_household_for_cash_agent(request.user, household_id, request=request)
    offices = access.cash_offices_for(request.user)
    invoices = Invoice.objects.filter(household=household, cash_office__in=offices).select_related("cash_office")
    payable = invoices.filter(kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED)
    form = CounterPaymentForm(request.POST or None, offices=offices, invoices=payable)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payments.record_counter_payment(
                cash_office=data["cash_office"], household=household, amount=data["amount"], method=data["method"],
                reference=data["reference"], invoices=list(data["invoices"]), agent=request.user)
            messages.success(request, f"Paiement de {euros(payment.amount)} enregistré "
                                      f"({payment.get_method_display()}).")
            return redirect("billing:agent_household", household.pk)
        except BillingError as error:
            form.add_error(None, error.message)
    return render(request, "billing/agents/household.html", {
        "household": household, "invoices": list(invoices.order_by("-issued_on", "-pk")[:100]),
        "payments": list(Payment.objects.filter(household=household, cash_office__in=offices)
                         .select_related("cash_office", "recorded_by")[:50]),
        "balances": [balance for balance in payments.household_balances(household)
                     if balance.cash_office in offices],
        "form": form,
        "breadcrumbs": _crumbs(_home(), (f"Compte du foyer n° {household.pk}", None))})


@access.require_cash_agent
def agent_invoice(request, invoice_id):
    invoice = access.get_invoice_for_agent(request.user, invoice_id, request=request)
    return render(request, "billing/agents/invoice.html", {
        "invoice": invoice, "lines": list(invoice.lines.all()),
        "allocations": list(invoice.allocations.select_related("payment")),
        "credit_notes": list(invoice.credit_notes.all()),
        "cancel_form": CancelInvoiceForm(), "credit_form": CreditForm(),
        "breadcrumbs": _crumbs(_home(), (f"Facture {invoice.number}", None))})


@access.require_cash_agent
def agent_invoice_pdf(request, invoice_id):
    invoice = access.get_invoice_for_agent(request.user, invoice_id, request=request, action=AccessAction.DOWNLOAD)
    return file_response(invoice_pdf(invoice))


@access.require_cash_agent
@require_POST
def agent_invoice_cancel(request, invoice_id):
    invoice = access.get_invoice_for_agent(request.user, invoice_id, request=request)
    form = CancelInvoiceForm(request.POST)
    if form.is_valid():
        try:
            credit = cancel_invoice(invoice, agent=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, f"Facture annulée : avoir {credit.number} émis.")
        except BillingError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "Indiquez le motif de l'annulation.")
    return redirect("billing:agent_invoice", invoice.pk)


@access.require_cash_agent
@require_POST
def agent_invoice_credit(request, invoice_id):
    invoice = access.get_invoice_for_agent(request.user, invoice_id, request=request)
    form = CreditForm(request.POST)
    if form.is_valid():
        try:
            credit = issue_credit(invoice, agent=request.user, amount=form.cleaned_data["amount"],
                                  reason=form.cleaned_data["reason"])
            messages.success(request, f"Avoir {credit.number} de {euros(credit.total)} émis.")
        except BillingError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "Indiquez un montant et un motif.")
    return redirect("billing:agent_invoice", invoice.pk)


@access.require_cash_agent
def agent_notifications(request):
    offices = access.cash_offices_for(request.user)
    notes = list(PaymentNotification.objects.filter(cash_office__in=offices).select_related(
        "transaction", "cash_office")[:100])
    return render(request, "billing/agents/notifications.html", {
        "notes": notes, "breadcrumbs": _crumbs(_home(), ("Réponses de la banque", None))})
