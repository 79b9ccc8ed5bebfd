from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.billing.models import Invoice, PaymentMethod
from parvis.families.rules import euros


class CounterPaymentForm(forms.Form):
    cash_office = forms.ModelChoiceField(label=_("Régie"), queryset=None)
    amount = forms.DecimalField(label=_("Montant reçu (€)"), min_value=Decimal("0.01"), max_digits=10,
                                decimal_places=2, localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    method = forms.ChoiceField(label=_("Moyen de paiement"), widget=forms.RadioSelect, choices=[
        choice for choice in PaymentMethod.choices if choice[0] != PaymentMethod.ONLINE])
    reference = forms.CharField(label=_("Référence (facultatif)"), max_length=120, required=False,
                                help_text=_("Numéro du chèque, des CESU ou du ticket de carte."))
    invoices = forms.ModelMultipleChoiceField(label=_("Factures réglées"), queryset=Invoice.objects.none(),
                                              required=False, widget=forms.CheckboxSelectMultiple,
                                              help_text=_("Sans choix : les plus anciennes d'abord."))

    def __init__(self, *args, offices, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cash_office"].queryset = offices
        if offices.count() == 1:
            self.fields["cash_office"].initial = offices.first()
        self.fields["invoices"].queryset = invoices
        self.fields["invoices"].label_from_instance = (
            lambda invoice: f"{invoice.number} — reste {euros(invoice.outstanding)} (à payer avant le "
                            f"{invoice.due_on:%d/%m/%Y})")


class CreditForm(forms.Form):
    amount = forms.DecimalField(label=_("Montant de l'avoir (€)"), min_value=Decimal("0.01"), max_digits=10,
                                decimal_places=2, localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    reason = forms.CharField(label=_("Motif"), max_length=250,
                             help_text=_("Par exemple : absence justifiée par un certificat médical du 3 au 5 mars."))


class CancelInvoiceForm(forms.Form):
    reason = forms.CharField(label=_("Motif de l'annulation"), max_length=250)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Nom, prénom, adresse électronique ou numéro de facture"), max_length=100,
                        required=False)
