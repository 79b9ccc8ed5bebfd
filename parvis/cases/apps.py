from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "parvis.cases"
    verbose_name = "Demandes"
