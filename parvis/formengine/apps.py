from django.apps import AppConfig


class FormEngineConfig(AppConfig):
    name = "parvis.formengine"
    label = "formengine"
    verbose_name = "Moteur de formulaires"
