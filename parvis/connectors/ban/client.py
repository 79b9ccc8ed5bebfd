"""Client of the Base Adresse Nationale (BAN) geocoding API, with the standard library only.

    GET {base}/search/?q=8+bd+du+port&limit=5[&lat=48.85&lon=2.35][&citycode=…][&postcode=…]
    GET {base}/reverse/?lon=2.35&lat=48.85[&limit=1]

Both answer a GeoJSON FeatureCollection: each feature has `geometry.coordinates` [lon, lat] and
`properties` with `label`, `score`, `postcode`, `city`, `citycode` (and `housenumber`, `street`, `name`,
`type`, `id`...). `lat`/`lon` on a search only give priority to nearby results.

The base URL is a setting (`BAN_API_URL`, e.g. https://api-adresse.data.gouv.fr); empty means the
connection is disabled and residents type their address by hand. Errors:

- `BanUnavailable`: no usable answer (timeout, connection refused, HTTP 5xx, body that is not the expected
  JSON). Callers fall back to the typed address.
- `BanRejected`: the API refused the query (HTTP 4xx, e.g. a query shorter than 3 characters).
"""

from __future__ import annotations

import json
import math
import urllib.parse
from dataclasses import dataclass

from parvis.connectors.http import Unreachable, fetch

MIN_QUERY_LENGTH = 3
MAX_QUERY_LENGTH = 200
MAX_LIMIT = 20


class BanError(Exception):
    pass


class BanUnavailable(BanError):
    """The BAN did not give a usable answer in time."""


class BanRejected(BanError):
    """The BAN answered with a client error (4xx)."""

    def __init__(self, status: int, detail):
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Address:
    label: str
    lat: float
    lon: float
    score: float = 0.0
    postcode: str = ""
    city: str = ""
    citycode: str = ""
    kind: str = ""
    id: str = ""

    def as_dict(self):
        return {"label": self.label, "lat": self.lat, "lon": self.lon, "score": self.score, "postcode": self.postcode,
                "city": self.city, "citycode": self.citycode, "type": self.kind, "id": self.id}


def clean_query(text: str) -> str:
    """The query as the BAN takes it: one line, spaces collapsed, at most 200 characters."""
    return " ".join(str(text or "").split())[:MAX_QUERY_LENGTH]


def _feature_to_address(feature) -> Address:
    properties = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"][:2]
    lat, lon = float(lat), float(lon)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError("coordonnées non finies")
    return Address(
        label=str(properties["label"]), lat=lat, lon=lon, score=float(properties.get("score") or 0.0),
        postcode=str(properties.get("postcode") or ""), city=str(properties.get("city") or ""),
        citycode=str(properties.get("citycode") or ""), kind=str(properties.get("type") or ""),
        id=str(properties.get("id") or ""),
    )


class BanClient:
    def __init__(self, base_url: str, timeout: float = 3.0):
        if not base_url:
            raise ValueError("base_url is required")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("BAN URL must be http(s)")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _get(self, path: str, params: list[tuple[str, str]]):
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(params)}"
        try:
            status, body = fetch(url, timeout=self.timeout)
        except Unreachable as error:
            raise BanUnavailable(str(error)) from error
        if status >= 500:
            raise BanUnavailable(f"erreur du serveur BAN (HTTP {status})")
        try:
            payload = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError) as error:
            if status >= 400:
                raise BanRejected(status, body[:200].decode("utf-8", "replace")) from error
            raise BanUnavailable("réponse illisible (JSON attendu)") from error
        if status >= 400:
            detail = payload.get("message", payload) if isinstance(payload, dict) else payload
            raise BanRejected(status, detail)
        return payload

    def _features(self, payload) -> list[Address]:
        if not isinstance(payload, dict) or not isinstance(payload.get("features"), list):
            raise BanUnavailable("réponse inattendue (FeatureCollection attendue)")
        try:
            return [_feature_to_address(feature) for feature in payload["features"]]
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise BanUnavailable("réponse inattendue (adresse mal formée)") from error

    def search(self, query: str, *, limit: int = 5, lat: float | None = None, lon: float | None = None,
               citycode: str = "", postcode: str = "") -> list[Address]:
        """Addresses matching `query`, best first. A query too short for the BAN gives an empty list."""
        query = clean_query(query)
        if len(query) < MIN_QUERY_LENGTH or not query[0].isalnum():
            return []
        params = [("q", query), ("limit", str(max(1, min(int(limit), MAX_LIMIT))))]
        if lat is not None and lon is not None:
            params += [("lat", f"{float(lat):.6f}"), ("lon", f"{float(lon):.6f}")]
        if citycode:
            params.append(("citycode", citycode))
        if postcode:
            params.append(("postcode", postcode))
        return self._features(self._get("/search/", params))

    def reverse(self, lat: float, lon: float) -> Address | None:
        """The nearest address to a point, or None."""
        found = self._features(self._get("/reverse/", [("lon", f"{float(lon):.6f}"), ("lat", f"{float(lat):.6f}"),
                                                       ("limit", "1")]))
        return found[0] if found else None


def client_from_settings() -> BanClient | None:
    """The configured client, or None when BAN_API_URL is empty (address search disabled)."""
    from django.conf import settings

    base_url = getattr(settings, "BAN_API_URL", "")
    if not base_url:
        return None
    return BanClient(base_url, getattr(settings, "BAN_TIMEOUT_SECONDS", 3))
