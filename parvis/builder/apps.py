from django.apps import AppConfig


class BuilderConfig(AppConfig):
    name = "parvis.builder"
    verbose_name = "Constructeur de démarches"
