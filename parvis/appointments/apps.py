from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "parvis.appointments"
    verbose_name = "Rendez-vous"
