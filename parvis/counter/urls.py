"""The counter, under /agents/guichet/ (namespace `counter`). Form pages live under .../pages/<key>/ so that
no page key of a procedure can collide with the fixed steps (documents, verification...)."""

from django.urls import path

from parvis.counter import views

app_name = "counter"
urlpatterns = [
    path("", views.residents_search, name="residents"),
    path("usagers/nouveau/", views.resident_create, name="resident_create"),
    path("usagers/<int:resident_id>/", views.resident_detail, name="resident"),
    path("usagers/<int:resident_id>/deposer/", views.file_start, name="file"),
    path("depots/<uuid:draft_id>/canal-et-date/", views.file_details, name="file_details"),
    path("depots/<uuid:draft_id>/pages/<slug:page_key>/", views.file_page, name="file_page"),
    path("depots/<uuid:draft_id>/documents/", views.file_documents, name="file_documents"),
    path("depots/<uuid:draft_id>/verification/", views.file_review, name="file_review"),
    path("depots/<uuid:draft_id>/deposer/", views.file_submit, name="file_submit"),
    path("depots/<uuid:draft_id>/abandonner/", views.file_delete, name="file_delete"),
    path("depots/<uuid:draft_id>/fichiers/<uuid:file_id>/", views.draft_file, name="draft_file"),
    path("dossiers/<str:reference>/", views.filed, name="filed"),
    path("dossiers/<str:reference>/accuse-de-reception/", views.acknowledgement, name="acknowledgement"),
    path("courrier/", views.mail, name="mail"),
    path("courrier/<uuid:item_id>/", views.mail_item, name="mail_item"),
    path("courrier/<uuid:item_id>/nouvelle-demande/", views.mail_file, name="mail_file"),
    path("courrier/<uuid:item_id>/ajout-a-un-dossier/", views.mail_attach, name="mail_attach"),
    path("courrier/<uuid:item_id>/courrier-numerise/", views.mail_scan, name="mail_scan"),
]
