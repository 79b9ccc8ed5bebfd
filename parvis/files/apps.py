from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "parvis.files"
    verbose_name = "Fichiers"
