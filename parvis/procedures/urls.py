from django.urls import path

from parvis.procedures import views

app_name = "procedures"
urlpatterns = [
    path("", views.placeholder, name="catalogue"),
    path("categorie/<slug:slug>/", views.placeholder, name="category"),
    path("evenement/<slug:slug>/", views.placeholder, name="life_event"),
    path("<slug:slug>/", views.placeholder, name="detail"),
]
