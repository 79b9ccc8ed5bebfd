"""The BAN client against the local server that speaks the BAN protocol."""

import pytest

from parvis.connectors.ban.client import BanClient, BanUnavailable, client_from_settings
from parvis.connectors.ban.testserver import BanTestServer, add_admiville_sample


@pytest.fixture
def server():
    with BanTestServer() as running:
        add_admiville_sample(running)
        yield running


@pytest.fixture
def client(server):
    return BanClient(server.url, timeout=0.5)


def test_search_returns_labels_positions_and_codes(server, client):
    [found] = client.search("12 rue des ecoles", limit=5)
    assert found.label == "12 rue des Écoles 99100 Admiville"
    assert (found.lat, found.lon) == (48.8531, 2.3442)
    assert found.postcode == "99100" and found.city == "Admiville" and found.citycode == "99100"
    assert 0 < found.score <= 1
    [request] = server.requests
    assert request.path == "/search/"
    assert request.params["q"] == ["12 rue des ecoles"] and request.params["limit"] == ["5"]


def test_search_sends_position_to_prioritise_and_respects_limit(server, client):
    results = client.search("rue", limit=2, lat=48.8478, lon=2.3421)
    assert len(results) == 2
    assert results[0].label.startswith("5 rue de la Paix")  # the nearest of the equally good matches
    [request] = server.requests
    assert request.params["lat"] == ["48.847800"] and request.params["lon"] == ["2.342100"]


def test_short_or_blank_query_is_not_sent(server, client):
    assert client.search("  ab ") == []
    assert client.search("") == []
    assert server.requests == []


def test_no_match_is_an_empty_list(client):
    assert client.search("boulevard inexistant") == []


def test_reverse_gives_the_nearest_address(client):
    found = client.reverse(48.85025, 2.34975)
    assert found.label == "1 place de la République 99100 Admiville"
    assert client.reverse(10.0, 10.0) is None


@pytest.mark.parametrize("behaviour", [{"fail_status": 500}, {"malformed": True}, {"slow_seconds": 1.0}])
def test_misbehaving_server_is_unavailable(server, client, behaviour):
    server.behave(**behaviour)
    with pytest.raises(BanUnavailable):
        client.search("rue des Lilas")


def test_connection_refused_is_unavailable():
    with BanTestServer() as stopped:
        url = stopped.url
    with pytest.raises(BanUnavailable):
        BanClient(url, timeout=0.5).search("rue des Lilas")


def test_only_http_urls():
    with pytest.raises(ValueError):
        BanClient("file:///etc/passwd")


def test_client_from_settings(settings, server):
    settings.BAN_API_URL = ""
    assert client_from_settings() is None
    settings.BAN_API_URL = server.url
    assert client_from_settings().base_url == server.url
