"""The reports of the Admiville demo: categories (voirie, éclairage public, propreté, espaces verts) with their
questions, two sectors splitting the town east/west (the Espaces verts department keeps the eastern sector
clean), and reports in every status around the town centre (48.85, 2.35), inside the default COMMUNE_BBOX.

`load_reports_demo()` is idempotent: categories, sectors and routes are found by slug, demo reports by their
`device_id` ("demo:<key>"). It needs the demo departments and agents (`parvis.demo.loader.load_demo`). No email
is sent: demo reports carry no email address and their changes are made without notification.
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from parvis.organisation.models import Department
from parvis.reports import services, workflow
from parvis.reports.models import Report, ReportCategory, ReportQuestion, ReportSector, SectorRoute


def _values(*pairs):
    return [{"key": key, "name": name} for key, name in pairs]


CATEGORIES = [
    {"slug": "voirie", "name": "Voirie", "department": "voirie", "sort_order": 10,
     "description": "Chaussée, trottoirs, bordures.", "children": [
         {"slug": "voirie-nid-de-poule", "name": "Nid-de-poule", "sort_order": 10,
          "description": "Un trou dans la chaussée ou sur une piste cyclable.",
          "keywords": "trou, chaussée, route, nid de poule",
          "service_notice": "Mise en sécurité sous 48 heures ouvrées.",
          "questions": [
              {"code": "taille", "label": "Taille approximative du trou", "datatype": "singlevaluelist",
               "required": True, "order": 1,
               "values": _values(("petit", "Moins de 30 cm"), ("moyen", "De 30 cm à 1 m"), ("grand", "Plus d'1 m"))},
              {"code": "danger_cyclistes", "label": "Sur le passage des cyclistes ?", "datatype": "singlevaluelist",
               "required": False, "order": 2, "values": _values(("oui", "Oui"), ("non", "Non"))},
          ]},
         {"slug": "voirie-chaussee", "name": "Chaussée ou trottoir abîmé", "sort_order": 20,
          "description": "Revêtement fissuré, bordure descellée, pavés manquants.",
          "keywords": "trottoir, bordure, pavé, revêtement",
          "service_notice": "Intervention programmée selon l'urgence."},
     ]},
    {"slug": "eclairage-public", "name": "Éclairage public", "department": "voirie", "sort_order": 20,
     "description": "Lampadaires et éclairage des rues.", "children": [
         {"slug": "eclairage-lampadaire", "name": "Lampadaire en panne", "sort_order": 10,
          "description": "Éteint, clignotant, allumé en plein jour ou endommagé.",
          "keywords": "lampadaire, éclairage, lumière, réverbère", "service_notice": "Réparation sous 5 jours ouvrés.",
          "questions": [
              {"code": "numero", "label": "Numéro inscrit sur le mât", "datatype": "string", "required": False,
               "order": 1, "help_text": "Une plaque sur le mât porte souvent un numéro : il aide à le retrouver."},
              {"code": "etat", "label": "État du lampadaire", "datatype": "singlevaluelist", "required": True,
               "order": 2, "values": _values(("eteint", "Éteint"), ("clignote", "Clignote"),
                                             ("allume_jour", "Allumé en plein jour"), ("endommage", "Endommagé"))},
          ]},
     ]},
    {"slug": "proprete", "name": "Propreté", "department": "voirie", "sort_order": 30,
     "description": "Déchets, dépôts sauvages, tags.", "routes": [("est", "espaces-verts")], "children": [
         {"slug": "proprete-depot-sauvage", "name": "Dépôt sauvage", "sort_order": 10,
          "description": "Encombrants, sacs ou gravats abandonnés.", "keywords": "déchets, encombrants, ordures",
          "service_notice": "Enlèvement sous 3 jours ouvrés.",
          "questions": [
              {"code": "nature", "label": "Nature des déchets", "datatype": "multivaluelist", "required": False,
               "order": 1, "values": _values(("encombrants", "Encombrants (meubles, électroménager)"),
                                             ("sacs", "Sacs d'ordures"), ("gravats", "Gravats"),
                                             ("dangereux", "Produits dangereux (pots de peinture, bidons)"))},
          ]},
         {"slug": "proprete-tag", "name": "Tag ou graffiti", "sort_order": 20,
          "description": "Sur un mur, un mobilier urbain ou un bâtiment.", "keywords": "tag, graffiti, peinture",
          "service_notice": "Effacement sous 10 jours ouvrés (48 heures s'il est injurieux).",
          "questions": [
              {"code": "injurieux", "label": "Le tag est-il injurieux ou discriminatoire ?",
               "datatype": "singlevaluelist", "required": True, "order": 1, "values": _values(("oui", "Oui"),
                                                                                                ("non", "Non"))},
              {"code": "support", "label": "Sur quoi ?", "datatype": "singlevaluelist", "required": False,
               "order": 2, "values": _values(("public", "Bâtiment ou mobilier public"),
                                             ("prive", "Façade privée visible de la rue"))},
          ]},
     ]},
    {"slug": "espaces-verts", "name": "Espaces verts", "department": "espaces-verts", "sort_order": 40,
     "description": "Parcs, arbres, massifs.", "children": [
         {"slug": "espaces-verts-arbre", "name": "Arbre", "sort_order": 10,
          "description": "Branche cassée, arbre penché ou malade.", "keywords": "arbre, branche, élagage",
          "service_notice": "Mise en sécurité le jour même en cas de danger."},
         {"slug": "espaces-verts-entretien", "name": "Espace vert mal entretenu", "sort_order": 20,
          "description": "Herbe haute, massif abîmé, aire de jeux sale.", "keywords": "parc, pelouse, massif, tonte",
          "service_notice": "Intervention lors du prochain passage de l'équipe du secteur."},
     ]},
]

_WEST, _MIDDLE, _EAST, _SOUTH, _NORTH = 2.3250, 2.3500, 2.3750, 48.8350, 48.8650
SECTORS = [
    {"slug": "ouest", "name": "Secteur Ouest", "sort_order": 10, "geometry": {"type": "Polygon", "coordinates": [[
        [_WEST, _SOUTH], [_MIDDLE, _SOUTH], [_MIDDLE, _NORTH], [_WEST, _NORTH], [_WEST, _SOUTH]]]}},
    {"slug": "est", "name": "Secteur Est", "sort_order": 20, "geometry": {"type": "Polygon", "coordinates": [[
        [_MIDDLE, _SOUTH], [_EAST, _SOUTH], [_EAST, _NORTH], [_MIDDLE, _NORTH], [_MIDDLE, _SOUTH]]]}},
]

_VOIRIE = "instructeur.voirie@admiville.fr"
_VERTS = "instructeur.espacesverts@admiville.fr"

# key, category, (lat, lon), address, description, answers, days ago, steps [(transition, days ago, extra)]
REPORTS = [
    ("nid-ecoles", "voirie-nid-de-poule", (48.8531, 2.3442), "12 rue des Écoles 99100 Admiville",
     "Un trou profond devant l'école, les voitures font un écart.", {"taille": "moyen", "danger_cyclistes": "oui"},
     2, []),
    ("lampadaire-lilas", "eclairage-lampadaire", (48.8557, 2.3566), "8 rue des Lilas 99100 Admiville",
     "Le lampadaire en face du n° 8 est éteint depuis trois soirs.", {"etat": "eteint", "numero": "L-2231"}, 1, []),
    ("tag-paix", "proprete-tag", (48.8478, 2.3421), "5 rue de la Paix 99100 Admiville",
     "Grand tag sur le mur du gymnase, côté rue.", {"injurieux": "non", "support": "public"}, 3, []),
    ("chaussee-jaures", "voirie-chaussee", (48.8440, 2.3480), "23 avenue Jean-Jaurès 99100 Admiville",
     "Le trottoir est soulevé par les racines, on trébuche facilement.", {}, 9,
     [("schedule", 6, {"expected_in_days": 5, "answer": "Réfection du trottoir programmée la semaine prochaine."})]),
    ("arbre-moulin", "espaces-verts-arbre", (48.8580, 2.3610), "Parc du Moulin 99100 Admiville",
     "Une grosse branche pend au-dessus de l'allée principale du parc.", {}, 4,
     [("schedule", 3, {"expected_in_days": 2})]),
    ("depot-tilleuls", "proprete-depot-sauvage", (48.8465, 2.3588), "40 avenue des Tilleuls 99100 Admiville",
     "Un canapé et plusieurs sacs déposés au pied des conteneurs.", {"nature": ["encombrants", "sacs"]}, 5,
     [("start", 1, {})]),
    ("nid-republique", "voirie-nid-de-poule", (48.8502, 2.3497), "1 place de la République 99100 Admiville",
     "Nid-de-poule sur la place, à l'entrée du parking.", {"taille": "petit"}, 6, [("start", 2, {})]),
    ("lampadaire-gare", "eclairage-lampadaire", (48.8521, 2.3398), "Rue de la Gare 99100 Admiville",
     "Le lampadaire clignote toute la nuit.", {"etat": "clignote"}, 20,
     [("start", 15, {}), ("resolve", 12, {"answer": "L'ampoule a été remplacée. Merci pour votre signalement.",
                                          "repair_photo": True})]),
    ("tag-mairie", "proprete-tag", (48.8505, 2.3485), "Place de la République 99100 Admiville",
     "Tag injurieux sur l'abribus devant la mairie.", {"injurieux": "oui", "support": "public"}, 14,
     [("resolve", 13, {"answer": "Le tag a été effacé le lendemain du signalement."})]),
    ("entretien-square", "espaces-verts-entretien", (48.8550, 2.3620), "Square des Peupliers 99100 Admiville",
     "L'herbe n'a pas été coupée depuis des semaines, l'aire de jeux est envahie.", {}, 30,
     [("schedule", 25, {"expected_in_days": 3}), ("start", 22, {}),
      ("resolve", 21, {"answer": "Tonte et nettoyage de l'aire de jeux réalisés."})]),
    ("chaussee-autoroute", "voirie-chaussee", (48.8360, 2.3300), "Bretelle de l'autoroute A99 99100 Admiville",
     "Des nids-de-poule sur la bretelle d'accès à l'autoroute.", {}, 12,
     [("not_our_remit", 10, {"answer": "Cette bretelle relève de la société concessionnaire de l'autoroute. Nous "
                                       "lui avons transmis votre signalement ; vous pouvez aussi la contacter "
                                       "directement."})]),
    ("nid-ecoles-bis", "voirie-nid-de-poule", (48.8532, 2.3443), "Rue des Écoles 99100 Admiville",
     "Trou dans la chaussée devant l'école primaire.", {"taille": "moyen"}, 1,
     [("mark_duplicate", 0, {"of": "nid-ecoles"})]),
]

_PHONE_REPORTS = {"tag-paix"}


def _photo_bytes(color):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((200, 150, 600, 450), outline=(255, 255, 255), width=12)
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=80)
    return output.getvalue()


def _load_categories(departments):
    categories = {}
    for top in CATEGORIES:
        values = {"name": top["name"], "department": departments[top["department"]], "sort_order": top["sort_order"],
                  "description": top.get("description", ""), "parent": None, "is_active": True}
        parent = _upsert_category(top["slug"], values)
        categories[top["slug"]] = parent
        for child in top.get("children", []):
            values = {"name": child["name"], "parent": parent, "department": None, "sort_order": child["sort_order"],
                      "description": child.get("description", ""), "keywords": child.get("keywords", ""),
                      "service_notice": child.get("service_notice", ""), "is_active": True}
            category = _upsert_category(child["slug"], values)
            categories[child["slug"]] = category
            for question in child.get("questions", []):
                ReportQuestion.objects.update_or_create(
                    category=category, code=question["code"],
                    defaults={key: question.get(key, default) for key, default in (
                        ("label", ""), ("datatype", "string"), ("required", False), ("order", 1),
                        ("help_text", ""), ("values", []))})
    return categories


def _upsert_category(slug, values):
    category = ReportCategory.objects.filter(slug=slug).first()
    if category is None:
        return ReportCategory.objects.create(slug=slug, **values)
    changed = [name for name, value in values.items() if getattr(category, name) != value]
    if changed:
        for name in changed:
            setattr(category, name, values[name])
        category.save()
    return category


def _load_sectors(categories, departments):
    sectors = {}
    for definition in SECTORS:
        sector, _created = ReportSector.objects.update_or_create(
            slug=definition["slug"], defaults={"name": definition["name"], "geometry": definition["geometry"],
                                               "sort_order": definition["sort_order"]})
        sectors[sector.slug] = sector
    for top in CATEGORIES:
        for sector_slug, department_slug in top.get("routes", []):
            SectorRoute.objects.update_or_create(category=categories[top["slug"]], sector=sectors[sector_slug],
                                                 defaults={"department": departments[department_slug]})
    return sectors


def load_reports_demo(now=None):
    """Creates or updates the demo categories, sectors and reports. Returns the number of reports created."""
    now = now or timezone.now()
    departments = {department.slug: department for department in Department.objects.filter(
        slug__in=["voirie", "espaces-verts"])}
    if len(departments) < 2:
        raise RuntimeError("Les services « voirie » et « espaces-verts » de la démo sont nécessaires : "
                           "lancez d'abord manage.py load_demo.")
    users = {user.email: user for user in get_user_model().objects.filter(email__in=[_VOIRIE, _VERTS])}
    created = 0
    with transaction.atomic():
        categories = _load_categories(departments)
        _load_sectors(categories, departments)
        services.get_report_procedure()
        by_key = {report.device_id.removeprefix("demo:"): report for report in
                  Report.objects.filter(device_id__startswith="demo:").select_related("case")}
        for key, slug, (lat, lon), address, description, answers, days, steps in REPORTS:
            if key in by_key:
                continue
            received_at = now - dt.timedelta(days=days, hours=2)
            phone = key in _PHONE_REPORTS
            agent = users.get(_VERTS if categories[slug].parent.slug == "espaces-verts" else _VOIRIE)
            report = services.file_report(
                category=categories[slug], description=description, latitude=lat, longitude=lon, address=address,
                answers=answers, channel="phone" if phone else "web", filed_by=agent if phone else None,
                contact_name="Résident de la démo" if phone else "", device_id=f"demo:{key}",
                received_at=received_at, geocode=False,
                photos=[(_photo_bytes((120, 110, 100)), "signalement.jpg")] if key == "lampadaire-gare" else (),
            )
            by_key[key] = report
            created += 1
            for transition, step_days, extra in steps:
                at = now - dt.timedelta(days=step_days, hours=1)
                handler = users.get(_VERTS) if report.case.department.slug == "espaces-verts" else users.get(_VOIRIE)
                if handler is None:
                    break
                report.case.refresh_from_db()
                report = services.change_report_status(
                    report, transition, actor=handler, expected_version=report.case.version,
                    public_answer=extra.get("answer"),
                    expected_at=now + dt.timedelta(days=extra["expected_in_days"]) if "expected_in_days" in extra
                    else None,
                    repair_photo=(_photo_bytes((70, 120, 80)), "intervention.jpg") if extra.get("repair_photo")
                    else None,
                    duplicate_of=by_key.get(extra.get("of")) if transition == workflow.MARK_DUPLICATE else None,
                    at=at, notify=False)
            if key == "lampadaire-gare":
                report.case.refresh_from_db()
                services.qualify_report(report, actor=users.get(_VOIRIE), expected_version=None,
                                        published_photo_ids=[photo.pk for photo in report.photos.all()], at=now)
    return created
