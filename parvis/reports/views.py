"""Public pages of reports: the map and list, a report's page, following it, and filing a report in four short
steps (category, photos, place, description) that work without JavaScript; the map, the device's position and
the address suggestions are enhancements.

The report being filed lives in the session (`reports_draft`); its photos are stored at once, cleaned, and
tied to the session by a random key until the report is filed.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.cases.acknowledgements import case_url
from parvis.cases.models import Case, CaseEvent
from parvis.files.downloads import file_response
from parvis.reports import geo, ratelimit, services, workflow
from parvis.reports.forms import CategoryForm, DetailsForm, FollowForm, LocationForm, PublicFilterForm
from parvis.reports.models import Report, ReportPhoto
from parvis.reports.photos import PhotoError

DRAFT = "reports_draft"
FILED = "reports_filed"
PAGE_SIZE = 20
MAP_LIMIT = 1000
HOUR = dt.timedelta(hours=1)


# --- Helpers ---------------------------------------------------------------------------------------------------

def map_config():
    """What the map script needs, or None when no tile server is configured."""
    if not settings.MAP_TILE_URL:
        return None
    area = geo.commune_area()
    lat, lon = area.center
    return {"tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_ATTRIBUTION, "center": [lat, lon],
            "zoom": settings.MAP_DEFAULT_ZOOM, "boundary": area.as_geojson(),
            "bounds": [[area.south, area.west], [area.north, area.east]]}


def _draft(request):
    return request.session.get(DRAFT) or {}


def _save_draft(request, draft):
    request.session[DRAFT] = draft
    request.session.modified = True


def _draft_key(request):
    draft = _draft(request)
    if not draft.get("key"):
        draft["key"] = secrets.token_urlsafe(24)
        _save_draft(request, draft)
    return draft["key"]


def _draft_category(request):
    slug = _draft(request).get("category")
    return services.get_leaf_category(slug) if slug else None


def _steps(current):
    steps = [("categorie", _("Le problème")), ("photos", _("Photos")), ("lieu", _("Le lieu")),
             ("details", _("Description et envoi"))]
    if settings.REPORTS_MAX_PHOTOS == 0:
        steps = [step for step in steps if step[0] != "photos"]
    return {"steps": steps, "current": current, "position": [key for key, _label in steps].index(current) + 1,
            "count": len(steps)}


def _public_reports():
    return Report.objects.filter(is_public=True).select_related("case", "category", "category__parent")


def _filter(queryset, form):
    if not form.is_valid():
        return queryset
    statut, categorie = form.cleaned_data.get("statut"), form.cleaned_data.get("categorie")
    if statut == "ouverts":
        queryset = queryset.filter(case__status__in=workflow.OPEN_STATUSES)
    elif statut == "clos":
        queryset = queryset.filter(case__status__in=workflow.CLOSED_STATUSES)
    elif statut:
        queryset = queryset.filter(case__status=statut)
    if categorie:
        queryset = queryset.filter(Q(category__slug=categorie) | Q(category__parent__slug=categorie))
    return queryset


def _ban():
    from parvis.connectors.ban.client import client_from_settings

    return client_from_settings()


# --- Map and list ----------------------------------------------------------------------------------------------

@require_GET
def report_list(request):
    form = PublicFilterForm(request.GET or None)
    reports = _filter(_public_reports(), form).order_by("-created_at", "-pk")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reports/list.html", {
        "form": form, "page": page, "query": query.urlencode(), "map": map_config(),
        "map_data_url": reverse("reports:map_data") + (f"?{query.urlencode()}" if query else ""),
        "status_label": workflow.public_label,
    })


@require_GET
def map_data(request):
    """The reports of the list (same filters) with a position, as GeoJSON, for the map."""
    form = PublicFilterForm(request.GET or None)
    reports = _filter(_public_reports(), form).filter(latitude__isnull=False, longitude__isnull=False)
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(report.longitude, 6), round(report.latitude, 6)]},
        "properties": {
            "reference": report.reference, "category": str(report.category),
            "status": report.case.status, "status_label": workflow.public_label(report.case.status),
            "open": workflow.is_open(report.case.status), "url": report.get_absolute_url(),
            "date": timezone.localtime(report.created_at).strftime("%d/%m/%Y"),
        },
    } for report in reports.order_by("-created_at", "-pk")[:MAP_LIMIT]]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "public, max-age=60"
    return response


def _public_history(report):
    events = CaseEvent.objects.filter(case=report.case, kind="status_changed").order_by("at", "pk")
    history = [(report.created_at, workflow.public_label(workflow.RECEIVED))]
    history += [(event.at, workflow.public_label(event.data.get("to"))) for event in events]
    return history


@require_GET
def report_detail(request, reference):
    report = services.get_public_report(reference)
    photos = [photo for photo in report.photos.all() if photo.is_public]
    return render(request, "reports/detail.html", {
        "report": report, "status_label": workflow.public_label(report.case.status),
        "is_open": workflow.is_open(report.case.status), "photos": photos,
        "answers": services.answers_for_display(report.category, report.answers),
        "history": _public_history(report), "follow_form": FollowForm(), "map": map_config(),
        "duplicates": Report.objects.filter(merged_into=report).select_related("case").count(),
    })


@require_GET
def report_photo(request, reference, photo_id):
    report = services.get_public_report(reference)
    photo = ReportPhoto.objects.filter(report=report, pk=photo_id, is_public=True).select_related(
        "stored_file").first()
    if photo is None:
        raise Http404
    response = file_response(photo.stored_file, inline=True)
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- Following ------------------------------------------------------------------------------------------------

@require_POST
def follow(request, reference):
    report = services.get_public_report(reference)
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez une adresse de courriel valide pour suivre ce signalement."))
        return redirect(report.get_absolute_url() + "#suivre")
    identifier = ratelimit.client_key(request)
    wait = ratelimit.take("follow-ip", identifier, limit=settings.REPORTS_MAX_FOLLOWS_PER_IP_PER_HOUR, window=HOUR)
    if wait is not None:
        return _rate_limited(request, wait)
    try:
        follower = services.request_follow(report, form.cleaned_data["courriel"], user=request.user)
    except ValidationError:
        messages.error(request, _("Indiquez une adresse de courriel valide pour suivre ce signalement."))
        return redirect(report.get_absolute_url() + "#suivre")
    if follower is not None and follower.is_confirmed and follower.user_id == getattr(request.user, "pk", None):
        messages.success(request, _("Vous suivez ce signalement : vous recevrez ses nouvelles par courriel."))
    else:
        messages.success(request, _("Merci. Si cette adresse ne suit pas déjà ce signalement, elle va recevoir un "
                                    "courriel avec un lien à ouvrir pour confirmer."))
    return redirect(report.get_absolute_url())


@never_cache
@require_http_methods(["GET", "POST"])
def follow_confirm(request, token):
    follower = services.get_follower(token)
    report = follower.report
    if request.method == "POST":
        services.confirm_follow(follower)
        messages.success(request, _("C'est confirmé : vous recevrez par courriel les nouvelles de ce signalement."))
        if report.is_public:
            return redirect(report.get_absolute_url())
    return render(request, "reports/follow_confirm.html", {"follower": follower, "report": report})


@never_cache
@require_http_methods(["GET", "POST"])
def unfollow(request, token):
    if request.method == "POST":
        try:
            follower = services.get_follower(token)
        except Http404:
            follower = None
        if follower is not None:
            services.unfollow(follower)
        return render(request, "reports/unfollow.html", {"done": True})
    follower = services.get_follower(token)
    return render(request, "reports/unfollow.html", {"follower": follower, "report": follower.report})


# --- Address suggestions ----------------------------------------------------------------------------------------

@require_GET
def address_search(request):
    """Suggestions of the Base Adresse Nationale for the map's search box (JSON). Each one says whether it lies
    in the commune; without a configured BAN, an empty list with `available: false`."""
    client = _ban()
    query = (request.GET.get("q") or "")[:200]
    if client is None:
        return JsonResponse({"available": False, "results": []})
    wait = ratelimit.take("address-ip", ratelimit.client_key(request), limit=600, window=HOUR)
    if wait is not None:
        return JsonResponse({"available": True, "results": [], "error": _("Trop de recherches : patientez.")},
                            status=429)
    results, error = _search_addresses(client, query)
    return JsonResponse({"available": True, "results": results, "error": error})


def _search_addresses(client, query):
    from parvis.connectors.ban.client import BanError

    lat, lon = geo.commune_area().center
    try:
        found = client.search(query, limit=6, lat=lat, lon=lon)
    except BanError:
        return [], _("La recherche d'adresse ne répond pas : indiquez l'adresse telle quelle ou placez le point "
                     "sur la carte.")
    return [{**address.as_dict(), "in_commune": geo.in_commune(address.lat, address.lon)} for address in found], ""


# --- Filing: 1. the category -------------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def new_category(request):
    groups = services.grouped_categories()
    draft = _draft(request)
    if request.method == "POST":
        form = CategoryForm(request.POST, groups=groups)
        if form.is_valid():
            draft["category"] = form.cleaned_data["categorie"]
            _save_draft(request, draft)
            return redirect("reports:new_photos" if settings.REPORTS_MAX_PHOTOS else "reports:new_location")
    else:
        initial = request.GET.get("categorie") or draft.get("category")
        form = CategoryForm(initial={"categorie": initial}, groups=groups)
    return render(request, "reports/new_category.html", {"form": form, **_steps("categorie")})


# --- 2. photos ---------------------------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def new_photos(request):
    category = _draft_category(request)
    if category is None:
        return redirect("reports:new")
    key = _draft_key(request)
    errors = []
    if request.method == "POST":
        action = request.POST.get("action", "continuer")
        if action.startswith("retirer-"):
            services.remove_draft_photo(key, action.removeprefix("retirer-"))
            return redirect("reports:new_photos")
        errors = _add_photos(request, key)
        if not errors and action == "continuer":
            return redirect("reports:new_location")
        if not errors:
            return redirect("reports:new_photos")
    photos = list(services.draft_photos(key))
    return render(request, "reports/new_photos.html", {
        "category": category, "photos": photos, "errors": errors,
        "room": max(settings.REPORTS_MAX_PHOTOS - len(photos), 0), "max_photos": settings.REPORTS_MAX_PHOTOS,
        "max_mb": settings.REPORTS_PHOTO_MAX_BYTES // (1024 * 1024), **_steps("photos"),
    }, status=400 if errors else 200)


def _add_photos(request, key):
    errors = []
    draft = _draft(request)
    for upload in request.FILES.getlist("photos"):
        name = upload.name or "photo"
        if upload.size > settings.REPORTS_PHOTO_MAX_BYTES:
            errors.append(_("« %(name)s » : la photo dépasse %(size)s Mo, choisissez une photo plus légère.")
                          % {"name": name, "size": settings.REPORTS_PHOTO_MAX_BYTES // (1024 * 1024)})
            continue
        try:
            _photo, gps = services.add_draft_photo(key, upload.read(), name)
        except PhotoError as error:
            errors.append(f"« {name} » : {error}")
            continue
        if gps and not draft.get("gps"):
            draft["gps"] = list(gps)
    _save_draft(request, draft)
    return errors


@require_GET
def draft_photo(request, photo_id):
    photo = services.draft_photos(_draft(request).get("key")).filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    response = file_response(photo.stored_file, inline=True)
    response["Cache-Control"] = "private, no-store"
    return response


# --- 3. the place -------------------------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def new_location(request):
    category = _draft_category(request)
    if category is None:
        return redirect("reports:new")
    draft = _draft(request)
    candidates = draft.get("candidates") or []
    notice = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "continuer")
        if action == "chercher":
            form = LocationForm(request.POST)
            form.is_valid()
            candidates, notice = _candidates(form.cleaned_data.get("adresse", ""))
            draft["candidates"] = candidates
            _save_draft(request, draft)
            form = LocationForm(initial={"adresse": form.cleaned_data.get("adresse", "")}, candidates=candidates)
        else:
            form = LocationForm(request.POST, candidates=candidates)
            if form.is_valid():
                location = _location_from(form, candidates)
                if location is not None:
                    draft["location"] = location
                    draft.pop("candidates", None)
                    _save_draft(request, draft)
                    return redirect("reports:new_details")
            status = 400
    else:
        saved = draft.get("location") or {}
        initial = {"adresse": saved.get("address", ""), "latitude": saved.get("latitude") or "",
                   "longitude": saved.get("longitude") or ""}
        if not saved and draft.get("gps"):
            lat, lon = draft["gps"]
            if geo.in_commune(lat, lon):
                initial.update(latitude=f"{lat:.6f}", longitude=f"{lon:.6f}")
                notice = _("Nous avons repris la position enregistrée dans votre photo : vérifiez-la sur la carte "
                           "ou indiquez l'adresse.")
        form = LocationForm(initial=initial, candidates=candidates)
    return render(request, "reports/new_location.html", {
        "form": form, "category": category, "candidates": candidates, "notice": notice, "map": map_config(),
        "ban_enabled": bool(settings.BAN_API_URL), **_steps("lieu"),
    }, status=status)


def _candidates(query):
    client = _ban()
    if client is None:
        return [], _("La recherche d'adresse n'est pas disponible : écrivez l'adresse ou le lieu le plus précisément "
                     "possible, le service le retrouvera.")
    results, error = _search_addresses(client, query)
    if error:
        return [], error
    if not results:
        return [], _("Aucune adresse trouvée : vérifiez l'orthographe, ou écrivez le lieu tel quel.")
    return results, ""


def _location_from(form, candidates):
    """The place from the chosen suggestion, or the typed position and address; errors go on the form."""
    data = form.cleaned_data
    address, latitude, longitude, source = data["adresse"], data["latitude"], data["longitude"], "typed"
    choice = data.get("choix")
    if choice not in (None, "") and candidates:
        candidate = candidates[int(choice)]
        if not candidate.get("in_commune"):
            form.add_error("choix", _("Cette adresse est en dehors de la commune : choisissez une adresse de la "
                                      "commune."))
            return None
        address, latitude, longitude, source = candidate["label"], candidate["lat"], candidate["lon"], "address"
        postcode = candidate.get("postcode", "")
    else:
        postcode = ""
        if latitude or longitude:
            given = form.data.get("source") or "map"
            source = given if given in ("gps", "map", "photo", "typed") else "map"
    try:
        location = services.check_location(latitude=latitude, longitude=longitude, address=address,
                                           postcode=postcode)
    except services.ReportInputError as error:
        for key, messages_ in error.errors.items():
            form.add_error("adresse" if key == "address" else "latitude" if key == "position" else None, messages_)
        return None
    if location.latitude is not None and not location.address:
        location.address = _nearest_address(location.latitude, location.longitude)
    return {"latitude": location.latitude, "longitude": location.longitude, "address": location.address,
            "postcode": location.postcode, "source": "geocoded" if location.geocoded else source}


def _nearest_address(lat, lon):
    from parvis.connectors.ban.client import BanError

    client = _ban()
    if client is None:
        return ""
    try:
        found = client.reverse(lat, lon)
    except BanError:
        return ""
    return (_("À proximité du %(label)s") % {"label": found.label})[:300] if found else ""


# --- 4. description and filing ------------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def new_details(request):
    category = _draft_category(request)
    draft = _draft(request)
    if category is None:
        return redirect("reports:new")
    location = draft.get("location")
    if not location:
        return redirect("reports:new_location")
    user = request.user if request.user.is_authenticated else None
    status = 200
    if request.method == "POST":
        form = DetailsForm(request.POST, category=category, user=user)
        if form.is_valid():
            wait = ratelimit.check("web-ip", ratelimit.client_key(request),
                                   limit=settings.REPORTS_MAX_PER_IP_PER_HOUR, window=HOUR)
            if wait is not None:
                return _rate_limited(request, wait)
            try:
                report = services.file_report(
                    category=category, description=form.cleaned_data["description"],
                    latitude=location.get("latitude"), longitude=location.get("longitude"),
                    address=location.get("address", ""), postcode=location.get("postcode", ""),
                    answers=form.answers(), applicant=user,
                    contact_email=form.cleaned_data.get("courriel", "") if user is None else "",
                    contact_name=form.cleaned_data.get("nom", ""), contact_phone=form.cleaned_data.get("telephone", ""),
                    channel="web", photos=list(services.draft_photos(draft.get("key"))), geocode=False,
                )
            except services.ReportInputError as error:
                if "position" in error.errors or "address" in error.errors:
                    place = error.errors.get("position", []) + error.errors.get("address", [])
                    messages.error(request, " ".join(place))
                    return redirect("reports:new_location")
                _errors_on_form(form, error)
            else:
                ratelimit.record("web-ip", ratelimit.client_key(request))
                request.session.pop(DRAFT, None)
                request.session[FILED] = report.reference
                return redirect("reports:filed")
        status = 400
    else:
        form = DetailsForm(category=category, user=user)
    nearby = services.nearby_open_reports(category, location.get("latitude"), location.get("longitude"))
    return render(request, "reports/new_details.html", {
        "form": form, "category": category, "location": location, "nearby": nearby,
        "photos": list(services.draft_photos(draft.get("key"))), "user_email": user.email if user else "",
        "status_label": workflow.public_label, **_steps("details"),
    }, status=status)


def _errors_on_form(form, error):
    fields = {"description": "description", "contact_email": "courriel", "contact_name": "nom",
              "contact_phone": "telephone"}
    for key, messages_ in error.errors.items():
        field = fields.get(key)
        if field and field in form.fields:
            form.add_error(field, messages_)
        else:
            form.add_error(None, messages_)


@never_cache
@require_GET
def filed(request):
    reference = request.session.get(FILED)
    case = Case.objects.select_related("department", "procedure").filter(reference=reference).first() \
        if reference else None
    if case is None:
        return redirect("reports:list")
    report = Report.objects.filter(case=case).first()
    return render(request, "reports/filed.html", {
        "case": case, "report": report, "department": case.department, "tracking_url": case_url(case),
        "received_at": timezone.localtime(case.received_at),
    })


def _rate_limited(request, wait):
    response = render(request, "reports/rate_limited.html", {"wait": ratelimit.wait_in_words(wait)}, status=429)
    response["Retry-After"] = str(wait)
    return response

