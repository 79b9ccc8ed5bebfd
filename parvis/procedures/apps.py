from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "parvis.procedures"
    verbose_name = "Démarches"
