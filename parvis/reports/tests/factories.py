"""Test data for reports: two departments, categories with questions, two sectors, agents, photos."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from parvis.organisation.models import Role
from parvis.reports.models import ReportCategory, ReportQuestion, ReportSector, SectorRoute
from parvis.testing.factories import make_agent, make_department

CENTER = (48.8500, 2.3500)
WEST_POINT = (48.8510, 2.3400)
EAST_POINT = (48.8510, 2.3600)
OUTSIDE = (48.9000, 2.5000)


@dataclass
class World:
    roads: object
    parks: object
    pothole: object
    pavement: object
    lamp: object
    litter: object
    tree: object
    west: object
    east: object
    road_officer: object
    road_head: object
    parks_officer: object
    front_desk: object


def _values(*pairs):
    return [{"key": key, "name": name} for key, name in pairs]


def make_world() -> World:
    roads = make_department(name="Voirie", slug="voirie-test", email="voirie@admiville.fr")
    parks = make_department(name="Espaces verts", slug="espaces-verts-test", email="verts@admiville.fr")
    road_top = ReportCategory.objects.create(name="Voirie", slug="voirie", department=roads, sort_order=10)
    pothole = ReportCategory.objects.create(name="Nid-de-poule", slug="nid-de-poule", parent=road_top,
                                            service_notice="Mise en sécurité sous 48 heures.",
                                            keywords="trou, chaussée", description="Un trou dans la chaussée.")
    pavement = ReportCategory.objects.create(name="Trottoir abîmé", slug="trottoir", parent=road_top)
    lighting = ReportCategory.objects.create(name="Éclairage public", slug="eclairage", department=roads,
                                             sort_order=20)
    lamp = ReportCategory.objects.create(name="Lampadaire en panne", slug="lampadaire", parent=lighting)
    cleaning = ReportCategory.objects.create(name="Propreté", slug="proprete", department=roads, sort_order=30)
    litter = ReportCategory.objects.create(name="Dépôt sauvage", slug="depot-sauvage", parent=cleaning)
    tree = ReportCategory.objects.create(name="Arbre", slug="arbre", department=parks, sort_order=40)
    ReportQuestion.objects.create(category=road_top, code="danger", label="Présente-t-il un danger ?",
                                  datatype="singlevaluelist", required=False, order=1,
                                  values=_values(("oui", "Oui"), ("non", "Non")))
    ReportQuestion.objects.create(category=pothole, code="taille", label="Taille du trou",
                                  datatype="singlevaluelist", required=True, order=2,
                                  values=_values(("petit", "Petit"), ("grand", "Grand")))
    ReportQuestion.objects.create(category=litter, code="nature", label="Nature des déchets",
                                  datatype="multivaluelist", required=False, order=1,
                                  values=_values(("sacs", "Sacs"), ("gravats", "Gravats"), ("meubles", "Meubles")))
    ReportQuestion.objects.create(category=lamp, code="numero", label="Numéro du mât", datatype="string",
                                  required=False, order=1, help_text="Inscrit sur une plaque.")
    west = ReportSector.objects.create(name="Ouest", slug="ouest", geometry={"type": "Polygon", "coordinates": [[
        [2.325, 48.835], [2.35, 48.835], [2.35, 48.865], [2.325, 48.865], [2.325, 48.835]]]})
    east = ReportSector.objects.create(name="Est", slug="est", geometry={"type": "Polygon", "coordinates": [[
        [2.35, 48.835], [2.375, 48.835], [2.375, 48.865], [2.35, 48.865], [2.35, 48.835]]]})
    SectorRoute.objects.create(category=cleaning, sector=east, department=parks)
    return World(
        roads=roads, parks=parks, pothole=pothole, pavement=pavement, lamp=lamp, litter=litter, tree=tree,
        west=west, east=east,
        road_officer=make_agent(roads, Role.CASE_OFFICER, email="instructeur.voirie@admiville.fr"),
        road_head=make_agent(roads, Role.HEAD),
        parks_officer=make_agent(parks, Role.CASE_OFFICER, email="instructeur.verts@admiville.fr"),
        front_desk=make_agent(roads, Role.FRONT_DESK),
    )


def jpeg_bytes(size=(2400, 1800), gps=None, color=(180, 90, 40), extra_exif=True, quality=90) -> bytes:
    """A JPEG with EXIF: camera, dates, description and, when given, a GPS position (lat, lon)."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if extra_exif:
        exif[0x010F] = "CameraMaker"  # Make
        exif[0x0110] = "SecretPhone 12"  # Model
        exif[0x0132] = "2026:03:02 10:15:00"  # DateTime
        exif[0x010E] = "Photo personnelle de Camille"  # ImageDescription
        exif[0x0112] = 1  # Orientation
    if gps is not None:
        lat, lon = gps
        exif[0x8825] = {
            1: "N" if lat >= 0 else "S", 2: _dms(abs(lat)),
            3: "E" if lon >= 0 else "W", 4: _dms(abs(lon)),
        }
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=quality, exif=exif.tobytes())
    return output.getvalue()


def _dms(value):
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = (minutes_full - minutes) * 60
    return float(degrees), float(minutes), round(seconds, 4)


def png_bytes(size=(300, 200), alpha=True) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", size, (10, 200, 10, 128) if alpha else (10, 200, 10))
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()
