"""Agents' pages: day and week views per place, booking on behalf of a resident (phone, counter), moving,
cancelling, attendance, the printable day list, closures and no-show statistics.

Every page goes through the choke points of access.py: an agent sees only the places of their departments.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parvis.appointments import ants, services
from parvis.appointments import slots as slotlib
from parvis.appointments.access import (
    agent_places,
    agent_required,
    get_appointment_for_agent,
    get_place_for_agent,
)
from parvis.appointments.forms import AgentContactForm, CancelForm, ClosureForm
from parvis.appointments.models import (
    AGENT_CHANNELS,
    Appointment,
    Channel,
    Closure,
    ClosureKind,
    Desk,
    MeetingType,
    Status,
)
from parvis.appointments.picker import picker
from parvis.appointments.views import check_and_confirm
from parvis.cases.deadlines import PARIS
from parvis.privacy.models import AccessAction
from parvis.privacy.services import log_access

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
SHOWN = (Status.BOOKED, Status.PRESENT, Status.ABSENT)


def _day(request, name="date"):
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()


def _bounds(first: dt.date, days: int):
    start = dt.datetime.combine(first, dt.time.min, tzinfo=PARIS)
    return start, start + dt.timedelta(days=days)


def _crumbs(place=None, *more):
    """The breadcrumb; its last item is the current page (no link)."""
    items = [(_("Espace agents"), reverse("organisation:home")), (_("Rendez-vous"), reverse("appointments:agent_home"))]
    if place is not None:
        items.append((place.name, reverse("appointments:agent_day", args=[place.slug])))
    items += list(more)
    items[-1] = (items[-1][0], "")
    return items


@agent_required
def home(request):
    places = list(agent_places(request.user))
    today_start, today_end = _bounds(timezone.localdate(), 1)
    counts = dict(Appointment.objects.filter(place__in=places, status__in=SHOWN, start__gte=today_start,
                                             start__lt=today_end).values_list("place").annotate(n=Count("pk")))
    for place in places:
        place.today_count = counts.get(place.pk, 0)
    return render(request, "appointments/agent/home.html", {"places": places, "breadcrumbs": _crumbs()})


def _day_rows(place, start, end):
    appointments = (Appointment.objects.filter(place=place, status__in=SHOWN, start__gte=start, start__lt=end)
                    .select_related("desk", "meeting_type").prefetch_related("applications").order_by("start", "desk"))
    closures = list(slotlib.closures_overlapping(place, start, end))
    for appointment in appointments:
        appointment.in_closure = any(c.start < appointment.end and c.end > appointment.start
                                     and c.desk_id in (None, appointment.desk_id) for c in closures)
    return list(appointments), closures


@agent_required
def day(request, slug):
    place = get_place_for_agent(request.user, slug)
    current = _day(request)
    start, end = _bounds(current, 1)
    appointments, closures = _day_rows(place, start, end)
    desks = list(Desk.objects.filter(place=place, is_active=True))
    by_desk = defaultdict(list)
    for appointment in appointments:
        by_desk[appointment.desk_id].append(appointment)
    return render(request, "appointments/agent/day.html", {
        "place": place, "day": current, "columns": [(desk, by_desk.get(desk.pk, [])) for desk in desks],
        "appointments": appointments, "closures": closures,
        "previous": current - dt.timedelta(days=1), "next": current + dt.timedelta(days=1),
        "today": timezone.localdate(), "breadcrumbs": _crumbs(place),
    })


@agent_required
def print_day(request, slug):
    place = get_place_for_agent(request.user, slug)
    current = _day(request)
    appointments, _closures = _day_rows(place, *_bounds(current, 1))
    log_access(request.user, AccessAction.EXPORT, request=request, count=len(appointments),
               detail=f"Liste imprimable des rendez-vous — {place.name}, {current:%d/%m/%Y}")
    return render(request, "appointments/agent/print_day.html", {"place": place, "day": current,
                                                                   "appointments": appointments})


@agent_required
def week(request, slug):
    place = get_place_for_agent(request.user, slug)
    current = _day(request)
    monday = current - dt.timedelta(days=current.weekday())
    start, end = _bounds(monday, 7)
    appointments = (Appointment.objects.filter(place=place, status__in=SHOWN, start__gte=start, start__lt=end)
                    .select_related("desk", "meeting_type").order_by("start"))
    by_day = defaultdict(list)
    for appointment in appointments:
        by_day[appointment.start.astimezone(PARIS).date()].append(appointment)
    free_units = Counter(
        start.astimezone(PARIS).date() for start in
        place.slots.filter(start__gte=max(start, timezone.now()), start__lt=end, taken_by=None)
        .values_list("start", flat=True))
    days = [(monday + dt.timedelta(days=n), by_day.get(monday + dt.timedelta(days=n), []),
             free_units.get(monday + dt.timedelta(days=n), 0)) for n in range(7)]
    return render(request, "appointments/agent/week.html", {
        "place": place, "days": days, "monday": monday, "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7), "breadcrumbs": _crumbs(place, (_("Semaine"), "")),
    })


@agent_required
@GET_POST
def book(request, slug):
    """Booking on behalf of a resident: choose the meeting type and a start time (reserved ones included)."""
    place = get_place_for_agent(request.user, slug)
    types = list(MeetingType.objects.filter(is_active=True, desks__place=place, desks__is_active=True).distinct())
    meeting_type = next((t for t in types if t.slug == request.GET.get("motif")), None)
    context = {"place": place, "meeting_types": types, "meeting_type": meeting_type,
               "breadcrumbs": _crumbs(place, (_("Prendre un rendez-vous"), ""))}
    if meeting_type is None:
        return render(request, "appointments/agent/book.html", context)
    error = None
    if request.method == "POST":
        try:
            appointment = services.hold_slot(place=place, meeting_type=meeting_type, by=request.user,
                                             start=slotlib.parse_offer_value(request.POST.get("creneau")),
                                             channel=Channel.PHONE)
        except services.BookingError as exc:
            error = exc
        else:
            return redirect("appointments:agent_confirm", appointment.pk)
    context.update(error=error, **picker(request.GET, place=place, meeting_type=meeting_type, channel=Channel.PHONE,
                                         base_params={"motif": meeting_type.slug}))
    return render(request, "appointments/agent/book.html", context, status=409 if error else 200)


@agent_required
@GET_POST
def confirm(request, pk):
    appointment = get_appointment_for_agent(request.user, pk, request=request)
    if appointment.status == Status.BOOKED or appointment.channel not in AGENT_CHANNELS:
        # Booked already, or a resident's own online hold: nothing for the agent to confirm here.
        return redirect("appointments:agent_appointment", appointment.pk)
    expired = appointment.status != Status.HELD
    form = AgentContactForm(request.POST if request.method == "POST" else None,
                            meeting_type=appointment.meeting_type)
    extra = {}
    if request.method == "POST" and not expired and form.is_valid():
        email = form.cleaned_data.get("email")
        account = get_user_model().objects.filter(email=email.lower()).first() if email else None
        with transaction.atomic():
            Appointment.objects.filter(pk=appointment.pk, status=Status.HELD).update(
                channel=form.cleaned_data["channel"])
            appointment.channel = form.cleaned_data["channel"]
        confirmed, extra = check_and_confirm(request, appointment, form, by=request.user, contact_applicant=account)
        if confirmed is not None:
            messages.success(request, _("Rendez-vous confirmé."))
            return redirect("appointments:agent_appointment", confirmed.pk)
    return render(request, "appointments/agent/confirm.html", {
        "appointment": appointment, "place": appointment.place, "form": form, "expired": expired, **extra,
        "breadcrumbs": _crumbs(appointment.place, (_("Confirmer le rendez-vous"), "")),
    }, status=400 if (request.method == "POST" and (form.errors or expired)) else 200)


@agent_required
@GET_POST
def appointment_detail(request, pk):
    appointment = get_appointment_for_agent(request.user, pk, request=request, log_view=request.method == "GET")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("present", "absent"):
                services.mark_attendance(appointment, present=action == "present", by=request.user)
                messages.success(request, _("Présence enregistrée.") if action == "present"
                                 else _("Absence enregistrée."))
            elif action == "retry_ants":
                summary = ants.process_operations(appointment.pk, force=True)
                if summary["failed"]:
                    messages.error(request, _("L'ANTS ne répond toujours pas ; un nouvel essai est prévu."))
                else:
                    messages.success(request, _("Envoi à l'ANTS effectué."))
        except services.BookingError as error:
            messages.error(request, error.message)
        return redirect("appointments:agent_appointment", appointment.pk)
    return render(request, "appointments/agent/appointment.html", {
        "appointment": appointment, "place": appointment.place, "events": appointment.events.select_related("actor"),
        "operations": appointment.ants_operations.all(), "ants_state": ants.declaration_state(appointment),
        "manage_link": services.manage_url(appointment), "cancel_form": CancelForm(),
        "can_mark": appointment.status in SHOWN and appointment.start.astimezone(PARIS).date() <= timezone.localdate(),
        "breadcrumbs": _crumbs(appointment.place, (str(appointment.meeting_type), "")),
    })


@agent_required
@require_POST
def cancel(request, pk):
    appointment = get_appointment_for_agent(request.user, pk, request=request)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        done = services.cancel_appointment(appointment, by=request.user, channel=Channel.COUNTER, reason=reason)
    except services.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Rendez-vous annulé ; la personne est prévenue par courriel.") if done
                         else _("Ce rendez-vous était déjà annulé."))
    return redirect("appointments:agent_appointment", appointment.pk)


@agent_required
@GET_POST
def move(request, pk):
    appointment = get_appointment_for_agent(request.user, pk, request=request)
    if appointment.status != Status.BOOKED:
        messages.error(request, _("Seul un rendez-vous confirmé peut être déplacé."))
        return redirect("appointments:agent_appointment", appointment.pk)
    error = None
    if request.method == "POST":
        try:
            services.move_appointment(appointment, start=slotlib.parse_offer_value(request.POST.get("creneau")),
                                      by=request.user, channel=Channel.PHONE)
        except services.BookingError as exc:
            error = exc
        else:
            messages.success(request, _("Rendez-vous déplacé ; la personne reçoit la nouvelle invitation."))
            return redirect("appointments:agent_appointment", appointment.pk)
    return render(request, "appointments/agent/move.html", {
        "appointment": appointment, "place": appointment.place, "error": error,
        "breadcrumbs": _crumbs(appointment.place, (_("Déplacer"), "")),
        **picker(request.GET, place=appointment.place, meeting_type=appointment.meeting_type, channel=Channel.PHONE,
                 own_appointment_id=appointment.pk, exclude_start=appointment.start),
    }, status=409 if error else 200)


@agent_required
@GET_POST
def closures(request, slug):
    place = get_place_for_agent(request.user, slug)
    form = ClosureForm(request.POST if request.method == "POST" else None, place=place)
    if request.method == "POST":
        if request.POST.get("action") == "toggle":
            closure = Closure.objects.filter(place=place, pk=request.POST.get("closure")).first()
            if closure is not None:
                with transaction.atomic():
                    closure.is_active = not closure.is_active
                    closure.save(update_fields=["is_active"])
                    slotlib.generate_slots(place)
                messages.success(request, _("Fermeture réactivée.") if closure.is_active
                                 else _("Fermeture levée : les créneaux sont de nouveau proposés."))
            return redirect("appointments:agent_closures", place.slug)
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                Closure.objects.create(place=place, desk=data["desk"], kind=data["kind"], start=data["start"],
                                       end=data["end"], reason=data["reason"], created_by=request.user)
                slotlib.generate_slots(place)
            clashing = Appointment.objects.filter(place=place, status=Status.BOOKED, start__lt=data["end"],
                                                  end__gt=data["start"])
            if data["desk"] is not None:
                clashing = clashing.filter(desk=data["desk"])
            count = clashing.count()
            messages.success(request, _("Fermeture enregistrée.") + (
                " " + _("%(count)d rendez-vous déjà pris sur cette période sont à déplacer ou annuler (voir le "
                        "planning du jour).") % {"count": count} if count else ""))
            return redirect("appointments:agent_closures", place.slug)
    now = timezone.now()
    rows = (Closure.objects.filter(place=place, end__gt=now - dt.timedelta(days=1)).select_related("desk")
            .order_by("start")[:200])
    return render(request, "appointments/agent/closures.html", {
        "place": place, "form": form, "closures": rows, "breadcrumbs": _crumbs(place, (_("Fermetures"), "")),
        "holiday_kind": ClosureKind.PUBLIC_HOLIDAY,
    }, status=400 if form.errors else 200)


@agent_required
def statistics(request, slug):
    place = get_place_for_agent(request.user, slug)
    since = timezone.localdate().replace(day=1) - dt.timedelta(days=365)
    rows = (Appointment.objects.filter(place=place, start__gte=dt.datetime.combine(since, dt.time.min, tzinfo=PARIS),
                                       start__lt=timezone.now())
            .exclude(status__in=[Status.HELD, Status.EXPIRED])
            .annotate(month=TruncMonth("start", tzinfo=PARIS)).values("month", "meeting_type__name")
            .annotate(total=Count("pk"), present=Count("pk", filter=Q(status=Status.PRESENT)),
                      absent=Count("pk", filter=Q(status=Status.ABSENT)),
                      cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
                      unmarked=Count("pk", filter=Q(status=Status.BOOKED)))
            .order_by("-month", "meeting_type__name"))
    table = []
    for row in rows:
        marked = row["present"] + row["absent"]
        row["rate"] = round(100 * row["absent"] / marked) if marked else None
        table.append(row)
    by_channel = dict(Appointment.objects.filter(place=place, status=Status.ABSENT).values_list("channel")
                      .annotate(n=Count("pk")))
    return render(request, "appointments/agent/statistics.html", {
        "place": place, "rows": table, "channels": [(label, by_channel.get(value, 0)) for value, label in
                                                   Channel.choices],
        "breadcrumbs": _crumbs(place, (_("Statistiques"), "")), "agent_channels": AGENT_CHANNELS,
    })
