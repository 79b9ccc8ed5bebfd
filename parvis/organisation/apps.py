from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "parvis.organisation"
    verbose_name = "Organisation"
