from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("parvis.ui.urls")),
    path("compte/", include("parvis.accounts.urls")),
    path("demarches/", include("parvis.filing.urls")),
    path("demarches/", include("parvis.procedures.urls")),
    path("mes-demandes/", include("parvis.cases.urls")),
    path("administration/", include("parvis.organisation.urls")),
    path("agents/dossiers/", include("parvis.cases.agent_urls")),
    path("agents/guichet/", include("parvis.counter.urls")),
    path("agents/donnees-personnelles/", include("parvis.privacy.urls")),
    path("agents/demarches/", include("parvis.builder.urls")),
    path("agents/registre-des-traitements/", include("parvis.privacy.register_urls")),
    path("agents/", include("parvis.backoffice.urls")),
    path("signalements/", include("parvis.reports.urls")),
    path("famille/", include("parvis.families.urls")),
    path("paiements/", include("parvis.billing.urls")),
    path("open311/", include("parvis.reports.open311_urls")),
    path("rendez-vous/", include("parvis.appointments.urls")),
    path("api/ants/", include("parvis.appointments.api_urls")),
    path("django-admin/", admin.site.urls),
]

handler404 = "parvis.ui.views.page_not_found"
handler500 = "parvis.ui.views.server_error"
handler403 = "parvis.ui.views.permission_denied"
handler400 = "parvis.ui.views.bad_request"
