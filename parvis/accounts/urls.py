from django.urls import path

from parvis.accounts import views

app_name = "accounts"
urlpatterns = [
    path("inscription/", views.placeholder, name="signup"),
    path("connexion/", views.placeholder, name="login"),
    path("deconnexion/", views.placeholder, name="logout"),
    path("", views.placeholder, name="dashboard"),
    path("profil/", views.placeholder, name="profile"),
]
