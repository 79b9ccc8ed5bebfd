"""Residents' pages: choose a meeting type and a place, pick a start time, confirm, then move or cancel
through the signed link of the confirmation email. Thin: the work is in services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parvis.appointments import ants, services
from parvis.appointments import slots as slotlib
from parvis.appointments.access import get_appointment_by_token, get_appointment_for_resident
from parvis.appointments.forms import ContactForm
from parvis.appointments.ics import build_ics
from parvis.appointments.models import Channel, MeetingType, Place, Status, WaitingListEntry
from parvis.appointments.picker import monday_of, picker, week_url
from parvis.organisation.models import Commune

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _private(response):
    """Pages reached through a management link are never kept in a shared cache. The token does not leak in
    a Referer to other sites: the site-wide policy is `same-origin` (and `no-referrer` here would make
    browsers send `Origin: null`, which fails the CSRF check of the page's own forms)."""
    return _no_store(response)


def _meeting_types():
    return MeetingType.objects.filter(is_active=True, desks__is_active=True, desks__place__is_active=True).distinct()


def start(request):
    """Step 1: what for, and where."""
    meeting_types = list(_meeting_types())
    places = list(Place.objects.filter(is_active=True, desks__is_active=True).distinct())
    offered = {place.pk: set() for place in places}
    for place_id, type_id in (MeetingType.desks.through.objects.filter(desk__place__in=places, desk__is_active=True)
                              .values_list("desk__place_id", "meetingtype_id")):
        offered[place_id].add(type_id)
    for place in places:
        place.offered_names = [t.name for t in meeting_types if t.pk in offered[place.pk]]
    return render(request, "appointments/start.html", {
        "meeting_types": meeting_types, "places": places,
        "selected_type": request.GET.get("motif", ""), "selected_place": request.GET.get("lieu", ""),
    })


def _active_by_slug(model, slug):
    try:
        return model.objects.get(is_active=True, slug=slug) if slug else None
    except model.DoesNotExist:
        return None


def _chosen(request):
    """(meeting type, place, None), or (None, None, a redirect to the choice with a message)."""
    motif, lieu = request.GET.get("motif", ""), request.GET.get("lieu", "")
    found = slotlib.offering(motif, lieu)
    if found is not None:
        return *found, None
    # Rarely here: tell an unknown choice (or a type offered nowhere) from a type not offered at this place.
    meeting_type = _active_by_slug(MeetingType, motif)
    place = _active_by_slug(Place, lieu) if meeting_type else None
    if meeting_type is None or place is None or not _meeting_types().filter(pk=meeting_type.pk).exists():
        messages.error(request, _("Choisissez un motif et un lieu."))
        return None, None, redirect(reverse("appointments:start") + "?" + request.GET.urlencode())
    messages.error(request, _("Ce motif n'est pas proposé dans ce lieu : choisissez un autre lieu."))
    return None, None, redirect(reverse("appointments:start") + f"?motif={meeting_type.slug}")


@login_required
@GET_POST
def choose_slot(request):
    """Step 2: the free start times of one week; choosing one holds it for the resident.

    When the time was taken meanwhile, the nearest free time of the same day is held instead (the confirmation
    page says so); when none is near (409), the page proposes the nearest free times and links to the week
    instead of listing it again: in a rush, refusals are many and must stay cheap."""
    meeting_type, place, refusal = _chosen(request)
    if refusal is not None:
        return refusal
    error = None
    if request.method == "POST":
        value = request.POST.get("creneau", "")
        try:
            appointment, instead_of = services.hold_slot_or_nearest(
                place=place, meeting_type=meeting_type, start=slotlib.parse_offer_value(value), applicant=request.user)
        except services.BookingError as exc:
            error = exc
        else:
            if instead_of is not None:
                messages.warning(request, _(
                    "L'horaire de %(chosen)s vient d'être pris par quelqu'un d'autre. Nous vous gardons le plus "
                    "proche, %(held)s : confirmez-le ci-dessous, ou choisissez un autre horaire.") % {
                    "chosen": services.local(instead_of).strftime("%H:%M"),
                    "held": services.local(appointment.start).strftime("%H:%M")})
            return redirect("appointments:confirm", appointment.pk)
    context = {"meeting_type": meeting_type, "place": place, "error": error}
    base_params = {"motif": meeting_type.slug, "lieu": place.slug}
    if isinstance(error, services.SlotUnavailable):
        monday = monday_of(slotlib.parse_offer_value(request.POST.get("creneau", "")).date())
        context["week_url"], context["week_day"] = week_url(base_params, monday), monday
    else:
        context.update(picker(request.GET, place=place, meeting_type=meeting_type, channel=Channel.WEB,
                              base_params=base_params))
    if error and error.existing is not None and error.existing.status == Status.BOOKED:
        context["existing_url"] = reverse("appointments:manage", args=[services.management_token(error.existing)])
    status = 409 if error else 200
    return _no_store(render(request, "appointments/choose_slot.html", context, status=status))


def _contact_initial(user):
    return {"first_name": user.first_name, "last_name": user.last_name, "email": user.email or "",
            "phone": user.phone}


def check_and_confirm(request, appointment, form, *, by=None, contact_applicant=None):
    """Shared by residents and agents: ANTS check of the numbers, then confirmation.

    Returns (appointment or None, context additions). Nothing is lost when ANTS is unavailable: the hold
    stays and the person retries.
    """
    extra = {}
    numbers = form.cleaned_data.get("application_ids") or []
    if numbers:
        result = ants.check_application_ids(numbers)
        extra["ants_check"] = result
        if result.unavailable:
            form.add_error(None, _("Le service de vérification de l'ANTS ne répond pas pour le moment. Votre créneau "
                                   "reste réservé jusqu'à %(time)s : réessayez dans un instant.")
                           % {"time": services.local(appointment.held_until or timezone.now()).strftime("%H:%M")})
            return None, extra
        for number, message in result.refused.items():
            form.add_error("application_ids", _("Le numéro %(number)s %(message)s") % {"number": number,
                                                                                       "message": message})
        if result.refused:
            return None, extra
        if result.elsewhere:
            extra["elsewhere"] = [(number, [(item, ants.format_existing_date(item.appointment_date)) for item in items])
                                  for number, items in result.elsewhere.items()]
            if not form.cleaned_data.get("acknowledge_elsewhere"):
                form.add_error("acknowledge_elsewhere", _("Ce numéro a déjà un rendez-vous dans une autre mairie : "
                                                          "cochez la case pour confirmer celui-ci quand même."))
                return None, extra
    contact = services.Contact(
        first_name=form.cleaned_data["first_name"], last_name=form.cleaned_data["last_name"],
        email=form.cleaned_data.get("email") or "", phone=form.cleaned_data.get("phone") or "",
        sms_reminder=form.cleaned_data.get("sms_reminder", False), applicant=contact_applicant)
    try:
        confirmed = services.confirm_appointment(appointment, contact=contact, application_ids=numbers, by=by)
    except services.BookingError as error:
        form.add_error(None, error.message)
        extra["booking_error"] = error
        if isinstance(error, services.HoldExpired):
            extra["nearest"] = slotlib.nearest_free_starts(appointment.place, appointment.meeting_type,
                                                           appointment.start, channel=appointment.channel)
        return None, extra
    return confirmed, extra


@login_required
@GET_POST
def confirm(request, pk):
    """Step 3: contact details and ANTS numbers, while the slot is held."""
    appointment = get_appointment_for_resident(request.user, pk, related=("place", "meeting_type"))
    if appointment.status == Status.BOOKED:
        return redirect("appointments:manage", services.management_token(appointment))
    now = timezone.now()
    expired = appointment.status != Status.HELD
    form = ContactForm(request.POST if request.method == "POST" else None, meeting_type=appointment.meeting_type,
                       initial=_contact_initial(request.user))
    extra = {}
    if request.method == "POST" and not expired and form.is_valid():
        confirmed, extra = check_and_confirm(request, appointment, form)
        if confirmed is not None:
            messages.success(request, _("Votre rendez-vous est confirmé. Vous allez recevoir un courriel de "
                                        "confirmation avec l'invitation pour votre agenda."))
            return redirect("appointments:manage", services.management_token(confirmed))
    context = {
        "appointment": appointment, "form": form, "expired": expired,
        "hold_expired": appointment.held_until is not None and appointment.held_until <= now,
        "commune": Commune.current(), **extra,
    }
    if expired and "nearest" not in context:
        context["nearest"] = slotlib.nearest_free_starts(appointment.place, appointment.meeting_type, appointment.start)
    status = 200 if request.method == "GET" or not (form.errors or expired) else 400
    return _no_store(render(request, "appointments/confirm.html", context, status=status))


@login_required
@require_POST
def abandon(request, pk):
    appointment = get_appointment_for_resident(request.user, pk)
    services.release_hold(appointment, by=request.user)
    return redirect(reverse("appointments:slots") + f"?motif={appointment.meeting_type.slug}"
                    f"&lieu={appointment.place.slug}")


@GET_POST
def manage(request, token):
    appointment = get_appointment_by_token(token)
    if request.method == "POST":
        wanted = request.POST.get("liste_attente") == "oui"
        if appointment.status == Status.BOOKED:
            services.set_waiting_list(appointment, wanted, by=request.user)
            messages.success(request, _("Vous serez prévenu par courriel si un créneau plus tôt se libère.") if wanted
                             else _("Vous ne serez plus prévenu des créneaux plus tôt."))
        return redirect("appointments:manage", token)
    entry = WaitingListEntry.objects.filter(appointment=appointment, is_active=True).first()
    return _private(render(request, "appointments/manage.html", {
        "appointment": appointment, "token": token, "start": services.local(appointment.start),
        "end": services.local(appointment.end), "on_waiting_list": entry is not None,
        "is_future": appointment.start > timezone.now(),
    }))


@GET_POST
def move(request, token):
    appointment = get_appointment_by_token(token)
    now = timezone.now()
    if appointment.status != Status.BOOKED or appointment.start <= now:
        return _private(render(request, "appointments/not_changeable.html", {"appointment": appointment}, status=409))
    error = None
    if request.method == "POST":
        try:
            moved = services.move_appointment(appointment, start=slotlib.parse_offer_value(request.POST.get("creneau")),
                                              by=request.user, channel=Channel.WEB)
        except services.BookingError as exc:
            error = exc
        else:
            messages.success(request, _("Votre rendez-vous est déplacé au %(when)s. Un courriel vous le confirme.")
                             % {"when": services.local(moved.start).strftime("%d/%m/%Y à %H:%M")})
            return redirect("appointments:manage", token)
    context = {
        "appointment": appointment, "token": token, "error": error, "start": services.local(appointment.start),
        **picker(request.GET, place=appointment.place, meeting_type=appointment.meeting_type, channel=Channel.WEB,
                 own_appointment_id=appointment.pk, exclude_start=appointment.start),
    }
    return _private(render(request, "appointments/move.html", context, status=409 if error else 200))


@GET_POST
def cancel(request, token):
    appointment = get_appointment_by_token(token)
    if appointment.status == Status.CANCELLED:
        return _private(render(request, "appointments/cancelled.html", {"appointment": appointment, "already": True}))
    if appointment.status != Status.BOOKED or appointment.start <= timezone.now():
        return _private(render(request, "appointments/not_changeable.html", {"appointment": appointment}, status=409))
    if request.method == "POST":
        services.cancel_appointment(appointment, by=request.user, channel=Channel.WEB)
        appointment.refresh_from_db()
        return _private(render(request, "appointments/cancelled.html", {"appointment": appointment, "already": False}))
    return _private(render(request, "appointments/cancel.html", {
        "appointment": appointment, "token": token, "start": services.local(appointment.start)}))


def calendar_file(request, token):
    appointment = get_appointment_by_token(token)
    if appointment.status not in (Status.BOOKED, Status.CANCELLED):
        raise Http404
    method = "CANCEL" if appointment.status == Status.CANCELLED else "REQUEST"
    response = HttpResponse(build_ics(appointment, method=method, manage_url=services.manage_url(appointment)),
                            content_type=f"text/calendar; charset=utf-8; method={method}")
    response["Content-Disposition"] = 'attachment; filename="rendez-vous.ics"'
    return _private(response)


@login_required
def my_appointments(request):
    return _no_store(render(request, "appointments/mine.html", {
        "upcoming": services.upcoming_appointments_for(request.user),
        "past": services.past_appointments_for(request.user),
    }))
