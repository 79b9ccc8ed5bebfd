"""The identity-documents pilot of the demo: loaded after the Admiville demo, idempotent, usable."""

import pytest
from django.urls import reverse

from parvis.accounts.models import User
from parvis.appointments import slots as slotlib
from parvis.appointments.demo import load_appointments_demo
from parvis.appointments.models import Appointment, Closure, Desk, MeetingType, Place, Slot, Status
from parvis.appointments.services import upcoming_appointments_for
from parvis.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def test_the_pilot_is_loaded_once_and_bookable(client, settings):
    load_demo()
    created = load_appointments_demo()
    assert created["lieux d'accueil"] == 2 and created["guichets"] == 3 and created["motifs de rendez-vous"] == 6
    assert Place.objects.filter(ants_enabled=True).count() == 2
    assert Desk.objects.count() == 3 and MeetingType.objects.filter(requires_ants_number=True).count() == 5
    booked = Appointment.objects.filter(status=Status.BOOKED).count()
    assert booked > 20 and Appointment.objects.filter(status=Status.ABSENT).exists()
    assert Slot.objects.exclude(taken_by=None).exists() and Closure.objects.filter(kind="holiday").exists()
    camille = User.objects.get(email="camille.durand@example.org")
    [row] = upcoming_appointments_for(camille)
    assert row["appointment"].application_ids == ["DEMO1CNI26"]

    counts = (Appointment.objects.count(), Slot.objects.count(), Closure.objects.count())
    assert not load_appointments_demo()  # nothing created the second time
    assert (Appointment.objects.count(), Slot.objects.count(), Closure.objects.count()) == counts

    town_hall = Place.objects.get(slug="hotel-de-ville")
    cni = MeetingType.objects.get(slug="depot-cni")
    assert slotlib.free_starts(town_hall, cni, limit=1)
    settings.ANTS_HUB_TOKEN = "jeton"
    points = client.get(reverse("ants_api:meeting_points"), HTTP_X_HUB_RDV_AUTH_TOKEN="jeton").json()
    assert {point["name"] for point in points} == {"Hôtel de ville d'Admiville", "Mairie annexe des Tilleuls"}


def test_without_the_admiville_demo_nothing_is_loaded():
    assert not load_appointments_demo()
    assert not Place.objects.exists()
