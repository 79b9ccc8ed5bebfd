"""The editor API that the ANTS national search ("hub") calls, under /api/ants/.

Every call carries `X-HUB-RDV-AUTH-TOKEN`, compared in constant time with ANTS_HUB_TOKEN (an empty setting
closes the API). Times are Paris wall-clock written "YYYY-MM-DDTHH:MMZ": the hub shows the time as given
(observed behaviour, see docs/operations-appointments.md), so a 9:00 slot in Admiville reads "T09:00Z".
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone

from parvis.appointments import slots as slotlib
from parvis.appointments.models import ANTS_REASONS, ApplicationId, Channel, MeetingType, Place, Status
from parvis.appointments.services import cancel_url, local, manage_url
from parvis.cases.deadlines import PARIS

MAX_RANGE_DAYS = 186
_ID_SPLIT = re.compile(r"[^A-Za-z0-9]+")


def _error(status, message):
    response = JsonResponse({"error": message}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def hub_api(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        expected = settings.ANTS_HUB_TOKEN
        given = request.headers.get("X-HUB-RDV-AUTH-TOKEN", "")
        if not expected or not given or not hmac.compare_digest(given.encode(), expected.encode()):
            return _error(401, "X-HUB-RDV-AUTH-TOKEN header invalid")
        if request.method not in ("GET", "HEAD"):
            return _error(405, "Method not allowed")
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return wrapper


def hub_datetime(value: dt.datetime) -> str:
    return value.astimezone(PARIS).strftime("%Y-%m-%dT%H:%MZ")


def _places(ids=None):
    query = Place.objects.filter(is_active=True, ants_enabled=True).order_by("pk")
    if ids is not None:
        query = query.filter(pk__in=[int(value) for value in ids if value.isdigit()])
    return query


@hub_api
def managed_meeting_points(request):
    logo = settings.THEME_LOGO_URL
    points = []
    for place in _places():
        point = {
            "id": place.ants_meeting_point_id, "name": place.name,
            "longitude": float(place.longitude) if place.longitude is not None else None,
            "latitude": float(place.latitude) if place.latitude is not None else None,
            "public_entry_address": place.street, "zip_code": place.postcode, "city_name": place.city,
        }
        if place.website:
            point["website"] = place.website
        if logo:
            point["city_logo"] = logo if logo.startswith("http") else settings.SITE_URL + logo
        points.append(point)
    return JsonResponse(points, safe=False)


def meeting_type_for(place: Place, reason: str, documents: int) -> MeetingType | None:
    """The shortest meeting type of the place covering the ANTS reason and the number of documents."""
    candidates = [t for t in MeetingType.objects.filter(is_active=True, requires_ants_number=True,
                                                        desks__place=place, desks__is_active=True).distinct()
                  if reason in (t.ants_reasons or []) and t.documents_max >= documents]
    candidates.sort(key=lambda t: (t.documents_max, t.duration_minutes, t.pk))
    return candidates[0] if candidates else None


def _date(value, name):
    try:
        return dt.date.fromisoformat(value or ""), None
    except ValueError:
        return None, f"{name} must be a date (YYYY-MM-DD)"


@hub_api
def available_time_slots(request):
    ids = [part for value in request.GET.getlist("meeting_point_ids") for part in _ID_SPLIT.split(value) if part]
    if not ids:
        return _error(400, "meeting_point_ids is required")
    start_date, error = _date(request.GET.get("start_date"), "start_date")
    if error:
        return _error(400, error)
    end_date, error = _date(request.GET.get("end_date"), "end_date")
    if error:
        return _error(400, error)
    if start_date > end_date:
        return _error(400, "start_date must be before end_date")
    if (end_date - start_date).days > MAX_RANGE_DAYS:
        return _error(400, f"the range may not exceed {MAX_RANGE_DAYS} days")
    reason = request.GET.get("reason", "CNI")
    if reason not in ANTS_REASONS:
        return _error(400, "reason must be one of CNI, PASSPORT, CNI-PASSPORT")
    try:
        documents = int(request.GET.get("documents_number", "1"))
    except ValueError:
        documents = 0
    if not 1 <= documents <= 20:
        return _error(400, "documents_number must be an integer between 1 and 20")
    start = dt.datetime.combine(start_date, dt.time.min, tzinfo=PARIS)
    end = dt.datetime.combine(end_date + dt.timedelta(days=1), dt.time.min, tzinfo=PARIS)
    now = timezone.now()
    answer = {}
    for place in _places(ids):
        meeting_type = meeting_type_for(place, reason, documents)
        offers = slotlib.free_starts(place, meeting_type, channel=Channel.WEB, start=start, end=end, now=now) \
            if meeting_type else []
        base = settings.SITE_URL + reverse("appointments:slots")
        answer[place.ants_meeting_point_id] = [
            {"datetime": hub_datetime(offer.start),
             "callback_url": base + "?" + urlencode({"motif": meeting_type.slug, "lieu": place.slug,
                                                     "creneau": offer.value})}
            for offer in offers
        ]
    return JsonResponse(answer)


@hub_api
def search_application_ids(request):
    numbers = []
    for value in request.GET.getlist("application_ids"):
        for part in _ID_SPLIT.split(value):
            candidate = part.upper()
            if len(candidate) == 10 and candidate not in numbers:
                numbers.append(candidate)
    if not numbers:
        return _error(400, "application_ids is required (10 letters or digits each)")
    answer = {number: [] for number in numbers}
    rows = (ApplicationId.objects.filter(application_id__in=numbers, appointment__status=Status.BOOKED,
                                         appointment__end__gt=timezone.now())
            .select_related("appointment__place").order_by("appointment__start"))
    for row in rows:
        appointment = row.appointment
        answer[row.application_id].append({
            "meeting_point": appointment.place.name, "datetime": hub_datetime(local(appointment.start)),
            "management_url": manage_url(appointment), "cancel_url": cancel_url(appointment),
        })
    return JsonResponse(answer)
