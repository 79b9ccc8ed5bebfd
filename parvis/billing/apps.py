from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "parvis.billing"
    verbose_name = "Factures et paiements"
