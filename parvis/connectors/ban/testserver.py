"""A local server speaking the Base Adresse Nationale protocol, for tests and for trying Parvis offline.

    server = BanTestServer().start()
    server.add_address("12 rue des Écoles 99100 Admiville", lat=48.851, lon=2.349, postcode="99100",
                       city="Admiville", citycode="99100")
    ... settings.BAN_API_URL = server.url ...
    server.stop()

It implements `GET /search/?q=…&limit=…[&lat=…&lon=…][&citycode=…][&postcode=…]` (every word of the query
must begin a word of the label, accents and case ignored; `lat`/`lon` order the matches by distance) and
`GET /reverse/?lon=…&lat=…` (the nearest address), answering GeoJSON FeatureCollections like the BAN. A query
shorter than 3 characters gets HTTP 400 as on the real service. Switches to misbehave: `slow_seconds`,
`fail_status` (e.g. 500), `malformed`. Every request is recorded in `requests`.

Standalone: `python -m parvis.connectors.ban.testserver --port 8766` (a few Admiville addresses).
"""

from __future__ import annotations

import argparse
import json
import math
import threading
import time
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _fold(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return [word for word in "".join(char if char.isalnum() else " " for char in text).split() if word]


def _distance(lat1, lon1, lat2, lon2):
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return math.hypot(x, y) * 6_371_000


@dataclass
class RecordedRequest:
    path: str
    params: dict[str, list[str]]


@dataclass
class _State:
    addresses: list[dict] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    slow_seconds: float = 0.0
    fail_status: int | None = None
    malformed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


def _feature(address, score):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [address["lon"], address["lat"]]},
        "properties": {
            "label": address["label"], "score": round(score, 4), "housenumber": address.get("housenumber", ""),
            "id": address["id"], "type": address.get("type", "housenumber"), "name": address.get("name", ""),
            "postcode": address["postcode"], "citycode": address["citycode"], "city": address["city"],
            "context": address.get("context", ""), "street": address.get("street", ""),
        },
    }


def _collection(features, **extra):
    return {"type": "FeatureCollection", "version": "draft", "features": features, "attribution": "BAN",
            "licence": "ETALAB-2.0", **extra}


