"""Services of reports: filing (every channel), routing, duplicates and followers, the agents' handling.

Every change of a report goes through a function here. Changes of its case go through the cases engine
(`parvis.cases.services.submit_case`, `parvis.cases.handling.apply_transition`) and every function writes the
case history with `record_event`. Emails about a report (status changes, answers, merges, confirmations of
followers) are recorded in `EmailDelivery` and sent after commit; each recipient gets their own email, and
no email ever shows another person's address or name.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from parvis.cases import emails
from parvis.cases.handling import (
    ActionNotAllowed,
    InvalidTransitionInput,
    apply_transition,
    bump_version,
    lock_case,
    roles_in_department,
)
from parvis.cases.models import Case, CaseDocument, DocumentKind, EmailKind
from parvis.cases.services import record_event, submit_case
from parvis.files.services import store_bytes
from parvis.organisation.models import Commune, Role
from parvis.procedures.models import Category, Procedure, ProcedureRevision, ProcedureStatus
from parvis.reports import geo, workflow
from parvis.reports.models import (
    Datatype,
    Follower,
    PhotoKind,
    Report,
    ReportCategory,
    ReportPhoto,
    ReportQuestion,
    ReportSector,
)
from parvis.reports.photos import PhotoError, process_photo

logger = logging.getLogger(__name__)

MAX_DESCRIPTION = 4000
MAX_ADDRESS = 300
MAX_ANSWER = 1000
HANDLING_ROLES = (Role.CASE_OFFICER, Role.HEAD)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ReportInputError(ValueError):
    """What the resident, agent or client gave is not acceptable. `errors` maps a field ("category",
    "description", "position", "address", "answers", "contact_email"...) to French messages."""

    def __init__(self, errors):
        self.errors = {key: list(messages) for key, messages in errors.items()}
        super().__init__(" ".join(message for messages in self.errors.values() for message in messages))


# --- Text ----------------------------------------------------------------------------------------------------

def clean_text(value, *, multiline=True) -> str:
    """Plain text from what was typed: HTML tags removed, control characters dropped, blank lines limited."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = strip_tags(text)
    text = _CONTROL.sub("", text)
    if not multiline:
        return " ".join(text.split())
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _check_length(errors, key, raw, limit, label):
    if len(str(raw or "").replace("\r\n", "\n")) > limit:
        errors.setdefault(key, []).append(
            _("%(label)s ne peut dépasser %(limit)s caractères (%(count)s actuellement).")
            % {"label": label, "limit": f"{limit:,}".replace(",", "\u202f"), "count": len(str(raw))})
        return False
    return True


# --- Categories and questions ------------------------------------------------------------------------------

def leaf_categories():
    """The categories residents choose (active, without active sub-category), with their parent."""
    categories = list(ReportCategory.objects.filter(is_active=True).select_related("parent", "department",
                                                                                    "parent__department"))
    parents_with_children = {category.parent_id for category in categories if category.parent_id}
    return [category for category in categories if category.pk not in parents_with_children
            and (category.parent_id is None or category.parent.is_active)]


def grouped_categories():
    """[(group name, [leaf categories])] in display order, for the choice of a category."""
    groups: dict = {}
    for category in sorted(leaf_categories(), key=lambda c: ((c.parent or c).sort_order, (c.parent or c).name,
                                                                 c.sort_order, c.name)):
        groups.setdefault(category.group_name, []).append(category)
    return list(groups.items())


def get_leaf_category(value) -> ReportCategory | None:
    """The active leaf category with this slug (service_code) or id, or None."""
    for category in leaf_categories():
        if str(value) in (category.slug, str(category.pk)):
            return category
    return None


def questions_of(category) -> list[ReportQuestion]:
    """The extra questions of a leaf category: its parent's first, then its own."""
    lineage = category.lineage()
    questions = list(ReportQuestion.objects.filter(category__in=lineage).order_by("order", "pk"))
    rank = {item.pk: index for index, item in enumerate(lineage)}
    return sorted(questions, key=lambda question: (rank[question.category_id], question.order, question.pk))


