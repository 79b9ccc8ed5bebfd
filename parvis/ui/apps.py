from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "parvis.ui"
    verbose_name = "Interface"
