"""Geometry without PostGIS: points, polygons (GeoJSON), distances, the commune's boundary.

Positions are WGS84 floats (latitude, longitude). Polygons follow GeoJSON: `Polygon` (rings of [lon, lat],
the first ring the outline, the others holes) or `MultiPolygon`. Point-in-polygon is the even-odd ray
casting, in plain Python: sectors and the commune boundary are a handful of polygons of a few hundred
points, read once and cached.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

EARTH_RADIUS_M = 6_371_000
METERS_PER_DEGREE_LAT = 111_320


class GeometryError(ValueError):
    """A geometry that is not a usable GeoJSON Polygon or MultiPolygon (French message)."""


def valid_position(lat, lon) -> bool:
    return (isinstance(lat, int | float) and isinstance(lon, int | float) and math.isfinite(lat)
            and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180)


def parse_position(lat, lon) -> tuple[float, float]:
    """(lat, lon) as floats from text or numbers; ValueError when not a valid WGS84 position."""
    try:
        lat_f, lon_f = float(str(lat).strip().replace(",", ".")), float(str(lon).strip().replace(",", "."))
    except (TypeError, ValueError):
        raise ValueError("position invalide") from None
    if not valid_position(lat_f, lon_f):
        raise ValueError("position invalide")
    return lat_f, lon_f


def haversine_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat, lon, meters) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a square of ±`meters` around a point: the prefilter of a radius search."""
    dlat = meters / METERS_PER_DEGREE_LAT
    dlon = meters / (METERS_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


# --- Polygons ----------------------------------------------------------------------------------------------

def _ring_contains(ring, lon, lat) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat):
            x_cross = (xj - xi) * (lat - yi) / (yj - yi) + xi
            if lon < x_cross:
                inside = not inside
        j = i
    return inside


def _polygon_contains(rings, lon, lat) -> bool:
    if not rings or not _ring_contains(rings[0], lon, lat):
        return False
    return not any(_ring_contains(hole, lon, lat) for hole in rings[1:])


@dataclass(frozen=True)
class Area:
    """A validated (Multi)Polygon with its bounding box, ready for point-in-polygon tests."""

    polygons: tuple  # of tuples of rings, each ring a tuple of (lon, lat)
    south: float
    west: float
    north: float
    east: float

    def contains(self, lat, lon) -> bool:
        if not (self.south <= lat <= self.north and self.west <= lon <= self.east):
            return False
        return any(_polygon_contains(rings, lon, lat) for rings in self.polygons)

    @property
    def center(self) -> tuple[float, float]:
        return (self.south + self.north) / 2, (self.west + self.east) / 2

    def as_geojson(self) -> dict:
        if len(self.polygons) == 1:
            return {"type": "Polygon", "coordinates": [[list(point) for point in ring] for ring in self.polygons[0]]}
        return {"type": "MultiPolygon",
                "coordinates": [[[list(point) for point in ring] for ring in rings] for rings in self.polygons]}


def _clean_ring(ring, where):
    if not isinstance(ring, list | tuple) or len(ring) < 4:
        raise GeometryError(f"{where} : un contour doit avoir au moins 4 points (le premier répété à la fin).")
    points = []
    for point in ring:
        if not isinstance(point, list | tuple) or len(point) < 2:
            raise GeometryError(f"{where} : chaque point est une paire [longitude, latitude].")
        lon, lat = point[0], point[1]
        if isinstance(lon, bool) or isinstance(lat, bool) or not valid_position(lat, lon):
            raise GeometryError(f"{where} : coordonnées invalides {point!r} (attendu [longitude, latitude]).")
        points.append((float(lon), float(lat)))
    if points[0] != points[-1]:
        raise GeometryError(f"{where} : le contour doit être fermé (le dernier point égal au premier).")
    return tuple(points)


def _geometry_of(data):
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        geometries = [_geometry_of(feature) for feature in data.get("features") or []]
        polygons = [polygon for geometry in geometries for polygon in geometry]
        if not polygons:
            raise GeometryError("La collection ne contient aucun polygone.")
        return polygons
    if isinstance(data, dict) and data.get("type") == "Feature":
        return _geometry_of(data.get("geometry"))
    if not isinstance(data, dict) or data.get("type") not in ("Polygon", "MultiPolygon"):
        raise GeometryError("Géométrie attendue : un Polygon ou un MultiPolygon GeoJSON.")
    coordinates = data.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        raise GeometryError("La géométrie n'a pas de coordonnées.")
    polygons = [coordinates] if data["type"] == "Polygon" else coordinates
    return polygons


def parse_area(data) -> Area:
    """An `Area` from GeoJSON (Polygon, MultiPolygon, Feature or FeatureCollection of them); GeometryError."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            raise GeometryError("Le texte n'est pas du JSON valide.") from None
    polygons = []
    for index, rings in enumerate(_geometry_of(data), start=1):
        if not isinstance(rings, list) or not rings:
            raise GeometryError(f"Polygone n° {index} : aucun contour.")
        polygons.append(tuple(_clean_ring(ring, f"Polygone n° {index}, contour n° {number}")
                              for number, ring in enumerate(rings, start=1)))
    outline = [point for rings in polygons for point in rings[0]]
    return Area(polygons=tuple(polygons), south=min(p[1] for p in outline), west=min(p[0] for p in outline),
                north=max(p[1] for p in outline), east=max(p[0] for p in outline))


def bbox_area(south, west, north, east) -> Area:
    if not (south < north and west < east):
        raise GeometryError("Emprise invalide : attendu sud < nord et ouest < est.")
    ring = ((west, south), (east, south), (east, north), (west, north), (west, south))
    return Area(polygons=((ring,),), south=south, west=west, north=north, east=east)


# --- The commune ---------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _load_boundary(path: str, bbox: tuple) -> Area:
    if path:
        try:
            return parse_area(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise GeometryError(f"Contour de la commune illisible ({path}) : {error}") from error
    try:
        south, west, north, east = (float(value) for value in bbox)
    except (TypeError, ValueError):
        raise GeometryError("COMMUNE_BBOX : attendu « sud,ouest,nord,est » en degrés décimaux.") from None
    return bbox_area(south, west, north, east)


def commune_area() -> Area:
    """The commune's boundary: the GeoJSON file of COMMUNE_BOUNDARY_FILE, else the box COMMUNE_BBOX."""
    from django.conf import settings

    return _load_boundary(settings.COMMUNE_BOUNDARY_FILE or "", tuple(settings.COMMUNE_BBOX))


def in_commune(lat, lon) -> bool:
    return commune_area().contains(lat, lon)