def clean_answers(category, raw: dict) -> dict:
    """{code: value} checked against the questions (required, datatype, choices); ReportInputError."""
    raw = raw or {}
    cleaned, errors = {}, []
    for question in questions_of(category):
        value = raw.get(question.code)
        if isinstance(value, list | tuple) and question.datatype != Datatype.MULTI:
            value = value[0] if value else ""
        empty = value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())
        if empty:
            if question.required:
                errors.append(_("« %(question)s » : une réponse est nécessaire.") % {"question": question.label})
            continue
        keys = {key for key, _name in question.choices}
        if question.datatype == Datatype.MULTI:
            values = [str(item) for item in (value if isinstance(value, list | tuple) else [value])]
            if any(item not in keys for item in values):
                errors.append(_("« %(question)s » : choisissez parmi les réponses proposées.")
                              % {"question": question.label})
                continue
            cleaned[question.code] = sorted(set(values), key=values.index)
        elif question.datatype == Datatype.SINGLE:
            if str(value) not in keys:
                errors.append(_("« %(question)s » : choisissez parmi les réponses proposées.")
                              % {"question": question.label})
                continue
            cleaned[question.code] = str(value)
        elif question.datatype == Datatype.NUMBER:
            try:
                number = float(str(value).replace(",", ".").strip())
                if number != number or number in (float("inf"), float("-inf")):
                    raise ValueError
            except ValueError:
                errors.append(_("« %(question)s » : indiquez un nombre.") % {"question": question.label})
                continue
            cleaned[question.code] = int(number) if number.is_integer() else number
        elif question.datatype == Datatype.DATETIME:
            text = str(value).strip()
            try:
                moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                errors.append(_("« %(question)s » : indiquez une date (par exemple 2026-03-14T09:30).")
                              % {"question": question.label})
                continue
            cleaned[question.code] = moment.isoformat()
        else:
            text = clean_text(value, multiline=question.datatype == Datatype.TEXT)
            if len(text) > MAX_ANSWER:
                errors.append(_("« %(question)s » : %(limit)s caractères au plus.")
                              % {"question": question.label, "limit": MAX_ANSWER})
                continue
            if text:
                cleaned[question.code] = text
            elif question.required:
                errors.append(_("« %(question)s » : une réponse est nécessaire.") % {"question": question.label})
    if errors:
        raise ReportInputError({"answers": errors})
    return cleaned


def answers_for_display(category, answers) -> list[tuple[str, str]]:
    """[(question, answer in words)] in the order of the questions."""
    rows = []
    for question in questions_of(category):
        if question.code not in (answers or {}):
            continue
        value = answers[question.code]
        names = dict(question.choices)
        if isinstance(value, list):
            text = ", ".join(names.get(str(item), str(item)) for item in value)
        else:
            text = names.get(str(value), str(value))
        rows.append((question.label, text))
    return rows


# --- Routing -------------------------------------------------------------------------------------------------

def sector_at(lat, lon) -> ReportSector | None:
    if lat is None or lon is None:
        return None
    for sector in ReportSector.objects.all():
        try:
            if sector.area.contains(lat, lon):
                return sector
        except geo.GeometryError:
            logger.error("Invalid geometry on report sector %s", sector.slug)
    return None


def route(category, lat=None, lon=None):
    """(department, sector) for a report: a route of the category's sector (the sub-category's routes first,
    then its parent's), else the category's own department."""
    if lat is not None and lon is not None:
        for level in reversed(category.lineage()):
            for sector_route in level.routes.select_related("sector", "department").order_by(
                    "sector__sort_order", "sector__name"):
                try:
                    if sector_route.sector.area.contains(lat, lon):
                        return sector_route.department, sector_route.sector
                except geo.GeometryError:
                    logger.error("Invalid geometry on report sector %s", sector_route.sector.slug)
    department = category.effective_department
    if department is None:
        raise ImproperlyConfigured(f"Report category {category.slug} has no department")
    return department, sector_at(lat, lon)


# --- The procedure -------------------------------------------------------------------------------------------

REPORT_FORM_SCHEMA = {"version": 1, "pages": [
    {"key": "signalement", "title": "Votre signalement", "sections": [
        {"key": "probleme", "title": "Le problème", "fields": [
            {"key": "categorie", "type": "text", "label": "Catégorie"},
            {"key": "description", "type": "textarea", "label": "Description", "max_length": MAX_DESCRIPTION},
            {"key": "precisions", "type": "textarea", "label": "Précisions"},
        ]},
        {"key": "lieu", "title": "Le lieu", "fields": [
            {"key": "lieu_adresse", "type": "text", "label": "Adresse", "max_length": MAX_ADDRESS},
            {"key": "position", "type": "text", "label": "Position (latitude, longitude)"},
        ]},
        {"key": "photos_section", "title": "Photos", "fields": [
            {"key": "photos", "type": "file", "label": "Photos", "multiple": True, "max_files": 3,
             "accept": ["jpeg"]},
        ]},
    ]},
    {"key": "contact", "title": "Coordonnées", "sections": [
        {"key": "coordonnees", "title": "Coordonnées (jamais publiées)", "fields": [
            {"key": "contact_nom", "type": "text", "label": "Nom"},
            {"key": "contact_telephone", "type": "text", "label": "Téléphone"},
        ]},
    ]},
]}


