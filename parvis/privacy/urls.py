from django.urls import path

from parvis.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.access_log, name="access_log"),
    path("journal.csv", views.access_log_export, name="access_log_export"),
]
