"""The processing register (GDPR art. 30), under /agents/registre-des-traitements/ (namespace `register`)."""

from django.urls import path

from parvis.privacy import register_views

app_name = "register"
urlpatterns = [
    path("", register_views.index, name="index"),
    path("registre.<str:fmt>", register_views.export, name="export"),
]
