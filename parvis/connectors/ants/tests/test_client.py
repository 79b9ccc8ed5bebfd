"""The ANTS client against the local server that speaks the coordination API."""

import pytest

from parvis.connectors.ants.client import (
    AntsClient,
    AntsRejected,
    AntsUnavailable,
    is_valid_application_id,
    normalize_application_id,
)
from parvis.connectors.ants.testserver import AntsTestServer

TOKEN = "jeton-secret"


@pytest.fixture
def server():
    with AntsTestServer(token=TOKEN) as running:
        yield running


@pytest.fixture
def client(server):
    return AntsClient(server.url, TOKEN, timeout=0.5)


def test_status_of_each_number_in_one_call(server, client):
    server.add_application("ABCDE12345", "validated")
    server.add_application("DECLA12345", "declared")
    server.add_application("CONSU12345", "consumed")
    server.add_application("EXPIR12345", "expired")
    numbers = ["ABCDE12345", "DECLA12345", "CONSU12345", "EXPIR12345", "UNKNO12345"]
    statuses = client.status(numbers)
    assert {n: s.status for n, s in statuses.items()} == {
        "ABCDE12345": "validated", "DECLA12345": "declared", "CONSU12345": "consumed", "EXPIR12345": "expired",
        "UNKNO12345": "unknown"}
    assert statuses["ABCDE12345"].is_validated and not statuses["DECLA12345"].is_validated
    [request] = server.requests
    assert request.method == "GET" and request.path == "/status"
    assert request.params["application_ids"] == numbers  # repeated, without brackets
    assert request.token == TOKEN


def test_existing_appointments_are_returned(server, client):
    server.add_application("ABCDE12345", "validated", [{
        "management_url": "https://rdv.ailleurs.fr/g/1", "meeting_point": "Mairie d'Ailleurs",
        "meeting_point_id": "77", "appointment_date": "2026-12-10T10:00:00", "editor_comment": None}])
    [existing] = client.status(["ABCDE12345"])["ABCDE12345"].appointments
    assert existing.meeting_point == "Mairie d'Ailleurs" and existing.appointment_date == "2026-12-10T10:00:00"
    assert existing.management_url == "https://rdv.ailleurs.fr/g/1" and existing.editor_comment == ""


def test_declare_then_delete(server, client):
    server.add_application("ABCDE12345", "validated")
    fields = {"application_id": "ABCDE12345", "meeting_point": "Hôtel de ville", "meeting_point_id": "3",
              "appointment_date": "2026-12-10 09:20:00"}
    assert client.declare(**fields, management_url="https://parvis.test/gerer/x/") == {"success": True}
    [declared] = server.appointments_of("ABCDE12345")
    assert declared["appointment_date"] == "2026-12-10T09:20:00" and declared["meeting_point_id"] == "3"
    assert client.status(["ABCDE12345"])["ABCDE12345"].appointments[0].meeting_point == "Hôtel de ville"
    assert client.delete(**fields) == 1
    assert client.delete(**fields) == 0
    assert server.appointments_of("ABCDE12345") == []
    methods = [(r.method, r.path) for r in server.requests]
    assert ("POST", "/appointments") in methods and ("DELETE", "/appointments") in methods


def test_a_bad_token_is_a_401_with_detail(server):
    with pytest.raises(AntsRejected) as refused:
        AntsClient(server.url, "mauvais", timeout=0.5).status(["ABCDE12345"])
    assert refused.value.status == 401 and "invalid" in str(refused.value.detail)


def test_a_malformed_number_is_a_422(client):
    with pytest.raises(AntsRejected) as refused:
        client.status(["abc"])
    assert refused.value.status == 422 and refused.value.detail[0]["loc"] == ["query", "application_ids"]


def test_a_slow_answer_is_unavailable(server, client):
    server.behave(slow_seconds=1.5)
    with pytest.raises(AntsUnavailable, match="délai dépassé"):
        client.status(["ABCDE12345"])


def test_a_server_error_is_unavailable(server, client):
    server.behave(fail_status=500)
    with pytest.raises(AntsUnavailable, match="HTTP 500"):
        client.status(["ABCDE12345"])
    with pytest.raises(AntsUnavailable):
        client.declare(application_id="ABCDE12345", meeting_point="M", meeting_point_id="1",
                       appointment_date="2026-12-10 09:20:00", management_url="https://x.test/")


def test_a_body_that_is_not_json_is_unavailable(server, client):
    server.behave(malformed=True)
    with pytest.raises(AntsUnavailable, match="illisible"):
        client.status(["ABCDE12345"])


def test_an_unexpected_shape_is_unavailable(server, client, monkeypatch):
    monkeypatch.setattr(client, "_call", lambda *args: {"ABCDE12345": {"statut": "validated"}})
    with pytest.raises(AntsUnavailable):
        client.status(["ABCDE12345"])
    monkeypatch.setattr(client, "_call", lambda *args: {"ABCDE12345": {"status": "perdu", "appointments": []}})
    with pytest.raises(AntsUnavailable):
        client.status(["ABCDE12345"])
    monkeypatch.setattr(client, "_call", lambda *args: ["not", "an", "object"])
    with pytest.raises(AntsUnavailable):
        client.status(["ABCDE12345"])


def test_nobody_listening_is_unavailable():
    server = AntsTestServer().start()
    url = server.url
    server.stop()
    with pytest.raises(AntsUnavailable, match="connexion impossible"):
        AntsClient(url, TOKEN, timeout=0.5).status(["ABCDE12345"])


@pytest.mark.parametrize(("raw", "normalised", "valid"), [
    ("abcde12345", "ABCDE12345", True), (" ABCDE-12345 ", "ABCDE12345", True), ("1234567890", "1234567890", True),
    ("ABCDE1234", "ABCDE1234", False), ("ABCDE123456", "ABCDE123456", False), ("ABCDÉ12345", "ABCDÉ12345", False),
    ("", "", False),
])
def test_numbers_are_normalised_then_checked(raw, normalised, valid):
    assert normalize_application_id(raw) == normalised
    assert is_valid_application_id(normalised) is valid
