from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "parvis.backoffice"
    verbose_name = "Back-office"
