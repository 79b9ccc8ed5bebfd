from django.urls import path

from parvis.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("suivi/<str:token>/", views.track, name="track"),
    path("suivi/<str:token>/documents/<int:document_id>/", views.track_document, name="track_document"),
    path("suivi/<str:token>/pieces/<int:request_id>/", views.track_pieces, name="track_pieces"),
    path("suivi/<str:token>/attestation/", views.track_attestation, name="track_attestation"),
    path("suivi/<str:token>/motifs/", views.track_reasons, name="track_reasons"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/documents/<int:document_id>/", views.case_document, name="document"),
    path("<str:reference>/pieces/<int:request_id>/", views.case_pieces, name="pieces"),
    path("<str:reference>/attestation/", views.case_attestation, name="attestation"),
    path("<str:reference>/motifs/", views.case_reasons, name="reasons"),
]
