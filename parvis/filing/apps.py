from django.apps import AppConfig


class FilingConfig(AppConfig):
    name = "parvis.filing"
    verbose_name = "Dépôt en ligne"
