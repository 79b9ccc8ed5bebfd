"""The residents' list of free times (and the agenda it belongs to) asked again within
APPOINTMENT_LIST_CACHE_SECONDS is served from the process's memory, unless this process took or gave back units,
or changed an agenda, meanwhile; another process's changes are seen when the memory expires."""

import re
import time

import pytest
from django.urls import reverse

from parvis.appointments import services
from parvis.appointments import slots as slotlib
from parvis.appointments.models import Slot
from parvis.appointments.tests.factories import make_agenda
from parvis.appointments.tests.helpers import offers_on
from parvis.testing.factories import make_resident

pytestmark = pytest.mark.django_db

RADIO = re.compile(r'name="creneau" id="creneau-[^"]+" value="([^"]+)"')


@pytest.fixture
def booking(client):
    client.force_login(make_resident())
    place, cni, _pickup = make_agenda(desks=1)
    url = f"{reverse('appointments:slots')}?motif={cni.slug}&lieu={place.slug}"
    return place, cni, url


def times_shown(client, url):
    return RADIO.findall(client.get(url).content.decode())


def first_shown(client, url, place, cni):
    """The offer of the first time the page shows."""
    start = slotlib.parse_offer_value(times_shown(client, url)[0])
    return slotlib.free_starts(place, cni, start=start, limit=1)[0]


def another_hold(place, cni):
    """A hold (by this process) on the last time of a later day, away from the times looked at."""
    return services.hold_slot(place=place, meeting_type=cni, start=offers_on(place, cni)[-1].start,
                              applicant=make_resident())


def take_unseen(offer, holder):
    """The units of `offer` taken as another process would: this one is not told."""
    Slot.objects.filter(desk_id__in=offer.desk_ids, start__gte=offer.start, start__lt=offer.end).update(
        taken_by=holder)


def test_the_same_list_again_reads_no_units(client, booking, settings, django_assert_num_queries):
    settings.APPOINTMENT_LIST_CACHE_SECONDS = 60
    _place, _cni, url = booking
    first = client.get(url).content.decode()
    with django_assert_num_queries(2):  # session and account; the agenda and its units are remembered
        again = client.get(url).content.decode()
    assert RADIO.findall(again) == RADIO.findall(first) and RADIO.findall(first)


def test_a_hold_in_this_process_is_seen_at_once(client, booking, settings):
    settings.APPOINTMENT_LIST_CACHE_SECONDS = 60
    place, cni, url = booking
    offer = first_shown(client, url, place, cni)
    held = services.hold_slot(place=place, meeting_type=cni, start=offer.start, applicant=make_resident())
    assert offer.value not in times_shown(client, url)
    services.release_hold(held)
    assert offer.value in times_shown(client, url)


def test_another_process_booking_is_seen_when_the_memory_expires(client, booking, settings):
    settings.APPOINTMENT_LIST_CACHE_SECONDS = 1
    place, cni, url = booking
    offer = first_shown(client, url, place, cni)
    holder = another_hold(place, cni)
    times_shown(client, url)  # remembered after this process's own hold
    take_unseen(offer, holder)
    assert offer.value in times_shown(client, url)  # still remembered
    time.sleep(1.1)
    assert offer.value not in times_shown(client, url)


def test_no_memory_when_set_to_zero(client, booking, settings):
    settings.APPOINTMENT_LIST_CACHE_SECONDS = 0
    place, cni, url = booking
    offer = first_shown(client, url, place, cni)
    holder = another_hold(place, cni)
    assert offer.value in times_shown(client, url)
    take_unseen(offer, holder)
    assert offer.value not in times_shown(client, url)


def test_a_change_of_the_agenda_settings_is_seen_at_once(client, booking, settings):
    settings.APPOINTMENT_LIST_CACHE_SECONDS = 60
    place, cni, url = booking
    assert times_shown(client, url)
    place.is_active = False
    place.save()
    response = client.get(url)
    assert response.status_code == 302  # the place is closed: back to the choice
    place.is_active = True
    place.save()
    assert times_shown(client, url)
    desk = place.desks.get()
    desk.meeting_types.remove(cni)  # the only desk no longer receives the type
    assert client.get(url).status_code == 302
    desk.meeting_types.add(cni)
    cni.duration_minutes = 30
    cni.save()
    page = client.get(url).content.decode()
    assert "(30 min)" in page


def test_another_process_closing_a_place_is_seen_when_the_memory_expires(client, booking, settings):
    settings.APPOINTMENT_LIST_CACHE_SECONDS = 1
    place, _cni, url = booking
    assert times_shown(client, url)
    type(place).objects.filter(pk=place.pk).update(is_active=False)  # no signal: as another process
    assert client.get(url).status_code == 200
    time.sleep(1.1)
    assert client.get(url).status_code == 302
