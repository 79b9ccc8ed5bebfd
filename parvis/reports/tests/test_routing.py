"""Routing: each category belongs to a department, sub-categories inherit it, sectors may send reports elsewhere."""

import pytest

from parvis.cases.models import CaseEvent
from parvis.reports import services
from parvis.reports.tests.factories import EAST_POINT, WEST_POINT

pytestmark = pytest.mark.django_db


def _file(category, point=WEST_POINT, **kwargs):
    lat, lon = point if point else (None, None)
    kwargs.setdefault("address", "" if point else "Quelque part")
    return services.file_report(category=category, description="Problème.", latitude=lat, longitude=lon,
                                answers={"taille": "petit"} if category.slug == "nid-de-poule" else None, **kwargs)


def test_a_sub_category_goes_to_its_parent_department(world):
    report = _file(world.pothole)
    assert report.case.department == world.roads and report.sector == world.west


def test_a_category_of_another_department(world):
    assert _file(world.tree).case.department == world.parks


def test_the_sector_route_of_the_parent_category_applies_to_its_sub_categories(world):
    west, east = _file(world.litter, WEST_POINT), _file(world.litter, EAST_POINT)
    assert west.case.department == world.roads and west.sector == world.west
    assert east.case.department == world.parks and east.sector == world.east
    event = CaseEvent.objects.get(case=east.case, kind="report_routed")
    assert "Espaces verts" in event.description and "secteur Est" in event.description


def test_a_route_of_the_sub_category_wins_over_its_parent(world):
    from parvis.reports.models import SectorRoute
    from parvis.testing.factories import make_department

    cleaning_east = make_department(name="Propreté Est", slug="proprete-est")
    SectorRoute.objects.create(category=world.litter, sector=world.east, department=cleaning_east)
    assert _file(world.litter, EAST_POINT).case.department == cleaning_east


def test_without_position_the_category_department(world):
    assert _file(world.litter, None).case.department == world.roads


def test_routing_shows_in_the_agents_inbox_of_the_right_department(world):
    from parvis.backoffice.access import cases_visible_to

    report = _file(world.litter, EAST_POINT)
    assert cases_visible_to(world.parks_officer).filter(pk=report.case.pk).exists()
    assert not cases_visible_to(world.road_officer).filter(pk=report.case.pk).exists()


def test_qualifying_with_another_category_reroutes(world):
    report = _file(world.pothole, EAST_POINT)
    version = report.case.version
    report = services.qualify_report(report, actor=world.road_officer, expected_version=version, category=world.tree)
    report.case.refresh_from_db()
    assert report.category == world.tree and report.case.department == world.parks
    assert report.case.version == version + 1
    kinds = list(CaseEvent.objects.filter(case=report.case).values_list("kind", flat=True))
    assert "report_category" in kinds and "report_rerouted" in kinds


def test_the_reports_procedure_is_created_once_with_its_workflow(world):
    procedure, revision = services.get_report_procedure()
    assert procedure.family == "report" and procedure.regime == "none" and procedure.allow_anonymous
    assert revision.workflow["initial"] == "received"
    assert {s["key"] for s in revision.workflow["statuses"]} == {
        "received", "scheduled", "in_progress", "resolved", "not_our_remit", "duplicate"}
    assert services.get_report_procedure() == (procedure, revision)


def test_an_existing_procedure_gets_a_new_revision_with_the_workflow(world):
    from parvis.procedures.models import ProcedureRevision
    from parvis.testing.factories import make_procedure

    existing = make_procedure(slug="signalement-espace-public", regime="none", period_value=None,
                              schema={"version": 1, "pages": []})
    first = existing.published_revision
    procedure, revision = services.get_report_procedure()
    assert procedure == existing and revision.number == 2 and revision.form_schema == first.form_schema
    assert ProcedureRevision.objects.get(pk=first.pk).workflow == {}  # a published revision never changes
