"""Open311 GeoReport v2 conformance: every endpoint in XML and JSON, 0, 1 and many results, errors, and the
exact element names of the specification."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from parvis.cases.models import CaseEvent
from parvis.reports import services
from parvis.reports.models import ApiKey, Report
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = ["variable", "code", "datatype", "required", "datatype_description", "order", "description",
                    "values"]
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]
POST_FIELDS = ["service_request_id", "service_notice", "account_id"]
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture
def api_key(world):
    return ApiKey.issue(name="Appli de test")[1]


def xml_of(response, root):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    body = response.content
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    tree = ET.fromstring(body)
    assert tree.tag == root
    assert "{" not in body.decode().split("?>", 1)[1].split(">", 1)[0]  # no namespace on the root
    for element in tree.iter():
        assert not element.tag.startswith("{")
    return tree


def json_of(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def children(element):
    return [child.tag for child in element]


def _file(world, category=None, lat=48.8512, lon=2.3488, **kwargs):
    category = category or world.pavement
    return services.file_report(category=category, description=kwargs.pop("description", "Trottoir cassé."),
                                latitude=lat, longitude=lon, **kwargs)


def _post(client, fmt, api_key=None, query="", **data):
    if api_key is not None:
        data.setdefault("api_key", api_key)
    return client.post(f"{BASE}/requests.{fmt}{query}", data)


# --- Discovery -----------------------------------------------------------------------------------------------

def test_discovery_xml_and_json(client, world):
    tree = xml_of(client.get("/open311/discovery.xml"), "discovery")
    assert children(tree) == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint] = tree.find("endpoints")
    assert endpoint.tag == "endpoint"
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert [f.tag for f in endpoint.find("formats")] == ["format", "format"]
    assert "contact@admiville.fr" in tree.findtext("contact")
    data = json_of(client.get("/open311/discovery.json"))
    assert list(data) == ["changeset", "contact", "key_service", "endpoints"]
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert W3C.match(data["changeset"])


# --- Services ------------------------------------------------------------------------------------------------

def test_service_list_xml(client, world):
    tree = xml_of(client.get(f"{BASE}/services.xml"), "services")
    services_ = list(tree)
    assert {service.tag for service in services_} == {"service"}
    codes = [service.findtext("service_code") for service in services_]
    assert codes == ["nid-de-poule", "trottoir", "lampadaire", "depot-sauvage", "arbre"]
    for service in services_:
        assert children(service) == SERVICE_FIELDS
        assert service.findtext("type") == "realtime"
        assert service.findtext("metadata") in ("true", "false")
    pothole = services_[0]
    assert pothole.findtext("service_name") == "Nid-de-poule" and pothole.findtext("group") == "Voirie"
    assert pothole.findtext("metadata") == "true" and pothole.findtext("keywords") == "trou, chaussée"
    assert services_[1].findtext("metadata") == "true"  # its parent's question
    assert services_[4].findtext("metadata") == "false"  # no question for trees


def test_service_list_json_is_a_bare_array(client, world):
    data = json_of(client.get(f"{BASE}/services.json"))
    assert isinstance(data, list) and len(data) == 5
    assert list(data[0]) == SERVICE_FIELDS
    assert data[0]["metadata"] is True and data[4]["metadata"] is False and data[4]["description"] is None


def test_service_list_empty(client, db):
    assert json_of(client.get(f"{BASE}/services.json")) == []
    assert list(xml_of(client.get(f"{BASE}/services.xml"), "services")) == []


def test_service_definition_xml(client, world):
    tree = xml_of(client.get(f"{BASE}/services/nid-de-poule.xml"), "service_definition")
    assert children(tree) == ["service_code", "attributes"]
    assert tree.findtext("service_code") == "nid-de-poule"
    attributes = list(tree.find("attributes"))
    assert [a.tag for a in attributes] == ["attribute", "attribute"]
    danger, size = attributes
    for attribute in attributes:
        assert children(attribute) == ATTRIBUTE_FIELDS
        assert attribute.findtext("variable") == "true"
    assert (danger.findtext("code"), danger.findtext("order"), danger.findtext("required")) == ("danger", "1", "false")
    assert (size.findtext("code"), size.findtext("order"), size.findtext("required")) == ("taille", "2", "true")
    assert size.findtext("datatype") == "singlevaluelist" and size.findtext("description") == "Taille du trou"
    values = list(size.find("values"))
    assert [v.tag for v in values] == ["value", "value"]
    assert [(children(v), v.findtext("key"), v.findtext("name")) for v in values] == [
        (["key", "name"], "petit", "Petit"), (["key", "name"], "grand", "Grand")]


def test_service_definition_json_is_an_object(client, world):
    data = json_of(client.get(f"{BASE}/services/lampadaire.json"))
    assert data == {"service_code": "lampadaire", "attributes": [{
        "variable": True, "code": "numero", "datatype": "string", "required": False,
        "datatype_description": "Inscrit sur une plaque.", "order": 1, "description": "Numéro du mât",
        "values": []}]}
    assert json_of(client.get(f"{BASE}/services/arbre.json")) == {"service_code": "arbre", "attributes": []}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_service_code_is_a_404_in_the_open311_format(client, world, fmt):
    response = client.get(f"{BASE}/services/inconnu.{fmt}")
    assert response.status_code == 404
    if fmt == "xml":
        tree = xml_of(response, "errors")
        [error] = tree
        assert error.tag == "error" and children(error) == ["code", "description"]
        assert error.findtext("code") == "404" and "inconnu" in error.findtext("description")
    else:
        [error] = json_of(response)
        assert list(error) == ["code", "description"] and error["code"] == 404
    assert client.get(f"{BASE}/services/voirie.json").status_code == 404  # a group is not a service


# --- POST requests -------------------------------------------------------------------------------------------

def test_post_a_request_xml(client, world, api_key, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "xml", api_key, service_code="nid-de-poule", lat="48.8512", long="2.3488",
                         description="Un grand trou.\nAttention aux vélos.", email="citoyen@example.org",
                         first_name="Jean", last_name="Dupont", phone="0612345678", device_id="tt222111",
                         account_id="42", **{"attribute[taille]": "grand", "attribute[danger]": "oui"},
                         media_url="https://example.org/photo.jpg")
    assert response.status_code == 200, response.content
    tree = xml_of(response, "service_requests")
    [request] = tree
    assert request.tag == "request" and children(request) == POST_FIELDS
    reference = request.findtext("service_request_id")
    assert re.match(r"^ADM-\d{4}-\d{6}$", reference)
    assert request.findtext("service_notice") == "Mise en sécurité sous 48 heures."
    assert request.find("account_id").text is None and request.find("token") is None
    report = Report.objects.get(case__reference=reference)
    assert report.answers == {"danger": "oui", "taille": "grand"}
    assert report.description == "Un grand trou.\nAttention aux vélos."
    assert report.contact_name == "Jean Dupont" and report.contact_phone == "0612345678"
    assert report.case.contact_email == "citoyen@example.org" and report.case.channel == "web"
    assert report.device_id == "tt222111" and report.external_account_id == "42"
    assert report.api_key.name == "Appli de test" and report.media_url == "https://example.org/photo.jpg"
    # The electronic acknowledgement of an online filing reaches the resident.
    [receipt] = mailbox.to("citoyen@example.org")
    assert reference in body_text(receipt)


def test_post_a_request_json_with_the_key_in_the_query_string_and_an_address(client, world, api_key, ban):
    response = client.post(f"{BASE}/requests.json?api_key={api_key}&jurisdiction_id=",
                           {"service_code": "trottoir", "address_string": "40 avenue des Tilleuls"})
    assert response.status_code == 200, response.content
    [answer] = json_of(response)
    assert list(answer) == POST_FIELDS and answer["account_id"] is None
    report = Report.objects.get(case__reference=answer["service_request_id"])
    assert (report.latitude, report.longitude) == (48.8465, 2.3588)
    assert report.description == ""


def test_post_multivaluelist_attribute(client, world, api_key):
    response = _post(client, "json", api_key, service_code="depot-sauvage", lat="48.8512", long="2.3488",
                     **{"attribute[nature][]": ["sacs", "gravats"]})
    [answer] = json_of(response)
    assert Report.objects.get(case__reference=answer["service_request_id"]).answers == {"nature": ["sacs", "gravats"]}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_missing_or_wrong_api_key_is_a_403(client, world, api_key, fmt):
    for key in (None, "", "mauvaise-cle"):
        response = _post(client, fmt, key, service_code="trottoir", lat="48.8512", long="2.3488")
        assert response.status_code == 403
        errors = json_of(response) if fmt == "json" else [
            {"code": int(e.findtext("code")), "description": e.findtext("description")}
            for e in xml_of(response, "errors")]
        assert errors[0]["code"] == 403 and "api_key" in errors[0]["description"]
    revoked = ApiKey.objects.get()
    revoked.is_active = False
    revoked.save()
    assert _post(client, fmt, api_key, service_code="trottoir", lat="48.8512", long="2.3488").status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize("data, status, words", [
    ({"service_code": "inconnu", "lat": "48.85", "long": "2.35"}, 404, "service_code"),
    ({"lat": "48.85", "long": "2.35"}, 400, "service_code manquant"),
    ({"service_code": "trottoir"}, 400, "Lieu manquant"),
    ({"service_code": "trottoir", "address_id": "545483"}, 400, "address_id"),
    ({"service_code": "trottoir", "lat": "48.85"}, 400, "ensemble"),
    ({"service_code": "trottoir", "lat": "48.95", "long": "2.35"}, 400, "en dehors de la commune"),
    ({"service_code": "trottoir", "lat": "abc", "long": "2.35"}, 400, "latitude"),
    ({"service_code": "trottoir", "lat": "48.85", "long": "2.35", "description": "x" * 4001}, 400, "4\u202f000"),
    ({"service_code": "nid-de-poule", "lat": "48.85", "long": "2.35"}, 400, "Taille du trou"),
    ({"service_code": "nid-de-poule", "lat": "48.85", "long": "2.35", "attribute[taille]": "xxl"}, 400, "choisissez"),
    ({"service_code": "trottoir", "lat": "48.85", "long": "2.35", "email": "pas-un-courriel"}, 400, "courriel"),
    ({"service_code": "trottoir", "lat": "48.85", "long": "2.35", "media_url": "javascript:alert(1)"}, 400,
     "media_url"),
])
def test_bad_posts(client, world, api_key, data, status, words):
    for fmt in ("xml", "json"):
        response = _post(client, fmt, api_key, **data)
        assert response.status_code == status, response.content
        errors = json_of(response) if fmt == "json" else [
            {"code": int(e.findtext("code")), "description": e.findtext("description")}
            for e in xml_of(response, "errors")]
        assert all(error["code"] == status for error in errors)
        assert any(words.lower() in error["description"].lower() for error in errors), errors
    assert not Report.objects.exists()


def test_html_in_descriptions_is_removed(client, world, api_key):
    response = _post(client, "json", api_key, service_code="trottoir", lat="48.8512", long="2.3488",
                     description="<script>alert(1)</script>Trottoir <b>cassé</b>")
    [answer] = json_of(response)
    data = json_of(client.get(f"{BASE}/requests/{answer['service_request_id']}.json"))
    assert data[0]["description"] == "alert(1)Trottoir cassé"


def test_a_flood_of_reports_from_one_key_or_one_address_gets_429(client, world, api_key, settings):
    settings.OPEN311_MAX_POSTS_PER_KEY_PER_HOUR = 2
    settings.OPEN311_MAX_POSTS_PER_IP_PER_HOUR = 100
    for _ in range(2):
        assert _post(client, "json", api_key, service_code="trottoir", lat="48.85", long="2.35").status_code == 200
    response = _post(client, "xml", api_key, service_code="trottoir", lat="48.85", long="2.35")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    [error] = xml_of(response, "errors")
    assert error.findtext("code") == "429" and "Trop de signalements" in error.findtext("description")
    other_key = ApiKey.issue(name="Autre appli", max_posts_per_hour=5)[1]
    assert _post(client, "json", other_key, service_code="trottoir", lat="48.85", long="2.35").status_code == 200
    settings.OPEN311_MAX_POSTS_PER_IP_PER_HOUR = 4
    response = _post(client, "json", other_key, service_code="trottoir", lat="48.85", long="2.35")
    assert response.status_code == 429 and json_of(response)[0]["code"] == 429
    assert Report.objects.count() == 3


# --- GET requests --------------------------------------------------------------------------------------------

def test_get_requests_with_no_result(client, world):
    assert json_of(client.get(f"{BASE}/requests.json")) == []
    assert list(xml_of(client.get(f"{BASE}/requests.xml"), "service_requests")) == []


def test_get_requests_with_one_result_and_every_field(client, world):
    report = _file(world, contact_email="secret@example.org", contact_name="Nom Secret", contact_phone="0611111111",
                   address="12 rue des Écoles 99100 Admiville", postcode="99100", device_id="device-secret",
                   external_account_id="compte-secret")
    tree = xml_of(client.get(f"{BASE}/requests.xml"), "service_requests")
    [request] = tree
    assert request.tag == "request" and children(request) == REQUEST_FIELDS
    values = {child.tag: child.text for child in request}
    assert values["service_request_id"] == report.reference and values["status"] == "open"
    assert values["status_notes"] == "Reçu, en attente d'examen"
    assert values["service_name"] == "Trottoir abîmé" and values["service_code"] == "trottoir"
    assert values["agency_responsible"] == "Voirie" and values["description"] == "Trottoir cassé."
    assert W3C.match(values["requested_datetime"]) and W3C.match(values["updated_datetime"])
    assert values["requested_datetime"].endswith(("+01:00", "+02:00"))
    assert values["expected_datetime"] is None and values["address_id"] is None
    assert values["address"] == "12 rue des Écoles 99100 Admiville" and values["zipcode"] == "99100"
    assert (values["lat"], values["long"]) == ("48.8512", "2.3488") and values["media_url"] is None
    body = client.get(f"{BASE}/requests.xml").content.decode() + client.get(f"{BASE}/requests.json").content.decode()
    for secret in ("secret@example.org", "Nom Secret", "0611111111", "device-secret", "compte-secret"):
        assert secret not in body
    [data] = json_of(client.get(f"{BASE}/requests.json"))
    assert list(data) == REQUEST_FIELDS and data["lat"] == 48.8512 and data["long"] == 2.3488
    assert data["expected_datetime"] is None and data["media_url"] is None


def test_get_requests_with_many_results_newest_first_and_at_most_1000(client, world, monkeypatch):
    reports = [_file(world) for _ in range(3)]
    data = json_of(client.get(f"{BASE}/requests.json"))
    assert [item["service_request_id"] for item in data] == [r.reference for r in reversed(reports)]
    tree = xml_of(client.get(f"{BASE}/requests.xml"), "service_requests")
    assert len(tree) == 3 and all(children(request) == REQUEST_FIELDS for request in tree)
    from parvis.reports import open311

    monkeypatch.setattr(open311, "MAX_RESULTS", 2)
    assert len(json_of(client.get(f"{BASE}/requests.json"))) == 2


def test_status_mapping_and_status_filter(client, world):
    open_, scheduled, resolved, remit, duplicate = (_file(world) for _ in range(5))
    officer = world.road_officer
    services.change_report_status(scheduled, "schedule", actor=officer, expected_version=scheduled.case.version,
                                  expected_at=timezone.now() + dt.timedelta(days=2))
    services.change_report_status(resolved, "resolve", actor=officer, expected_version=resolved.case.version,
                                  public_answer="Réparé.")
    services.change_report_status(remit, "not_our_remit", actor=officer, expected_version=remit.case.version,
                                  public_answer="Voie départementale.")
    services.change_report_status(duplicate, "mark_duplicate", actor=officer,
                                  expected_version=duplicate.case.version, duplicate_of=open_)
    data = {item["service_request_id"]: item for item in json_of(client.get(f"{BASE}/requests.json"))}
    assert data[open_.reference]["status"] == "open"
    assert data[scheduled.reference]["status"] == "open"
    assert W3C.match(data[scheduled.reference]["expected_datetime"])
    assert data[scheduled.reference]["status_notes"] == "Intervention programmée"
    assert (data[resolved.reference]["status"], data[resolved.reference]["status_notes"]) == ("closed", "Réparé.")
    assert data[remit.reference]["status"] == "closed"
    assert data[duplicate.reference]["status_notes"] == f"Doublon du signalement {open_.reference}."
    opened = json_of(client.get(f"{BASE}/requests.json", {"status": "open"}))
    assert {item["service_request_id"] for item in opened} == {open_.reference, scheduled.reference}
    closed = json_of(client.get(f"{BASE}/requests.json", {"status": "closed"}))
    assert len(closed) == 3
    assert len(json_of(client.get(f"{BASE}/requests.json", {"status": "open,closed"}))) == 5
    assert client.get(f"{BASE}/requests.json", {"status": "ouvert"}).status_code == 400


def test_filters_service_code_and_service_request_id(client, world):
    a = _file(world, world.pavement)
    b = _file(world, world.tree)
    c = _file(world, world.lamp)
    data = json_of(client.get(f"{BASE}/requests.json", {"service_code": "arbre,lampadaire"}))
    assert {item["service_request_id"] for item in data} == {b.reference, c.reference}
    response = client.get(f"{BASE}/requests.xml", {"service_code": "inconnu"})
    assert response.status_code == 404 and xml_of(response, "errors")[0].findtext("code") == "404"
    # service_request_id overrides the other filters, and ids may be listed.
    data = json_of(client.get(f"{BASE}/requests.json", {"service_request_id": f"{a.reference},{c.reference}",
                                                        "service_code": "arbre", "status": "closed"}))
    assert {item["service_request_id"] for item in data} == {a.reference, c.reference}


def test_date_window_defaults_to_90_days_and_is_limited(client, world):
    old = _file(world)
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=120))
    recent = _file(world)
    data = json_of(client.get(f"{BASE}/requests.json"))
    assert [item["service_request_id"] for item in data] == [recent.reference]
    start = (timezone.now() - dt.timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - dt.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    data = json_of(client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}))
    assert [item["service_request_id"] for item in data] == [old.reference]
    # An unencoded "+" of the offset arrives as a space: still understood.
    response = client.get(f"{BASE}/requests.json?start_date={start}&end_date={end.replace('+', '%20')}")
    assert len(json_of(response)) == 1
    data = json_of(client.get(f"{BASE}/requests.json", {"start_date": start}))  # start + 90 days
    assert [item["service_request_id"] for item in data] == [old.reference]
    too_long = client.get(f"{BASE}/requests.xml", {"start_date": "2025-01-01T00:00:00Z",
                                                    "end_date": "2025-06-01T00:00:00Z"})
    assert too_long.status_code == 400 and "90 jours" in xml_of(too_long, "errors")[0].findtext("description")
    assert client.get(f"{BASE}/requests.json", {"start_date": "hier"}).status_code == 400
    reversed_ = client.get(f"{BASE}/requests.json", {"start_date": "2025-02-01T00:00:00Z",
                                                      "end_date": "2025-01-01T00:00:00Z"})
    assert reversed_.status_code == 400


def test_get_one_request_is_a_list_of_one(client, world):
    report = _file(world)
    tree = xml_of(client.get(f"{BASE}/requests/{report.reference}.xml"), "service_requests")
    [request] = tree
    assert children(request) == REQUEST_FIELDS and request.findtext("service_request_id") == report.reference
    data = json_of(client.get(f"{BASE}/requests/{report.reference.lower()}.json"))
    assert isinstance(data, list) and len(data) == 1 and data[0]["service_request_id"] == report.reference
    for fmt in ("xml", "json"):
        assert client.get(f"{BASE}/requests/ADM-1999-000001.{fmt}").status_code == 404


def test_hidden_reports_are_not_published(client, world):
    report = _file(world)
    Report.objects.filter(pk=report.pk).update(is_public=False)
    assert json_of(client.get(f"{BASE}/requests.json")) == []
    assert client.get(f"{BASE}/requests/{report.reference}.json").status_code == 404


def test_media_url_is_a_published_photo(client, world):
    from parvis.reports.tests.factories import jpeg_bytes

    report = _file(world, photos=[(jpeg_bytes(size=(100, 100)), "a.jpg")])
    [item] = json_of(client.get(f"{BASE}/requests.json"))
    assert item["media_url"] is None
    photo = report.photos.get()
    photo.is_public = True
    photo.save()
    [item] = json_of(client.get(f"{BASE}/requests.json"))
    assert item["media_url"] == f"http://testserver/signalements/{report.reference}/photos/{photo.pk}/"
    assert client.get(item["media_url"].removeprefix("http://testserver")).status_code == 200


# --- Tokens ------------------------------------------------------------------------------------------------------

def test_tokens(client, world):
    report = _file(world)
    tree = xml_of(client.get(f"{BASE}/tokens/{report.token}.xml"), "service_requests")
    [request] = tree
    assert children(request) == ["service_request_id", "token"]
    assert (request.findtext("service_request_id"), request.findtext("token")) == (report.reference, report.token)
    assert json_of(client.get(f"{BASE}/tokens/{report.token}.json")) == [
        {"service_request_id": report.reference, "token": report.token}]
    for fmt in ("xml", "json"):
        assert client.get(f"{BASE}/tokens/inconnu.{fmt}").status_code == 404


# --- Jurisdiction, formats, methods ---------------------------------------------------------------------------

def test_jurisdiction_empty_is_like_absent_and_a_wrong_one_is_404(client, world, api_key):
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": ""}).status_code == 200
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "admiville.fr"}).status_code == 200
    assert client.get(f"{BASE}/services.json").status_code == 200
    response = client.get(f"{BASE}/services.xml", {"jurisdiction_id": "autreville.fr"})
    assert response.status_code == 404 and "jurisdiction_id" in xml_of(response, "errors")[0].findtext("description")
    assert _post(client, "json", api_key, service_code="trottoir", lat="48.85", long="2.35",
                 jurisdiction_id="").status_code == 200
    assert _post(client, "json", api_key, service_code="trottoir", lat="48.85", long="2.35",
                 jurisdiction_id="autreville.fr").status_code == 404


def test_unknown_paths_formats_and_methods(client, world):
    response = client.get(f"{BASE}/services.csv")
    assert response.status_code == 404 and xml_of(response, "errors")[0].findtext("code") == "404"
    response = client.get(f"{BASE}/nimporte.json")
    assert response.status_code == 404 and json_of(response)[0]["code"] == 404
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 400 and response["Allow"] == "GET"
    response = client.delete(f"{BASE}/requests.xml")
    assert response.status_code == 400 and xml_of(response, "errors")[0].findtext("code") == "400"


def test_an_open311_client_lists_services_files_a_report_and_follows_it(client, world, api_key):
    services_ = json_of(client.get(f"{BASE}/services.json"))
    code = next(service["service_code"] for service in services_ if service["service_name"] == "Nid-de-poule")
    definition = json_of(client.get(f"{BASE}/services/{code}.json"))
    required = {a["code"]: a["values"][0]["key"] for a in definition["attributes"] if a["required"]}
    [answer] = json_of(_post(client, "json", api_key, service_code=code, lat="48.8512", long="2.3488",
                             description="Trou.", **{f"attribute[{k}]": v for k, v in required.items()}))
    reference = answer["service_request_id"]
    [item] = json_of(client.get(f"{BASE}/requests/{reference}.json"))
    assert item["status"] == "open"
    report = Report.objects.get(case__reference=reference)
    services.change_report_status(report, "resolve", actor=world.road_officer, expected_version=report.case.version,
                                  public_answer="Trou rebouché.")
    [item] = json_of(client.get(f"{BASE}/requests/{reference}.json"))
    assert (item["status"], item["status_notes"]) == ("closed", "Trou rebouché.")
    assert item["updated_datetime"] >= item["requested_datetime"]
    assert CaseEvent.objects.filter(case=report.case, kind="status_changed").exists()