def _procedure_defaults(department):
    category, _created = Category.objects.get_or_create(
        slug="signalements", defaults={"name": "Signalements", "sort_order": 60,
                                       "description": "Voirie, éclairage, propreté, espaces verts."})
    return {
        "title": "Signalement sur l'espace public",
        "summary": "Nid-de-poule, lampadaire en panne, dépôt sauvage, tag : prévenez les services de la commune.",
        "description": "Signalez un problème dans l'espace public ; le service concerné le traite et chacun peut "
                       "suivre son avancement sur la carte des signalements.",
        "category": category, "family": "report", "department": department,
        "account_required": False, "allow_anonymous": True,
        "channel_web": True, "channel_counter": True, "channel_phone": True, "channel_mail": False,
        "offline_alternative": "Par téléphone ou au guichet de la mairie : un agent enregistre votre signalement.",
        "regime": "none", "period_value": None, "acknowledgement_due": False,
        "legal_basis": "CGCT, art. L2212-2 (sûreté et commodité du passage sur la voie publique)",
        "privacy_purpose": "Traiter le signalement et, si vous le souhaitez, vous informer de sa suite.",
        "privacy_legal_basis": "public_task", "privacy_legal_basis_detail": "CGCT, art. L2212-2",
        "privacy_data_categories": "Lieu, description et photos du problème ; si vous les donnez : nom, courriel "
                                   "et téléphone.",
        "privacy_recipients": "Services de la commune chargés du problème.",
        "retention_months": 12, "retention_detail": "après la clôture du signalement",
        "status": ProcedureStatus.PUBLISHED,
    }


def get_report_procedure():
    """(procedure, revision) under which reports are filed: the procedure REPORTS_PROCEDURE_SLUG (created with a
    report's settings — no implicit decision, filing without an account — when missing) and its published
    revision, which carries the reports workflow. A published revision never changes: when the published one
    has another workflow, a new revision (same form, reports workflow) is published."""
    slug = settings.REPORTS_PROCEDURE_SLUG
    wanted = workflow.report_workflow_data()
    procedure = Procedure.objects.select_related("published_revision").filter(slug=slug).first()
    if procedure is not None and procedure.published_revision and procedure.published_revision.workflow == wanted:
        return procedure, procedure.published_revision
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().filter(slug=slug).first()
        if procedure is None:
            top = ReportCategory.objects.filter(parent=None, department__isnull=False).order_by("sort_order").first()
            department = top.department if top else None
            if department is None:
                raise ImproperlyConfigured("No report category with a department: create the categories first.")
            procedure = Procedure.objects.create(slug=slug, **_procedure_defaults(department))
        published = procedure.published_revision
        if published is not None and published.workflow == wanted:
            return procedure, published
        latest = procedure.revisions.order_by("-number").first()
        schema = (published or latest).form_schema if (published or latest) else REPORT_FORM_SCHEMA
        revision = ProcedureRevision.objects.create(
            procedure=procedure, number=(latest.number + 1) if latest else 1, form_schema=schema or REPORT_FORM_SCHEMA,
            workflow=wanted, published_at=timezone.now())
        procedure.published_revision = revision
        if procedure.status != ProcedureStatus.PUBLISHED:
            procedure.status = ProcedureStatus.PUBLISHED
        procedure.save(update_fields=["published_revision", "status", "updated_at"])
    return procedure, revision


# --- Nearby reports ------------------------------------------------------------------------------------------

def open_reports():
    return Report.objects.filter(is_public=True, merged_into__isnull=True, case__closed_at__isnull=True,
                                 case__status__in=workflow.OPEN_STATUSES)


def nearby_open_reports(category, lat, lon, *, meters=None, limit=5, exclude=None):
    """[(report, distance in metres)] of open public reports of the same category around a point, nearest
    first: a bounding box on the indexed columns, then the exact distance."""
    if lat is None or lon is None:
        return []
    meters = meters or settings.REPORTS_NEARBY_METERS
    south, west, north, east = geo.bounding_box(lat, lon, meters)
    candidates = open_reports().filter(
        category=category, latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east,
    ).select_related("case", "category", "category__parent")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = []
    for report in candidates[:200]:
        distance = geo.haversine_m(lat, lon, report.latitude, report.longitude)
        if distance <= meters:
            found.append((report, distance))
    found.sort(key=lambda item: (item[1], -item[0].pk))
    return found[:limit]


# --- Photos while filing -------------------------------------------------------------------------------------

def add_draft_photo(draft_key, data: bytes, name="photo.jpg", uploaded_by=None):
    """Cleans and stores a photo of a report being filed; returns (ReportPhoto, gps or None). PhotoError.

    `draft_key` ties it to the resident's session (at most REPORTS_MAX_PHOTOS); empty for the photos
    `file_report` receives as bytes, attached in the same transaction."""
    if draft_key and draft_photos(draft_key).count() >= settings.REPORTS_MAX_PHOTOS:
        raise PhotoError(_("%(n)s photos au plus par signalement.") % {"n": settings.REPORTS_MAX_PHOTOS})
    processed = process_photo(data)
    stored = store_bytes(processed.content, _jpeg_name(name), "image/jpeg", uploaded_by=uploaded_by)
    photo = ReportPhoto.objects.create(draft_key=draft_key, stored_file=stored, width=processed.width,
                                       height=processed.height, created_at=timezone.now())
    return photo, processed.gps


def _jpeg_name(name):
    base = (name or "photo").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0][:80] or "photo"
    return f"{base}.jpg"


def draft_photos(draft_key):
    if not draft_key:
        return ReportPhoto.objects.none()
    return ReportPhoto.objects.filter(report=None, draft_key=draft_key).select_related("stored_file")


