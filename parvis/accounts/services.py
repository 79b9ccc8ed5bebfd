"""Residents' accounts: sign-up, email verification, login throttling, forgotten password, profile
changes, change of email and closing an account. Views and forms call these functions and stay thin.

Links sent by email are signed (`django.core.signing`) and expire after `EMAIL_LINK_MAX_AGE_HOURS`.
They are single-use because what they check changes once used: a verification link needs an
unverified address, a change-of-email link needs the old address to still be the current one, a
password reset token (Django's generator) depends on the password hash.
"""

from __future__ import annotations

import enum
import ipaddress
import logging
import math
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parvis.accounts.models import LoginFailure, User, UserManager
from parvis.organisation.models import Commune

logger = logging.getLogger(__name__)

normalize_email = UserManager.normalize_email_address


# --- Emails ---------------------------------------------------------------------------------------
def commune_name() -> str:
    commune = Commune.current()
    return commune.name if commune else settings.COMMUNE_NAME


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send_email(template: str, to: str, context: dict | None = None) -> bool:
    """Sends `accounts/emails/<template>_subject.txt` / `_body.txt` to one address, now.

    A failure to reach the mail server is logged, not raised: the resident sees the same page and can
    ask for the email again. Returns whether the email left.
    """
    name = commune_name()
    context = {
        "commune_name": name,
        "site_url": settings.SITE_URL,
        "link_hours": settings.EMAIL_LINK_MAX_AGE_HOURS,
        "login_url": absolute_url(reverse("accounts:login")),
        "password_reset_url": absolute_url(reverse("accounts:password_reset")),
        **(context or {}),
    }
    subject = " ".join(render_to_string(f"accounts/emails/{template}_subject.txt", context).split())
    body = render_to_string(f"accounts/emails/{template}_body.txt", context)
    message = EmailMultiAlternatives(f"[{name}] {subject}", body, settings.DEFAULT_FROM_EMAIL, [to])
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Courriel « %s » non envoyé", template)
        return False
    return True


# --- Signed links -------------------------------------------------------------------------------
class _LinkSigner(signing.TimestampSigner):
    """A timestamp signer that can also sign as of a given moment (`issued_at`)."""

    def __init__(self, purpose: str, issued_at: datetime | None = None):
        super().__init__(salt=f"parvis.accounts.{purpose}")
        self.issued_at = issued_at

    def timestamp(self):
        if self.issued_at is None:
            return super().timestamp()
        return signing.b62_encode(int(self.issued_at.timestamp()))


VERIFY_EMAIL = "verify-email"
CHANGE_EMAIL = "change-email"


def _make_token(purpose: str, payload: dict, issued_at: datetime | None) -> str:
    return _LinkSigner(purpose, issued_at).sign_object(payload)


def _read_token(purpose: str, token: str) -> tuple[dict | None, bool]:
    """(payload, expired). The payload is None when the signature is wrong; an expired link still
    gives its payload (its signature was checked) so that the page can offer a new one."""
    signer = _LinkSigner(purpose)
    try:
        return signer.unsign_object(token, max_age=timedelta(hours=settings.EMAIL_LINK_MAX_AGE_HOURS)), False
    except signing.SignatureExpired:
        return signer.unsign_object(token), True
    except signing.BadSignature:
        return None, False


class LinkStatus(enum.StrEnum):
    DONE = "done"
    ALREADY_USED = "already_used"
    EXPIRED = "expired"
    INVALID = "invalid"
    EMAIL_TAKEN = "email_taken"


@dataclass
class LinkResult:
    status: LinkStatus
    user: User | None = None


# --- Sign-up and verification -------------------------------------------------------------------
def verification_token(user: User, *, issued_at: datetime | None = None) -> str:
    """The token of the link confirming `user.email` (issued now unless `issued_at` is given)."""
    return _make_token(VERIFY_EMAIL, {"u": user.pk, "e": user.email}, issued_at)


