"""Booking, moving, cancelling: every state change of an appointment goes through a function here, and each
writes the appointment's history (`record_event`, the only writer of `AppointmentEvent`).

Taking units follows one path, `_take_units` then `_write_units`, inside one transaction:
1. lock the candidate units (`SELECT ... FOR UPDATE`, in (desk, start) order: no deadlock between bookings),
2. re-check they are still free, contiguous and open to the channel,
3. write the holder with a conditional UPDATE (`WHERE taken_by IS NULL OR hold expired`) and check the row
   count: even if the lock were missing, a unit cannot end up with two holders.
The rule "one future appointment of a kind per resident and per ANTS number" is checked in the same
transaction and guarded by partial unique indexes (`future_claim`).

`lock=False` exists for the control test only (tests/test_concurrency.py): it shows the race that the lock
prevents. Never use it elsewhere.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.appointments import slots as slotlib
from parvis.appointments.errors import (  # noqa: F401 (callers catch them as services.<Error>)
    AlreadyBooked,
    ApplicationIdAlreadyBooked,
    BookingError,
    HoldExpired,
    InvalidState,
    NotOffered,
    OutsideBookingWindow,
    SlotUnavailable,
)
from parvis.appointments.memory import UNITS
from parvis.appointments.models import (
    AntsAction,
    ApplicationId,
    Appointment,
    AppointmentEvent,
    Channel,
    MeetingType,
    Place,
    Slot,
    Status,
    WaitingListEntry,
)
from parvis.cases.deadlines import PARIS

logger = logging.getLogger(__name__)

ACTIVE = (Status.HELD, Status.BOOKED)
MANAGE_SALT = "parvis.appointments.manage"


# --- History, links -----------------------------------------------------------------------------------


def record_event(appointment, kind, description, actor=None, channel="", at=None):
    """Writes one line of an appointment's history. The one function that creates `AppointmentEvent` rows."""
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AppointmentEvent.objects.create(appointment=appointment, at=at or timezone.now(), actor=actor,
                                           channel=channel or "", kind=kind, description=str(description)[:500])


def management_token(appointment) -> str:
    """The secret of the resident's "move or cancel" link: the id signed with SECRET_KEY (HMAC-SHA256), so it
    cannot be guessed nor forged; the same for the life of the appointment (the email, the reminder and the
    ANTS declaration carry the same link). Its state says what the link may still do."""
    return signing.Signer(salt=MANAGE_SALT).sign_object(appointment.pk)


