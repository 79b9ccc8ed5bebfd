from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "parvis.reports"
    verbose_name = "Signalements"
