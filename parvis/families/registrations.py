"""Places in activities: the one path that takes or frees them.

Taking a place: in one transaction, lock the session row (`select_for_update`, the capacity holder),
re-count the registrations holding a place, then write. The registration gets the smallest free place
number, and the database refuses two holders of the same number (`one_holder_per_place`): even a path that
forgot the lock could not overbook. When the session is full — or families are already waiting — the
child goes on the waiting list, ranked by `rules.waiting_rank_key` (priority points, then request time).

Freeing a place (cancellation, refusal, expired offer, more places) promotes the next child on the list in
the same transaction: the place is *offered* to the family, held for `activity.offer_hold_hours`, and they
are told by email. `expire_offers` (command `expire_place_offers`) passes unanswered offers on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from parvis.families import notifications
from parvis.families.history import record_event
from parvis.families.models import (
    HOLDING,
    OPEN,
    ActivitySession,
    DocumentKind,
    Registration,
    RegistrationStatus,
)
from parvis.families.rules import child_problems, missing_documents, period_problems, priority_for
from parvis.families.services import FamilyError


class RegistrationRefused(FamilyError):
    def __init__(self, problems):
        super().__init__(" ".join(problems))
        self.problems = list(problems)


class PlaceJustTaken(FamilyError):
    def __init__(self):
        super().__init__("La place vient d'être prise par une autre famille : réessayez.")


@dataclass
class Outcome:
    registration: Registration
    rank: int | None  # waiting-list rank, None when a place is taken

    @property
    def confirmed(self):
        return self.registration.status == RegistrationStatus.CONFIRMED


def _locked_session(session_id, lock=True):
    queryset = ActivitySession.objects.select_related("activity")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=session_id)


def _free_place(taken, capacity):
    taken = {number for number in taken if number}
    for number in range(1, capacity + 1):
        if number not in taken:
            return number
    return None


def eligibility_problems(child, session, *, now=None):
    """Everything that prevents this request, in plain French (empty: the request may go ahead)."""
    now = now or timezone.now()
    household = child.household
    problems = period_problems(session, now) + child_problems(child, session, household.is_resident)
    missing = missing_documents(session.activity.required_documents, list(household.documents.all()),
                                timezone.localdate(now))
    if missing:
        labels = dict(DocumentKind.choices)
        problems.append("Pièces à fournir d'abord : " + ", ".join(str(labels.get(kind, kind)) for kind in missing)
                        + ".")
    return problems


def register_child(*, child, session, actor, channel="web", now=None, lock=True, _guard=True, _before_write=None):
    """Takes a place for the child, or puts them on the waiting list; returns an `Outcome`.

    `lock` and `_guard` exist for the concurrency tests only (they prove the race without them);
    `_before_write` lets a test hold every thread between the count and the write."""
    now = now or timezone.now()
    problems = eligibility_problems(child, session, now=now)
    if problems:
        raise RegistrationRefused(problems)
    household = child.household
    with transaction.atomic():
        session = _locked_session(session.pk, lock)
        if Registration.objects.filter(session=session, child=child, status__in=OPEN).exists():
            raise RegistrationRefused([f"{child.first_name} est déjà inscrit(e) ou en liste d'attente pour "
                                       f"« {session.activity.name} » ({session.label})."])
        holders = list(Registration.objects.filter(session=session, status__in=HOLDING)
                       .values_list("place_number", flat=True))
        someone_waits = Registration.objects.filter(session=session, status=RegistrationStatus.WAITING).exists()
        sibling = Registration.objects.filter(session=session, household=household, status__in=HOLDING).exclude(
            child=child).exists()
        priority, reasons = priority_for(household_is_resident=household.is_resident, sibling_holds_place=sibling)
        if _before_write:
            _before_write()
        if len(holders) < session.capacity and not someone_waits:
            status = RegistrationStatus.CONFIRMED
            place = _free_place(holders, session.capacity) if _guard else None
        else:
            status, place = RegistrationStatus.WAITING, None
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    session=session, child=child, household=household, status=status, place_number=place,
                    priority=priority, priority_reasons=reasons, requested_at=now,
                    confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
                    channel=channel, created_by=actor)
        except IntegrityError:
            raise PlaceJustTaken()
        rank = waiting_rank(registration) if status == RegistrationStatus.WAITING else None
        what = "inscrit(e)" if rank is None else f"en liste d'attente (rang {rank})"
        record_event(household, "registration", f"{child.first_name} {what} — {session}", actor=actor,
                     channel=channel, registration=registration)
        notifications.registration_recorded(registration, rank)
    return Outcome(registration, rank)


def waiting_list(session):
    return (Registration.objects.filter(session=session, status=RegistrationStatus.WAITING)
            .order_by("-priority", "requested_at", "pk"))


def waiting_rank(registration):
    """1 for the first child on the list."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    before = Registration.objects.filter(session_id=registration.session_id, status=RegistrationStatus.WAITING).filter(
        Q(priority__gt=registration.priority)
        | Q(priority=registration.priority, requested_at__lt=registration.requested_at)
        | Q(priority=registration.priority, requested_at=registration.requested_at, pk__lt=registration.pk))
    return before.count() + 1


