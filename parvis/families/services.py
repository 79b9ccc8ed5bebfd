"""Household, children, contacts, supporting documents and shared access: every change goes through here
and writes the household's history."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from parvis.families import notifications
from parvis.families.history import record_event
from parvis.families.models import (
    DOCUMENT_VALIDITY_MONTHS,
    HOLDING,
    Child,
    ChildContact,
    DocumentStatus,
    Household,
    HouseholdMember,
    MemberRole,
    MemberStatus,
    SupportingDocument,
)
from parvis.families.rules import document_valid_until
from parvis.files.services import store_upload
from parvis.organisation.models import Commune

INVITATION_DAYS = 14


class FamilyError(Exception):
    """A refusal with a message for the person (French, plain language)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _is_resident(postcode):
    commune = Commune.current()
    return bool(commune and postcode and postcode.strip() == commune.postcode)


# --- Household -----------------------------------------------------------------------------------------

def create_household(user, *, street, postcode, city, relationship="", channel="web", actor=None):
    if HouseholdMember.objects.filter(user=user, status=MemberStatus.ACTIVE).exists():
        raise FamilyError("Vous faites déjà partie d'un foyer.")
    with transaction.atomic():
        household = Household.objects.create(street=street, postcode=postcode, city=city,
                                             is_resident=_is_resident(postcode))
        try:
            with transaction.atomic():
                HouseholdMember.objects.create(household=household, user=user, role=MemberRole.PRIMARY,
                                               relationship=relationship, status=MemberStatus.ACTIVE,
                                               joined_at=timezone.now())
        except IntegrityError:
            raise FamilyError("Vous faites déjà partie d'un foyer.")
        record_event(household, "household_created", "Foyer créé", actor=actor or user, channel=channel)
    return household


def update_address(household, *, street, postcode, city, actor, channel="web"):
    household.street, household.postcode, household.city = street, postcode, city
    household.is_resident = _is_resident(postcode)
    household.save(update_fields=["street", "postcode", "city", "is_resident", "updated_at"])
    record_event(household, "address_changed", f"Adresse modifiée : {household.postal_address}", actor=actor,
                 channel=channel)
    return household


def set_residence(household, *, is_resident, agent):
    household.is_resident = is_resident
    household.save(update_fields=["is_resident", "updated_at"])
    record_event(household, "residence_set", "Domiciliation dans la commune " + ("confirmée" if is_resident
                                                                                  else "non retenue"),
                 actor=agent, channel="counter")


# --- Children and contacts --------------------------------------------------------------------------------

CHILD_FIELDS = ("first_name", "last_name", "birth_date", "school", "school_level", "menu", "has_food_allergy",
                "has_care_plan")


def add_child(household, *, actor, channel="web", **values):
    child = Child.objects.create(household=household, **{key: values[key] for key in CHILD_FIELDS if key in values})
    record_event(household, "child_added", f"Enfant ajouté : {child.full_name}", actor=actor, channel=channel)
    return child


def update_child(child, *, actor, channel="web", **values):
    for key in CHILD_FIELDS:
        if key in values:
            setattr(child, key, values[key])
    child.save()
    record_event(child.household, "child_changed", f"Informations de {child.full_name} mises à jour", actor=actor,
                 channel=channel)
    return child


def remove_child(child, *, actor, channel="web"):
    if child.registrations.filter(status__in=HOLDING).exists():
        raise FamilyError(f"{child.first_name} a des inscriptions en cours : annulez-les d'abord.")
    child.is_active = False
    child.save(update_fields=["is_active"])
    child.registrations.filter(status="waiting").update(status="cancelled", ended_at=timezone.now())
    record_event(child.household, "child_removed", f"Enfant retiré du foyer : {child.full_name}", actor=actor,
                 channel=channel)


def add_contact(child, *, actor, name, phone, relationship="", can_pick_up=True, is_emergency_contact=True,
                channel="web"):
    contact = ChildContact.objects.create(child=child, name=name, phone=phone, relationship=relationship,
                                          can_pick_up=can_pick_up, is_emergency_contact=is_emergency_contact)
    record_event(child.household, "contact_added", f"Personne ajoutée pour {child.first_name} : {name}",
                 actor=actor, channel=channel)
    return contact


def remove_contact(contact, *, actor, channel="web"):
    child = contact.child
    contact.delete()
    record_event(child.household, "contact_removed", f"Personne retirée pour {child.first_name} : {contact.name}",
                 actor=actor, channel=channel)


# --- Supporting documents ---------------------------------------------------------------------------------

