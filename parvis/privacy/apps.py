from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "parvis.privacy"
    verbose_name = "Données personnelles"
