"""Open311 GeoReport v2 server (docs/open311-api.md), at /open311/v2/ with the discovery at /open311/discovery.

The format comes from the suffix: `.xml` (UTF-8, no namespace, the element names of the specification) or
`.json` (the XML without its root: lists are bare arrays, the service definition and the discovery are
objects). Errors are `<errors><error><code/><description/></error></errors>` or `[{"code", "description"}]`,
with HTTP 404 (unknown resource or service code), 403 (missing or wrong api_key), 429 (too many reports from
one key or address) and 400 otherwise. An empty `jurisdiction_id` behaves like an absent one.

`service_request_id` is the case reference (ADM-2026-000123). Filing is synchronous: the POST answers the
service_request_id at once (services are `realtime`); `tokens/{token}` still answers for each report's token.
Statuses map to open (à qualifier, programmé, en cours) and closed (résolu, non du ressort, doublon), with
the public answer or the status in words as `status_notes`. Nothing personal is ever returned: no email,
name, phone, device or account id.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 (we only build XML, never parse what clients send)

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from parvis.cases.deadlines import PARIS
from parvis.organisation.models import Commune
from parvis.reports import ratelimit, services, workflow
from parvis.reports.models import ApiKey, Report, ReportCategory, ReportQuestion
from parvis.ui.templatetags.ui_text import de

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
LIST_ITEMS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}
MAX_RESULTS = 1000
MAX_SPAN = dt.timedelta(days=90)
HOUR = dt.timedelta(hours=1)
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")


class Open311Error(Exception):
    def __init__(self, status, *descriptions, headers=None):
        self.status = status
        self.descriptions = [str(text) for text in descriptions]
        self.headers = headers or {}
        super().__init__("; ".join(self.descriptions))


# --- Rendering -----------------------------------------------------------------------------------------------

def _text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent, name, value):
    node = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _element(node, key, item)
    elif isinstance(value, list):
        child = LIST_ITEMS.get(name, "item")
        for item in value:
            _element(node, child, item)
    else:
        node.text = _text(value)
    return node


def to_xml(root: str, item: str | None, data) -> bytes:
    """`data` as the specification's XML: a list under `root` with one `item` per element, or an object whose
    fields are the root's children."""
    element = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _element(element, item, entry)
    else:
        for key, value in data.items():
            _element(element, key, value)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="unicode").encode("utf-8")


def respond(fmt, root, item, data, status=200, headers=None):
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    else:
        body = to_xml(root, item, data)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    response["Access-Control-Allow-Origin"] = "*"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(fmt, error: Open311Error):
    data = [{"code": error.status, "description": description} for description in error.descriptions]
    return respond(fmt if fmt in CONTENT_TYPES else "xml", "errors", "error", data, status=error.status,
                   headers=error.headers)


def w3c(moment):
    """ISO 8601 with the offset, in Paris time: 2026-03-02T10:15:00+01:00."""
    if moment is None:
        return None
    return timezone.localtime(moment, PARIS).isoformat(timespec="seconds")


def api_view(methods=("GET",)):
    """Decorator: format check, jurisdiction check, method check, and Open311 errors for anything that fails."""

    def decorate(view):
        @csrf_exempt
        def wrapper(request, fmt, *args, **kwargs):
            try:
                if request.method not in methods:
                    raise Open311Error(400, _("Méthode %(method)s non prise en charge ici (acceptées : %(allowed)s).")
                                       % {"method": request.method, "allowed": ", ".join(methods)},
                                       headers={"Allow": ", ".join(methods)})
                _check_jurisdiction(request)
                return view(request, fmt, *args, **kwargs)
            except Open311Error as error:
                return error_response(fmt, error)

        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return wrapper

    return decorate


def _param(request, name):
    """A parameter from the body (POST) or the query string; an empty value is an absent one."""
    value = request.POST.get(name) if request.method == "POST" else None
    if value in (None, ""):
        value = request.GET.get(name)
    return (value or "").strip()


def _check_jurisdiction(request):
    expected = settings.OPEN311_JURISDICTION_ID
    given = _param(request, "jurisdiction_id")
    if expected and given and given.lower() != expected.lower():
        raise Open311Error(404, _("jurisdiction_id « %(given)s » inconnu : ce serveur sert « %(expected)s ».")
                           % {"given": given[:100], "expected": expected})


# --- Services --------------------------------------------------------------------------------------------------

def _service(category, with_questions):
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": category.pk in with_questions,
        "type": "realtime",
        "keywords": category.keywords or None,
        "group": category.group_name,
    }


def _categories_with_questions():
    ids = set(ReportQuestion.objects.values_list("category_id", flat=True))
    return {category.pk for category in services.leaf_categories()
            if category.pk in ids or category.parent_id in ids}


@api_view()
def service_list(request, fmt):
    with_questions = _categories_with_questions()
    data = [_service(category, with_questions) for group, categories in services.grouped_categories()
            for category in categories]
    return respond(fmt, "services", "service", data)


