"""The appointments' side of the ANTS connection: reading pre-application numbers, checking them before a
booking, and the outbox of declarations and deletions (`AntsOperation`) sent by a background task.

The protocol itself is spoken by `parvis.connectors.ants.client`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parvis.appointments.models import AntsAction, AntsOperation, AntsState, Appointment, Place
from parvis.cases.deadlines import PARIS
from parvis.connectors.ants.client import (
    AntsRejected,
    AntsUnavailable,
    ExistingAppointment,
    client_from_settings,
    is_valid_application_id,
    normalize_application_id,
)

logger = logging.getLogger(__name__)

STATUS_MESSAGES = {
    "declared": gettext_lazy("a déjà servi à déposer un dossier en mairie : il ne permet plus de prendre rendez-vous. "
                  "Faites une nouvelle pré-demande sur ants.gouv.fr."),
    "consumed": gettext_lazy("a déjà été utilisé pour produire un titre. "
                             "Faites une nouvelle pré-demande sur ants.gouv.fr."),
    "expired": gettext_lazy("a expiré. Faites une nouvelle pré-demande sur ants.gouv.fr."),
    "unknown": gettext_lazy("est inconnu de l'ANTS. Vérifiez-le sur votre récapitulatif de pré-demande."),
}

_SEPARATORS = re.compile(r"[\s,;/|]+")


def parse_application_ids(text: str) -> tuple[list[str], list[str]]:
    """Reads the numbers typed by a person: separated by spaces, commas or semicolons, any case.

    Returns (normalised valid numbers without duplicates, error messages). "abcde 12345" is read as one
    number only when it is one group; dashes inside a number are dropped.
    """
    numbers, errors = [], []
    for raw in _SEPARATORS.split(text or ""):
        if not raw:
            continue
        value = normalize_application_id(raw)
        if is_valid_application_id(value):
            if value not in numbers:
                numbers.append(value)
        else:
            errors.append(_("« %(value)s » n'est pas un numéro de pré-demande : il compte 10 lettres majuscules ou "
                            "chiffres, par exemple ABCDE12345.") % {"value": raw[:30]})
    return numbers, errors


@dataclass
class CheckResult:
    refused: dict[str, str] = field(default_factory=dict)  # number → message
    elsewhere: dict[str, list[ExistingAppointment]] = field(default_factory=dict)
    unavailable: str = ""
    skipped: bool = False  # ANTS connection disabled

    @property
    def ok(self):
        return not self.refused and not self.unavailable


def _ours(item: ExistingAppointment) -> bool:
    return bool(item.management_url) and item.management_url.startswith(settings.SITE_URL + "/")


def check_application_ids(numbers: list[str]) -> CheckResult:
    """Asks ANTS the status of each number. Only `validated` numbers may book; a number with an appointment
    in another commune is reported in `elsewhere` (the person is warned, with the link to manage it)."""
    client = client_from_settings()
    if client is None or not numbers:
        return CheckResult(skipped=client is None)
    try:
        statuses = client.status(numbers)
    except AntsUnavailable as error:
        logger.warning("ANTS indisponible pendant une vérification : %s", error)
        return CheckResult(unavailable=str(error))
    except AntsRejected as error:
        if error.status == 422:
            return CheckResult(refused={number: STATUS_MESSAGES["unknown"] for number in numbers})
        logger.error("ANTS refuse la vérification (configuration ?) : %s", error)
        return CheckResult(unavailable=str(error))
    result = CheckResult()
    for number in numbers:
        status = statuses[number]
        if not status.is_validated:
            result.refused[number] = STATUS_MESSAGES.get(status.status, STATUS_MESSAGES["unknown"])
            continue
        others = [item for item in status.appointments if not _ours(item)]
        if others:
            result.elsewhere[number] = others
    return result


def format_existing_date(value: str) -> str:
    """"2026-03-02T14:00:00" → "02/03/2026 à 14:00" (ANTS dates are Paris wall-clock)."""
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", ""))
    except ValueError:
        return value
    return parsed.strftime("%d/%m/%Y à %H:%M")


# --- Outbox of declarations --------------------------------------------------------------------------


def ants_date(start: dt.datetime) -> str:
    return start.astimezone(PARIS).strftime("%Y-%m-%d %H:%M:%S")


def declarations_enabled() -> bool:
    return bool(settings.ANTS_API_URL)


def queue_operations(appointment: Appointment, action: str, *, place: Place, start: dt.datetime) -> bool:
    """Records one operation per ANTS number of the appointment (in the caller's transaction)."""
    if not declarations_enabled() or not appointment.meeting_type.requires_ants_number:
        return False
    from parvis.appointments.services import manage_url

    numbers = list(appointment.applications.values_list("application_id", flat=True))
    url = manage_url(appointment) if action == AntsAction.DECLARE else ""
    AntsOperation.objects.bulk_create([AntsOperation(
        appointment=appointment, action=action, application_id=number, meeting_point=place.name,
        meeting_point_id=place.ants_meeting_point_id, appointment_date=ants_date(start), management_url=url,
    ) for number in numbers])
    return bool(numbers)


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8... minutes after each failure, at most 6 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


# An operation being sent is leased for this long; past it (a worker killed mid-call), it is due again.
SENDING_LEASE = dt.timedelta(minutes=10)


def _due(now):
    return Q(state=AntsState.PENDING) | Q(state__in=[AntsState.FAILED, AntsState.SENDING], next_attempt_at__lte=now)


def _send(client, operation):
    if operation.action == AntsAction.DECLARE:
        client.declare(application_id=operation.application_id, meeting_point=operation.meeting_point,
                       meeting_point_id=operation.meeting_point_id, appointment_date=operation.appointment_date,
                       management_url=operation.management_url)
    else:
        client.delete(application_id=operation.application_id, meeting_point=operation.meeting_point,
                      meeting_point_id=operation.meeting_point_id, appointment_date=operation.appointment_date)


def process_operations(appointment_id: int, now: dt.datetime | None = None, force: bool = False) -> dict:
    """Sends the due operations of one appointment, in order; stops at the first one not sent (so a
    declaration never overtakes the deletion before it). Idempotent: done operations are skipped.

    Each operation is claimed by one conditional UPDATE (due → sending, with a lease), so two workers never
    send it twice, and no transaction or lock is held during the HTTP call.
    """
    client = client_from_settings()
    summary = {"done": 0, "failed": 0}
    if client is None:
        return summary
    now = now or timezone.now()
    pending = AntsOperation.objects.filter(appointment_id=appointment_id).exclude(state=AntsState.DONE)
    for operation_id in list(pending.order_by("pk").values_list("pk", flat=True)):
        claimable = AntsOperation.objects.filter(pk=operation_id)
        claimable = claimable.exclude(state=AntsState.DONE) if force else claimable.filter(_due(now))
        if not claimable.update(state=AntsState.SENDING, next_attempt_at=now + SENDING_LEASE):
            if AntsOperation.objects.filter(pk=operation_id).exclude(state=AntsState.DONE).exists():
                break  # not due yet, or another worker has it: keep the order
            continue
        operation = AntsOperation.objects.get(pk=operation_id)
        operation.attempts += 1
        try:
            _send(client, operation)
        except (AntsUnavailable, AntsRejected) as error:
            operation.last_error = str(error)[:2000]
            give_up = operation.attempts >= settings.ANTS_DECLARATION_MAX_ATTEMPTS
            operation.state = AntsState.ABANDONED if give_up else AntsState.FAILED
            operation.next_attempt_at = None if give_up else now + retry_delay(operation.attempts)
            operation.save()
            summary["failed"] += 1
            logger.warning("Opération ANTS %s en échec (essai %s) : %s", operation.pk, operation.attempts, error)
            break
        operation.state = AntsState.DONE
        operation.done_at = timezone.now()
        operation.last_error = ""
        operation.next_attempt_at = None
        operation.save()
        summary["done"] += 1
    return summary


def appointments_with_due_operations(now: dt.datetime | None = None, include_abandoned: bool = False):
    now = now or timezone.now()
    due = _due(now) | Q(state=AntsState.ABANDONED) if include_abandoned else _due(now)
    return list(AntsOperation.objects.filter(due).values_list("appointment_id", flat=True).distinct()
                .order_by("appointment_id"))


def retry_due_operations(now: dt.datetime | None = None, include_abandoned: bool = False) -> dict:
    """What `manage.py retry_ants_declarations` runs: every appointment with an operation due."""
    totals = {"appointments": 0, "done": 0, "failed": 0}
    for appointment_id in appointments_with_due_operations(now, include_abandoned):
        summary = process_operations(appointment_id, now=now, force=include_abandoned)
        totals["appointments"] += 1
        totals["done"] += summary["done"]
        totals["failed"] += summary["failed"]
    return totals


def declaration_state(appointment: Appointment) -> str:
    """pending | declared | failed | none — for the agents' pages."""
    states = set(appointment.ants_operations.values_list("state", flat=True))
    if not states:
        return "none"
    if states & {AntsState.FAILED, AntsState.ABANDONED}:
        return "failed"
    if states & {AntsState.PENDING, AntsState.SENDING}:
        return "pending"
    return "declared"