def remove_draft_photo(draft_key, photo_id):
    photo = draft_photos(draft_key).filter(pk=photo_id).first()
    if photo is not None:
        _delete_photo(photo)


def _delete_photo(photo):
    stored = photo.stored_file
    photo.delete()
    stored.file.delete(save=False)
    stored.delete()


def purge_draft_photos(older_than=dt.timedelta(hours=24), now=None) -> int:
    """Deletes photos of reports never filed (their file too); returns how many."""
    now = now or timezone.now()
    count = 0
    for photo in ReportPhoto.objects.filter(report=None, created_at__lt=now - older_than).select_related(
            "stored_file"):
        _delete_photo(photo)
        count += 1
    return count


# --- Filing --------------------------------------------------------------------------------------------------

@dataclass
class Location:
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    postcode: str = ""
    geocoded: bool = field(default=False)


def check_location(*, latitude=None, longitude=None, address="", postcode="", geocode=True) -> Location:
    """The report's location, checked: a position inside the commune, or at least an address (geocoded with
    the BAN when configured; a geocoded point outside the commune is ignored). ReportInputError."""
    errors = {}
    address_text = clean_text(address, multiline=False)
    _check_length(errors, "address", address, MAX_ADDRESS, _("L'adresse"))
    location = Location(address=address_text[:MAX_ADDRESS], postcode=clean_text(postcode, multiline=False)[:10])
    has_lat = latitude not in (None, "")
    has_lon = longitude not in (None, "")
    if has_lat or has_lon:
        try:
            location.latitude, location.longitude = geo.parse_position(latitude, longitude)
        except ValueError:
            errors.setdefault("position", []).append(
                _("La position doit être une latitude et une longitude en degrés décimaux, par exemple 48.85 et "
                  "2.35."))
        else:
            if not geo.in_commune(location.latitude, location.longitude):
                commune = Commune.current()
                errors.setdefault("position", []).append(
                    _("Ce lieu est en dehors de la commune %(name)s : la commune ne peut intervenir que sur son "
                      "territoire. Vérifiez le point sur la carte ou l'adresse, ou adressez-vous à la commune "
                      "concernée.") % {"name": commune.name if commune else settings.COMMUNE_NAME})
    elif not location.address:
        errors.setdefault("position", []).append(
            _("Indiquez le lieu du problème : une adresse, votre position ou un point sur la carte."))
    if errors:
        raise ReportInputError(errors)
    if location.latitude is None and location.address and geocode:
        _geocode(location)
    return location


def _geocode(location):
    from parvis.connectors.ban.client import BanError, client_from_settings

    client = client_from_settings()
    if client is None:
        return
    lat, lon = geo.commune_area().center
    try:
        found = client.search(location.address, limit=1, lat=lat, lon=lon)
    except BanError as error:
        logger.warning("BAN geocoding failed: %s", error)
        return
    if found and found[0].score >= 0.4 and geo.in_commune(found[0].lat, found[0].lon):
        location.latitude, location.longitude = found[0].lat, found[0].lon
        location.postcode = location.postcode or found[0].postcode
        location.geocoded = True