def _category_or_404(code):
    category = services.get_leaf_category(code) if code and not code.isdigit() else None
    if category is None:
        raise Open311Error(404, _("service_code « %(code)s » inconnu : voir services.xml pour la liste.")
                           % {"code": (code or "")[:60]})
    return category


@api_view()
def service_definition(request, fmt, service_code):
    category = _category_or_404(service_code)
    attributes = [{
        "variable": True,
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "datatype_description": question.help_text or None,
        "order": order,
        "description": question.label,
        "values": [{"key": key, "name": name} for key, name in question.choices],
    } for order, question in enumerate(services.questions_of(category), start=1)]
    return respond(fmt, "service_definition", None, {"service_code": category.slug, "attributes": attributes})


# --- Requests --------------------------------------------------------------------------------------------------

def _media_url(report):
    photos = [photo for photo in report.photos.all() if photo.is_public]
    if not photos:
        return None
    photo = photos[-1]
    return settings.SITE_URL + reverse("reports:photo", args=[report.reference, photo.pk])


def _status_notes(report):
    if report.public_answer:
        return report.public_answer
    if report.case.status == workflow.DUPLICATE and report.merged_into_id:
        return _("Doublon du signalement %(reference)s.") % {"reference": report.merged_into.case.reference}
    return workflow.public_label(report.case.status)


def serialize_request(report):
    case = report.case
    return {
        "service_request_id": case.reference,
        "status": workflow.open311_status(case.status),
        "status_notes": _status_notes(report),
        "service_name": report.category.name,
        "service_code": report.category.slug,
        "description": report.description or None,
        "agency_responsible": case.department.name,
        "service_notice": report.category.service_notice or None,
        "requested_datetime": w3c(report.created_at),
        "updated_datetime": w3c(max(report.updated_at, case.updated_at)),
        "expected_datetime": w3c(report.expected_at) if workflow.is_open(case.status) else None,
        "address": report.address or None,
        "address_id": None,
        "zipcode": report.postcode or None,
        "lat": round(report.latitude, 7) if report.latitude is not None else None,
        "long": round(report.longitude, 7) if report.longitude is not None else None,
        "media_url": _media_url(report),
    }


def _public_queryset():
    return (Report.objects.filter(is_public=True)
            .select_related("case", "case__department", "category", "category__parent", "merged_into__case")
            .prefetch_related("photos"))


def _split(value):
    return [item.strip() for item in value.split(",") if item.strip()]


def _parse_date(name, value):
    text = value
    if "T" in text and " " in text:  # the "+" of an offset sent unencoded in a query string arrives as a space
        text = text.replace(" ", "+", 1)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, _("%(name)s : date invalide « %(value)s » (format attendu : 2026-03-02T00:00:00Z)")
                           % {"name": name, "value": value[:40]}) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, PARIS)
    return moment


def _date_window(request):
    start, end = _param(request, "start_date"), _param(request, "end_date")
    start = _parse_date("start_date", start) if start else None
    end = _parse_date("end_date", end) if end else None
    if start and end:
        if end < start:
            raise Open311Error(400, _("end_date doit être postérieure à start_date."))
        if end - start > MAX_SPAN:
            raise Open311Error(400, _("start_date et end_date ne peuvent être distantes de plus de 90 jours."))
    elif start:
        end = start + MAX_SPAN
    elif end:
        start = end - MAX_SPAN
    else:
        end = timezone.now()
        start = end - MAX_SPAN
    return start, end


@api_view(methods=("GET", "POST"))
def requests_view(request, fmt):
    if request.method == "POST":
        return _create_request(request, fmt)
    reports = _public_queryset()
    ids = _param(request, "service_request_id")
    if ids:
        wanted = [item.upper() for item in _split(ids)][:MAX_RESULTS]
        reports = reports.filter(case__reference__in=wanted)
    else:
        codes = _split(_param(request, "service_code"))
        if codes:
            known = {category.slug: category for category in services.leaf_categories()}
            unknown = [code for code in codes if code not in known]
            if unknown:
                raise Open311Error(404, _("service_code inconnu : %(codes)s") % {"codes": ", ".join(unknown)[:200]})
            reports = reports.filter(category__slug__in=codes)
        start, end = _date_window(request)
        reports = reports.filter(created_at__gte=start, created_at__lte=end)
        statuses = _split(_param(request, "status").lower())
        if any(status not in ("open", "closed") for status in statuses):
            raise Open311Error(400, _("status : valeurs possibles « open » et « closed »."))
        if statuses and set(statuses) != {"open", "closed"}:
            keys = workflow.OPEN_STATUSES if statuses[0] == "open" else workflow.CLOSED_STATUSES
            reports = reports.filter(case__status__in=keys)
    data = [serialize_request(report) for report in reports.order_by("-created_at", "-pk")[:MAX_RESULTS]]
    return respond(fmt, "service_requests", "request", data)


@api_view()
def request_detail(request, fmt, service_request_id):
    report = _public_queryset().filter(case__reference=service_request_id.upper()[:30]).first()
    if report is None:
        raise Open311Error(404, _("service_request_id « %(id)s » inconnu.") % {"id": service_request_id[:30]})
    return respond(fmt, "service_requests", "request", [serialize_request(report)])


