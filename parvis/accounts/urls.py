from django.urls import path

from parvis.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("inscription/", views.signup, name="signup"),
    path("inscription/consultez-vos-courriels/", views.check_email, name="check_email"),
    path("verification/renvoyer/", views.resend_verification, name="resend_verification"),
    path("verification/<str:token>/", views.verify_email, name="verify_email"),
    path("connexion/", views.login, name="login"),
    path("deconnexion/", views.logout, name="logout"),
    path("mot-de-passe-oublie/", views.password_reset, name="password_reset"),
    path("mot-de-passe-oublie/courriel-envoye/", views.password_reset_sent, name="password_reset_sent"),
    path("mot-de-passe-oublie/<str:uidb64>/<str:token>/", views.password_reset_confirm,
         name="password_reset_confirm"),
    path("profil/", views.profile, name="profile"),
    path("profil/mot-de-passe/", views.password_change, name="password_change"),
    path("profil/adresse-electronique/", views.email_change, name="email_change"),
    path("profil/adresse-electronique/<str:token>/", views.email_change_confirm, name="email_change_confirm"),
    path("profil/cloturer/", views.close_account, name="close_account"),
    path("compte-cloture/", views.account_closed, name="account_closed"),
]
