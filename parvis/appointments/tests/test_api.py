"""The editor API called by the ANTS national search: authentication, errors, JSON shapes."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from parvis.appointments.models import Desk
from parvis.appointments.tests.factories import make_agenda, make_meeting_type
from parvis.appointments.tests.helpers import book, offers_on
from parvis.cases.deadlines import PARIS
from parvis.testing.factories import make_resident

pytestmark = pytest.mark.django_db
TOKEN = "jeton-du-hub-ants"


@pytest.fixture
def hub(client, settings):
    settings.ANTS_HUB_TOKEN = TOKEN

    def get(path, params=None, token=TOKEN):
        headers = {"HTTP_X_HUB_RDV_AUTH_TOKEN": token} if token is not None else {}
        return client.get(f"/api/ants/{path}", params or {}, **headers)

    return get


def dates(days=3):
    """From tomorrow (today's slots may already be past), `days` days more."""
    first = timezone.localdate() + dt.timedelta(days=1)
    return {"start_date": first.isoformat(), "end_date": (first + dt.timedelta(days=days)).isoformat()}


@pytest.mark.parametrize("path", ["getManagedMeetingPoints", "availableTimeSlots", "searchApplicationIds"])
def test_every_endpoint_needs_the_token(hub, settings, path):
    for token in (None, "", "mauvais-jeton", TOKEN.upper()):
        response = hub(path, token=token)
        assert response.status_code == 401
        assert response.json() == {"error": "X-HUB-RDV-AUTH-TOKEN header invalid"}
    settings.ANTS_HUB_TOKEN = ""  # an empty setting closes the API, even to an empty header
    assert hub(path, token="").status_code == 401


def test_managed_meeting_points(hub):
    place, _cni, _pickup = make_agenda(website="https://www.admiville.fr/titres")
    make_agenda(ants_enabled=False)
    response = hub("getManagedMeetingPoints")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == [{
        "id": str(place.pk), "name": place.name, "longitude": 2.35, "latitude": 48.85,
        "public_entry_address": "1 place de la Mairie", "zip_code": "99100", "city_name": "Admiville",
        "website": "https://www.admiville.fr/titres",
    }]


def test_available_time_slots_for_repeated_meeting_points(hub):
    first, cni, _pickup = make_agenda()
    second, cni2, _ = make_agenda()
    response = hub("availableTimeSlots", {"meeting_point_ids": [str(first.pk), str(second.pk), "999999"],
                                          "reason": "CNI", "documents_number": "1", **dates()})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {str(first.pk), str(second.pk)}
    offers = offers_on(first, cni)
    slot = next(item for item in body[str(first.pk)]
                if item["datetime"] == offers[0].local_start.strftime("%Y-%m-%dT%H:%MZ"))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z", slot["datetime"])
    assert slot["datetime"][11:16] == "09:00"  # Paris wall-clock, as the hub displays it
    callback = urlsplit(slot["callback_url"])
    assert slot["callback_url"].startswith("http://127.0.0.1:8000/rendez-vous/creneaux/?")
    assert parse_qs(callback.query) == {"motif": [cni.slug], "lieu": [first.slug], "creneau": [offers[0].value]}
    assert len(body[str(first.pk)]) == len({item["datetime"] for item in body[str(first.pk)]})


def test_the_number_of_documents_picks_a_longer_meeting_type(hub):
    place, cni, _pickup = make_agenda()
    two = make_meeting_type(place.department, name="Deux titres", slug="deux-titres", duration_minutes=40,
                            documents_max=2, ants_reasons=["CNI", "PASSPORT", "CNI-PASSPORT"])
    for desk in Desk.objects.filter(place=place):
        desk.meeting_types.add(two)
    params = {"meeting_point_ids": str(place.pk), "reason": "CNI", **dates(0)}
    one_doc = hub("availableTimeSlots", {**params, "documents_number": "1"}).json()[str(place.pk)]
    two_docs = hub("availableTimeSlots", {**params, "documents_number": "2"}).json()[str(place.pk)]
    assert all("motif=deux-titres" in item["callback_url"] for item in two_docs)
    assert all(f"motif={cni.slug}" in item["callback_url"] for item in one_doc)
    assert one_doc and len(two_docs) < len(one_doc)
    passport = hub("availableTimeSlots", {**params, "reason": "PASSPORT"}).json()[str(place.pk)]
    assert all("motif=deux-titres" in item["callback_url"] for item in passport)
    assert hub("availableTimeSlots", {**params, "documents_number": "3"}).json() == {str(place.pk): []}


def test_slots_taken_are_not_published(hub):
    place, cni, _pickup = make_agenda(desks=1)
    offer = offers_on(place, cni)[0]
    book(make_resident(), place, cni, offer.start)
    body = hub("availableTimeSlots", {"meeting_point_ids": str(place.pk), "reason": "CNI", **dates()}).json()
    assert offer.local_start.strftime("%Y-%m-%dT%H:%MZ") not in {item["datetime"] for item in body[str(place.pk)]}


@pytest.mark.parametrize(("params", "message"), [
    ({"reason": "PERMIS"}, "reason"),
    ({"reason": ""}, "reason"),
    ({"start_date": "2027-03-10", "end_date": "2027-03-01"}, "start_date must be before end_date"),
    ({"start_date": "10/03/2027"}, "start_date"),
    ({"end_date": ""}, "end_date"),
    ({"documents_number": "deux"}, "documents_number"),
    ({"documents_number": "0"}, "documents_number"),
    ({"meeting_point_ids": ""}, "meeting_point_ids"),
    ({"start_date": "2027-01-01", "end_date": "2028-01-01"}, "range"),
])
def test_bad_parameters_are_a_400_with_a_json_error(hub, params, message):
    place, _cni, _pickup = make_agenda()
    query = {"meeting_point_ids": str(place.pk), "reason": "CNI", "documents_number": "1", **dates(), **params}
    response = hub("availableTimeSlots", query)
    assert response.status_code == 400 and message in response.json()["error"]


def test_search_application_ids_packed_repeated_and_lower_case(hub):
    place, cni, _pickup = make_agenda()
    offers = offers_on(place, cni)
    first = book(make_resident(), place, cni, offers[0].start, numbers=["ABCDE12345"])
    book(make_resident(), place, cni, offers[1].start, numbers=["1234567890"])
    response = hub("searchApplicationIds", {"application_ids": ["abcde12345, 1234567890;ZZZZZ99999", "KLMNO13579"]})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"ABCDE12345", "1234567890", "ZZZZZ99999", "KLMNO13579"}
    assert body["ZZZZZ99999"] == [] and body["KLMNO13579"] == []
    [found] = body["ABCDE12345"]
    assert found["meeting_point"] == place.name
    assert found["datetime"] == first.start.astimezone(PARIS).strftime("%Y-%m-%dT%H:%MZ")
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/rendez-vous/gerer/[^/]+/", found["management_url"])
    assert found["cancel_url"] == found["management_url"] + "annuler/"
    assert len(body["1234567890"]) == 1


def test_search_needs_at_least_one_number(hub):
    for value in ("", "ABC", "!!!"):
        response = hub("searchApplicationIds", {"application_ids": value})
        assert response.status_code == 400 and "application_ids" in response.json()["error"]


def test_only_get_is_allowed(client, settings):
    settings.ANTS_HUB_TOKEN = TOKEN
    response = client.post("/api/ants/getManagedMeetingPoints", HTTP_X_HUB_RDV_AUTH_TOKEN=TOKEN)
    assert response.status_code in (403, 405)  # CSRF or method: never processed


def test_the_callback_url_opens_the_slot_page_with_the_slot_selected(hub, client):
    place, cni, _pickup = make_agenda()
    body = hub("availableTimeSlots", {"meeting_point_ids": str(place.pk), "reason": "CNI", **dates()}).json()
    callback = body[str(place.pk)][3]["callback_url"].replace("http://127.0.0.1:8000", "")
    client.force_login(make_resident())
    page = client.get(callback).content.decode()
    value = parse_qs(urlsplit(callback).query)["creneau"][0]
    assert f'value="{value}" checked' in page
