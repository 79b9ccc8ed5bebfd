"""The waiting list: when units are freed, residents who asked for an earlier slot get an offer by email.

The offer is a link to the move page with the freed start preselected; the first to use it gets the slot
through the normal locked path (the others are told it was taken and shown the nearest free ones).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from parvis.appointments import slots as slotlib
from parvis.appointments.models import Channel, Place, Status, WaitingListEntry, WaitingListOffer

logger = logging.getLogger(__name__)

# How many residents of the waiting list receive the offer of one freed run (the first to click wins).
OFFERS_PER_FREED_SLOT = 3


def offer_freed_slots(place: Place, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None,
                      exclude_appointment_id: int | None = None) -> int:
    """Offers the runs freed between `start` and `end` at `place` to the oldest waiting-list entries whose
    appointment is later (not to the appointment that just left them). Idempotent: an entry gets one offer
    per start time."""
    from parvis.appointments.notifications import send_email
    from parvis.appointments.services import management_token

    now = now or timezone.now()
    entries = (WaitingListEntry.objects.filter(is_active=True, appointment__place=place,
                                               appointment__status=Status.BOOKED, appointment__start__gt=start)
               .exclude(appointment_id=exclude_appointment_id)
               .select_related("appointment__meeting_type", "appointment__place__department").order_by("created_at"))
    sent = 0
    for entry in entries:
        if sent >= OFFERS_PER_FREED_SLOT:
            break
        appointment = entry.appointment
        offers = slotlib.free_starts(place, appointment.meeting_type, channel=Channel.WEB, start=start,
                                     end=min(end, appointment.start), now=now, limit=1)
        if not offers:
            continue
        offer = offers[0]
        try:
            WaitingListOffer.objects.create(entry=entry, start=offer.start)
        except IntegrityError:
            continue
        move_url = reverse("appointments:move", args=[management_token(appointment)])
        link = f"{move_url}?creneau={offer.value}"
        try:
            send_email(appointment, "waiting_offer", key=f"{appointment.pk}-offer-{offer.value}",
                       offer_start=offer.start, offer_url=link)
        except Exception:
            logger.exception("Offre de liste d'attente non envoyée")
            continue
        sent += 1
    return sent
