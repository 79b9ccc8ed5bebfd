"""A local server speaking the ANTS coordination API, for tests and for trying Parvis without ANTS.

    server = AntsTestServer(token="secret").start()
    server.add_application("ABCDE12345", "validated")
    ... settings.ANTS_API_URL = server.url ...
    server.stop()

It implements `GET /status`, `POST /appointments` and `DELETE /appointments` with the token check (401
`{"detail": ...}`), 422 for a malformed number, and switches to misbehave: `slow_seconds` (answer late),
`fail_status` (e.g. 500), `malformed` (a body that is not JSON). Every request is recorded in `requests`.

Standalone: `python -m parvis.connectors.ants.testserver --port 8765 --token demo` (a few sample numbers).
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_ID = re.compile(r"^[A-Z0-9]{10}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, list[str]]
    token: str | None


@dataclass
class _State:
    token: str
    applications: dict[str, dict] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    slow_seconds: float = 0.0
    fail_status: int | None = None
    malformed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


def _validation_error(name, value):
    return {"detail": [{"loc": ["query", name], "msg": "string does not match regex \"^[A-Z0-9]{10}$\"",
                        "type": "value_error.str.regex", "input": value}]}


class _Handler(BaseHTTPRequestHandler):
    server_version = "AntsTestServer/1.0"
    state: _State  # set on the subclass made for each server

    def log_message(self, format, *args):  # noqa: A002 (signature of the base class)
        pass

    def _send(self, status, payload=None, raw=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self, method):
        parsed = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        token = self.headers.get("x-rdv-opt-auth-token")
        state = self.state
        with state.lock:
            state.requests.append(RecordedRequest(method, parsed.path, params, token))
            slow, fail, malformed = state.slow_seconds, state.fail_status, state.malformed
        if slow:
            time.sleep(slow)
        if fail:
            return self._send(fail, {"detail": "Internal Server Error"})
        if malformed:
            return self._send(200, raw=b"<html>Service indisponible</html>")
        if token != state.token:
            return self._send(401, {"detail": "X-RDV-OPT-AUTH-TOKEN header invalid"})
        route = (method, parsed.path.rstrip("/"))
        if route == ("GET", "/status"):
            return self._status(params)
        if route == ("POST", "/appointments"):
            return self._declare(params)
        if route == ("DELETE", "/appointments"):
            return self._delete(params)
        return self._send(404, {"detail": "Not Found"})

    def do_GET(self):  # noqa: N802 (BaseHTTPRequestHandler's names)
        self._handle("GET")

    def do_POST(self):  # noqa: N802
        self._handle("POST")

    def do_DELETE(self):  # noqa: N802
        self._handle("DELETE")

    def _status(self, params):
        ids = params.get("application_ids", [])
        if not ids:
            return self._send(422, {"detail": [{"loc": ["query", "application_ids"], "msg": "field required",
                                                 "type": "value_error.missing"}]})
        for value in ids:
            if not _ID.match(value):
                return self._send(422, _validation_error("application_ids", value))
        with self.state.lock:
            answer = {}
            for value in ids:
                entry = self.state.applications.get(value)
                if entry is None:
                    answer[value] = {"status": "unknown", "appointments": []}
                else:
                    answer[value] = {"status": entry["status"], "appointments": list(entry["appointments"])}
        return self._send(200, answer)

    def _fields(self, params, names):
        values = {}
        for name in names:
            found = params.get(name)
            if not found or not found[0]:
                self._send(422, {"detail": [{"loc": ["query", name], "msg": "field required",
                                             "type": "value_error.missing"}]})
                return None
            values[name] = found[0]
        if not _ID.match(values["application_id"]):
            self._send(422, _validation_error("application_id", values["application_id"]))
            return None
        if not _DATE.match(values["appointment_date"]):
            self._send(422, {"detail": [{"loc": ["query", "appointment_date"], "msg": "invalid datetime format",
                                         "type": "value_error.datetime"}]})
            return None
        return values

    def _declare(self, params):
        values = self._fields(params, ("application_id", "meeting_point", "meeting_point_id", "appointment_date",
                                       "management_url"))
        if values is None:
            return None
        with self.state.lock:
            entry = self.state.applications.setdefault(values["application_id"],
                                                       {"status": "validated", "appointments": []})
            entry["appointments"].append({
                "management_url": values["management_url"], "meeting_point": values["meeting_point"],
                "meeting_point_id": values["meeting_point_id"],
                "appointment_date": values["appointment_date"].replace(" ", "T"), "editor_comment": None,
            })
        return self._send(200, {"success": True})

    def _delete(self, params):
        values = self._fields(params, ("application_id", "meeting_point", "meeting_point_id", "appointment_date"))
        if values is None:
            return None
        wanted = values["appointment_date"].replace(" ", "T")
        with self.state.lock:
            entry = self.state.applications.get(values["application_id"], {"appointments": []})
            before = len(entry["appointments"])
            entry["appointments"] = [
                item for item in entry["appointments"]
                if not (item["meeting_point_id"] == values["meeting_point_id"] and item["appointment_date"] == wanted)
            ]
            rowcount = before - len(entry["appointments"])
        return self._send(200, {"rowcount": rowcount})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up (the "slow" switch is there for that) closed the socket: not an error here.
        import sys

        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class AntsTestServer:
    def __init__(self, token: str = "ants-test-token", host: str = "127.0.0.1", port: int = 0):  # noqa: S107
        self.state = _State(token=token)
        handler = type("BoundHandler", (_Handler,), {"state": self.state})
        self.httpd = _Server((host, port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="ants-test-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token(self) -> str:
        return self.state.token

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

    def add_application(self, application_id: str, status: str = "validated", appointments: list[dict] | None = None):
        with self.state.lock:
            self.state.applications[application_id] = {"status": status, "appointments": list(appointments or [])}

    def appointments_of(self, application_id: str) -> list[dict]:
        with self.state.lock:
            return list(self.state.applications.get(application_id, {}).get("appointments", []))

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


def main():  # pragma: no cover (manual use)
    parser = argparse.ArgumentParser(description="Serveur ANTS local (coordination des rendez-vous).")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default="demo")
    args = parser.parse_args()
    server = AntsTestServer(token=args.token, port=args.port)
    server.add_application("ABCDE12345", "validated")
    server.add_application("FGHIJ67890", "validated")
    server.add_application("KLMNO13579", "validated", [{
        "management_url": "https://rdv.autre-commune.fr/gerer/1", "meeting_point": "Mairie d'Autreville",
        "meeting_point_id": "42", "appointment_date": "2026-12-10T10:00:00", "editor_comment": None}])
    server.add_application("DECLA12345", "declared")
    server.add_application("CONSU12345", "consumed")
    server.add_application("EXPIR12345", "expired")
    print(f"Serveur ANTS local sur {server.url} (jeton : {args.token}). Ctrl-C pour arrêter.")  # noqa: T201
    server.start()
    try:
        server.thread.join()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
