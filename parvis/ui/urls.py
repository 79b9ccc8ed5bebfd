from django.urls import path

from parvis.ui import views

app_name = "ui"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("contact/", views.contact, name="contact"),
]
