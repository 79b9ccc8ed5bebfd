"""The family quotient: from the CAF through API Particulier (with the family's agreement), or from a
certificate checked by an agent. Each value keeps its source and date; prices use the latest valid one."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from parvis.connectors.apiparticulier.client import (
    FALLBACK,
    AllocataireNotFound,
    ApiParticulierRejected,
    ApiParticulierUnavailable,
    client_from_settings,
    normalize_number,
)
from parvis.families.history import record_event
from parvis.families.models import DocumentKind, DocumentStatus, FamilyQuotient, QuotientSource
from parvis.families.rules import month_bounds, quotient_valid_until
from parvis.families.services import FamilyError, reject_document, validate_document

logger = logging.getLogger(__name__)


def api_particulier_enabled():
    return client_from_settings() is not None


def fetch_from_caf(household, *, number, postcode, actor, channel="web", client=None):
    """Asks API Particulier for the quotient; FamilyError with a plain message (and the fallback) on failure."""
    client = client or client_from_settings()
    if client is None:
        raise FamilyError("La consultation directe de la CAF n'est pas disponible. " + FALLBACK)
    try:
        composition = client.composition_familiale(number, postcode)
    except ValueError:
        raise FamilyError("Le numéro d'allocataire (chiffres seulement) ou le code postal (5 chiffres) n'est pas "
                          "au bon format.")
    except AllocataireNotFound as error:
        raise FamilyError(f"{error.message} {FALLBACK}")
    except ApiParticulierRejected as error:
        logger.error("API Particulier refused our request (check API_PARTICULIER_TOKEN): %s", error.detail)
        raise FamilyError(f"{error.message} {FALLBACK}")
    except ApiParticulierUnavailable as error:
        logger.warning("API Particulier unavailable: %s", error.detail)
        raise FamilyError(f"{error.message} {FALLBACK}")
    reference = dt.date(composition.year, composition.month, 1)
    with transaction.atomic():
        quotient = FamilyQuotient.objects.create(
            household=household, value=composition.quotient, source=QuotientSource.API_PARTICULIER,
            provider=composition.provider, reference_month=reference, valid_until=quotient_valid_until(reference),
            recorded_by=actor)
        household.caf_number = normalize_number(number)
        household.save(update_fields=["caf_number", "updated_at"])
        record_event(household, "quotient_fetched",
                     f"Quotient familial obtenu de la {composition.provider} (API Particulier) : {quotient.value}, "
                     f"mois de référence {reference:%m/%Y}", actor=actor, channel=channel)
    return quotient


def record_from_document(document, *, value, reference_month, agent):
    """An agent read a CAF/MSA certificate: the value is recorded with the document as its source."""
    if document.kind != DocumentKind.QUOTIENT_CERTIFICATE:
        raise FamilyError("Ce document n'est pas une attestation de quotient familial.")
    if document.status == DocumentStatus.REJECTED:
        raise FamilyError("Ce document a été refusé.")
    if document.is_expired():
        raise FamilyError("Ce document est expiré : demandez une attestation récente à la famille.")
    reference = reference_month.replace(day=1)
    if reference > timezone.localdate():
        raise FamilyError("Le mois de référence ne peut pas être dans le futur.")
    with transaction.atomic():
        validate_document(document, agent=agent)
        quotient = FamilyQuotient.objects.create(
            household=document.household, value=value, source=QuotientSource.DOCUMENT, provider="CAF",
            reference_month=reference, valid_until=quotient_valid_until(reference), document=document,
            recorded_by=agent)
        record_event(document.household, "quotient_recorded",
                     f"Quotient familial relevé sur attestation : {value}, mois de référence {reference:%m/%Y}",
                     actor=agent, channel="counter")
    return quotient


def reject_certificate(document, *, agent, reason):
    return reject_document(document, agent=agent, reason=reason)


def current_quotient(household, on=None):
    """The quotient that applies on `on` (today by default): the latest obtained, still valid."""
    on = on or timezone.localdate()
    return (household.quotients.filter(valid_until__gte=on, reference_month__lte=on)
            .order_by("-obtained_at", "-pk").first())


def quotient_for_month(household, month_start):
    start, end = month_bounds(month_start)
    return (household.quotients.filter(valid_until__gte=start, reference_month__lte=end)
            .order_by("-obtained_at", "-pk").first())
