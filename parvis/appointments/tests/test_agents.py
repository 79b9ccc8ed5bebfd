"""Agents' pages: access (every denial), day/week/print views, booking on behalf of a resident, attendance,
cancel, move, closures and statistics."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.appointments import services
from parvis.appointments.models import Appointment, Channel, Closure, Slot, Status
from parvis.appointments.tests.factories import make_agenda
from parvis.appointments.tests.helpers import book, offers_on
from parvis.organisation.models import Role
from parvis.testing.factories import make_agent, make_department, make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(agenda):
    place, cni, pickup = agenda
    appointment = book(make_resident(first_name="Rose", last_name="Blanc"), place, cni,
                       offers_on(place, cni)[0].start, numbers=["ABCDE12345"])
    return place, cni, pickup, appointment


def place_urls(place):
    return [reverse(f"appointments:{name}", args=[place.slug]) for name in
            ("agent_day", "agent_week", "agent_print", "agent_book", "agent_closures", "agent_stats")]


def appointment_urls(appointment):
    return [reverse(f"appointments:{name}", args=[appointment.pk]) for name in
            ("agent_appointment", "agent_move", "agent_confirm")]


def test_anonymous_visitors_are_sent_to_the_login_page(client, setup):
    place, _cni, _pickup, appointment = setup
    for url in [reverse("appointments:agent_home"), *place_urls(place), *appointment_urls(appointment)]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/"), url


def test_residents_are_refused(client, setup):
    place, _cni, _pickup, appointment = setup
    client.force_login(make_resident())
    for url in [reverse("appointments:agent_home"), *place_urls(place), *appointment_urls(appointment)]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("appointments:agent_cancel", args=[appointment.pk])).status_code == 403


def test_agents_of_another_department_are_refused_everywhere(client, setup):
    place, _cni, _pickup, appointment = setup
    client.force_login(make_agent(make_department(), role=Role.HEAD))
    for url in [*place_urls(place), *appointment_urls(appointment)]:
        assert client.get(url).status_code == 403, url
    for name in ("agent_appointment", "agent_cancel", "agent_move", "agent_confirm"):
        response = client.post(reverse(f"appointments:{name}", args=[appointment.pk]), {"action": "present"})
        assert response.status_code == 403, name
    assert client.post(reverse("appointments:agent_closures", args=[place.slug]), {}).status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED
    page = client.get(reverse("appointments:agent_home")).content.decode()
    assert place.name not in page


def test_the_dpo_role_gives_no_access_to_agendas(client, setup):
    place, _cni, _pickup, appointment = setup
    client.force_login(make_agent(place.department, role=Role.DPO))
    for url in [reverse("appointments:agent_home"), *place_urls(place), *appointment_urls(appointment)]:
        assert client.get(url).status_code == 403, url


def test_reading_printing_and_denials_are_in_the_access_log(client, setup):
    from parvis.privacy.models import AccessLog

    place, _cni, _pickup, appointment = setup
    agent = make_agent(place.department)
    client.force_login(agent)
    client.get(reverse("appointments:agent_appointment", args=[appointment.pk]))
    client.get(reverse("appointments:agent_print", args=[place.slug]))
    outsider = make_agent(make_department())
    client.force_login(outsider)
    client.get(reverse("appointments:agent_appointment", args=[appointment.pk]))
    rows = list(AccessLog.objects.order_by("pk").values_list("agent", "action", "resident_id"))
    assert rows == [(agent.pk, "view", appointment.applicant_id), (agent.pk, "export", None),
                    (outsider.pk, "denied", appointment.applicant_id)]


def test_unknown_places_and_appointments_are_not_found(client, setup):
    place, _cni, _pickup, _appointment = setup
    client.force_login(make_agent(place.department))
    assert client.get(reverse("appointments:agent_day", args=["nulle-part"])).status_code == 404
    assert client.get(reverse("appointments:agent_appointment", args=[999999])).status_code == 404


def test_day_week_and_print_views(client, setup, django_assert_max_num_queries):
    place, cni, _pickup, appointment = setup
    client.force_login(make_agent(place.department, role=Role.FRONT_DESK))
    day = services.local(appointment.start).date().isoformat()
    home = client.get(reverse("appointments:agent_home")).content.decode()
    assert place.name in home
    with django_assert_max_num_queries(12):
        page = client.get(reverse("appointments:agent_day", args=[place.slug]) + f"?date={day}").content.decode()
    assert "Rose BLANC" in page and "ABCDE12345" in page and "Guichet 1" in page
    week = client.get(reverse("appointments:agent_week", args=[place.slug]) + f"?date={day}").content.decode()
    assert "Rose BLANC" in week and "unités libres" in week
    printed = client.get(reverse("appointments:agent_print", args=[place.slug]) + f"?date={day}").content.decode()
    assert "Rose BLANC" in printed and "ABCDE12345" in printed and "☐" in printed
    other = client.get(reverse("appointments:agent_day", args=[place.slug]) + "?date=pas-une-date")
    assert other.status_code == 200


def test_booking_by_phone_on_a_reserved_slot_for_a_person_without_account(client, mailbox,
                                                                          django_capture_on_commit_callbacks):
    place, cni, _pickup = make_agenda(desks=1, reserved_share=20)
    agent = make_agent(place.department, role=Role.FRONT_DESK)
    client.force_login(agent)
    web = {o.start for o in offers_on(place, cni)}
    reserved = next(o for o in offers_on(place, cni, channel="phone") if o.start not in web)
    url = reverse("appointments:agent_book", args=[place.slug]) + f"?motif={cni.slug}"
    assert f'value="{reserved.value}" checked' in client.get(f"{url}&creneau={reserved.value}").content.decode()
    response = client.post(url, {"creneau": reserved.value})
    appointment = Appointment.objects.get()
    assert response["Location"] == reverse("appointments:agent_confirm", args=[appointment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {
            "channel": "phone", "first_name": "Jeanne", "last_name": "Lefebvre", "email": "",
            "phone": "01 34 56 78 90", "application_ids": "abcde12345"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED and appointment.channel == Channel.PHONE
    assert appointment.booked_by == agent and appointment.applicant is None
    assert appointment.application_ids == ["ABCDE12345"]
    assert mailbox.messages == []  # no address: the agent tells the person


def test_booking_at_the_counter_links_an_existing_account(client, agenda, django_capture_on_commit_callbacks):
    place, cni, _pickup = agenda
    resident = make_resident(email="karim@example.org")
    client.force_login(make_agent(place.department))
    offer = offers_on(place, cni)[0]
    client.post(reverse("appointments:agent_book", args=[place.slug]) + f"?motif={cni.slug}", {"creneau": offer.value})
    appointment = Appointment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("appointments:agent_confirm", args=[appointment.pk]), {
            "channel": "counter", "first_name": "Karim", "last_name": "Haddad", "email": "Karim@example.org",
            "application_ids": "ABCDE12345"})
    appointment.refresh_from_db()
    assert appointment.applicant == resident and appointment.channel == Channel.COUNTER
    assert appointment.future_claim == cni.kind
    assert services.upcoming_appointments_for(resident)[0]["appointment"] == appointment


def test_attendance_cancel_and_move_from_the_appointment_page(client, setup, mailbox,
                                                               django_capture_on_commit_callbacks):
    place, cni, _pickup, appointment = setup
    client.force_login(make_agent(place.department))
    url = reverse("appointments:agent_appointment", args=[appointment.pk])
    page = client.get(url).content.decode()
    assert "Historique" in page and "Rendez-vous confirmé" in page
    response = client.post(url, {"action": "present"}, follow=True)
    assert "La présence se note le jour du rendez-vous" in response.content.decode()
    target = offers_on(place, cni, days_ahead=4)[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("appointments:agent_move", args=[appointment.pk]), {"creneau": target.value})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == target.start
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("appointments:agent_cancel", args=[appointment.pk]), {"reason": "Demande par téléphone"})
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert appointment.events.filter(kind="cancelled", description__contains="Demande par téléphone").exists()
    assert [m["Subject"].split(" ")[1] for m in mailbox.wait_for(2)] == ["déplacé", "annulé"]


def test_marking_present_on_the_day(client, agenda):
    place, cni, _pickup = agenda
    start = timezone.now() - dt.timedelta(minutes=1)
    appointment = Appointment.objects.create(place=place, desk=place.desks.first(), meeting_type=cni, start=start,
                                             end=start + dt.timedelta(minutes=20), status=Status.BOOKED)
    client.force_login(make_agent(place.department))
    client.post(reverse("appointments:agent_appointment", args=[appointment.pk]), {"action": "present"})
    appointment.refresh_from_db()
    assert appointment.status == Status.PRESENT


def test_closures_remove_slots_and_can_be_lifted(client, agenda):
    place, cni, _pickup = agenda
    client.force_login(make_agent(place.department))
    day = timezone.localdate() + dt.timedelta(days=3)
    booked = book(make_resident(), place, cni, offers_on(place, cni, days_ahead=3)[0].start)
    url = reverse("appointments:agent_closures", args=[place.slug])
    response = client.post(url, {"kind": "closure", "start_date": day.isoformat(), "end_date": day.isoformat(),
                                 "reason": "Élections"}, follow=True)
    assert "1 rendez-vous déjà pris" in response.content.decode()
    assert offers_on(place, cni, days_ahead=3) == []
    assert Slot.objects.filter(place=place, start__date=day).exclude(taken_by=None).count() == 2
    page = client.get(reverse("appointments:agent_day", args=[place.slug]) + f"?date={day}").content.decode()
    assert "pendant une fermeture" in page
    closure = Closure.objects.get(reason="Élections")
    client.post(url, {"action": "toggle", "closure": closure.pk})
    assert len(offers_on(place, cni, days_ahead=3)) > 0
    bad = client.post(url, {"kind": "closure", "start_date": day.isoformat(),
                            "end_date": (day - dt.timedelta(days=2)).isoformat()})
    assert bad.status_code == 400 and "La fin doit être après le début" in bad.content.decode()
    assert booked.pk


def test_no_show_statistics(client, agenda):
    place, cni, _pickup = agenda
    past = timezone.now() - dt.timedelta(days=3)
    for status in (Status.PRESENT, Status.PRESENT, Status.PRESENT, Status.ABSENT, Status.CANCELLED):
        Appointment.objects.create(place=place, desk=place.desks.first(), meeting_type=cni, start=past,
                                   end=past + dt.timedelta(minutes=20), status=status)
    client.force_login(make_agent(place.department))
    page = client.get(reverse("appointments:agent_stats", args=[place.slug])).content.decode()
    assert "25 %" in page and cni.name in page
