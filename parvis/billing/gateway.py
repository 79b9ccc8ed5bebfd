"""The bank, through eopayment: one `eopayment.Payment` per cash office, built from its data.

Production uses `payfip_ws` (PayFiP, DGFiP): `response()` asks PayFiP's web service for the real result of
the `idop`, so its answers are trustworthy (`signed=True`); Parvis still checks that the reference (`refdet`)
and amount (`montant`, in cents) are those of the stored transaction.

The demo and tests use eopayment's `dummy` backend, which signs nothing: it calls any answer carrying a
`signed` parameter signed. Parvis therefore adds its own check for it — the fake bank (`dummy_bank_query`,
used by the demo page and by tests) appends an HMAC-SHA256 of every parameter, keyed with SECRET_KEY; an
answer without a valid HMAC, or whose amount differs from the stored transaction, is rejected and logged.
The dummy backend sends the resident to a fixed public URL; when the cash office's options give
`dummy_service_url`, Parvis sends them there instead (the local fake bank, `/paiements/banque-fictive/`).
"""

from __future__ import annotations

import hmac
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlencode

import eopayment
from django.utils.crypto import salted_hmac

from parvis.billing.models import TransactionStatus
from parvis.families.rules import euros

DUMMY = "dummy"
PAYFIP = "payfip_ws"
_DUMMY_SALT = "parvis.billing.dummy-bank"
# Options of a cash office that are Parvis's own, not eopayment's.
_PARVIS_OPTIONS = {"dummy_service_url"}


def backend(cash_office, *, return_url="", notify_url=""):
    options = {key: value for key, value in (cash_office.payment_options or {}).items() if key not in _PARVIS_OPTIONS}
    if return_url:
        options["normal_return_url"] = return_url
    if notify_url:
        options["automatic_return_url"] = notify_url
    if cash_office.payment_backend == DUMMY:
        options.setdefault("origin", cash_office.name)
    return eopayment.Payment(cash_office.payment_backend, options)


def request_kwargs(cash_office, *, order_id, email, subject, year):
    kwargs = {"email": email, "orderid": order_id, "subject": subject[:100]}
    if cash_office.payment_backend in (PAYFIP, "tipi"):
        kwargs.update({"refdet": order_id, "exer": str(year)})
    return kwargs


def redirect_url(cash_office, url):
    """The dummy backend's bank page is a fixed public URL: the demo and tests use the local fake bank."""
    local = (cash_office.payment_options or {}).get("dummy_service_url")
    if cash_office.payment_backend == DUMMY and local:
        from eopayment.dummy import SERVICE_URL

        if url.startswith(SERVICE_URL):
            return local + url[len(SERVICE_URL):]
    return url


# --- The fake bank's signature (dummy backend only) -----------------------------------------------------

def _canonical(params):
    return "&".join(f"{key}={value}" for key, value in sorted(params) if key != "hmac")


def sign_dummy(params) -> str:
    return salted_hmac(_DUMMY_SALT, _canonical(params), algorithm="sha256").hexdigest()


def dummy_bank_query(*, transaction_id, amount, outcome, signed=True) -> str:
    """The query string the fake bank sends back: outcome "paid", "refused" or "abandoned"."""
    params = [("transaction_id", transaction_id), ("amount", str(amount))]
    if outcome == "paid":
        params.append(("ok", "1"))
    else:
        params.append(("reason", outcome))
    if signed:
        params.append(("signed", "1"))
    params.append(("hmac", sign_dummy(params)))
    return urlencode(params)


# --- Checking an answer -------------------------------------------------------------------------------------

def _first(bank_data, key):
    value = (bank_data or {}).get(key)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def verify(cash_office, response, transaction, query_string) -> list[str]:
    """Why this answer must not be trusted (empty: it may be applied)."""
    problems = []
    if not response.signed:
        problems.append("réponse non signée")
    bank_data = response.bank_data or {}
    if cash_office.payment_backend == DUMMY:
        params = parse_qsl(query_string or "", keep_blank_values=True)
        given = dict(params).get("hmac", "")
        if not given or not hmac.compare_digest(given, sign_dummy(params)):
            problems.append("signature absente ou invalide (réponse modifiée ?)")
        amount = _first(bank_data, "amount")
        if amount is not None and _decimal(amount) != transaction.amount:
            problems.append(f"montant {amount} différent de celui de la transaction ({transaction.amount})")
    elif cash_office.payment_backend == PAYFIP:
        refdet, montant = _first(bank_data, "refdet"), _first(bank_data, "montant")
        if refdet is not None and str(refdet) != transaction.order_id:
            problems.append(f"référence {refdet} différente de {transaction.order_id}")
        if montant is not None and str(int(transaction.amount * 100)) != str(montant).lstrip("0"):
            problems.append(f"montant {montant} centimes différent de {euros(transaction.amount)}")
    return problems


def _decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def status_for(cash_office, response) -> str:
    result = response.result
    if result in (eopayment.PAID, eopayment.ACCEPTED):
        return TransactionStatus.PAID
    if result == eopayment.DENIED:
        return TransactionStatus.REFUSED
    if result == eopayment.CANCELLED:
        return TransactionStatus.CANCELLED
    if result in (eopayment.WAITING, eopayment.RECEIVED):
        return TransactionStatus.PENDING
    if result == eopayment.EXPIRED:
        return TransactionStatus.EXPIRED
    if cash_office.payment_backend == DUMMY:
        reason = _first({"reason": response.bank_status}, "reason")
        if reason == "abandoned":
            return TransactionStatus.CANCELLED
        if reason == "refused":
            return TransactionStatus.REFUSED
    return TransactionStatus.ERROR
