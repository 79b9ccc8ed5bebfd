"""The Admiville demo of reports: categories for the four families, sectors, reports in every status."""

import pytest
from django.urls import reverse

from parvis.demo.loader import load_demo
from parvis.reports import geo, workflow
from parvis.reports.demo import load_reports_demo
from parvis.reports.models import Report, ReportCategory, ReportPhoto

pytestmark = pytest.mark.django_db


def test_demo_reports_in_every_status_on_the_map_of_admiville(client, mailbox, django_capture_on_commit_callbacks):
    load_demo()
    with django_capture_on_commit_callbacks(execute=True):
        load_reports_demo()
    groups = set(ReportCategory.objects.filter(parent=None).values_list("slug", flat=True))
    assert {"voirie", "eclairage-public", "proprete", "espaces-verts"} <= groups
    leaves = set(ReportCategory.objects.exclude(parent=None).values_list("slug", flat=True))
    assert {"voirie-nid-de-poule", "voirie-chaussee", "eclairage-lampadaire", "proprete-depot-sauvage",
            "proprete-tag", "espaces-verts-arbre", "espaces-verts-entretien"} <= leaves
    reports = list(Report.objects.select_related("case", "case__department"))
    assert {report.case.status for report in reports} == set(workflow.ALL_STATUSES)
    assert all(geo.in_commune(report.latitude, report.longitude) for report in reports)
    by_key = {report.device_id: report for report in reports}
    assert by_key["demo:depot-tilleuls"].case.department.slug == "espaces-verts"  # eastern sector
    assert by_key["demo:tag-paix"].case.department.slug == "voirie" and by_key["demo:tag-paix"].case.channel == "phone"
    assert by_key["demo:nid-ecoles-bis"].merged_into == by_key["demo:nid-ecoles"]
    assert ReportPhoto.objects.filter(kind="repair", is_public=True).exists()
    assert not mailbox.messages  # the demo writes to nobody
    # Loading again changes nothing.
    assert load_reports_demo() == 0
    assert Report.objects.count() == len(reports)
    html = client.get(reverse("reports:list")).content.decode()
    assert f"{len(reports)} signalements" in html
    services_list = client.get("/open311/v2/services.json").json()
    assert len(services_list) == 7


def test_demo_needs_the_demo_departments(db):
    with pytest.raises(RuntimeError, match="load_demo"):
        load_reports_demo()
