from django.urls import path

from parvis.organisation import views

app_name = "organisation"
urlpatterns = [
    path("", views.home, name="home"),
    path("commune/", views.commune_edit, name="commune"),
    path("commune/logo/", views.commune_logo, name="commune_logo"),
    path("services/", views.department_list, name="department_list"),
    path("services/nouveau/", views.department_create, name="department_create"),
    path("services/<int:pk>/", views.department_edit, name="department_edit"),
    path("services/<int:pk>/desactiver/", views.department_deactivate, name="department_deactivate"),
    path("services/<int:pk>/reactiver/", views.department_reactivate, name="department_reactivate"),
    path("services/<int:pk>/supprimer/", views.department_delete, name="department_delete"),
    path("agents/", views.agent_list, name="agent_list"),
    path("agents/nouveau/", views.agent_create, name="agent_create"),
    path("agents/<int:pk>/", views.agent_detail, name="agent_detail"),
    path("agents/<int:pk>/modifier/", views.agent_edit, name="agent_edit"),
    path("agents/<int:pk>/roles/", views.agent_roles, name="agent_roles"),
    path("agents/<int:pk>/envoyer-activation/", views.agent_send_activation, name="agent_send_activation"),
    path("agents/<int:pk>/desactiver/", views.agent_deactivate, name="agent_deactivate"),
    path("agents/<int:pk>/reactiver/", views.agent_reactivate, name="agent_reactivate"),
    path("agents/activer/termine/", views.activate_done, name="activate_done"),
    path("agents/activer/<uidb64>/<token>/", views.ActivateAccountView.as_view(), name="activate"),
]
