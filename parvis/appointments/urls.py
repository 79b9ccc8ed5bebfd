from django.urls import path

from parvis.appointments import agent_views, views

app_name = "appointments"
urlpatterns = [
    path("", views.start, name="start"),
    path("creneaux/", views.choose_slot, name="slots"),
    path("reservation/<int:pk>/", views.confirm, name="confirm"),
    path("reservation/<int:pk>/abandonner/", views.abandon, name="abandon"),
    path("mes-rendez-vous/", views.my_appointments, name="mine"),
    path("gerer/<str:token>/", views.manage, name="manage"),
    path("gerer/<str:token>/deplacer/", views.move, name="move"),
    path("gerer/<str:token>/annuler/", views.cancel, name="cancel"),
    path("gerer/<str:token>/rendez-vous.ics", views.calendar_file, name="ics"),
    # Agents
    path("agents/", agent_views.home, name="agent_home"),
    path("agents/lieux/<slug:slug>/", agent_views.day, name="agent_day"),
    path("agents/lieux/<slug:slug>/semaine/", agent_views.week, name="agent_week"),
    path("agents/lieux/<slug:slug>/imprimer/", agent_views.print_day, name="agent_print"),
    path("agents/lieux/<slug:slug>/prendre/", agent_views.book, name="agent_book"),
    path("agents/lieux/<slug:slug>/fermetures/", agent_views.closures, name="agent_closures"),
    path("agents/lieux/<slug:slug>/statistiques/", agent_views.statistics, name="agent_stats"),
    path("agents/reservation/<int:pk>/", agent_views.confirm, name="agent_confirm"),
    path("agents/rendez-vous/<int:pk>/", agent_views.appointment_detail, name="agent_appointment"),
    path("agents/rendez-vous/<int:pk>/annuler/", agent_views.cancel, name="agent_cancel"),
    path("agents/rendez-vous/<int:pk>/deplacer/", agent_views.move, name="agent_move"),
]
