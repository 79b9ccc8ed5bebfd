"""Pluggable SMS sending. A provider is a class with `send(phone, text)`, named by the SMS_BACKEND setting.

- `ConsoleSMSBackend` (default): writes the message to the log; nothing leaves the machine.
- `LocmemSMSBackend`: keeps messages in `LocmemSMSBackend.outbox`, for tests.

A real provider (an HTTP API of an operator) subclasses `BaseSMSBackend` and raises `SMSError` on failure.
"""

from __future__ import annotations

import logging
import threading

import phonenumbers
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SMSError(RuntimeError):
    pass


def normalize_phone(value: str, region: str = "FR") -> str | None:
    """E.164 form of a mobile or fixed number (`+33612345678`), or None when it is not a valid number."""
    try:
        number = phonenumbers.parse(value or "", region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(value: str, region: str = "FR") -> bool:
    try:
        number = phonenumbers.parse(value or "", region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in (phonenumbers.PhoneNumberType.MOBILE,
                                                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


class BaseSMSBackend:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    def send(self, phone, text):
        logger.info("SMS pour %s : %s", phone, text)


class LocmemSMSBackend(BaseSMSBackend):
    outbox: list[tuple[str, str]] = []
    _lock = threading.Lock()

    def send(self, phone, text):
        with self._lock:
            LocmemSMSBackend.outbox.append((phone, text))


def get_sms_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    number = normalize_phone(phone)
    if number is None:
        raise SMSError(f"numéro invalide : {phone!r}")
    get_sms_backend().send(number, text)
