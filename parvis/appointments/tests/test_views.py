"""Residents' pages through HTTP: choosing, holding, confirming, the management link (move, cancel, reuse,
guess), "Mes rendez-vous", and bad input."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from parvis.appointments import services
from parvis.appointments import slots as slotlib
from parvis.appointments.models import Appointment, Slot, Status
from parvis.appointments.picker import monday_of as picker_monday
from parvis.appointments.tests.factories import make_agenda
from parvis.appointments.tests.helpers import book, offers_on
from parvis.cases.deadlines import PARIS
from parvis.testing.factories import make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(client):
    person = make_resident(email="noe@example.org", first_name="Noé", last_name="Petit", phone="06 11 22 33 44")
    client.force_login(person)
    return person


def slots_url(place, meeting_type, **extra):
    query = "&".join(f"{key}={value}" for key, value in {"motif": meeting_type.slug, "lieu": place.slug,
                                                          **extra}.items())
    return f"{reverse('appointments:slots')}?{query}"


def test_the_start_page_is_public_and_lists_types_and_places(client, agenda):
    place, cni, pickup = agenda
    page = client.get(reverse("appointments:start")).content.decode()
    assert cni.name in page and pickup.name in page and place.name in page
    assert 'type="radio" name="motif"' in page and "<legend" in page
    assert "Sans internet" in page


def test_choosing_a_slot_needs_an_account(client, agenda):
    place, cni, _pickup = agenda
    response = client.get(slots_url(place, cni))
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/?next=")


def test_the_slot_page_groups_free_times_by_day_in_fieldsets(client, resident, agenda, django_assert_max_num_queries):
    place, cni, _pickup = agenda
    next_week = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    with django_assert_max_num_queries(12):
        response = client.get(slots_url(place, cni, semaine=next_week))
    page = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert page.count('class="slot-day"') >= 2 and page.count("<legend>") >= 2
    offer = offers_on(place, cni, days_ahead=7)[0]
    assert f'value="{offer.value}"' in page and "9 h 00" in page
    assert "Semaine précédente" in page


def test_a_week_with_only_lone_free_units_is_skipped_for_the_first_offer(client, resident,
                                                                         django_assert_max_num_queries):
    """The first week shown is guessed from the first free unit; when that unit is too short for the type (the
    rest of the week taken), the page shows the week of the first real offer instead of a link to it."""
    place, cni, _pickup = make_agenda(desks=1, days=14)
    first = offers_on(place, cni, days_ahead=1)[0]
    holder = book(make_resident(), place, cni, first.start)
    monday = picker_monday(timezone.localdate())
    week_end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min, tzinfo=PARIS)
    units = Slot.objects.filter(place=place, start__lt=week_end, taken_by=None).order_by("start")
    lone = units.last()
    units.exclude(pk=lone.pk).update(taken_by=holder)
    with django_assert_max_num_queries(11):
        page = client.get(slots_url(place, cni)).content.decode()
    following = slotlib.free_starts(place, cni, start=week_end, limit=1)[0]
    assert f'value="{following.value}"' in page and "Aucun horaire libre cette semaine" not in page
    # A week the resident asks for is shown as it is, with the link to the next free time.
    page = client.get(slots_url(place, cni, semaine=monday.isoformat())).content.decode()
    assert "Aucun horaire libre cette semaine" in page and "Voir le prochain horaire libre" in page


def test_unknown_type_or_place_goes_back_to_the_choice(client, resident, agenda):
    place, cni, _pickup = agenda
    for url in (slots_url(place, cni).replace(cni.slug, "inconnu"), slots_url(place, cni).replace(place.slug, "x"),
                reverse("appointments:slots")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("appointments:start"))


def test_a_type_not_offered_at_the_place_is_explained(client, resident, agenda):
    place, _cni, _pickup = agenda
    _other_place, other_cni, _ = make_agenda()
    response = client.get(slots_url(place, other_cni), follow=True)
    assert "pas proposé dans ce lieu" in response.content.decode()


def test_booking_through_the_pages(client, resident, agenda, mailbox, django_capture_on_commit_callbacks):
    place, _cni, pickup = agenda
    offer = offers_on(place, pickup)[0]
    response = client.post(slots_url(place, pickup), {"creneau": offer.value})
    appointment = Appointment.objects.get()
    assert response["Location"] == reverse("appointments:confirm", args=[appointment.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Cet horaire vous est réservé jusqu" in page and 'value="noe@example.org"' in page
    assert "application_ids" not in page  # no ANTS number for a pick-up
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"first_name": "Noé", "last_name": "Petit",
                                                      "email": "noe@example.org", "phone": "06 11 22 33 44",
                                                      "sms_reminder": "on"})
    token = services.management_token(appointment)
    assert response["Location"] == reverse("appointments:manage", args=[token])
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED and appointment.sms_reminder
    assert len(mailbox.wait_for(1)) == 1
    page = client.get(response["Location"]).content.decode()
    assert "Votre rendez-vous est confirmé" in page and "Déplacer le rendez-vous" in page
    assert client.get(response["Location"])["Referrer-Policy"] == "same-origin"
    # Going back to the confirmation page shows the booking, not a second form.
    assert client.get(reverse("appointments:confirm", args=[appointment.pk]))["Location"].endswith(f"{token}/")


def test_contact_details_are_checked(client, resident, agenda):
    place, cni, _pickup = agenda
    client.post(slots_url(place, cni), {"creneau": offers_on(place, cni)[0].value})
    appointment = Appointment.objects.get()
    response = client.post(reverse("appointments:confirm", args=[appointment.pk]), {
        "first_name": "", "last_name": "Petit", "email": "pas-une-adresse", "phone": "01 23 45 67 89",
        "sms_reminder": "on", "application_ids": ""})
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("Indiquez le prénom.", "Indiquez une adresse électronique valide",
                    "Le rappel par SMS demande un numéro de portable", "Indiquez le numéro de pré-demande ANTS."):
        assert message in page
    assert 'aria-describedby="id_email-erreur"' in page or 'aria-describedby="id_email-aide id_email-erreur"' in page


@pytest.mark.parametrize("value", ["", "n'importe quoi", "2020-01-01T09:00", "2099-01-01T09:00", "<script>"])
def test_tampered_or_impossible_slots_are_refused(client, resident, agenda, value):
    place, cni, _pickup = agenda
    response = client.post(slots_url(place, cni), {"creneau": value})
    assert response.status_code == 409
    assert "pas pu être réservé" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_slot_taken_meanwhile_shows_the_nearest_free_ones(client, resident, settings):
    settings.APPOINTMENT_SUBSTITUTE_MINUTES = 0  # the commune chose never to hold another time
    place, cni, _pickup = make_agenda(desks=1)
    offers = offers_on(place, cni)
    book(make_resident(), place, cni, offers[2].start)
    response = client.post(slots_url(place, cni), {"creneau": offers[2].value})
    page = response.content.decode()
    assert response.status_code == 409 and "vient d&#x27;être réservé" in page
    assert "Les horaires libres les plus proches" in page
    assert f'id="proche-{offers[1].value.replace(":", "").lower()}"' in page or offers[1].value in page
    response = client.post(slots_url(place, cni), {"creneau": offers[1].value})
    assert response.status_code == 302


def test_a_time_taken_meanwhile_holds_the_nearest_free_one_of_the_same_day(client, resident):
    place, cni, _pickup = make_agenda(desks=1)
    offers = offers_on(place, cni)
    book(make_resident(), place, cni, offers[4].start)
    left = offers_on(place, cni)
    nearest = min(left, key=lambda offer: (abs(offer.start - offers[4].start), offer.start))
    response = client.post(slots_url(place, cni), {"creneau": offers[4].value})
    held = Appointment.objects.get(applicant=resident)
    assert response.status_code == 302 and response["Location"] == reverse("appointments:confirm", args=[held.pk])
    assert held.status == Status.HELD and held.start == nearest.start
    page = client.get(response["Location"]).content.decode()
    chosen, instead = services.local(offers[4].start), services.local(nearest.start)
    assert (f"L&#x27;horaire de {chosen:%H:%M} vient d&#x27;être pris par quelqu&#x27;un d&#x27;autre. Nous vous "
            f"gardons le plus proche, {instead:%H:%M}") in page
    assert "Choisir un autre horaire" in page
    assert "L'horaire choisi d'abord (" in held.events.get(kind="held").description
    # Choosing another time gives the substitute back at once.
    client.post(reverse("appointments:abandon", args=[held.pk]))
    assert nearest.start in [offer.start for offer in offers_on(place, cni)]


def test_no_other_time_is_held_beyond_the_window_nor_on_another_day(client, resident, settings):
    place, cni, _pickup = make_agenda(desks=1)
    offers = offers_on(place, cni)
    last = offers[-1]
    book(make_resident(), place, cni, last.start)
    settings.APPOINTMENT_SUBSTITUTE_MINUTES = 15  # the nearest free time of that day is 20 minutes before
    response = client.post(slots_url(place, cni), {"creneau": last.value})
    assert response.status_code == 409 and "Les horaires libres les plus proches" in response.content.decode()
    # The whole morning taken: the nearest free times are on other days, proposed but not held.
    settings.APPOINTMENT_SUBSTITUTE_MINUTES = 24 * 60
    for offer in offers_on(place, cni):
        book(make_resident(), place, cni, offer.start)
    response = client.post(slots_url(place, cni), {"creneau": last.value})
    assert response.status_code == 409 and "Les horaires libres les plus proches" in response.content.decode()
    assert not Appointment.objects.filter(applicant=resident).exists()


def test_a_second_appointment_of_the_same_kind_is_refused_with_a_link_to_the_first(client, resident, agenda):
    place, cni, _pickup = agenda
    offers = offers_on(place, cni)
    first = book(resident, place, cni, offers[0].start)
    response = client.post(slots_url(place, cni), {"creneau": offers[1].value})
    page = response.content.decode()
    assert response.status_code == 409 and "déjà un rendez-vous à venir pour ce motif" in page
    assert reverse("appointments:manage", args=[services.management_token(first)]) in page


def test_an_expired_and_retaken_hold_shows_the_nearest_slots(client, resident, settings):
    settings.APPOINTMENT_HOLD_MINUTES = 1
    place, cni, _pickup = make_agenda(desks=1)
    offer = offers_on(place, cni)[0]
    held = services.hold_slot(place=place, meeting_type=cni, start=offer.start, applicant=resident,
                              now=timezone.now() - dt.timedelta(minutes=5))
    services.hold_slot(place=place, meeting_type=cni, start=offer.start, applicant=make_resident())
    response = client.post(reverse("appointments:confirm", args=[held.pk]), {
        "first_name": "Noé", "last_name": "Petit", "email": "noe@example.org", "application_ids": "ABCDE12345"})
    page = response.content.decode()
    assert response.status_code == 400 and "Le délai pour confirmer est dépassé" in page
    assert "Les horaires libres les plus proches" in page


def test_someone_elses_hold_is_not_found(client, resident, agenda):
    place, cni, _pickup = agenda
    other = services.hold_slot(place=place, meeting_type=cni, start=offers_on(place, cni)[0].start,
                               applicant=make_resident())
    assert client.get(reverse("appointments:confirm", args=[other.pk])).status_code == 404
    assert client.post(reverse("appointments:abandon", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.status == Status.HELD


def test_cancel_link_cancels_once_then_says_already_cancelled(client, agenda, mailbox,
                                                              django_capture_on_commit_callbacks):
    place, cni, _pickup = agenda
    appointment = book(make_resident(email="c@example.org"), place, cni, offers_on(place, cni)[0].start)
    url = reverse("appointments:cancel", args=[services.management_token(appointment)])
    page = client.get(url).content.decode()
    assert "Confirmer l'annulation" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert "Votre rendez-vous est annulé" in response.content.decode()
    assert len(mailbox.wait_for(1)) == 1
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 200 and "déjà annulé" in response.content.decode()
    assert len(mailbox.messages) == 1
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED and appointment.sequence == 1


def test_guessed_or_altered_links_are_not_found(client, agenda):
    place, cni, _pickup = agenda
    appointment = book(make_resident(), place, cni, offers_on(place, cni)[0].start)
    token = services.management_token(appointment)
    forged = signing.Signer(salt="autre-chose").sign_object(appointment.pk)
    for bad in (str(appointment.pk), token[:-2], token.upper(), forged, "x" * 60):
        for name in ("manage", "cancel", "move", "ics"):
            assert client.get(reverse(f"appointments:{name}", args=[bad])).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_moving_through_the_link(client, agenda, django_capture_on_commit_callbacks):
    place, cni, _pickup = agenda
    appointment = book(make_resident(), place, cni, offers_on(place, cni)[0].start)
    url = reverse("appointments:move", args=[services.management_token(appointment)])
    target = offers_on(place, cni, days_ahead=3)[2]
    assert "Déplacer à cet horaire" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"creneau": target.value})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == target.start and appointment.sequence == 1
    assert client.post(url, {"creneau": "2020-01-01T09:00"}).status_code == 409


def test_a_cancelled_appointment_cannot_be_moved(client, agenda):
    place, cni, _pickup = agenda
    appointment = book(make_resident(), place, cni, offers_on(place, cni)[0].start)
    services.cancel_appointment(appointment)
    response = client.get(reverse("appointments:move", args=[services.management_token(appointment)]))
    assert response.status_code == 409 and "ne peut plus être modifié" in response.content.decode()


def test_the_calendar_file_can_be_downloaded(client, agenda):
    place, cni, _pickup = agenda
    appointment = book(make_resident(), place, cni, offers_on(place, cni)[0].start)
    response = client.get(reverse("appointments:ics", args=[services.management_token(appointment)]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert b"METHOD:REQUEST" in response.content and f"UID:{appointment.uid}".encode() in response.content


def test_waiting_list_toggle(client, agenda):
    place, cni, _pickup = agenda
    appointment = book(make_resident(), place, cni, offers_on(place, cni)[0].start)
    url = reverse("appointments:manage", args=[services.management_token(appointment)])
    client.post(url, {"liste_attente": "oui"})
    assert appointment.waiting_list_entry.is_active
    assert "Ne plus être prévenu" in client.get(url).content.decode()
    client.post(url, {"liste_attente": "non"})
    appointment.waiting_list_entry.refresh_from_db()
    assert not appointment.waiting_list_entry.is_active


def test_my_appointments_and_the_include_for_mes_demandes(client, resident, agenda):
    place, cni, pickup = agenda
    mine = book(resident, place, cni, offers_on(place, cni)[0].start)
    book(make_resident(), place, pickup, offers_on(place, pickup)[0].start)
    page = client.get(reverse("appointments:mine")).content.decode()
    assert cni.name in page and pickup.name not in page
    assert reverse("appointments:manage", args=[services.management_token(mine)]) in page
    request = RequestFactory().get("/mes-demandes/")
    request.user = resident
    html = Template('{% include "appointments/_my_appointments.html" %}').render(Context({"request": request}))
    assert "Mes rendez-vous à venir" in html and cni.name in html


def test_the_booking_requests_keep_their_query_budget(client, resident, agenda, django_assert_max_num_queries,
                                                      settings):
    """The residents' booking path under a rush (bench/appointments_rush.py): the list of times, the hold, the
    confirmation and a refusal (taken meanwhile) each stay within a fixed number of queries, whatever the
    number of free times shown. Session and account included."""
    place, cni, _pickup = agenda
    with django_assert_max_num_queries(8):
        page = client.get(slots_url(place, cni)).content.decode()
    values = re.findall(r'name="creneau" id="creneau-[^"]+" value="([^"]+)"', page)
    assert len(values) >= 3
    with django_assert_max_num_queries(13):
        response = client.post(slots_url(place, cni), {"creneau": values[0]})
    assert response.status_code == 302
    with django_assert_max_num_queries(12):
        response = client.post(response["Location"], {"first_name": "Noé", "last_name": "Petit",
                                                      "email": "noe@example.org", "application_ids": "ABCDE12345"})
    assert "/gerer/" in response["Location"]
    # Both desks taken at the chosen time: the refusal proposes the nearest times without listing the week.
    taken = slotlib.parse_offer_value(values[1])
    for _desk in range(2):
        services.hold_slot(place=place, meeting_type=cni, start=taken, applicant=make_resident())
    client.force_login(make_resident())
    settings.APPOINTMENT_SUBSTITUTE_MINUTES = 0
    with django_assert_max_num_queries(7):
        response = client.post(slots_url(place, cni), {"creneau": values[1]})
    page = response.content.decode()
    assert response.status_code == 409 and 'role="alert"' in page
    assert re.findall(r'name="creneau" id="proche-[^"]+" value="([^"]+)"', page)[:2] == [values[0], values[2]]
    assert 'id="creneau-' not in page and "Voir tous les horaires libres de la semaine du" in page
    # The same choice where the commune holds the nearest time instead: the refusal's reading, then one hold.
    settings.APPOINTMENT_SUBSTITUTE_MINUTES = 120
    with django_assert_max_num_queries(15):
        response = client.post(slots_url(place, cni), {"creneau": values[1]})
    assert response.status_code == 302
