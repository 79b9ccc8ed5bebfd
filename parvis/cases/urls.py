from django.urls import path

from parvis.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("suivi/<str:token>/", views.track, name="track"),
    path("suivi/<str:token>/documents/<int:document_id>/", views.track_document, name="track_document"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/documents/<int:document_id>/", views.case_document, name="document"),
]
