"""Client of the ANTS coordination API for identity-document appointments ("API de coordination des
rendez-vous"), with the standard library only.

    GET    {base}/status?application_ids=ID[&application_ids=ID2]   → {"ID": {"status", "appointments": [...]}}
    POST   {base}/appointments?application_id&meeting_point&meeting_point_id&appointment_date&management_url
                                                                   → {"success": true}
    DELETE {base}/appointments?application_id&meeting_point&meeting_point_id&appointment_date
                                                                   → {"rowcount": 1}

Every call carries the header `x-rdv-opt-auth-token`. Dates are Paris wall-clock, "YYYY-MM-DD HH:MM:SS".

Errors are split in two, because callers react differently:
- `AntsUnavailable`: no usable answer (timeout, connection refused, HTTP 5xx, body that is not the expected
  JSON). The resident may retry; a background declaration is retried later.
- `AntsRejected`: ANTS answered and refused (401 bad token, 422 malformed number...). Retrying the same
  request will not help until something is fixed.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field

from parvis.connectors.http import Unreachable, fetch

APPLICATION_ID_RE = re.compile(r"^[A-Z0-9]{10}$")
STATUSES = ("validated", "declared", "consumed", "expired", "unknown")
TOKEN_HEADER = "x-rdv-opt-auth-token"


class AntsError(Exception):
    pass


class AntsUnavailable(AntsError):
    """ANTS did not give a usable answer in time (timeout, network, 5xx, malformed body)."""


class AntsRejected(AntsError):
    """ANTS answered with a client error (4xx)."""

    def __init__(self, status: int, detail):
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


@dataclass
class ExistingAppointment:
    meeting_point: str
    appointment_date: str
    management_url: str = ""
    meeting_point_id: str = ""
    editor_comment: str = ""


@dataclass
class ApplicationStatus:
    application_id: str
    status: str
    appointments: list[ExistingAppointment] = field(default_factory=list)

    @property
    def is_validated(self):
        return self.status == "validated"


def normalize_application_id(value: str) -> str:
    """Upper-cases and drops spaces and dashes; the caller checks the result with `is_valid_application_id`."""
    return re.sub(r"[\s\-]", "", value or "").upper()


def is_valid_application_id(value: str) -> bool:
    return bool(APPLICATION_ID_RE.match(value or ""))


class AntsClient:
    def __init__(self, base_url: str, token: str, timeout: float = 5.0):
        if not base_url:
            raise ValueError("base_url is required")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    # --- Transport -----------------------------------------------------------------------------------

    def _call(self, method: str, path: str, params: list[tuple[str, str]]):
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(params)}"
        try:
            status, body = fetch(url, method=method, headers={TOKEN_HEADER: self.token}, timeout=self.timeout)
        except Unreachable as error:
            raise AntsUnavailable(str(error)) from error
        if status >= 500:
            raise AntsUnavailable(f"erreur du serveur ANTS (HTTP {status})")
        try:
            payload = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError) as error:
            if status >= 400:
                raise AntsRejected(status, body[:200].decode("utf-8", "replace")) from error
            raise AntsUnavailable("réponse illisible (JSON attendu)") from error
        if status >= 400:
            detail = payload.get("detail", payload) if isinstance(payload, dict) else payload
            raise AntsRejected(status, detail)
        return payload

    # --- API -----------------------------------------------------------------------------------------

    def status(self, application_ids: list[str]) -> dict[str, ApplicationStatus]:
        """Status and existing appointments of each number (already normalised and valid)."""
        if not application_ids:
            return {}
        payload = self._call("GET", "/status", [("application_ids", value) for value in application_ids])
        if not isinstance(payload, dict):
            raise AntsUnavailable("réponse inattendue (objet JSON attendu)")
        result = {}
        for application_id in application_ids:
            entry = payload.get(application_id)
            if entry is None:
                result[application_id] = ApplicationStatus(application_id, "unknown")
                continue
            try:
                status = entry["status"]
                raw = entry.get("appointments") or []
                appointments = [ExistingAppointment(
                    meeting_point=str(item.get("meeting_point", "")),
                    appointment_date=str(item.get("appointment_date", "")),
                    management_url=str(item.get("management_url", "") or ""),
                    meeting_point_id=str(item.get("meeting_point_id", "") or ""),
                    editor_comment=str(item.get("editor_comment", "") or ""),
                ) for item in raw]
            except (AttributeError, KeyError, TypeError) as error:
                raise AntsUnavailable(f"réponse inattendue pour {application_id}") from error
            if status not in STATUSES:
                raise AntsUnavailable(f"statut inconnu pour {application_id} : {status!r}")
            result[application_id] = ApplicationStatus(application_id, status, appointments)
        return result

    def declare(self, *, application_id, meeting_point, meeting_point_id, appointment_date, management_url):
        payload = self._call("POST", "/appointments", [
            ("application_id", application_id), ("meeting_point", meeting_point),
            ("meeting_point_id", meeting_point_id), ("appointment_date", appointment_date),
            ("management_url", management_url)])
        if not isinstance(payload, dict) or payload.get("success") is not True:
            raise AntsUnavailable(f"déclaration non confirmée : {payload!r}"[:300])
        return payload

    def delete(self, *, application_id, meeting_point, meeting_point_id, appointment_date) -> int:
        payload = self._call("DELETE", "/appointments", [
            ("application_id", application_id), ("meeting_point", meeting_point),
            ("meeting_point_id", meeting_point_id), ("appointment_date", appointment_date)])
        if not isinstance(payload, dict) or not isinstance(payload.get("rowcount"), int):
            raise AntsUnavailable(f"suppression non confirmée : {payload!r}"[:300])
        return payload["rowcount"]


def client_from_settings() -> AntsClient | None:
    """The configured client, or None when ANTS_API_URL is empty (connection disabled)."""
    from django.conf import settings

    if not settings.ANTS_API_URL:
        return None
    return AntsClient(settings.ANTS_API_URL, settings.ANTS_API_TOKEN, settings.ANTS_TIMEOUT_SECONDS)
