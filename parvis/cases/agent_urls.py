"""Agents' URLs of cases, under /agents/dossiers/ (docs/dev/backoffice-contract.md)."""

from django.urls import path

from parvis.cases import agent_views

app_name = "casework"
urlpatterns = [
    path("delais/", agent_views.deadlines, name="deadlines"),
    path("<str:reference>/", agent_views.detail, name="detail"),
    path("<str:reference>/actions/<str:key>/", agent_views.transition, name="transition"),
    path("<str:reference>/affectation/", agent_views.assign, name="assign"),
    path("<str:reference>/message/", agent_views.message, name="message"),
    path("<str:reference>/note/", agent_views.note, name="note"),
    path("<str:reference>/motifs/", agent_views.answer_reasons, name="answer_reasons"),
    path("<str:reference>/documents/<int:document_id>/", agent_views.document, name="document"),
]
