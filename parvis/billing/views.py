"""The families' invoices and online payment (/paiements/), the bank's return and notification, and the fake
bank of the demo."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import eopayment
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from parvis.billing import access, gateway, payments
from parvis.billing.documents import invoice_pdf
from parvis.billing.invoicing import BillingError
from parvis.billing.models import CashOffice, InvoiceKind, Payment, PaymentTransaction, TransactionStatus
from parvis.families.access import household_of
from parvis.files.downloads import file_response


def _crumbs(*items):
    return [(str(label), url) for label, url in items]


def _home():
    return ("Factures et paiements", reverse("billing:home"))


@login_required
def home(request):
    household = household_of(request.user)
    invoices = list(access.invoices_for_resident(request.user).order_by("-issued_on", "-pk")[:100])
    payable = [invoice for invoice in invoices if invoice.is_payable]
    recent_payments = []
    balances = []
    if household is not None:
        recent_payments = list(Payment.objects.filter(household=household).select_related("cash_office")[:10])
        balances = payments.household_balances(household)
    return render(request, "billing/home.html", {
        "household": household, "invoices": [i for i in invoices if i.kind == InvoiceKind.INVOICE],
        "credit_notes": [i for i in invoices if i.kind == InvoiceKind.CREDIT_NOTE], "payable": payable,
        "payments": recent_payments, "balances": balances,
        "breadcrumbs": _crumbs(("Factures et paiements", None))})


@login_required
def invoice_detail(request, invoice_id):
    invoice = access.get_invoice_for_resident(request.user, invoice_id)
    return render(request, "billing/invoice.html", {
        "invoice": invoice, "lines": list(invoice.lines.all()),
        "allocations": list(invoice.allocations.select_related("payment")),
        "credit_notes": list(invoice.credit_notes.all()),
        "breadcrumbs": _crumbs(_home(), (f"Facture {invoice.number}", None))})


@login_required
def invoice_download(request, invoice_id):
    invoice = access.get_invoice_for_resident(request.user, invoice_id)
    return file_response(invoice_pdf(invoice))


@login_required
@require_POST
def pay(request):
    household = household_of(request.user)
    if household is None:
        raise Http404
    # Only invoice ids come from the browser: each must be this family's (else 404); the amount is computed
    # from the invoices held in the database, whatever the request says.
    ids = request.POST.getlist("invoices")
    invoices = [access.get_invoice_for_resident(request.user, invoice_id) for invoice_id in dict.fromkeys(ids)]
    if not invoices:
        messages.error(request, "Cochez les factures à payer.")
        return redirect("billing:home")
    office = invoices[0].cash_office
    try:
        tx, kind, data = payments.start_online_payment(
            user=request.user, household=household, invoices=invoices,
            return_url=request.build_absolute_uri(reverse("billing:bank_return", args=[office.code])),
            notify_url=request.build_absolute_uri(reverse("billing:bank_notify", args=[office.code])))
    except BillingError as error:
        messages.error(request, error.message)
        return redirect("billing:home")
    if kind == eopayment.URL:
        return redirect(data)
    return render(request, "billing/bank_redirect.html", {
        "transaction": tx, "form": data if kind == eopayment.FORM else None,
        "html": mark_safe(data) if kind == eopayment.HTML else "",  # noqa: S308 (markup made by eopayment)
        "breadcrumbs": _crumbs(_home(), ("Paiement", None))})


@login_required
def transaction_detail(request, order_id):
    tx = access.get_transaction_for_resident(request.user, order_id)
    return render(request, "billing/transaction.html", {
        "transaction": tx, "items": list(tx.items.select_related("invoice")),
        "payment": Payment.objects.filter(transaction=tx).first(), "statuses": TransactionStatus,
        "breadcrumbs": _crumbs(_home(), (f"Paiement {tx.order_id}", None))})


def _remote_addr(request):
    return request.META.get("REMOTE_ADDR") or None


def _office(code):
    return get_object_or_404(CashOffice, code=code)


@csrf_exempt
def bank_return(request, code):
    """Where the bank sends the resident back. The answer is checked like a notification."""
    office = _office(code)
    query = request.META.get("QUERY_STRING", "")
    if request.method == "POST" and not query:
        query = request.body.decode("utf-8", "replace")
    note = payments.handle_bank_response(office, query, channel="return", remote_addr=_remote_addr(request))
    tx = note.transaction
    if tx is not None and request.user.is_authenticated and tx.household_id and \
            household_of(request.user) and household_of(request.user).pk == tx.household_id:
        return redirect("billing:transaction", tx.order_id)
    messages.info(request, "Retour du service de paiement : retrouvez l'état de vos factures ci-dessous.")
    return redirect("billing:home")



@csrf_exempt
def bank_notify(request, code):
    """The bank's server-to-server notification: 200 when applied (or already applied), 400 when rejected."""
    office = _office(code)
    query = request.META.get("QUERY_STRING", "")
    if request.method == "POST" and request.body:
        query = request.body.decode("utf-8", "replace")
    note = payments.handle_bank_response(office, query, channel="callback", remote_addr=_remote_addr(request))
    if not note.accepted:
        return HttpResponseBadRequest("rejected", content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")


# --- The fake bank of eopayment's dummy backend (demo and tests) ---------------------------------------------

def _local_path(url, expected_name):
    """The path of `url` if it is one of our bank endpoints (never an open redirect), with its cash office code."""
    path = urlsplit(url or "").path
    try:
        match = resolve(path)
    except Resolver404:
        return None, None
    if match.view_name != expected_name:
        return None, None
    return path, match.kwargs.get("code")


def fake_bank(request):
    if not settings.PAYMENT_DUMMY_BANK:
        raise Http404
    query = request.POST.get("q", "") if request.method == "POST" else request.META.get("QUERY_STRING", "")
    params = dict(parse_qsl(query, keep_blank_values=True))
    return_path, code = _local_path(params.get("return_url"), "billing:bank_return")
    notify_path, notify_code = _local_path(params.get("direct_notification_url"), "billing:bank_notify")
    tx = PaymentTransaction.objects.filter(bank_transaction_id=params.get("transaction_id", "-"),
                                           backend=gateway.DUMMY).select_related("cash_office").first()
    if not return_path or tx is None or tx.cash_office.code != code:
        return render(request, "billing/fake_bank.html", {"invalid": True}, status=400)
    if request.method == "POST":
        outcome = request.POST.get("action")
        if outcome not in ("paid", "refused", "abandoned"):
            return HttpResponseBadRequest("action")
        answer = gateway.dummy_bank_query(transaction_id=params["transaction_id"], amount=params.get("amount", ""),
                                          outcome=outcome)
        if notify_path and outcome != "abandoned" and notify_code == code:
            # The bank tells the merchant's server first (server-to-server), then sends the customer back.
            payments.handle_bank_response(tx.cash_office, answer, channel="callback", remote_addr="127.0.0.1")
        return redirect(f"{return_path}?{answer}")
    return render(request, "billing/fake_bank.html", {
        "params": params, "query": query, "transaction": tx,
        "breadcrumbs": _crumbs(("Banque fictive de démonstration", None))})