def _promote(session, now, actor=None):
    """Offers the free places to the next children on the list (the session row is locked by the caller)."""
    holders = list(Registration.objects.filter(session=session, status__in=HOLDING)
                   .values_list("place_number", flat=True))
    free = session.capacity - len(holders)
    offered = []
    if free <= 0:
        return offered
    for registration in list(waiting_list(session)[:free]):
        place = _free_place(holders, session.capacity)
        holders.append(place)
        registration.status, registration.place_number = RegistrationStatus.OFFERED, place
        registration.offered_at = now
        registration.offer_expires_at = now + dt.timedelta(hours=session.activity.offer_hold_hours)
        registration.save(update_fields=["status", "place_number", "offered_at", "offer_expires_at"])
        record_event(registration.household, "place_offered",
                     f"Place proposée à {registration.child.first_name} — {session}, à accepter avant le "
                     f"{timezone.localtime(registration.offer_expires_at):%d/%m/%Y %H:%M}",
                     actor=actor, registration=registration)
        notifications.place_offered(registration)
        offered.append(registration)
    return offered


def _reload(registration):
    return Registration.objects.select_for_update(of=("self",)).select_related("child", "household").get(
        pk=registration.pk)


def _end(registration, status, now):
    registration.status, registration.place_number, registration.ended_at = status, None, now
    registration.save(update_fields=["status", "place_number", "ended_at"])


def accept_offer(registration, *, actor, channel="web", now=None):
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(registration.session_id)
        registration = _reload(registration)
        if registration.status != RegistrationStatus.OFFERED:
            raise FamilyError("Cette place n'est plus proposée.")
        if registration.offer_expires_at and registration.offer_expires_at < now:
            _end(registration, RegistrationStatus.EXPIRED, now)
            record_event(registration.household, "offer_expired",
                         f"Proposition expirée pour {registration.child.first_name} — {session}", actor=actor,
                         registration=registration)
            _promote(session, now)
            expired = True
        else:
            registration.status, registration.confirmed_at = RegistrationStatus.CONFIRMED, now
            registration.save(update_fields=["status", "confirmed_at"])
            record_event(registration.household, "offer_accepted",
                         f"Place acceptée pour {registration.child.first_name} — {session}", actor=actor,
                         channel=channel, registration=registration)
            expired = False
    if expired:
        raise FamilyError("Le délai pour accepter cette place est dépassé : elle a été proposée à la famille suivante.")
    return registration


def decline_offer(registration, *, actor, channel="web", now=None):
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(registration.session_id)
        registration = _reload(registration)
        if registration.status != RegistrationStatus.OFFERED:
            raise FamilyError("Cette place n'est plus proposée.")
        _end(registration, RegistrationStatus.DECLINED, now)
        record_event(registration.household, "offer_declined",
                     f"Place refusée pour {registration.child.first_name} — {session}", actor=actor, channel=channel,
                     registration=registration)
        _promote(session, now, actor)
    return registration


def cancel_registration(registration, *, actor, channel="web", reason="", now=None):
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(registration.session_id)
        registration = _reload(registration)
        if registration.status not in OPEN:
            raise FamilyError("Cette inscription est déjà terminée.")
        held = registration.status in HOLDING
        _end(registration, RegistrationStatus.CANCELLED, now)
        text = f"Inscription annulée : {registration.child.first_name} — {session}"
        record_event(registration.household, "registration_cancelled", text + (f" ({reason})" if reason else ""),
                     actor=actor, channel=channel, registration=registration)
        if held:
            _promote(session, now, actor)
    return registration


def set_capacity(session, capacity, *, agent, now=None):
    """Changes the number of places; extra places go to the waiting list at once."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session.pk)
        holders = Registration.objects.filter(session=session, status__in=HOLDING).count()
        if capacity < holders:
            raise FamilyError(f"{holders} places sont déjà prises : le nombre de places ne peut pas être inférieur.")
        session.capacity = capacity
        session.save(update_fields=["capacity"])
        return _promote(session, now, agent)


def expire_offers(now=None):
    """Ends the offers not accepted in time and passes the places on; returns how many expired. Idempotent."""
    now = now or timezone.now()
    expired = 0
    session_ids = set(Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lt=now)
                      .values_list("session_id", flat=True))
    for session_id in sorted(session_ids):
        with transaction.atomic():
            session = _locked_session(session_id)
            for registration in Registration.objects.select_for_update(of=("self",)).select_related(
                    "child", "household").filter(session=session, status=RegistrationStatus.OFFERED,
                                                 offer_expires_at__lt=now):
                _end(registration, RegistrationStatus.EXPIRED, now)
                record_event(registration.household, "offer_expired",
                             f"Proposition expirée pour {registration.child.first_name} — {session}",
                             registration=registration)
                expired += 1
            _promote(session, now)
    return expired
