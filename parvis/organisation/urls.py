from django.urls import path

from parvis.organisation import views

app_name = "organisation"
urlpatterns = [
    path("", views.placeholder, name="home"),
]
