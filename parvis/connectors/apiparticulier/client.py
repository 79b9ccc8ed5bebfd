"""Client of API Particulier, endpoint "composition familiale" (CAF family quotient), standard library only.

    GET {base}/api/v2/composition-familiale?codePostal=75001&numeroAllocataire=1234567
    header X-Api-Key: <token of the commune>
    200 → {"quotientFamilial": 1234, "mois": 7, "annee": 2022,
           "allocataires": [{"nomPrenom": "MARIE DUPONT", "dateDeNaissance": "01031988", "sexe": "F"}, ...],
           "enfants": [{"nomPrenom": ..., "dateDeNaissance": "DDMMYYYY", "sexe": ...}, ...],
           "adresse": {"identite", "complementIdentite", "complementIdentiteGeo", "numeroRue", "lieuDit",
                       "codePostalVille", "pays"}}
    404 → {"error": "not_found", "reason": "Dossier allocataire inexistant. ...", "message": "..."}
    500/503 → {"error": "error" | "data_provider_error", "reason": ..., "message": ...}

Shapes followed: the staging payloads published by the API's operators (repository etalab/siade_staging_data,
payloads/api_particulier_v2_cnaf_quotient_familial/README.md: 200, 404, 500 and 503 cases) and the
historical documentation of the endpoint (betagouv/api-particulier, `/api/v2/composition-familiale` routed
with the API-key check). A bad key answers 401 (same error/reason/message body, observed).

Errors are split by what the caller can do:
- `AllocataireNotFound` (404): the number and postcode do not match a CAF file — the family checks them,
  or sends its CAF certificate instead;
- `ApiParticulierRejected` (401/403/400...): our configuration or request is wrong — an agent must act;
- `ApiParticulierUnavailable`: timeout, network, 5xx, unreadable body — try again later or send the
  certificate.
Each carries a plain French `message` for the family; `detail` is for the logs.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field

from parvis.connectors.http import Unreachable, fetch

PATH = "/api/v2/composition-familiale"
KEY_HEADER = "X-Api-Key"
NUMBER_RE = re.compile(r"^\d{5,13}$")
POSTCODE_RE = re.compile(r"^\d{5}$")

FALLBACK = ("Vous pouvez aussi envoyer votre attestation de quotient familial de la CAF : un agent du guichet "
            "unique la vérifiera.")


class ApiParticulierError(Exception):
    message = "Le quotient familial n'a pas pu être obtenu."

    def __init__(self, detail: str = "", message: str | None = None):
        super().__init__(detail or self.message)
        self.detail = detail
        if message:
            self.message = message


class AllocataireNotFound(ApiParticulierError):
    message = ("La CAF ne trouve pas de dossier avec ce numéro d'allocataire et ce code postal. Vérifiez-les "
               "(le code postal est celui de l'adresse connue de la CAF).")


class ApiParticulierRejected(ApiParticulierError):
    message = ("Le service de consultation du quotient familial est momentanément indisponible. Le guichet "
               "unique a été prévenu.")

    def __init__(self, status: int, detail: str = ""):
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status


class ApiParticulierUnavailable(ApiParticulierError):
    message = "Le service de la CAF ne répond pas pour le moment. Réessayez plus tard."


@dataclass
class Person:
    name: str
    birth_date: str = ""  # DDMMYYYY as sent
    sex: str = ""


@dataclass
class FamilyComposition:
    quotient: int
    month: int
    year: int
    provider: str = "CAF"
    allocataires: list[Person] = field(default_factory=list)
    children: list[Person] = field(default_factory=list)
    address: dict = field(default_factory=dict)


def normalize_number(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def is_valid_number(value: str) -> bool:
    return bool(NUMBER_RE.match(value or ""))


def is_valid_postcode(value: str) -> bool:
    return bool(POSTCODE_RE.match(value or ""))


def _people(items):
    people = []
    for item in items or []:
        if not isinstance(item, dict):
            raise ApiParticulierUnavailable("réponse inattendue (personne)")
        name = item.get("nomPrenom") or " ".join(
            part for part in (item.get("prenoms"), item.get("nomUsage") or item.get("nomNaissance")) if part)
        people.append(Person(name=str(name or ""), birth_date=str(item.get("dateDeNaissance") or ""),
                             sex=str(item.get("sexe") or "")))
    return people


def parse_composition(payload) -> FamilyComposition:
    """The composition in a 200 answer; ApiParticulierUnavailable when the body is not the expected shape."""
    if not isinstance(payload, dict):
        raise ApiParticulierUnavailable("réponse inattendue (objet JSON attendu)")
    try:
        quotient = int(payload["quotientFamilial"])
        month = int(payload["mois"])
        year = int(payload["annee"])
    except (KeyError, TypeError, ValueError) as error:
        raise ApiParticulierUnavailable(f"réponse incomplète : {error}") from error
    if quotient < 0 or not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ApiParticulierUnavailable(f"valeurs hors limites : QF {quotient}, {month}/{year}")
    regime = str(payload.get("regime") or "CAF")
    provider = "MSA" if regime.upper() == "MSA" else "CAF"
    address = payload.get("adresse") if isinstance(payload.get("adresse"), dict) else {}
    return FamilyComposition(quotient=quotient, month=month, year=year, provider=provider,
                             allocataires=_people(payload.get("allocataires")),
                             children=_people(payload.get("enfants")), address=address)


class ApiParticulierClient:
    def __init__(self, base_url: str, token: str, timeout: float = 10.0):
        if not base_url:
            raise ValueError("base_url is required")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("API Particulier URL must be http(s)")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def composition_familiale(self, numero_allocataire: str, code_postal: str) -> FamilyComposition:
        numero = normalize_number(numero_allocataire)
        code_postal = (code_postal or "").strip()
        if not is_valid_number(numero) or not is_valid_postcode(code_postal):
            raise ValueError("numéro d'allocataire ou code postal mal formé")
        query = urllib.parse.urlencode({"codePostal": code_postal, "numeroAllocataire": numero})
        try:
            status, body = fetch(f"{self.base_url}{PATH}?{query}", headers={KEY_HEADER: self.token},
                                 timeout=self.timeout)
        except Unreachable as error:
            raise ApiParticulierUnavailable(str(error)) from error
        try:
            payload = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError):
            payload = None
        reason = ""
        if isinstance(payload, dict):
            reason = str(payload.get("reason") or payload.get("message") or payload.get("error") or "")[:300]
        if status == 404:
            raise AllocataireNotFound(reason or "HTTP 404")
        if status >= 500:
            raise ApiParticulierUnavailable(f"HTTP {status}: {reason}")
        if status >= 400:
            raise ApiParticulierRejected(status, reason)
        if payload is None:
            raise ApiParticulierUnavailable("réponse illisible (JSON attendu)")
        return parse_composition(payload)


def client_from_settings() -> ApiParticulierClient | None:
    """The configured client, or None when API_PARTICULIER_URL is empty (connection disabled)."""
    from django.conf import settings

    if not settings.API_PARTICULIER_URL:
        return None
    return ApiParticulierClient(settings.API_PARTICULIER_URL, settings.API_PARTICULIER_TOKEN,
                                settings.API_PARTICULIER_TIMEOUT_SECONDS)
