"""The API Particulier client against a local server speaking the protocol."""

import pytest

from parvis.connectors.apiparticulier.client import (
    AllocataireNotFound,
    ApiParticulierClient,
    ApiParticulierRejected,
    ApiParticulierUnavailable,
    client_from_settings,
    normalize_number,
)
from parvis.connectors.apiparticulier.testserver import ApiParticulierTestServer


@pytest.fixture
def server():
    with ApiParticulierTestServer(token="bonne-cle") as running:
        running.add_family("1234567", "99100", quotient=851, month=3, year=2026)
        yield running


def test_composition_familiale_reads_the_quotient_and_sends_the_key(server):
    client = ApiParticulierClient(server.url, "bonne-cle", timeout=2)
    result = client.composition_familiale("123 45 67", "99100")
    assert (result.quotient, result.month, result.year, result.provider) == (851, 3, 2026, "CAF")
    assert result.allocataires[0].name == "MARIE DUPONT"
    request = server.requests[-1]
    assert request.path == "/api/v2/composition-familiale"
    assert request.params == {"codePostal": ["99100"], "numeroAllocataire": ["1234567"]}
    assert request.key == "bonne-cle"


def test_unknown_allocataire_is_a_404(server):
    client = ApiParticulierClient(server.url, "bonne-cle", timeout=2)
    with pytest.raises(AllocataireNotFound) as error:
        client.composition_familiale("7654321", "99100")
    assert "Dossier allocataire inexistant" in error.value.detail
    assert "ne trouve pas de dossier" in error.value.message


def test_bad_key_is_rejected(server):
    client = ApiParticulierClient(server.url, "mauvaise-cle", timeout=2)
    with pytest.raises(ApiParticulierRejected) as error:
        client.composition_familiale("1234567", "99100")
    assert error.value.status == 401
    assert "indisponible" in error.value.message


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_unavailable(server, status):
    server.misbehave(fail_status=status)
    with pytest.raises(ApiParticulierUnavailable) as error:
        ApiParticulierClient(server.url, "bonne-cle", timeout=2).composition_familiale("1234567", "99100")
    assert f"HTTP {status}" in error.value.detail
    assert "Réessayez plus tard" in error.value.message


def test_timeout_is_unavailable(server):
    server.misbehave(slow_seconds=1.5)
    with pytest.raises(ApiParticulierUnavailable) as error:
        ApiParticulierClient(server.url, "bonne-cle", timeout=0.3).composition_familiale("1234567", "99100")
    assert "délai" in error.value.detail


def test_malformed_body_is_unavailable(server):
    server.misbehave(malformed=True)
    with pytest.raises(ApiParticulierUnavailable):
        ApiParticulierClient(server.url, "bonne-cle", timeout=2).composition_familiale("1234567", "99100")


def test_connection_refused_is_unavailable():
    with ApiParticulierTestServer() as stopped_later:
        url = stopped_later.url
    with pytest.raises(ApiParticulierUnavailable):
        ApiParticulierClient(url, "x", timeout=1).composition_familiale("1234567", "99100")


def test_malformed_input_never_leaves():
    client = ApiParticulierClient("http://127.0.0.1:9", "x")
    with pytest.raises(ValueError):
        client.composition_familiale("12ab", "99100")
    with pytest.raises(ValueError):
        client.composition_familiale("1234567", "991")
    assert normalize_number(" 123.45-67 ") == "1234567"


def test_only_http_urls():
    with pytest.raises(ValueError):
        ApiParticulierClient("file:///etc/passwd", "x")


def test_disabled_without_url(settings):
    settings.API_PARTICULIER_URL = ""
    assert client_from_settings() is None