class _Handler(BaseHTTPRequestHandler):
    server_version = "BanTestServer/1.0"
    state: _State

    def log_message(self, format, *args):  # noqa: A002
        pass

    def _send(self, status, payload=None, raw=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass

    def do_GET(self):  # noqa: N802
        parsed = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        state = self.state
        with state.lock:
            state.requests.append(RecordedRequest(parsed.path, params))
            slow, fail, malformed = state.slow_seconds, state.fail_status, state.malformed
            addresses = list(state.addresses)
        if slow:
            time.sleep(slow)
        if fail:
            return self._send(fail, {"code": fail, "message": "Internal Server Error"})
        if malformed:
            return self._send(200, raw=b"<html>Service indisponible</html>")
        if parsed.path.rstrip("/") == "/search":
            return self._search(params, addresses)
        if parsed.path.rstrip("/") == "/reverse":
            return self._reverse(params, addresses)
        return self._send(404, {"code": 404, "message": "Not Found"})

    @staticmethod
    def _one(params, name, default=""):
        values = params.get(name)
        return values[0] if values else default

    def _float(self, params, name):
        raw = self._one(params, name)
        if raw == "":
            return None
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(name)
        return value

    def _search(self, params, addresses):
        query = " ".join(self._one(params, "q").split())
        if not 3 <= len(query) <= 200 or not query[0].isalnum():
            return self._send(400, {"code": 400, "detail": [
                "q: must contain between 3 and 200 chars and start with a number or a letter"],
                "message": "Failed parsing query"})
        try:
            limit = int(self._one(params, "limit", "5"))
            lat, lon = self._float(params, "lat"), self._float(params, "lon")
        except ValueError:
            return self._send(400, {"code": 400, "message": "Failed parsing query"})
        if not 1 <= limit <= 100:
            return self._send(400, {"code": 400, "message": "limit: must be between 1 and 100"})
        citycode, postcode = self._one(params, "citycode"), self._one(params, "postcode")
        words = _fold(query)
        found = []
        for address in addresses:
            if citycode and address["citycode"] != citycode or postcode and address["postcode"] != postcode:
                continue
            label_words = _fold(address["label"])
            if all(any(label_word.startswith(word) for label_word in label_words) for word in words):
                # Every word matched: equally relevant; the position (if given) then the shorter label first.
                distance = _distance(lat, lon, address["lat"], address["lon"]) if lat is not None and lon is not None \
                    else 0.0
                score = 0.5 + 0.5 * len(words) / max(len(label_words), 1)
                found.append((distance, len(label_words), address, score))
        found.sort(key=lambda item: (item[0], item[1]))
        features = [_feature(address, score) for _distance_m, _length, address, score in found[:limit]]
        return self._send(200, _collection(features, query=query, limit=limit))

    def _reverse(self, params, addresses):
        try:
            lat, lon = self._float(params, "lat"), self._float(params, "lon")
        except ValueError:
            return self._send(400, {"code": 400, "message": "Failed parsing query"})
        if lat is None or lon is None:
            return self._send(400, {"code": 400, "message": "lat and lon are required"})
        nearest = sorted(addresses, key=lambda address: _distance(lat, lon, address["lat"], address["lon"]))
        features = [_feature(address, 1.0) for address in nearest[:1]
                    if _distance(lat, lon, address["lat"], address["lon"]) < 1000]
        return self._send(200, _collection(features, limit=1))


class BanTestServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.state = _State()
        handler = type("BoundHandler", (_Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="ban-test-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- Test controls -------------------------------------------------------------------------------

    def add_address(self, label: str, *, lat: float, lon: float, postcode: str = "99100", city: str = "Admiville",
                    citycode: str = "99100", kind: str = "housenumber", **extra):
        with self.state.lock:
            number = len(self.state.addresses) + 1
            self.state.addresses.append({"label": label, "lat": lat, "lon": lon, "postcode": postcode, "city": city,
                                         "citycode": citycode, "type": kind, "id": f"{citycode}_{number:04d}",
                                         **extra})

    def behave(self, *, slow_seconds: float = 0.0, fail_status: int | None = None, malformed: bool = False):
        with self.state.lock:
            self.state.slow_seconds, self.state.fail_status, self.state.malformed = slow_seconds, fail_status, malformed

    @property
    def requests(self) -> list[RecordedRequest]:
        with self.state.lock:
            return list(self.state.requests)

    def clear_requests(self):
        with self.state.lock:
            self.state.requests.clear()


ADMIVILLE_SAMPLE = [
    ("1 place de la République 99100 Admiville", 48.8502, 2.3497),
    ("12 rue des Écoles 99100 Admiville", 48.8531, 2.3442),
    ("40 avenue des Tilleuls 99100 Admiville", 48.8465, 2.3588),
    ("5 rue de la Paix 99100 Admiville", 48.8478, 2.3421),
    ("8 rue des Lilas 99100 Admiville", 48.8557, 2.3566),
    ("23 avenue Jean-Jaurès 99100 Admiville", 48.8440, 2.3480),
    ("Parc du Moulin 99100 Admiville", 48.8580, 2.3610),
]


def add_admiville_sample(server: BanTestServer):
    """A few addresses of the fictional Admiville (inside the default commune boundary)."""
    for label, lat, lon in ADMIVILLE_SAMPLE:
        server.add_address(label, lat=lat, lon=lon)


def main():  # pragma: no cover (manual use)
    parser = argparse.ArgumentParser(description="Serveur BAN local (recherche d'adresses).")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    server = BanTestServer(port=args.port)
    add_admiville_sample(server)
    print(f"Serveur BAN local sur {server.url}. Ctrl-C pour arrêter.")  # noqa: T201
    server.start()
    try:
        server.thread.join()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
