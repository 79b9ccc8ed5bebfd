from django.urls import path

app_name = "ants_api"
urlpatterns: list = []