def send_verification_email(user: User) -> bool:
    link = absolute_url(reverse("accounts:verify_email", args=[verification_token(user)]))
    return send_email("verification", user.email, {"user": user, "link": link})


def register_resident(*, email: str, password: str, first_name: str, last_name: str) -> User | None:
    """Creates an unverified account and sends the verification link.

    If the address is already used, nothing is created and its owner is told that someone tried to
    create an account with it; the caller shows the same page either way (no account enumeration).
    Returns the new user, or None when the address was already used.
    """
    email = normalize_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email, password, first_name=first_name.strip(),
                                                last_name=last_name.strip())
        except IntegrityError:  # Created by a concurrent request in the meantime.
            existing = User.objects.filter(email=email).first()
        else:
            send_verification_email(user)
            return user
    make_password(password)  # Same work as a real sign-up, so that timing tells nothing either.
    if existing is not None:
        send_email("signup_attempt", email, {"user": existing})
    return None


def verify_email(token: str) -> LinkResult:
    """Marks the address of the link as verified; a link works once and for a limited time."""
    payload, expired = _read_token(VERIFY_EMAIL, token)
    user = _user_of_payload(payload)
    if user is None or user.email is None or user.email != payload.get("e"):
        return LinkResult(LinkStatus.INVALID)
    if user.email_verified_at is not None:
        return LinkResult(LinkStatus.ALREADY_USED, user)
    if expired:
        return LinkResult(LinkStatus.EXPIRED, user)
    updated = User.objects.filter(pk=user.pk, email=user.email, email_verified_at__isnull=True).update(
        email_verified_at=timezone.now()
    )
    return LinkResult(LinkStatus.DONE if updated else LinkStatus.ALREADY_USED, user)


def resend_verification(user: User | None) -> bool:
    """Sends a new verification link if the account still waits for one; otherwise does nothing."""
    if user is None or not user.email or user.email_verified_at or not user.is_active or user.closed_at:
        return False
    return send_verification_email(user)


def account_waiting_for_verification(user_id) -> User | None:
    """The open account `user_id` if its address is not verified yet."""
    return User.objects.filter(pk=user_id, email__isnull=False, email_verified_at__isnull=True,
                               is_active=True, closed_at__isnull=True).first()


def resend_verification_to(email: str) -> bool:
    """Same as `resend_verification` for the account using `email`, if any (the caller answers the same)."""
    email = normalize_email(email)
    return resend_verification(User.objects.filter(email=email).first() if email else None)


def resend_verification_for_token(token: str) -> bool:
    """New link for the account of an (expired) verification link."""
    payload, _expired = _read_token(VERIFY_EMAIL, token)
    user = _user_of_payload(payload)
    if user is None or user.email != payload.get("e"):
        return False
    return resend_verification(user)


def _user_of_payload(payload: dict | None) -> User | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    return User.objects.filter(pk=payload["u"], closed_at__isnull=True).first()


# --- Login and throttling -----------------------------------------------------------------------
def client_ip(request) -> str | None:
    """The client's IP address: REMOTE_ADDR, or the first X-Forwarded-For entry behind a trusted proxy."""
    candidates = []
    if settings.USE_X_FORWARDED_FOR:
        candidates.append(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip())
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def _window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_THROTTLE_WINDOW_MINUTES)


def record_login_failure(email: str | None, ip: str | None, *, now: datetime | None = None) -> None:
    now = now or timezone.now()
    LoginFailure.objects.create(email=normalize_email(email) or "", ip_address=ip, created_at=now)
    LoginFailure.objects.filter(created_at__lt=now - _window()).delete()


def clear_login_failures(email: str | None) -> None:
    """Forgets the failures on one account (after a successful login or a new password)."""
    email = normalize_email(email)
    if email:
        LoginFailure.objects.filter(email=email).delete()