def add_document(household, *, kind, document_date, upload, content_type, actor, channel="web", today=None):
    """Stores a supporting document; refuses one already expired (e.g. a proof of address over 3 months old)."""
    today = today or timezone.localdate()
    if document_date > today:
        raise FamilyError("La date du document ne peut pas être dans le futur.")
    valid_until = document_valid_until(DOCUMENT_VALIDITY_MONTHS.get(kind), document_date)
    if valid_until is not None and valid_until < today:
        months = DOCUMENT_VALIDITY_MONTHS.get(kind)
        raise FamilyError(f"Ce document date de plus de {months} mois : envoyez un document plus récent.")
    stored = store_upload(upload, content_type, uploaded_by=actor)
    document = SupportingDocument.objects.create(household=household, kind=kind, file=stored,
                                                 document_date=document_date, valid_until=valid_until,
                                                 uploaded_by=actor)
    record_event(household, "document_added", f"Pièce envoyée : {document.get_kind_display()}", actor=actor,
                 channel=channel)
    return document


def validate_document(document, *, agent, valid_until=None):
    document.status = DocumentStatus.VALID
    if valid_until is not None:
        document.valid_until = valid_until
    document.rejection_reason = ""
    document.checked_by, document.checked_at = agent, timezone.now()
    document.save(update_fields=["status", "valid_until", "rejection_reason", "checked_by", "checked_at"])
    record_event(document.household, "document_validated", f"Pièce vérifiée : {document.get_kind_display()}",
                 actor=agent, channel="counter")
    return document


REJECTION_REASONS = {
    "unreadable": "Document illisible",
    "expired": "Document trop ancien ou expiré",
    "wrong": "Ce n'est pas le document demandé",
    "incomplete": "Document incomplet (pages manquantes)",
}


def reject_document(document, *, agent, reason):
    document.status = DocumentStatus.REJECTED
    document.rejection_reason = reason[:300]
    document.checked_by, document.checked_at = agent, timezone.now()
    document.save(update_fields=["status", "rejection_reason", "checked_by", "checked_at"])
    record_event(document.household, "document_rejected",
                 f"Pièce refusée : {document.get_kind_display()} — {document.rejection_reason}", actor=agent,
                 channel="counter")
    return document


# --- Shared access (second parent or guardian) ---------------------------------------------------------

def invite_co_guardian(household, *, inviter, email, relationship=""):
    email = (email or "").strip().lower()
    if inviter.email and email == inviter.email.lower():
        raise FamilyError("Indiquez l'adresse de l'autre parent, pas la vôtre.")
    if household.members.filter(status=MemberStatus.ACTIVE, role=MemberRole.CO_GUARDIAN).exists():
        raise FamilyError("Un second responsable partage déjà l'accès à ce foyer.")
    with transaction.atomic():
        household.members.filter(status=MemberStatus.INVITED).update(status=MemberStatus.ENDED,
                                                                     ended_at=timezone.now(), token=None)
        member = HouseholdMember.objects.create(
            household=household, role=MemberRole.CO_GUARDIAN, relationship=relationship, status=MemberStatus.INVITED,
            invited_email=email, token=secrets.token_urlsafe(32), invited_at=timezone.now(), invited_by=inviter)
        record_event(household, "co_guardian_invited", f"Invitation à partager l'accès envoyée à {email}",
                     actor=inviter)
        notifications.invitation(member, household, inviter)
    return member


def invitation_for_token(token):
    member = HouseholdMember.objects.filter(token=token or "-", status=MemberStatus.INVITED).select_related(
        "household", "invited_by").first()
    if member is None or member.invited_at < timezone.now() - dt.timedelta(days=INVITATION_DAYS):
        return None
    return member


def accept_invitation(member, *, user):
    if not user.email or user.email.lower() != member.invited_email.lower():
        raise FamilyError("Cette invitation a été envoyée à une autre adresse : connectez-vous avec celle-ci.")
    if HouseholdMember.objects.filter(user=user, status=MemberStatus.ACTIVE).exists():
        raise FamilyError("Vous faites déjà partie d'un foyer : le guichet unique peut regrouper les deux foyers.")
    with transaction.atomic():
        updated = HouseholdMember.objects.filter(pk=member.pk, status=MemberStatus.INVITED).update(
            user=user, status=MemberStatus.ACTIVE, joined_at=timezone.now(), token=None)
        if not updated:
            raise FamilyError("Cette invitation n'est plus valable.")
        record_event(member.household, "co_guardian_joined",
                     f"{user.full_name or user.email} partage désormais l'accès au foyer", actor=user)
    return member.household


def end_sharing(member, *, actor):
    """Ends a second guardian's access (asked by either adult); the primary member cannot leave this way."""
    if member.role != MemberRole.CO_GUARDIAN or member.status == MemberStatus.ENDED:
        raise FamilyError("Cet accès ne peut pas être retiré ici.")
    member.status, member.ended_at, member.token = MemberStatus.ENDED, timezone.now(), None
    member.save(update_fields=["status", "ended_at", "token"])
    record_event(member.household, "co_guardian_left", f"Accès partagé terminé pour {member.display_name}",
                 actor=actor)
