"""Geometry without PostGIS: point in polygon, distances, the commune's boundary."""

import json

import pytest

from parvis.reports import geo

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
                                             [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]]}


def test_polygon_with_a_hole():
    area = geo.parse_area(SQUARE)
    assert area.contains(1, 1)  # (lat, lon)
    assert not area.contains(5, 5)  # in the hole
    assert not area.contains(11, 5)
    assert not area.contains(-0.1, 5)


def test_multipolygon_feature_collection_and_concave_shape():
    concave = [[0, 0], [10, 0], [10, 10], [5, 2], [0, 10], [0, 0]]  # a "V" opening to the north
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [concave]}},
        {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [
            [[[20, 20], [21, 20], [21, 21], [20, 21], [20, 20]]]]}}]}
    area = geo.parse_area(json.dumps(data))
    assert area.contains(1, 5)
    assert not area.contains(8, 5)  # in the notch of the V
    assert area.contains(20.5, 20.5)
    assert (area.south, area.west, area.north, area.east) == (0, 0, 21, 21)


@pytest.mark.parametrize("bad", [
    {"type": "Point", "coordinates": [1, 2]},
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]},
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 100], [0, 0]]]},
    "pas du json",
])
def test_bad_geometries_are_refused_in_french(bad):
    with pytest.raises(geo.GeometryError):
        geo.parse_area(bad)


def test_haversine_and_bounding_box():
    assert geo.haversine_m(48.85, 2.35, 48.85, 2.35) == 0
    one_km = geo.haversine_m(48.85, 2.35, 48.85 + 1 / 111.2, 2.35)
    assert 995 < one_km < 1005
    south, west, north, east = geo.bounding_box(48.85, 2.35, 100)
    assert geo.haversine_m(48.85, 2.35, north, 2.35) == pytest.approx(100, rel=0.01)
    assert geo.haversine_m(48.85, 2.35, 48.85, east) == pytest.approx(100, rel=0.01)


def test_parse_position():
    assert geo.parse_position("48,85", " 2.35 ") == (48.85, 2.35)
    for lat, lon in (("nan", "2"), ("91", "2"), ("", "2"), ("48", "inf"), (None, 2)):
        with pytest.raises(ValueError):
            geo.parse_position(lat, lon)


def test_commune_boundary_from_the_box_or_a_geojson_file(settings, tmp_path):
    settings.COMMUNE_BOUNDARY_FILE = ""
    settings.COMMUNE_BBOX = ["48.8350", "2.3250", "48.8650", "2.3750"]
    assert geo.in_commune(48.85, 2.35)
    assert not geo.in_commune(48.90, 2.35)
    path = tmp_path / "commune.geojson"
    path.write_text(json.dumps({"type": "Feature", "geometry": SQUARE}), encoding="utf-8")
    settings.COMMUNE_BOUNDARY_FILE = str(path)
    assert geo.in_commune(1, 1) and not geo.in_commune(5, 5) and not geo.in_commune(48.85, 2.35)