def appointment_from_token(token: str) -> int | None:
    try:
        value = signing.Signer(salt=MANAGE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    return value if isinstance(value, int) else None


def manage_url(appointment) -> str:
    return settings.SITE_URL + reverse("appointments:manage", args=[management_token(appointment)])


def cancel_url(appointment) -> str:
    return settings.SITE_URL + reverse("appointments:cancel", args=[management_token(appointment)])


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(PARIS)


def _when(value):
    return local(value).strftime("%d/%m/%Y à %H:%M")


# --- Checks outside the transaction ------------------------------------------------------------------


def _check_offer(place: Place, meeting_type: MeetingType, start: dt.datetime, channel: str, now: dt.datetime,
                 own_appointment_id=None) -> slotlib.Offer:
    """The offer starting at `start` for `channel` (aligned, free, within the window); raises otherwise."""
    if start is None or not place.is_active or not meeting_type.is_active:
        raise NotOffered
    if not slotlib.serving_desks(place, meeting_type):
        raise NotOffered(_("Ce motif n'est pas proposé dans ce lieu."))
    earliest, latest = slotlib.booking_window(place, channel, now)
    if start < earliest or start >= latest:
        raise OutsideBookingWindow(nearest=slotlib.nearest_free_starts(place, meeting_type, start, channel=channel,
                                                                       now=now))
    offer, would_be = slotlib.offer_at(place, meeting_type, start, channel=channel, now=now,
                                       own_appointment_id=own_appointment_id)
    if offer is not None:
        return offer
    nearest = slotlib.nearest_free_starts(place, meeting_type, start, channel=channel, now=now)
    if would_be:
        raise SlotUnavailable(nearest=nearest)
    raise NotOffered(nearest=nearest)


# --- The one path that takes units --------------------------------------------------------------------


def _take_units(place, meeting_type, start, channel, now, *, lock=True, own_appointment_id=None, offer=None):
    """Locks and re-checks the units of a run starting at `start` on the first desk where it is free.

    `offer`: the offer read just before (`_check_offer`): only its desks, those where the run was free, are
    tried, in the desks' order. Returns (desk_id, unit ids). Raises SlotUnavailable when no desk has the run
    free any more.
    """
    k = slotlib.units_for(place, meeting_type)
    end = start + dt.timedelta(minutes=place.slot_minutes * k)
    agent = channel not in (Channel.WEB, "")
    desks = slotlib.serving_desks(place, meeting_type)
    if offer is not None:
        desks = [desk_id for desk_id in desks if desk_id in offer.desk_ids]
    for desk_id in desks:
        query = Slot.objects.filter(desk_id=desk_id, start__gte=start, start__lt=end).order_by("start")
        if lock:
            query = query.select_for_update(of=("self",))
        units = list(query.values_list("pk", "start", "end", "reserved", "taken_by_id", "held_until"))
        if len(units) != k or units[0][1] != start or units[-1][2] != end:
            continue
        if any(units[i][2] != units[i + 1][1] for i in range(k - 1)):
            continue
        if all(slotlib.unit_is_free(u[4], u[5], now, own_appointment_id) and (agent or not u[3]) for u in units):
            return desk_id, [u[0] for u in units]
    raise SlotUnavailable


def _write_units(unit_ids, appointment, held_until, now, *, guard=True, own_appointment_id=None):
    """Names `appointment` as the holder of the units. With `guard`, only units still free are written, and
    a short count rolls the transaction back: the last line of defence against a double booking."""
    query = Slot.objects.filter(pk__in=unit_ids)
    if guard:
        free = Q(taken_by=None) | Q(held_until__lte=now)
        if own_appointment_id:
            free |= Q(taken_by_id=own_appointment_id)
        query = query.filter(free)
    written = query.update(taken_by=appointment, held_until=held_until)
    UNITS.changed()
    if guard and written != len(unit_ids):
        raise SlotUnavailable


def _release_units(appointment, keep=()):
    UNITS.changed()
    return Slot.objects.filter(taken_by=appointment).exclude(pk__in=list(keep)).update(taken_by=None, held_until=None)


def _stale(now, prefix=""):
    """Claims that no longer count: a hold that expired, or an appointment that has begun."""
    return Q(**{f"{prefix}status": Status.HELD, f"{prefix}held_until__lte": now}) | Q(**{f"{prefix}start__lte": now})


def _is_stale(status, start, held_until, now) -> bool:
    """`_stale` read on values already loaded."""
    return (status == Status.HELD and held_until is not None and held_until <= now) or start <= now


def _release_stale_claims(kind, now, *, applicant=None, application_ids=()):
    if applicant is not None:
        Appointment.objects.filter(applicant=applicant, status=Status.HELD, held_until__lte=now).update(
            status=Status.EXPIRED, future_claim=None)
        Appointment.objects.filter(applicant=applicant, future_claim=kind).filter(_stale(now)).update(future_claim=None)
    if application_ids:
        ApplicationId.objects.filter(application_id__in=list(application_ids), future_claim=kind).filter(
            _stale(now, "appointment__") | ~Q(appointment__status__in=ACTIVE)).update(future_claim=None)


def _clear_claims_before_hold(applicant, kind, now):
    """Before a resident holds a new slot of `kind`: their earlier holds of this kind give way to the new
    choice, their lapsed holds (any kind) expire, the claims of appointments already begun lapse; returns the
    appointment still claiming `kind` (a future booking), if any.

    The same as expiring the previous holds, then `_release_stale_claims(kind, now, applicant=...)`, then
    looking for a claim, but read in one lean query: writes happen only when there is something to write.
    """
    mine = (Appointment.objects.filter(applicant=applicant).filter(Q(status=Status.HELD)
                                                                   | Q(future_claim__isnull=False))
            .order_by().values_list("pk", "status", "held_until", "start", "future_claim", "meeting_type__kind"))
    lapsed, begun, existing = [], [], None
    for pk, status, held_until, start, future_claim, type_kind in mine:
        if status == Status.HELD:
            if type_kind == kind:
                _expire_hold(pk, now)
            elif held_until is not None and held_until <= now:
                lapsed.append(pk)
        elif future_claim == kind:
            if _is_stale(status, start, held_until, now):
                begun.append(pk)
            else:
                existing = pk
    if lapsed:
        Appointment.objects.filter(pk__in=lapsed, status=Status.HELD, held_until__lte=now).update(
            status=Status.EXPIRED, future_claim=None)
    if begun:
        Appointment.objects.filter(pk__in=begun, future_claim=kind).filter(_stale(now)).update(future_claim=None)
    if existing is not None:
        return Appointment.objects.select_related("place", "meeting_type").get(pk=existing)
    return None


def _claims_of_numbers(appointment, kind, application_ids, now):
    """(the first other appointment's row still claiming one of the ANTS numbers for `kind`, or None; whether
    `appointment` already has number rows). Claims of appointments that no longer count (a lapsed hold, begun,
    cancelled) lapse first, as `_release_stale_claims` does. One lean read; writes only when something lapses."""
    if not application_ids:
        return None, True  # not read: the caller's DELETE costs the same query
    rows = (ApplicationId.objects.filter(Q(application_id__in=application_ids, future_claim=kind)
                                         | Q(appointment=appointment)).order_by("pk")
            .values_list("pk", "appointment_id", "application_id", "future_claim", "appointment__status",
                         "appointment__start", "appointment__held_until"))
    own, lapsed, taken = False, [], None
    for pk, appointment_id, number, future_claim, status, start, held_until in rows:
        if appointment_id == appointment.pk:
            own = True
        elif future_claim == kind and number in application_ids:
            if status not in ACTIVE or _is_stale(status, start, held_until, now):
                lapsed.append(pk)
            elif taken is None:
                taken = pk
    if lapsed:
        ApplicationId.objects.filter(pk__in=lapsed).update(future_claim=None)
    if taken is not None:
        taken = ApplicationId.objects.select_related("appointment", "appointment__place").get(pk=taken)
    return taken, own


def _locked(appointment, *related):
    """The appointment's row read again and locked (`SELECT ... FOR UPDATE`) in the caller's transaction; the
    relations in `related` already loaded on `appointment` are reused rather than joined again."""
    locked = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
    for name in related:
        relation = Appointment._meta.get_field(name)
        if relation.is_cached(appointment) and getattr(locked, relation.attname) == getattr(appointment,
                                                                                            relation.attname):
            relation.set_cached_value(locked, relation.get_cached_value(appointment))
    return locked


def _retrying_deadlocks(function):
    """Runs `function` (a whole transaction) again once if the database chose it as a deadlock victim."""
    try:
        return function()
    except OperationalError as error:
        if "deadlock" not in str(error).lower():
            raise
        logger.warning("Interblocage pendant une réservation : nouvel essai")
        return function()


# --- Holding and confirming (residents and agents) --------------------------------------------------


def hold_slot(*, place: Place, meeting_type: MeetingType, start: dt.datetime, applicant=None,
              channel: str = Channel.WEB, by=None, now: dt.datetime | None = None, lock: bool = True,
              instead_of: dt.datetime | None = None, _guard: bool = True, _before_write=None) -> Appointment:
    """Takes the units of a run for APPOINTMENT_HOLD_MINUTES while the person confirms.

    `applicant`: the resident's account (None for a person without one, booked by an agent).
    `instead_of`: the time first chosen, taken meanwhile (`hold_slot_or_nearest`), told in the history.
    `_guard`, `_before_write`: for the control test only.
    """
    now = now or timezone.now()
    offer = _check_offer(place, meeting_type, start, channel, now)
    held_until = now + dt.timedelta(minutes=settings.APPOINTMENT_HOLD_MINUTES)

    def attempt():
        with transaction.atomic():
            if applicant is not None:
                existing = _clear_claims_before_hold(applicant, meeting_type.kind, now)
                if existing is not None:
                    raise AlreadyBooked(existing=existing)
            desk_id, unit_ids = _take_units(place, meeting_type, start, channel, now, lock=lock, offer=offer)
            if _before_write is not None:
                _before_write()
            appointment = Appointment.objects.create(
                place=place, desk_id=desk_id, meeting_type=meeting_type, start=start,
                end=start + dt.timedelta(minutes=place.slot_minutes * len(unit_ids)),
                status=Status.HELD, held_until=held_until, channel=channel, applicant=applicant,
                booked_by=by if channel != Channel.WEB else None,
                first_name=getattr(applicant, "first_name", "") or "",
                last_name=getattr(applicant, "last_name", "") or "",
                email=getattr(applicant, "email", "") or "", phone=getattr(applicant, "phone", "") or "",
                future_claim=meeting_type.kind if applicant is not None else None,
            )
            _write_units(unit_ids, appointment, held_until, now, guard=_guard)
            description = _("Créneau réservé jusqu'à %(time)s, en attente de confirmation.") % {
                "time": local(held_until).strftime("%H:%M")}
            if instead_of is not None:
                description += " " + _("L'horaire choisi d'abord (%(chosen)s) venait d'être pris.") % {
                    "chosen": _when(instead_of)}
            record_event(appointment, "held", description, actor=by or applicant, channel=channel, at=now)
            return appointment

    try:
        return _retrying_deadlocks(attempt)
    except IntegrityError:
        existing = Appointment.objects.filter(applicant=applicant, future_claim=meeting_type.kind).first()
        raise AlreadyBooked(existing=existing) from None
    except SlotUnavailable as error:
        if not error.nearest:
            error.nearest = slotlib.nearest_free_starts(place, meeting_type, start, channel=channel, now=now)
        raise


def hold_slot_or_nearest(*, place: Place, meeting_type: MeetingType, start: dt.datetime, applicant,
                         now: dt.datetime | None = None, tries: int = 3) -> tuple[Appointment, dt.datetime | None]:
    """A resident's online choice: holds `start`; when it was taken meanwhile, holds instead the nearest free
    time of the same day within APPOINTMENT_SUBSTITUTE_MINUTES (the resident then confirms it or chooses
    another). Returns (the hold, the time first chosen when another one is held, else None).

    In a rush, a refusal sends the resident back to choose among times that are being taken as they read:
    holding the nearest one converges in one step. Each try goes through `hold_slot`, the one path that takes
    units. Raises the last SlotUnavailable (with its nearest free times) when nothing near is free.
    """
    now = now or timezone.now()
    try:
        return hold_slot(place=place, meeting_type=meeting_type, start=start, applicant=applicant, now=now), None
    except SlotUnavailable as error:
        refusal = error
    window = dt.timedelta(minutes=settings.APPOINTMENT_SUBSTITUTE_MINUTES)
    day = local(start).date()
    tried = set()
    for _try in range(tries):
        nearest = min((offer.start for offer in refusal.nearest or () if offer.start not in tried
                       and local(offer.start).date() == day and abs(offer.start - start) <= window),
                      key=lambda other: (abs(other - start), other), default=None)
        if nearest is None:
            break
        tried.add(nearest)
        try:
            appointment = hold_slot(place=place, meeting_type=meeting_type, start=nearest, applicant=applicant,
                                    now=now, instead_of=start)
        except SlotUnavailable as error:
            refusal = error
            continue
        return appointment, start
    raise refusal


def _expire_hold(appointment_id, now):
    Appointment.objects.filter(pk=appointment_id, status=Status.HELD).update(status=Status.EXPIRED, future_claim=None,
                                                                             held_until=None)
    _release_units(appointment_id)


def release_hold(appointment: Appointment, *, by=None, now=None) -> None:
    """The person gives up a held slot (chooses another one): the units are free at once."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
        if locked.status != Status.HELD:
            return
        _expire_hold(locked.pk, now)
        record_event(locked, "released", _("Créneau libéré avant confirmation."), actor=by, channel=locked.channel,
                     at=now)


@dataclass
class Contact:
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    sms_reminder: bool = False
    applicant: object = None  # an agent may link the booking to an existing account
    extra: dict = field(default_factory=dict)


def confirm_appointment(appointment: Appointment, *, contact: Contact, application_ids=(), by=None,
                        now: dt.datetime | None = None) -> Appointment:
    """Turns a hold into a booking: records the contact and the ANTS numbers (already checked with ANTS by
    the caller), then, after commit, sends the confirmation and declares the appointment to ANTS."""
    now = now or timezone.now()
    application_ids = list(dict.fromkeys(application_ids))
    try:
        with transaction.atomic():
            appointment = _locked(appointment, "place", "meeting_type", "applicant")
            if appointment.status == Status.BOOKED:
                return appointment  # a second click on "Confirmer"
            if appointment.status != Status.HELD:
                raise HoldExpired(_("Cette réservation n'est plus valable. Choisissez un nouveau créneau."))
            kind = appointment.meeting_type.kind
            # Lock the units (a list, not count(): Django drops FOR UPDATE from an aggregate), so that nobody
            # takes them between this check and the end of the transaction, even if the hold just expired.
            owned = list(Slot.objects.select_for_update(of=("self",)).filter(taken_by=appointment).order_by("pk")
                         .values_list("pk", flat=True))
            if len(owned) != slotlib.units_for(appointment.place, appointment.meeting_type):
                raise HoldExpired
            if contact.applicant is not None and appointment.applicant_id is None:
                _release_stale_claims(kind, now, applicant=contact.applicant)
                existing = Appointment.objects.filter(applicant=contact.applicant, future_claim=kind).first()
                if existing is not None:
                    raise AlreadyBooked(_("Cette personne a déjà un rendez-vous à venir pour ce motif, le %(when)s.")
                                        % {"when": _when(existing.start)}, existing=existing)
                appointment.applicant = contact.applicant
                appointment.future_claim = kind
            taken, own = _claims_of_numbers(appointment, kind, application_ids, now)
            if taken is not None:
                raise ApplicationIdAlreadyBooked(
                    _("Le numéro %(number)s a déjà un rendez-vous le %(when)s (%(place)s).")
                    % {"number": taken.application_id, "when": _when(taken.appointment.start),
                       "place": taken.appointment.place.name}, existing=taken.appointment)
            if own:
                ApplicationId.objects.filter(appointment=appointment).delete()
            ApplicationId.objects.bulk_create([ApplicationId(appointment=appointment, application_id=number,
                                                             future_claim=kind) for number in application_ids])
            appointment.status = Status.BOOKED
            appointment.held_until = None
            appointment.booked_at = now
            appointment.first_name, appointment.last_name = contact.first_name, contact.last_name
            appointment.email, appointment.phone = contact.email or "", contact.phone or ""
            appointment.sms_reminder = bool(contact.sms_reminder and contact.phone)
            if appointment.applicant_id is None:
                appointment.future_claim = None
            appointment.save(update_fields=["status", "held_until", "booked_at", "first_name", "last_name", "email",
                                             "phone", "sms_reminder", "applicant", "future_claim"])
            Slot.objects.filter(taken_by=appointment).update(held_until=None)
            record_event(appointment, "booked", _("Rendez-vous confirmé pour le %(when)s.")
                         % {"when": _when(appointment.start)}, actor=by or appointment.applicant,
                         channel=appointment.channel, at=now)
            _after_change(appointment, "confirmation", declare=True)
    except IntegrityError:
        raise ApplicationIdAlreadyBooked from None
    return appointment


# --- Moving, cancelling, attendance ------------------------------------------------------------------


def move_appointment(appointment: Appointment, *, start: dt.datetime, place: Place | None = None, by=None,
                     channel: str = Channel.WEB, now: dt.datetime | None = None, lock: bool = True) -> Appointment:
    """Moves a booked appointment to another start (and place); same UID, SEQUENCE + 1, ANTS delete + declare."""
    now = now or timezone.now()
    target = place or appointment.place

    def attempt():
        with transaction.atomic():
            current = (Appointment.objects.select_for_update(of=("self",)).select_related("place", "meeting_type")
                       .get(pk=appointment.pk))
            if current.status != Status.BOOKED or current.start <= now:
                raise InvalidState
            if start == current.start and target.pk == current.place_id:
                raise NotOffered(_("C'est déjà l'horaire de ce rendez-vous : choisissez-en un autre."))
            offer = _check_offer(target, current.meeting_type, start, channel, now, own_appointment_id=current.pk)
            desk_id, unit_ids = _take_units(target, current.meeting_type, start, channel, now, lock=lock,
                                            own_appointment_id=current.pk, offer=offer)
            _write_units(unit_ids, current, None, now, own_appointment_id=current.pk)
            _release_units(current, keep=unit_ids)
            old = (current.place, current.start, current.end)
            current.place, current.desk_id, current.start = target, desk_id, start
            current.end = start + dt.timedelta(minutes=target.slot_minutes * len(unit_ids))
            current.sequence += 1
            current.reminder_sent_at = None
            current.save()
            record_event(current, "moved", _("Rendez-vous déplacé du %(old)s au %(new)s.")
                         % {"old": _when(old[1]), "new": _when(start)}, actor=by, channel=channel, at=now)
            _after_change(current, "moved", declare=True, delete_from=(old[0], old[1]), freed=old)
            return current

    try:
        return _retrying_deadlocks(attempt)
    except SlotUnavailable as error:
        if not error.nearest:
            error.nearest = slotlib.nearest_free_starts(target, appointment.meeting_type, start, channel=channel,
                                                        now=now)
        raise


def cancel_appointment(appointment: Appointment, *, by=None, channel: str = Channel.WEB, reason: str = "",
                       now: dt.datetime | None = None) -> bool:
    """Cancels; returns False when it was already cancelled (a link used twice)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = (Appointment.objects.select_for_update(of=("self",)).select_related("place", "meeting_type")
                   .get(pk=appointment.pk))
        if current.status == Status.CANCELLED:
            return False
        if current.status == Status.HELD:
            _expire_hold(current.pk, now)
            return True
        if current.status != Status.BOOKED:
            raise InvalidState
        freed = (current.place, current.start, current.end)
        current.status = Status.CANCELLED
        current.cancelled_at = now
        current.future_claim = None
        current.sequence += 1
        current.save()
        ApplicationId.objects.filter(appointment=current).update(future_claim=None)
        _release_units(current)
        WaitingListEntry.objects.filter(appointment=current).update(is_active=False)
        text = _("Rendez-vous annulé.") + (f" {reason}" if reason else "")
        record_event(current, "cancelled", text, actor=by, channel=channel, at=now)
        _after_change(current, "cancelled", delete_from=(current.place, current.start), freed=freed)
    return True


def mark_attendance(appointment: Appointment, *, present: bool, by, now: dt.datetime | None = None) -> Appointment:
    """An agent records that the person came (or not). Allowed from the day of the appointment."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
        if current.status not in (Status.BOOKED, Status.PRESENT, Status.ABSENT):
            raise InvalidState
        if local(current.start).date() > local(now).date():
            raise InvalidState(_("La présence se note le jour du rendez-vous."))
        current.status = Status.PRESENT if present else Status.ABSENT
        current.future_claim = None
        current.save(update_fields=["status", "future_claim"])
        ApplicationId.objects.filter(appointment=current).update(future_claim=None)
        record_event(current, "present" if present else "absent",
                     _("Présent au rendez-vous.") if present else _("Absent au rendez-vous."), actor=by, at=now)
    return current


def set_waiting_list(appointment: Appointment, wanted: bool, *, by=None) -> None:
    """The resident asks (or no longer asks) to be offered an earlier slot when one is freed."""
    with transaction.atomic():
        if wanted:
            entry, created = WaitingListEntry.objects.get_or_create(appointment=appointment)
            if not created and not entry.is_active:
                entry.is_active = True
                entry.save(update_fields=["is_active"])
            record_event(appointment, "waiting_list", _("Inscrit sur la liste d'attente d'un créneau plus tôt."),
                         actor=by)
        else:
            WaitingListEntry.objects.filter(appointment=appointment).update(is_active=False)
            record_event(appointment, "waiting_list", _("Retiré de la liste d'attente."), actor=by)


# --- After a change: emails, ANTS, waiting list (enqueued on commit) ---------------------------------


def _after_change(appointment, email_kind, *, declare=False, delete_from=None, freed=None):
    from parvis.appointments import ants, tasks

    queued = False
    if delete_from is not None:
        queued |= ants.queue_operations(appointment, AntsAction.DELETE, place=delete_from[0], start=delete_from[1])
    if declare:
        queued |= ants.queue_operations(appointment, AntsAction.DECLARE, place=appointment.place,
                                        start=appointment.start)
    on_commit = partial(transaction.on_commit, robust=True)
    on_commit(partial(tasks.send_appointment_email.enqueue, appointment.pk, email_kind, appointment.sequence))
    if queued:
        on_commit(partial(tasks.process_ants_operations.enqueue, appointment.pk))
    if freed is not None:
        place, start, end = freed
        on_commit(partial(tasks.offer_freed_slots.enqueue, place.pk, appointment.pk, start.isoformat(),
                          end.isoformat()))


# --- Reading ------------------------------------------------------------------------------------------


def upcoming_appointments_for(user, now=None):
    """The resident's booked appointments still to come, with their management links ("Mes demandes")."""
    if user is None or not user.is_authenticated:
        return []
    now = now or timezone.now()
    rows = (Appointment.objects.filter(applicant=user, status=Status.BOOKED, end__gt=now)
            .select_related("place", "meeting_type").order_by("start"))
    return [{"appointment": row, "manage_url": reverse("appointments:manage", args=[management_token(row)]),
             "local_start": local(row.start)} for row in rows]


def past_appointments_for(user, now=None, limit=20):
    now = now or timezone.now()
    return list(Appointment.objects.filter(applicant=user).exclude(status__in=[Status.HELD, Status.EXPIRED])
                .filter(Q(end__lte=now) | ~Q(status=Status.BOOKED)).select_related("place", "meeting_type")
                .order_by("-start")[:limit])
