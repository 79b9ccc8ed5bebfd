"""Cash offices (régies), invoices numbered without gaps, payments at the counter and online.

- An invoice's number comes from `InvoiceCounter`, one row per cash office, year and series, locked in the
  transaction that creates the invoice: a rolled-back invoice gives its number back (`numbering.py`).
- Money is recorded as `Payment` rows allocated to invoices; an online payment is a `PaymentTransaction`
  with the bank, which becomes one `Payment` when the bank confirms it, once (`payments.py`).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CashOffice(models.Model):
    """A régie de recettes: collects the payments of some services for the public accountant.

    Its online payment backend is data: `payment_backend` is an eopayment kind (`payfip_ws` in production,
    `dummy` for the demo and tests) and `payment_options` its options (for PayFiP: `numcli`, `saisie`)."""

    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT, related_name="cash_offices",
                                   verbose_name=_("service"))
    name = models.CharField(_("nom"), max_length=200)
    code = models.SlugField(_("code"), max_length=12, unique=True,
                            help_text=_("Lettres et chiffres ; préfixe des numéros de facture."))
    manager_name = models.CharField(_("régisseur"), max_length=200)
    street = models.CharField(_("adresse"), max_length=250)
    postcode = models.CharField(_("code postal"), max_length=5)
    city = models.CharField(_("ville"), max_length=120)
    phone = models.CharField(_("téléphone"), max_length=30)
    email = models.EmailField(_("courriel"))
    opening_hours = models.TextField(_("horaires d'ouverture"))
    cheque_payee = models.CharField(_("ordre des chèques"), max_length=200)
    accepts_cesu = models.BooleanField(_("accepte les CESU"), default=False)
    public_accountant = models.CharField(_("comptable public"), max_length=300,
                                         help_text=_("Service de gestion comptable chargé du recouvrement."))
    vat_mention = models.CharField(_("mention TVA"), max_length=200, blank=True)
    payment_days = models.PositiveSmallIntegerField(_("délai de paiement (jours)"), default=30)
    payment_backend = models.CharField(_("paiement en ligne"), max_length=20, blank=True,
                                       help_text=_("Type eopayment : payfip_ws (PayFiP), dummy (démonstration). "
                                                   "Vide : pas de paiement en ligne."))
    payment_options = models.JSONField(_("options du paiement en ligne"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("régie")
        verbose_name_plural = _("régies")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def postal_address(self):
        return f"{self.street}, {self.postcode} {self.city}"

    @property
    def online_payment(self):
        return bool(self.payment_backend)


class InvoiceCounter(models.Model):
    cash_office = models.ForeignKey(CashOffice, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=2)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur de numérotation")
        verbose_name_plural = _("compteurs de numérotation")
        constraints = [models.UniqueConstraint(fields=["cash_office", "year", "series"], name="one_counter")]

    def __str__(self):
        return f"{self.cash_office.code} {self.series}{self.year} : {self.last_number}"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Facture")
    CREDIT_NOTE = "credit_note", _("Avoir")


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("À payer")
    PAID = "paid", _("Payée")
    CANCELLED = "cancelled", _("Annulée")
    CREDIT = "credit", _("Avoir émis")


class Invoice(models.Model):
    """An invoice (avis des sommes à payer) or a credit note. The payer's name and address are copied at
    issue: the document never changes afterwards."""

    cash_office = models.ForeignKey(CashOffice, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(_("type"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    number = models.CharField(_("numéro"), max_length=30)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    household = models.ForeignKey("families.Household", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="invoices")
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    payer_name = models.CharField(_("débiteur"), max_length=300)
    payer_address = models.CharField(_("adresse du débiteur"), max_length=400)
    payer_email = models.EmailField(blank=True)
    period_start = models.DateField(_("période du"), null=True, blank=True)
    period_end = models.DateField(_("au"), null=True, blank=True)
    issued_on = models.DateField(_("émise le"))
    due_on = models.DateField(_("à payer avant le"), null=True, blank=True)
    total = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    amount_paid = models.DecimalField(_("payé"), max_digits=10, decimal_places=2, default=Decimal("0"))
    amount_credited = models.DecimalField(_("avoirs"), max_digits=10, decimal_places=2, default=Decimal("0"))
    status = models.CharField(_("état"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED)
    # A credit note points at the invoice it reduces or cancels.
    credited_invoice = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="credit_notes")
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    # Idempotency of the monthly run: "monthly:<office>:<YYYY-MM>:<household>"; cleared when cancelled.
    run_key = models.CharField(max_length=80, unique=True, null=True, blank=True)
    quotient_note = models.CharField(_("quotient appliqué"), max_length=200, blank=True)
    pdf = models.ForeignKey("files.StoredFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["cash_office", "number"], name="invoice_number_unique"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0) & Q(amount_credited__gte=0),
                                   name="invoice_amounts_positive"),
        ]
        indexes = [models.Index(fields=["household", "status"], name="invoice_household_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def outstanding(self):
        if self.kind != InvoiceKind.INVOICE:
            return Decimal("0")
        return max(self.total - self.amount_paid - self.amount_credited, Decimal("0"))

    @property
    def is_payable(self):
        return self.kind == InvoiceKind.INVOICE and self.status == InvoiceStatus.ISSUED and self.outstanding > 0


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    child_name = models.CharField(_("enfant"), max_length=300, blank=True)
    label = models.CharField(_("prestation"), max_length=300)
    detail = models.CharField(_("détail"), max_length=300, blank=True)
    quantity = models.DecimalField(_("quantité"), max_digits=8, decimal_places=2)
    unit_price = models.DecimalField(_("prix unitaire"), max_digits=8, decimal_places=2)
    tariff_label = models.CharField(_("tarif appliqué"), max_length=120, blank=True)
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    registration = models.ForeignKey("families.Registration", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.label} × {self.quantity}"


class PaymentMethod(models.TextChoices):
    ONLINE = "online", _("Carte bancaire en ligne (PayFiP)")
    CASH = "cash", _("Espèces")
    CHEQUE = "cheque", _("Chèque")
    CARD = "card", _("Carte bancaire au guichet")
    CESU = "cesu", _("CESU")


class Payment(models.Model):
    """Money received by a cash office, allocated to invoices (any excess stays on the family's account)."""

    cash_office = models.ForeignKey(CashOffice, on_delete=models.PROTECT, related_name="payments")
    household = models.ForeignKey("families.Household", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="payments")
    payer_name = models.CharField(_("payé par"), max_length=300)
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    method = models.CharField(_("moyen de paiement"), max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(_("référence"), max_length=120, blank=True,
                                 help_text=_("Numéro de chèque, de CESU, de ticket de carte..."))
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    transaction = models.OneToOneField("PaymentTransaction", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="payment")

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-received_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self):
        return f"{self.amount} € — {self.get_method_display()} ({self.received_at:%d/%m/%Y})"

    @property
    def unallocated(self):
        allocated = sum((allocation.amount for allocation in self.allocations.all()), Decimal("0"))
        return self.amount - allocated


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("affectation d'un paiement")
        verbose_name_plural = _("affectations des paiements")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive")]

    def __str__(self):
        return f"{self.amount} € → {self.invoice_id}"


class TransactionStatus(models.TextChoices):
    CREATED = "created", _("Créée")
    PENDING = "pending", _("En attente de la banque")
    PAID = "paid", _("Payée")
    REFUSED = "refused", _("Refusée")
    CANCELLED = "cancelled", _("Abandonnée")
    EXPIRED = "expired", _("Expirée")
    ERROR = "error", _("Erreur")


class PaymentTransaction(models.Model):
    """One online payment with the bank for one or several invoices of one cash office."""

    cash_office = models.ForeignKey(CashOffice, on_delete=models.PROTECT, related_name="transactions")
    # Our reference (PayFiP's `refdet`: 6 to 30 letters and digits).
    order_id = models.CharField(_("référence"), max_length=30, unique=True)
    # The identifier eopayment's request() returned (PayFiP's idop, dummy's uuid); responses carry it.
    bank_transaction_id = models.CharField(max_length=120, null=True, blank=True)
    backend = models.CharField(max_length=20)
    household = models.ForeignKey("families.Household", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="payment_transactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    email = models.EmailField()
    invoices = models.ManyToManyField(Invoice, through="TransactionInvoice", related_name="transactions")
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    status = models.CharField(_("état"), max_length=10, choices=TransactionStatus.choices,
                              default=TransactionStatus.CREATED)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # The bank's date of the transaction, recorded once.
    bank_transaction_date = models.DateTimeField(null=True, blank=True)
    bank_status = models.CharField(max_length=200, blank=True)
    request_data = models.JSONField(default=dict, blank=True)
    last_response = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("transaction de paiement en ligne")
        verbose_name_plural = _("transactions de paiement en ligne")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["cash_office", "bank_transaction_id"],
                                    condition=Q(bank_transaction_id__isnull=False), name="one_bank_transaction"),
        ]

    def __str__(self):
        return f"{self.order_id} — {self.amount} € ({self.get_status_display()})"


class TransactionInvoice(models.Model):
    transaction = models.ForeignKey(PaymentTransaction, on_delete=models.CASCADE, related_name="items")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["transaction", "invoice"], name="invoice_once_per_transaction")]

    def __str__(self):
        return f"{self.transaction_id} → {self.invoice_id} ({self.amount} €)"


class PaymentNotification(models.Model):
    """Every answer of the bank (browser return or server-to-server notification), kept for audit; rejected
    ones (unsigned, tampered, unknown) say why."""

    cash_office = models.ForeignKey(CashOffice, on_delete=models.PROTECT, related_name="notifications")
    transaction = models.ForeignKey(PaymentTransaction, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="notifications")
    channel = models.CharField(max_length=12)  # "return" (browser) or "callback" (bank's server)
    received_at = models.DateTimeField(default=timezone.now)
    query_string = models.TextField()
    result = models.CharField(max_length=20, blank=True)
    signed = models.BooleanField(default=False)
    accepted = models.BooleanField(default=False)
    outcome = models.CharField(max_length=300, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("réponse de la banque")
        verbose_name_plural = _("réponses de la banque")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.received_at:%d/%m/%Y %H:%M} {self.channel} {self.result} {self.outcome}"
