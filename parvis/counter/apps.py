from django.apps import AppConfig


class CounterConfig(AppConfig):
    name = "parvis.counter"
    verbose_name = "Guichet, téléphone et courrier"
