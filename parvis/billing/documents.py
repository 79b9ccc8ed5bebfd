"""PDF documents of the cash office: the invoice (avis des sommes à payer) and the payment receipt.

An invoice's PDF is rendered once, at its first download, and kept: its content comes only from the invoice's
own frozen fields (payer, lines, amounts at issue), so it never changes afterwards. The amounts paid since are
shown on the family's pages, not on the document.
"""

from django.conf import settings
from django.db import transaction

from parvis.billing.models import Invoice
from parvis.documents.pdf import render_pdf
from parvis.files.services import store_bytes
from parvis.organisation.models import Commune

# Legal texts quoted on the documents (see docs/cash-office-guide.md for the sources).
REMEDY = ("Dans un délai de deux mois suivant la réception du présent avis, vous pouvez contester la somme "
          "mentionnée en saisissant directement le tribunal judiciaire ou le tribunal administratif compétent "
          "selon la nature de la créance (article L1617-5 du code général des collectivités territoriales).")


def _context(**extra):
    commune = Commune.current()
    return {"commune": commune, "theme_color": settings.THEME_PRIMARY_COLOR,
            "site_url": settings.SITE_URL, "remedy": REMEDY, **extra}


def invoice_pdf(invoice):
    """The StoredFile of the invoice's PDF, rendered at the first call."""
    if invoice.pdf_id:
        return invoice.pdf
    lines = list(invoice.lines.all())
    content = render_pdf("billing/pdf/invoice.html", _context(invoice=invoice, lines=lines,
                                                              cash_office=invoice.cash_office))
    stored = store_bytes(content, f"{invoice.number}.pdf", "application/pdf")
    with transaction.atomic():
        updated = Invoice.objects.filter(pk=invoice.pk, pdf__isnull=True).update(pdf=stored)
    if not updated:  # rendered at the same moment by another request
        stored.delete()
        invoice.refresh_from_db(fields=["pdf"])
        return invoice.pdf
    invoice.pdf = stored
    return stored


def receipt_pdf(payment):
    allocations = list(payment.allocations.select_related("invoice"))
    content = render_pdf("billing/pdf/receipt.html", _context(payment=payment, allocations=allocations,
                                                              cash_office=payment.cash_office,
                                                              transaction=getattr(payment, "transaction", None)))
    return store_bytes(content, f"recu-{payment.reference or payment.pk}.pdf", "application/pdf")

