from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "parvis.documents"
    verbose_name = "Documents PDF"
