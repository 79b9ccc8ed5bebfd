"""The project's URLs with a stand-in case page (`casework:detail`), to test the inbox's links to it."""

from django.http import HttpResponse
from django.urls import include, path

from parvis.urls import urlpatterns as project_urlpatterns

casework = ([path("<str:reference>/", lambda request, reference: HttpResponse(reference), name="detail")],
            "casework")

urlpatterns = [path("agents/dossiers/", include(casework))] + [
    pattern for pattern in project_urlpatterns if getattr(pattern, "namespace", None) != "casework"
]
