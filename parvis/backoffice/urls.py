from django.urls import path

from parvis.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("export/<str:fmt>/", views.export, name="export"),
    path("attribuer/", views.assign, name="assign"),
    path("filtres/", views.saved_filters, name="saved_filters"),
    path("filtres/enregistrer/", views.saved_filter_create, name="saved_filter_create"),
    path("filtres/<int:pk>/supprimer/", views.saved_filter_delete, name="saved_filter_delete"),
    path("charge/", views.workload, name="workload"),
    path("en-retard/", views.overdue, name="overdue"),
]
