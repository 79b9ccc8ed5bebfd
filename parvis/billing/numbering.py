"""Invoice numbers without gaps, per cash office, year and series ("F" invoices, "A" credit notes).

`next_number` must run inside the transaction that creates the invoice: it locks the counter row until that
transaction ends. Two invoices of the same cash office are therefore numbered one after the other, and an
invoice whose transaction rolls back gives its number back (the counter's increment rolls back with it).
"""

from django.db import IntegrityError, transaction

from parvis.billing.models import InvoiceCounter

INVOICE_SERIES = "F"
CREDIT_SERIES = "A"


def next_number(cash_office, year, series=INVOICE_SERIES):
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the invoice's transaction")
    lookup = {"cash_office": cash_office, "year": year, "series": series}
    counter = InvoiceCounter.objects.select_for_update().filter(**lookup).first()
    if counter is None:
        try:
            with transaction.atomic():
                InvoiceCounter.objects.create(last_number=0, **lookup)
        except IntegrityError:
            pass  # created at the same moment by another transaction: lock it below
        counter = InvoiceCounter.objects.select_for_update().get(**lookup)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def format_number(cash_office, year, series, sequence):
    prefix = "AV" if series == CREDIT_SERIES else ""
    return f"{cash_office.code.upper()}-{prefix}{year}-{sequence:05d}"
