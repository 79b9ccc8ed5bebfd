"""The no-code builder, under /agents/demarches/ (namespace `builder`). Documented in docs/builder-guide.md."""

from django.urls import path

from parvis.builder.views import form, procedures, trial, workflow

app_name = "builder"
urlpatterns = [
    path("", procedures.procedure_list, name="list"),
    path("nouvelle/", procedures.create, name="create"),
    path("importer/", procedures.import_procedure, name="import"),
    path("bibliotheque/", procedures.library_list, name="library"),
    path("bibliotheque/<slug:slug>/", procedures.library_detail, name="library_detail"),
    path("a-tester/", procedures.to_test, name="to_test"),
    # One procedure
    path("<int:pk>/", procedures.overview, name="overview"),
    path("<int:pk>/informations/", procedures.information, name="information"),
    path("<int:pk>/acces-et-canaux/", procedures.access_settings, name="access"),
    path("<int:pk>/regime-juridique/", procedures.legal, name="legal"),
    path("<int:pk>/donnees-personnelles/", procedures.privacy, name="privacy"),
    path("<int:pk>/publier/", procedures.publish, name="publish"),
    path("<int:pk>/remettre-en-ligne/", procedures.republish, name="republish"),
    path("<int:pk>/mettre-hors-ligne/", procedures.unpublish, name="unpublish"),
    path("<int:pk>/fermer/", procedures.close, name="close"),
    path("<int:pk>/abandonner-le-brouillon/", procedures.discard, name="discard"),
    path("<int:pk>/historique/", procedures.history, name="history"),
    path("<int:pk>/exporter/", procedures.export, name="export"),
    # The form
    path("<int:pk>/formulaire/", form.form_overview, name="form"),
    path("<int:pk>/formulaire/deplacer/", form.move, name="form_move"),
    path("<int:pk>/formulaire/pages/ajouter/", form.page_add, name="page_add"),
    path("<int:pk>/formulaire/pages/<slug:key>/", form.page_edit, name="page_edit"),
    path("<int:pk>/formulaire/pages/<slug:key>/ajouter-une-partie/", form.section_add, name="section_add"),
    path("<int:pk>/formulaire/parties/<slug:key>/", form.section_edit, name="section_edit"),
    path("<int:pk>/formulaire/parties/<slug:key>/ajouter-un-champ/", form.field_add, name="field_add"),
    path("<int:pk>/formulaire/champs/<slug:key>/", form.field_edit, name="field_edit"),
    path("<int:pk>/formulaire/apercu-du-champ/", form.field_preview, name="field_preview"),
    path("<int:pk>/formulaire/<str:kind>/<slug:key>/supprimer/", form.element_delete, name="element_delete"),
    path("<int:pk>/formulaire/<str:kind>/<slug:key>/condition/", form.condition, name="condition"),
    # The workflow
    path("<int:pk>/circuit/", workflow.workflow_overview, name="workflow"),
    path("<int:pk>/circuit/deplacer/", workflow.workflow_move, name="workflow_move"),
    path("<int:pk>/circuit/statuts/ajouter/", workflow.status_add, name="status_add"),
    path("<int:pk>/circuit/statuts/<slug:key>/", workflow.status_edit, name="status_edit"),
    path("<int:pk>/circuit/statuts/<slug:key>/supprimer/", workflow.status_delete, name="status_delete"),
    path("<int:pk>/circuit/statuts/<slug:key>/actions/ajouter/", workflow.action_add, name="action_add"),
    path("<int:pk>/circuit/statuts/<slug:key>/actions/<int:index>/", workflow.action_edit, name="action_edit"),
    path("<int:pk>/circuit/statuts/<slug:key>/actions/<int:index>/supprimer/", workflow.action_delete,
         name="action_delete"),
    path("<int:pk>/circuit/transitions/ajouter/", workflow.transition_add, name="transition_add"),
    path("<int:pk>/circuit/transitions/<slug:key>/", workflow.transition_edit, name="transition_edit"),
    path("<int:pk>/circuit/transitions/<slug:key>/supprimer/", workflow.transition_delete, name="transition_delete"),
    # Preview and test mode
    path("<int:pk>/apercu/", trial.preview, name="preview"),
    path("<int:pk>/apercu/recapitulatif/", trial.preview_review, name="preview_review"),
    path("<int:pk>/apercu/pages/<slug:page_key>/", trial.preview_page, name="preview_page"),
    path("<int:pk>/tester/", trial.test_home, name="test_home"),
    path("<int:pk>/tester/supprimer-les-dossiers/", trial.test_cases_delete, name="test_cases_delete"),
    path("<int:pk>/tester/dossiers/<str:reference>/", trial.test_case, name="test_case"),
    path("<int:pk>/tester/<uuid:test_id>/recapitulatif/", trial.test_review, name="test_review"),
    path("<int:pk>/tester/<uuid:test_id>/pages/<slug:page_key>/", trial.test_page, name="test_page"),
]