def check_contact(*, contact_email="", contact_name="", contact_phone="") -> dict:
    errors = {}
    email = (contact_email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["contact_email"] = [_("Indiquez une adresse de courriel valide, par exemple nom@exemple.fr.")]
    if len(contact_name or "") > 150:
        errors["contact_name"] = [_("Le nom ne peut dépasser 150 caractères.")]
    phone = clean_text(contact_phone, multiline=False)
    if len(phone) > 40 or (phone and not re.fullmatch(r"[0-9+().\s-]{6,40}", phone)):
        errors["contact_phone"] = [_("Indiquez un numéro de téléphone valide, par exemple 06 12 34 56 78.")]
    if errors:
        raise ReportInputError(errors)
    return {"contact_email": email, "contact_name": clean_text(contact_name, multiline=False),
            "contact_phone": phone}


def check_description(description, *, required=True) -> str:
    errors = {}
    if _check_length(errors, "description", description, MAX_DESCRIPTION, _("La description")):
        text = clean_text(description)
        if not text and required:
            errors["description"] = [_("Décrivez le problème en quelques mots.")]
        else:
            return text
    raise ReportInputError(errors)


def file_report(*, category, description, latitude=None, longitude=None, address="", postcode="", answers=None,
                applicant=None, contact_email="", contact_name="", contact_phone="", channel="web", filed_by=None,
                photos=(), api_key=None, device_id="", external_account_id="", media_url="", received_at=None,
                geocode=True, description_required=True) -> Report:
    """Files a report: checks everything, routes it, files its case (`submit_case`, which sends the
    registration receipt of an online filing) and returns the report. Raises ReportInputError.

    `photos`: ReportPhoto rows already cleaned (`add_draft_photo`) or raw bytes (Open311, agents).
    """
    errors = {}
    if category is None or not isinstance(category, ReportCategory) or get_leaf_category(category.pk) is None:
        errors["category"] = [_("Choisissez une catégorie dans la liste.")]
    try:
        description = check_description(description, required=description_required)
    except ReportInputError as error:
        errors.update(error.errors)
    location = None
    try:
        location = check_location(latitude=latitude, longitude=longitude, address=address, postcode=postcode,
                                  geocode=geocode and not errors)
    except ReportInputError as error:
        errors.update(error.errors)
    contact = {}
    try:
        contact = check_contact(contact_email=contact_email, contact_name=contact_name, contact_phone=contact_phone)
    except ReportInputError as error:
        errors.update(error.errors)
    cleaned_answers = {}
    if "category" not in errors:
        try:
            cleaned_answers = clean_answers(category, answers)
        except ReportInputError as error:
            errors.update(error.errors)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
            if len(media_url) > 500:
                raise ValidationError("too long")
        except ValidationError:
            errors["media_url"] = [_("media_url doit être une adresse web (http ou https).")]
    if errors:
        raise ReportInputError(errors)

    department, sector = route(category, location.latitude, location.longitude)
    _procedure, revision = get_report_procedure()
    received_at = received_at or timezone.now()
    with transaction.atomic():
        photo_rows = []
        for photo in photos:
            if isinstance(photo, ReportPhoto):
                photo_rows.append(photo)
            else:
                data, name = photo if isinstance(photo, tuple) else (photo, "photo.jpg")
                photo_rows.append(add_draft_photo("", data, name, uploaded_by=filed_by or applicant)[0])
        position_text = (f"{location.latitude:.6f}, {location.longitude:.6f}"
                         if location.latitude is not None else "")
        case_answers = {
            "categorie": str(category), "description": description,
            "precisions": "\n".join(f"{label} : {value}" for label, value in
                                    answers_for_display(category, cleaned_answers)),
            "lieu_adresse": location.address, "position": position_text,
            "photos": [photo.stored_file.as_answer() for photo in photo_rows],
            "contact_nom": contact["contact_name"], "contact_telephone": contact["contact_phone"],
        }
        case = submit_case(
            revision=revision, answers=case_answers, applicant=applicant,
            contact_email="" if applicant is not None else contact["contact_email"], channel=channel,
            received_at=received_at, filed_by=filed_by, files=[("photos", photo.stored_file) for photo in photo_rows],
            department=department,
        )
        report = Report.objects.create(
            case=case, category=category, sector=sector, latitude=location.latitude, longitude=location.longitude,
            address=location.address, postcode=location.postcode, description=description, answers=cleaned_answers,
            contact_name=contact["contact_name"], contact_phone=contact["contact_phone"], api_key=api_key,
            device_id=clean_text(device_id, multiline=False)[:100],
            external_account_id=clean_text(external_account_id, multiline=False)[:100], media_url=media_url or "",
            created_at=received_at, updated_at=received_at,
        )
        if photo_rows:
            ReportPhoto.objects.filter(pk__in=[photo.pk for photo in photo_rows]).update(report=report, draft_key="")
        where = f" (secteur {sector.name})" if sector else ""
        record_event(case, "report_routed",
                     _("Signalement « %(category)s » orienté vers le service %(department)s%(where)s")
                     % {"category": category, "department": department.name, "where": where},
                     actor=filed_by or applicant, channel=channel, at=received_at,
                     data={"category": category.slug, "department": department.pk,
                           "sector": sector.slug if sector else None, "geocoded": location.geocoded})
    return report


# --- Access --------------------------------------------------------------------------------------------------

def get_public_report(reference) -> Report:
    """A report the public may see (not hidden by the department); 404 otherwise."""
    reference = str(reference or "")[:30]
    report = (Report.objects.select_related("case", "case__department", "case__revision", "category",
                                            "category__parent", "merged_into__case")
              .filter(case__reference=reference, is_public=True).first())
    if report is None:
        raise Http404("Signalement introuvable")
    return report


def get_report_for_agent(user, reference, *, request=None) -> Report:
    """The report of a case the agent may open (the read is logged by `get_case_for_agent`); 404 otherwise."""
    from parvis.backoffice.access import get_case_for_agent

    case = get_case_for_agent(user, reference, request=request)
    try:
        report = Report.objects.select_related("category", "category__parent", "sector", "merged_into__case").get(
            case=case)
    except Report.DoesNotExist:
        raise Http404("Ce dossier n'est pas un signalement") from None
    report.case = case
    return report


def can_handle(user, report) -> bool:
    return bool(roles_in_department(user, report.case.department_id) & set(HANDLING_ROLES))


# --- Followers -------------------------------------------------------------------------------------------------

FOLLOW_CONFIRMATION_INTERVAL = dt.timedelta(minutes=30)


def request_follow(report, email, *, user=None):
    """Asks to follow a report. A logged-in resident with this verified email follows at once; anyone else gets
    a confirmation link by email (so that nobody subscribes a stranger). The answer never says whether the
    address already followed it. Returns the Follower, or None for the filer (already told of every change)."""
    email = (email or "").strip().lower()
    validate_email(email)
    if report.case.notification_email and report.case.notification_email.lower() == email:
        return None
    verified_user = (user if user is not None and getattr(user, "is_authenticated", False)
                     and (user.email or "").lower() == email and getattr(user, "email_verified_at", None) else None)
    now = timezone.now()
    with transaction.atomic():
        follower = Follower.objects.select_for_update().filter(report=report, email=email).first()
        if follower is None:
            try:
                with transaction.atomic():
                    follower = Follower.objects.create(report=report, email=email, user=verified_user,
                                                       confirmed_at=now if verified_user else None)
            except IntegrityError:
                follower = Follower.objects.get(report=report, email=email)
        if follower.is_confirmed:
            return follower
        if verified_user is not None:
            follower.confirmed_at, follower.user = now, verified_user
            follower.save(update_fields=["confirmed_at", "user"])
            return follower
        _queue_follow_confirmation(report, follower, now)
    return follower


def _queue_follow_confirmation(report, follower, now):
    # One confirmation email per address and report every FOLLOW_CONFIRMATION_INTERVAL at most.
    window = int(now.timestamp() // FOLLOW_CONFIRMATION_INTERVAL.total_seconds())
    confirm_url = settings.SITE_URL + reverse("reports:follow_confirm", args=[follower.token])
    _queue(to=follower.email, case=None, key=f"report-{report.pk}-follow-{follower.pk}-{window}",
           subject=_("Confirmez le suivi du signalement %(reference)s") % {"reference": report.reference},
           template_base="reports/emails/follow_confirm",
           context={"report": report, "confirm_url": confirm_url, "report_url": _public_url(report)},
           kind=EmailKind.OTHER)


def get_follower(token) -> Follower:
    if not token or len(token) > 64:
        raise Http404
    follower = Follower.objects.select_related("report", "report__case").filter(token=token).first()
    if follower is None:
        raise Http404
    return follower


def confirm_follow(follower):
    if not follower.is_confirmed:
        follower.confirmed_at = timezone.now()
        follower.save(update_fields=["confirmed_at"])
    return follower


def unfollow(follower):
    follower.delete()


# --- Emails ---------------------------------------------------------------------------------------------------

def _public_url(report):
    return settings.SITE_URL + reverse("reports:detail", args=[report.reference])


def _enqueue(delivery_id):
    from parvis.cases import tasks

    tasks.send_email.enqueue(delivery_id)


def _queue(*, to, subject, template_base, context, key, case=None, kind=EmailKind.OTHER, reply_to=""):
    commune = Commune.current()
    context = {"commune": commune, "commune_name": commune.name if commune else settings.COMMUNE_NAME, **context}
    delivery = emails.queue_email(to=to, subject=subject, template_base=template_base, context=context, case=case,
                                  kind=kind, key=key, reply_to=reply_to)
    if delivery.status == "pending":
        transaction.on_commit(partial(_enqueue, delivery.pk), robust=True)
    return delivery


def notify_report_change(report, *, what, key, recipients=None, extra=None):
    """Emails the filer and each confirmed follower about a change of the report (one email each).

    `what`: "status", "answer" or "merged". `recipients`: followers to write to (default: the report's
    confirmed followers, read now). The filer's email is recorded on the case; a follower's is not (the
    history a filer can read never shows another person's address)."""
    case = report.case
    from parvis.cases.acknowledgements import case_url

    context = {
        "report": report, "case": case, "department": case.department, "what": what,
        "status_label": workflow.public_label(case.status), "report_url": _public_url(report),
        "is_final": not workflow.is_open(case.status), **(extra or {}),
    }
    subject = {
        "status": _("Signalement %(reference)s : %(status)s"),
        "answer": _("Signalement %(reference)s : nouvelle réponse du service"),
        "merged": _("Signalement %(reference)s : déjà signalé, suivi sur un autre signalement"),
    }[what] % {"reference": report.reference, "status": context["status_label"].lower()}
    deliveries = []
    filer = case.notification_email
    if filer:
        deliveries.append(_queue(
            to=filer, case=case, kind=EmailKind.WORKFLOW, key=f"{key}-filer", subject=subject,
            reply_to=case.department.email, template_base="reports/emails/change",
            context={**context, "role": "filer", "tracking_url": case_url(case)}))
    if recipients is None:
        recipients = list(report.followers.filter(confirmed_at__isnull=False))
    for follower in recipients:
        if filer and follower.email.lower() == filer.lower():
            continue
        unfollow_url = settings.SITE_URL + reverse("reports:unfollow", args=[follower.token])
        deliveries.append(_queue(
            to=follower.email, key=f"{key}-follower-{follower.pk}", subject=subject,
            template_base="reports/emails/change",
            context={**context, "role": "follower", "unfollow_url": unfollow_url}))
    return deliveries


# --- Handling by agents ---------------------------------------------------------------------------------------

def _check_handler(actor, report):
    if actor is None or not can_handle(actor, report):
        raise ActionNotAllowed(_("Seuls les instructeurs et chefs du service %(department)s peuvent traiter ce "
                                 "signalement.") % {"department": report.case.department.name})


def _store_repair_photo(report, case, photo, *, actor, at, channel):
    data, name = photo if isinstance(photo, tuple) else (photo, "intervention.jpg")
    processed = process_photo(data)
    stored = store_bytes(processed.content, _jpeg_name(name or "intervention"), "image/jpeg", uploaded_by=actor)
    ReportPhoto.objects.create(report=report, stored_file=stored, kind=PhotoKind.REPAIR, is_public=True,
                               width=processed.width, height=processed.height, created_at=at)
    CaseDocument.objects.create(case=case, stored_file=stored, kind=DocumentKind.ATTACHMENT,
                                label=_("Photo de l'intervention"), added_by=actor)
    record_event(case, "repair_photo", _("Photo de l'intervention ajoutée"), actor=actor, channel=channel, at=at,
                 data={"file": str(stored.pk)})


def change_report_status(report, transition_key, *, actor, expected_version, public_answer=None, expected_at=None,
                         repair_photo=None, duplicate_of=None, comment="", channel="", at=None, notify=True) -> Report:
    """Moves a report through its workflow — the one function for the agents' actions on a report's status.

    `public_answer`: shown on the public page and sent to the filer and followers (required for « non du ressort
    de la commune », whose motivation it is); `expected_at`: the planned intervention (« programmé »);
    `repair_photo`: bytes (or (bytes, name)) of the photo of the repair; `duplicate_of`: the report this one
    duplicates (« doublon »): its followers, and its filer, then follow that one and are told so.
    Raises ReportInputError, PhotoError and the errors of `apply_transition` (StaleCase, TransitionNotAllowed,
    InvalidTransitionInput).
    """
    at = at or timezone.now()
    _check_handler(actor, report)
    errors = {}
    answer = None
    if public_answer is not None:
        if _check_length(errors, "public_answer", public_answer, MAX_DESCRIPTION, _("La réponse publique")):
            answer = clean_text(public_answer)
    motivation = ""
    if transition_key == workflow.REJECT_NOT_OUR_REMIT:
        if not answer:
            errors.setdefault("public_answer", []).append(
                _("Expliquez pourquoi ce problème ne relève pas de la commune et à qui s'adresser : la réponse est "
                  "publique et envoyée aux personnes qui suivent le signalement."))
        motivation = answer or ""
    target = None
    if transition_key == workflow.MARK_DUPLICATE:
        target = duplicate_of
        while target is not None and target.merged_into_id:
            target = target.merged_into
        if target is None:
            errors.setdefault("duplicate_of", []).append(_("Indiquez la référence du signalement d'origine."))
        elif target.pk == report.pk:
            errors.setdefault("duplicate_of", []).append(_("Un signalement ne peut pas être son propre doublon."))
        comment = comment or (_("Doublon du signalement %(reference)s") % {"reference": target.reference}
                              if target is not None and target.pk != report.pk else "")
    if transition_key == workflow.SCHEDULE and expected_at is not None and expected_at < at - dt.timedelta(days=1):
        errors.setdefault("expected_at", []).append(_("La date d'intervention ne peut pas être passée."))
    if errors:
        raise ReportInputError(errors)

    with transaction.atomic():
        case = apply_transition(report.case, transition_key, actor=actor, expected_version=expected_version,
                                motivation=motivation, comment=comment, channel=channel, at=at)
        locked = Report.objects.select_for_update().get(pk=report.pk)
        locked.case = case
        fields = ["updated_at"]
        locked.updated_at = at
        if answer is not None and answer != locked.public_answer:
            locked.public_answer = answer
            fields.append("public_answer")
            record_event(case, "public_answer", _("Réponse publique : %(text)s") % {"text": answer}, actor=actor,
                         channel=channel, at=at)
        if transition_key == workflow.SCHEDULE:
            locked.expected_at = expected_at
            fields.append("expected_at")
            if expected_at is not None:
                record_event(case, "report_scheduled", _("Intervention prévue le %(date)s") % {
                    "date": timezone.localtime(expected_at).strftime("%d/%m/%Y à %H:%M")}, actor=actor,
                    channel=channel, at=at)
        recipients = list(locked.followers.filter(confirmed_at__isnull=False))
        if target is not None:
            locked.merged_into = target
            fields.append("merged_into")
            _move_followers(locked, target, at=at, actor=actor)
        locked.save(update_fields=fields)
        if repair_photo is not None:
            _store_repair_photo(locked, case, repair_photo, actor=actor, at=at, channel=channel)
        if notify:
            what = "merged" if target is not None else "status"
            notify_report_change(locked, what=what, key=f"report-{locked.pk}-v{case.version}", recipients=recipients,
                                 extra={"original": target, "original_url": _public_url(target) if target else "",
                                        "expected_at": locked.expected_at})
    return locked


def _move_followers(duplicate, target, *, at, actor):
    """The duplicate's followers and filer now follow the original report."""
    existing = set(target.followers.values_list("email", flat=True))
    target_filer = (target.case.notification_email or "").lower()
    moved = 0
    for follower in duplicate.followers.all():
        if follower.email in existing or follower.email == target_filer:
            follower.delete()
            continue
        follower.report = target
        follower.save(update_fields=["report"])
        existing.add(follower.email)
        moved += 1
    filer = (duplicate.case.notification_email or "").lower()
    if filer and filer not in existing and filer != target_filer:
        Follower.objects.create(report=target, email=filer, user=duplicate.case.applicant, confirmed_at=at)
        moved += 1
    record_event(target.case, "report_merged",
                 _("Le signalement %(reference)s, qui décrit le même problème, a été rattaché à celui-ci")
                 % {"reference": duplicate.reference}, actor=actor, at=at,
                 data={"duplicate": duplicate.reference, "followers_moved": moved})
    Report.objects.filter(pk=target.pk).update(updated_at=at)


def qualify_report(report, *, actor, expected_version, category=None, is_public=None, published_photo_ids=None,
                   channel="", at=None) -> Report:
    """Qualifies a report: corrects its category (which may route it to another department), hides or shows it
    publicly, publishes some of its photos. One new version of the case, one history line per change."""
    at = at or timezone.now()
    _check_handler(actor, report)
    if category is not None and get_leaf_category(category.pk) is None:
        raise ReportInputError({"category": [_("Choisissez une catégorie dans la liste.")]})
    with transaction.atomic():
        case = lock_case(report.case_id)
        if expected_version is not None and case.version != int(expected_version):
            from parvis.cases.handling import StaleCase

            raise StaleCase(case)
        locked = Report.objects.select_for_update().select_related("category").get(pk=report.pk)
        changes = {}
        events = []
        if category is not None and category.pk != locked.category_id:
            if not workflow.is_open(case.status):
                raise InvalidTransitionInput({"category": [
                    _("Ce signalement est clos : sa catégorie ne peut plus changer.")]})
            department, sector = route(category, locked.latitude, locked.longitude)
            events.append(("report_category", _("Catégorie corrigée : %(old)s → %(new)s")
                           % {"old": locked.category, "new": category}, True))
            if department.pk != case.department_id:
                changes.update(department=department, assignee=None)
                events.append(("report_rerouted", _("Signalement réorienté vers le service %(department)s")
                               % {"department": department.name}, True))
            locked.category, locked.sector = category, sector
        if is_public is not None and bool(is_public) != locked.is_public:
            locked.is_public = bool(is_public)
            events.append(("report_visibility", _("Signalement rendu public") if is_public
                           else _("Signalement retiré de la carte publique"), False))
        photo_changes = 0
        if published_photo_ids is not None:
            wanted = {int(pk) for pk in published_photo_ids}
            for photo in locked.photos.filter(kind=PhotoKind.REPORT):
                if (photo.pk in wanted) != photo.is_public:
                    photo.is_public = photo.pk in wanted
                    photo.save(update_fields=["is_public"])
                    photo_changes += 1
            if photo_changes:
                events.append(("report_photos", _("Photos publiées : %(n)s") % {"n": len(wanted)}, False))
        if not events:
            return locked
        bump_version(case, **changes)
        locked.updated_at = at
        locked.save(update_fields=["category", "sector", "is_public", "updated_at"])
        for kind, description, visible in events:
            record_event(case, kind, description, actor=actor, channel=channel, at=at, visible_to_resident=visible)
        locked.case = case
    return locked


def answer_report(report, *, actor, expected_version, public_answer, channel="", at=None, notify=True) -> Report:
    """Publishes (or corrects) the public answer without changing the status; the filer and followers are told."""
    at = at or timezone.now()
    _check_handler(actor, report)
    errors = {}
    if _check_length(errors, "public_answer", public_answer, MAX_DESCRIPTION, _("La réponse publique")):
        answer = clean_text(public_answer)
        if not answer:
            errors["public_answer"] = [_("Écrivez la réponse à publier.")]
    if errors:
        raise ReportInputError(errors)
    with transaction.atomic():
        case = lock_case(report.case_id)
        if expected_version is not None and case.version != int(expected_version):
            from parvis.cases.handling import StaleCase

            raise StaleCase(case)
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if answer == locked.public_answer:
            locked.case = case
            return locked
        bump_version(case)
        locked.public_answer, locked.updated_at = answer, at
        locked.save(update_fields=["public_answer", "updated_at"])
        record_event(case, "public_answer", _("Réponse publique : %(text)s") % {"text": answer}, actor=actor,
                     channel=channel, at=at)
        locked.case = case
        if notify:
            notify_report_change(locked, what="answer", key=f"report-{locked.pk}-v{case.version}")
    return locked


def find_report_by_reference(reference) -> Report | None:
    reference = str(reference or "").strip().upper()[:30]
    return Report.objects.select_related("case").filter(case__reference=reference).first() if reference else None


def case_is_report(case: Case) -> bool:
    return Report.objects.filter(case=case).exists()