def login_blocked_for(email: str | None, ip: str | None, *, now: datetime | None = None) -> int:
    """Minutes to wait before trying to log in again (0: not blocked).

    Blocked while the account (the address typed) has `LOGIN_MAX_FAILURES_PER_ACCOUNT` failures, or the
    IP address `LOGIN_MAX_FAILURES_PER_IP`, within the last `LOGIN_THROTTLE_WINDOW_MINUTES`.
    """
    now = now or timezone.now()
    window = _window()
    blocked_until = None
    for field, value, limit in (
        ("email", normalize_email(email), settings.LOGIN_MAX_FAILURES_PER_ACCOUNT),
        ("ip_address", ip, settings.LOGIN_MAX_FAILURES_PER_IP),
    ):
        if not value:
            continue
        # The block lifts when the limit-th most recent failure leaves the window.
        oldest_counted = (
            LoginFailure.objects.filter(**{field: value}, created_at__gt=now - window)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[limit - 1 : limit]
        )
        for created_at in oldest_counted:
            if blocked_until is None or created_at + window > blocked_until:
                blocked_until = created_at + window
    if blocked_until is None or blocked_until <= now:
        return 0
    return max(1, math.ceil((blocked_until - now).total_seconds() / 60))


def blocked_message(minutes: int) -> str:
    return ngettext(
        "Trop de tentatives de connexion ont échoué. Par sécurité, la connexion est bloquée pendant "
        "%(minutes)d minute : réessayez dans %(minutes)d minute.",
        "Trop de tentatives de connexion ont échoué. Par sécurité, la connexion est bloquée pendant "
        "%(minutes)d minutes : réessayez dans %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class LoginOutcome(enum.StrEnum):
    OK = "ok"
    INVALID = "invalid"
    BLOCKED = "blocked"
    UNVERIFIED = "unverified"


@dataclass
class LoginAttempt:
    outcome: LoginOutcome
    user: User | None = None
    wait_minutes: int = 0

    @property
    def message(self) -> str:
        if self.outcome == LoginOutcome.BLOCKED:
            return blocked_message(self.wait_minutes)
        if self.outcome == LoginOutcome.INVALID:
            return _("Adresse électronique ou mot de passe incorrect.")
        return ""


def attempt_login(request, email: str, password: str) -> LoginAttempt:
    """Checks email and password, with throttling. The caller logs the user in when the outcome is OK.

    The same message is given for an unknown address and a wrong password. An account whose address is
    not verified yet cannot log in (UNVERIFIED, only once the password is right).
    """
    email = normalize_email(email)
    ip = client_ip(request)
    if wait := login_blocked_for(email, ip):
        return LoginAttempt(LoginOutcome.BLOCKED, wait_minutes=wait)
    user = authenticate(request, email=email, password=password)
    if user is None:
        record_login_failure(email, ip)
        if wait := login_blocked_for(email, ip):
            return LoginAttempt(LoginOutcome.BLOCKED, wait_minutes=wait)
        return LoginAttempt(LoginOutcome.INVALID)
    clear_login_failures(email)
    if not user.is_email_verified:
        return LoginAttempt(LoginOutcome.UNVERIFIED, user)
    return LoginAttempt(LoginOutcome.OK, user)


# --- Forgotten password -------------------------------------------------------------------------
def _account_for_email(email: str | None) -> User | None:
    email = normalize_email(email)
    if not email:
        return None
    return User.objects.filter(email=email, is_active=True, closed_at__isnull=True).first()


def request_password_reset(email: str) -> bool:
    """Sends a link to choose a new password if an open account uses `email` (the caller answers the
    same either way). Works for an account without a password yet, e.g. created at the counter."""
    user = _account_for_email(email)
    if user is None:
        return False
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = absolute_url(reverse("accounts:password_reset_confirm", args=[uidb64, token]))
    return send_email("password_reset", user.email, {"user": user, "link": link})


def user_for_password_reset(uidb64: str, token: str) -> User | None:
    """The account of a valid, unexpired, unused password reset link, else None."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True, closed_at__isnull=True).first()
    if user is None or not user.email or not default_token_generator.check_token(user, token):
        return None
    return user


def reset_password(user: User, password: str) -> None:
    """Sets the new password chosen through a reset link. Following the link proved the address, so it
    counts as verified; earlier login failures on the account are forgotten."""
    user.set_password(password)
    fields = ["password"]
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        fields.append("email_verified_at")
    user.save(update_fields=fields)
    clear_login_failures(user.email)
    send_email("password_changed", user.email, {"user": user})


# --- Profile ------------------------------------------------------------------------------------
def change_password(user: User, new_password: str) -> None:
    """Changes the password (the caller checked the current one) and tells the resident by email."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    if user.email:
        send_email("password_changed", user.email, {"user": user})


def email_change_token(user: User, new_email: str, *, issued_at: datetime | None = None) -> str:
    return _make_token(CHANGE_EMAIL, {"u": user.pk, "old": user.email, "new": normalize_email(new_email)}, issued_at)


def request_email_change(user: User, new_email: str) -> None:
    """Sends a confirmation link to the new address; the address changes only when it is followed.

    If another account already uses the new address, its owner gets a notice instead, and the resident
    sees the same answer (no account enumeration).
    """
    new_email = normalize_email(new_email)
    if User.objects.filter(email=new_email).exclude(pk=user.pk).exists():
        send_email("email_change_taken", new_email, {})
        return
    link = absolute_url(reverse("accounts:email_change_confirm", args=[email_change_token(user, new_email)]))
    send_email("email_change", new_email, {"user": user, "link": link, "new_email": new_email})


def confirm_email_change(user: User, token: str) -> LinkResult:
    """Applies a change of email link, for the logged-in `user` only. The old address gets a notice."""
    payload, expired = _read_token(CHANGE_EMAIL, token)
    if not isinstance(payload, dict) or payload.get("u") != user.pk or not payload.get("new"):
        return LinkResult(LinkStatus.INVALID)
    new_email, old_email = payload["new"], payload.get("old")
    if user.email == new_email:
        return LinkResult(LinkStatus.ALREADY_USED, user)
    if user.email != old_email:  # The address changed since: this link is outdated.
        return LinkResult(LinkStatus.INVALID)
    if expired:
        return LinkResult(LinkStatus.EXPIRED, user)
    try:
        with transaction.atomic():
            updated = User.objects.filter(pk=user.pk, email=old_email).update(
                email=new_email, email_verified_at=timezone.now()
            )
    except IntegrityError:
        return LinkResult(LinkStatus.EMAIL_TAKEN, user)
    if not updated:
        return LinkResult(LinkStatus.INVALID)
    user.refresh_from_db(fields=["email", "email_verified_at"])
    if old_email:
        send_email("email_changed", old_email, {"user": user, "new_email": new_email})
    return LinkResult(LinkStatus.DONE, user)


def can_close_account(user: User) -> bool:
    """Agents' and administrators' accounts are managed by the commune, not closed by their holder."""
    return not (user.is_staff or user.is_superuser or user.is_agent)


def close_account(user: User) -> None:
    """Closes the account at the resident's request.

    Names (and civility) are kept: cases already filed stay handled and are kept for their legal retention
    periods, and their history must still say who filed them. Everything else personal is erased: email
    (set to NULL, so the address can be used again), phone, postal address, birth date; the password
    becomes unusable and the account inactive, which also ends every open session. The resident gets a
    last email at the old address. The caller logs the current session out.
    """
    old_email = user.email
    with transaction.atomic():
        user.email = None
        user.email_verified_at = None
        user.phone = ""
        user.street = ""
        user.postcode = ""
        user.city = ""
        user.birth_date = None
        user.set_unusable_password()
        user.is_active = False
        user.closed_at = timezone.now()
        user.save()
        clear_login_failures(old_email)
    if old_email:
        send_email("account_closed", old_email, {"user": user})
