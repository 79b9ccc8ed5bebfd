"""Online filing. Included under /demarches/ before the catalogue, so that /demarches/<slug>/deposer/...
never reaches /demarches/<slug>/ (the procedure's page)."""

from django.urls import path

from parvis.filing import views

app_name = "filing"
urlpatterns = [
    path("<slug:slug>/deposer/", views.start, name="start"),
    path("<slug:slug>/deposer/<uuid:draft_id>/verification/", views.review, name="review"),
    path("<slug:slug>/deposer/<uuid:draft_id>/envoyer/", views.submit, name="submit"),
    path("<slug:slug>/deposer/<uuid:draft_id>/enregistree/", views.saved, name="saved"),
    path("<slug:slug>/deposer/<uuid:draft_id>/confirmation/", views.confirmation, name="confirmation"),
    path("<slug:slug>/deposer/<uuid:draft_id>/supprimer/", views.delete, name="delete"),
    path("<slug:slug>/deposer/<uuid:draft_id>/fichiers/<uuid:file_id>/", views.draft_file, name="draft_file"),
    path("<slug:slug>/deposer/<uuid:draft_id>/<slug:page_key>/", views.page, name="page"),
]