@api_view()
def token_detail(request, fmt, token):
    report = Report.objects.select_related("case").filter(token=token[:64]).first() if token else None
    if report is None:
        raise Open311Error(404, _("token « %(token)s » inconnu.") % {"token": token[:64]})
    return respond(fmt, "service_requests", "request",
                   [{"service_request_id": report.case.reference, "token": report.token}])


def _attributes(request):
    answers = {}
    for key in request.POST:
        match = _ATTRIBUTE.match(key)
        if not match:
            continue
        values = request.POST.getlist(key)
        code = match.group(1)
        if match.group(2):  # attribute[code][]=a&attribute[code][]=b (multivaluelist)
            previous = answers.get(code)
            answers[code] = [*(previous if isinstance(previous, list) else []), *values]
        else:
            answers[code] = values if len(values) > 1 else values[0]
    return answers


def _create_request(request, fmt):
    wait = ratelimit.take("open311-ip", ratelimit.client_key(request),
                          limit=settings.OPEN311_MAX_POSTS_PER_IP_PER_HOUR, window=HOUR)
    if wait is not None:
        raise _too_many(wait)
    key = _param(request, "api_key")
    if not key:
        raise Open311Error(403, _("api_key manquante : une clé est nécessaire pour créer un signalement."))
    api_key = ApiKey.find_active(key)
    if api_key is None:
        raise Open311Error(403, _("api_key invalide ou révoquée : impossible de créer le signalement."))
    limit = api_key.max_posts_per_hour or settings.OPEN311_MAX_POSTS_PER_KEY_PER_HOUR
    wait = ratelimit.take("open311-key", str(api_key.pk), limit=limit, window=HOUR)
    if wait is not None:
        raise _too_many(wait)
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())

    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, _("service_code manquant."))
    category = _category_or_404(code)
    lat, lon = _param(request, "lat"), _param(request, "long")
    address, address_id = _param(request, "address_string"), _param(request, "address_id")
    if bool(lat) != bool(lon):
        raise Open311Error(400, _("lat et long doivent être envoyées ensemble."))
    if not lat and not address:
        if address_id:
            raise Open311Error(400, _("address_id n'est pas pris en charge : envoyez lat et long, ou "
                                      "address_string."))
        raise Open311Error(400, _("Lieu manquant : envoyez lat et long, ou address_string."))
    name = " ".join(part for part in (_param(request, "first_name"), _param(request, "last_name")) if part)
    try:
        report = services.file_report(
            category=category, description=request.POST.get("description", ""), latitude=lat or None,
            longitude=lon or None, address=address, answers=_attributes(request),
            contact_email=_param(request, "email"), contact_name=name[:150], contact_phone=_param(request, "phone"),
            channel="web", api_key=api_key, device_id=_param(request, "device_id"),
            external_account_id=_param(request, "account_id"), media_url=_param(request, "media_url"),
            description_required=False,
        )
    except services.ReportInputError as error:
        raise Open311Error(400, *[message for messages in error.errors.values() for message in messages]) from None
    return respond(fmt, "service_requests", "request", [{
        "service_request_id": report.reference,
        "service_notice": category.service_notice or None,
        "account_id": None,
    }])


def _too_many(wait):
    return Open311Error(429, _("Trop de signalements envoyés en peu de temps : réessayez dans %(wait)s.")
                        % {"wait": ratelimit.wait_in_words(wait)}, headers={"Retry-After": str(wait)})


# --- Discovery -------------------------------------------------------------------------------------------------

def _changeset():
    moments = [value for value in (
        ReportCategory.objects.aggregate(at=Max("updated_at"))["at"],
        ReportQuestion.objects.aggregate(at=Max("updated_at"))["at"],
    ) if value]
    return w3c(max(moments)) if moments else "2026-01-01T00:00:00+01:00"


@api_view()
def discovery(request, fmt):
    commune = Commune.current()
    of_name = de(commune.name if commune else settings.COMMUNE_NAME)
    contact = settings.OPEN311_CONTACT or (
        f"Mairie {of_name} : {commune.email}, {commune.phone}" if commune else f"Mairie {of_name}")
    key_service = settings.OPEN311_KEY_SERVICE or (
        f"Demandez une clé d'API à la mairie {of_name} ({commune.email})." if commune
        else f"Demandez une clé d'API à la mairie {of_name}.")
    changeset = _changeset()
    data = {
        "changeset": changeset,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": settings.SITE_URL + "/open311/v2",
            "changeset": changeset,
            "type": settings.OPEN311_ENDPOINT_TYPE,
            "formats": ["text/xml", "application/json"],
        }],
    }
    return respond(fmt, "discovery", None, data)


@csrf_exempt
def not_found(request, path=""):
    fmt = "json" if path.endswith(".json") else "xml"
    return error_response(fmt, Open311Error(404, _("Ressource inconnue : /open311/%(path)s (voir discovery.xml).")
                                            % {"path": path[:100]}))
