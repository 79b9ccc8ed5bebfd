from django.urls import path

from parvis.procedures import views

app_name = "procedures"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("categorie/<slug:slug>/", views.category, name="category"),
    path("evenement/<slug:slug>/", views.life_event, name="life_event"),
    path("<slug:slug>/", views.detail, name="detail"),
]
