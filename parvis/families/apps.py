from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "parvis.families"
    verbose_name = "Guichet unique (familles)"
