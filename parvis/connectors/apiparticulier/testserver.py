"""A local server speaking API Particulier's "composition familiale" endpoint, for tests and demonstrations.

    server = ApiParticulierTestServer(token="secret").start()
    server.add_family("1234567", "99100", quotient=851, month=3, year=2026)
    ... settings.API_PARTICULIER_URL = server.url ...
    server.stop()

`GET /api/v2/composition-familiale?codePostal=&numeroAllocataire=` with the `X-Api-Key` header: 401 for a
missing or wrong key, 400 for missing parameters, 404 for an unknown file (body of the published staging
payloads), 200 with the family. Misbehaviour switches: `slow_seconds`, `fail_status` (500, 503...),
`malformed` (a body that is not JSON). Every request is recorded in `requests`.

Standalone: `python -m parvis.connectors.apiparticulier.testserver --port 8766 --token demo`.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from parvis.connectors.apiparticulier.client import KEY_HEADER, PATH

NOT_FOUND = {"error": "not_found", "reason": "Dossier allocataire inexistant. Le document ne peut être édité.",
             "message": "Dossier allocataire inexistant. Le document ne peut être édité."}


@dataclass
class RecordedRequest:
    path: str
    params: dict[str, list[str]]
    key: str | None


@dataclass
class _State:
    token: str
    families: dict[tuple[str, str], dict] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    slow_seconds: float = 0.0
    fail_status: int | None = None
    malformed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server_version = "ApiParticulierTestServer/1.0"
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
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)

    def do_GET(self):  # noqa: N802
        parsed = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        key = self.headers.get(KEY_HEADER)
        state = self.state
        with state.lock:
            state.requests.append(RecordedRequest(parsed.path, params, key))
            slow, fail, malformed = state.slow_seconds, state.fail_status, state.malformed
        if slow:
            time.sleep(slow)
        if parsed.path.rstrip("/") != PATH:
            return self._send(404, {"error": "not_found", "reason": "Route not found", "message": "Route inconnue"})
        if key != state.token:
            return self._send(401, {"error": "access_denied", "reason": "Invalid API key",
                                    "message": "Votre jeton d'API n'a pas été trouvé ou n'est pas valide."})
        if fail:
            if fail == 503:
                return self._send(503, {"error": "data_provider_error", "reason": "Unknown error code 134",
                                        "message": "Erreur inconnue du fournisseur de donnée CAF"})
            return self._send(fail, {"error": "error", "reason": "Internal server error",
                                     "message": "Une erreur interne s'est produite, l'équipe a été prévenue."})
        if malformed:
            return self._send(200, raw=b"<html>Maintenance</html>")
        number = (params.get("numeroAllocataire") or [""])[0]
        postcode = (params.get("codePostal") or [""])[0]
        if not number or not postcode:
            return self._send(400, {"error": "bad_request", "reason": "Missing parameter",
                                    "message": "Les paramètres codePostal et numeroAllocataire sont obligatoires."})
        with state.lock:
            family = state.families.get((number, postcode))
        if family is None:
            return self._send(404, NOT_FOUND)
        return self._send(200, family)


class ApiParticulierTestServer:
    def __init__(self, token: str = "api-particulier-test-token", host: str = "127.0.0.1", port: int = 0):  # noqa: S107
        self.state = _State(token=token)
        handler = type("BoundHandler", (_Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="api-particulier-test-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def requests(self) -> list[RecordedRequest]:
        with self.state.lock:
            return list(self.state.requests)

    def add_family(self, number, postcode, *, quotient, month, year, allocataires=None, children=None):
        payload = {
            "quotientFamilial": quotient, "mois": month, "annee": year,
            "allocataires": allocataires if allocataires is not None else [
                {"nomPrenom": "MARIE DUPONT", "dateDeNaissance": "01031988", "sexe": "F"}],
            "enfants": children if children is not None else [
                {"nomPrenom": "JACQUES DUPONT", "dateDeNaissance": "01012016", "sexe": "M"}],
            "adresse": {"identite": "Madame MARIE DUPONT", "complementIdentite": None, "complementIdentiteGeo": None,
                        "numeroRue": "8 RUE DES LILAS", "lieuDit": None, "codePostalVille": f"{postcode} ADMIVILLE",
                        "pays": "FRANCE"},
        }
        with self.state.lock:
            self.state.families[(str(number), str(postcode))] = payload
        return payload

    def misbehave(self, *, slow_seconds=0.0, fail_status=None, malformed=False):
        with self.state.lock:
            self.state.slow_seconds, self.state.fail_status, self.state.malformed = slow_seconds, fail_status, malformed

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


def main(argv=None):  # pragma: no cover - manual use
    parser = argparse.ArgumentParser(description="Serveur local parlant API Particulier (composition familiale)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--token", default="demo")
    args = parser.parse_args(argv)
    server = ApiParticulierTestServer(token=args.token, port=args.port)
    server.add_family("1234567", "99100", quotient=851, month=3, year=2026)
    server.add_family("7654321", "99100", quotient=420, month=3, year=2026)
    print(f"API Particulier de test sur {server.url} (jeton « {args.token} »), Ctrl-C pour arrêter")  # noqa: T201
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":  # pragma: no cover
    main()
