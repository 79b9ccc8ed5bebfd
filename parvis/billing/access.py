"""Choke points of billing.

Residents see the invoices and online payments of the household they belong to (a second guardian with
shared access too); another family's invoice or transaction answers 404.

Cash-office agents hold a handling role (front desk, case officer, head of department) in the department of
a cash office; they see that cash office's invoices and payments, and every read of a family's account is
written in the access log.
"""

from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import resolve_url

from parvis.billing.models import CashOffice, Invoice, InvoiceKind, InvoiceStatus, PaymentTransaction
from parvis.families.access import HANDLING_ROLES, household_of
from parvis.families.models import Household
from parvis.organisation.access import departments_of
from parvis.privacy.models import AccessAction
from parvis.privacy.services import log_access


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


# --- Residents ------------------------------------------------------------------------------------------

def invoices_for_resident(user):
    household = household_of(user)
    if household is None:
        return Invoice.objects.none()
    return Invoice.objects.filter(household=household).select_related("cash_office")


def get_invoice_for_resident(user, invoice_id):
    invoice = invoices_for_resident(user).filter(pk=_int(invoice_id)).first()
    if invoice is None:
        raise Http404("Facture introuvable")
    return invoice


def get_transaction_for_resident(user, order_id):
    household = household_of(user)
    tx = None
    if household is not None:
        tx = PaymentTransaction.objects.filter(order_id=str(order_id)[:30], household=household).select_related(
            "cash_office").first()
    if tx is None:
        raise Http404("Paiement introuvable")
    return tx


def unpaid_summary(household):
    invoices = list(Invoice.objects.filter(household=household, kind=InvoiceKind.INVOICE,
                                           status=InvoiceStatus.ISSUED))
    return {"count": len(invoices), "total": sum((invoice.outstanding for invoice in invoices), Decimal("0"))}


# --- Agents --------------------------------------------------------------------------------------------------

def cash_offices_for(user):
    if not (user and user.is_authenticated and user.is_active):
        return CashOffice.objects.none()
    return CashOffice.objects.filter(department__in=departments_of(user, *HANDLING_ROLES))


def is_cash_agent(user):
    return cash_offices_for(user).exists()


def require_cash_agent(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        if not is_cash_agent(request.user):
            log_access(request.user, AccessAction.DENIED, detail="régie", request=request)
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _resident_id(household):
    user = household.primary_user if household else None
    return user.pk if user else None


def get_invoice_for_agent(user, invoice_id, *, request=None, action=AccessAction.VIEW):
    invoice = Invoice.objects.filter(pk=_int(invoice_id), cash_office__in=cash_offices_for(user)).select_related(
        "cash_office", "household").first()
    if invoice is None:
        log_access(user, AccessAction.DENIED, detail=f"facture {invoice_id}"[:300], request=request)
        raise Http404("Facture introuvable")
    log_access(user, action, resident_id=_resident_id(invoice.household), detail=f"facture {invoice.number}",
               request=request)
    return invoice


def get_household_for_cash_agent(user, household_id, *, request=None):
    household = Household.objects.filter(pk=_int(household_id)).prefetch_related("members__user").first()
    if household is None:
        log_access(user, AccessAction.DENIED, detail=f"compte du foyer {household_id}"[:300], request=request)
        raise Http404("Foyer introuvable")
    log_access(user, AccessAction.VIEW, resident_id=_resident_id(household), detail=f"compte du foyer {household.pk}",
               request=request)
    return household
