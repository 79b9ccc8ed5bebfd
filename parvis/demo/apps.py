from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "parvis.demo"
    verbose_name = "Démonstration (Admiville)"
