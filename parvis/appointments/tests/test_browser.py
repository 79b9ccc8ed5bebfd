"""A resident books an identity-card appointment in a real browser (the number checked with the local ANTS
server); axe-core checks every page, on a desktop and at 360 px. Then the agent's pages."""

from urllib.parse import quote

import icalendar
import pytest

from parvis.appointments.models import Appointment, Status
from parvis.appointments.services import local
from parvis.appointments.slots import free_starts, parse_offer_value
from parvis.appointments.tests.factories import make_agenda
from parvis.appointments.tests.helpers import book, offers_on
from parvis.testing.browser import check_accessibility, fits_width, log_in, screenshot
from parvis.testing.factories import make_agent, make_resident
from parvis.testing.smtp import attachments

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe solide"


def test_a_resident_books_an_identity_card_appointment(page, mailbox, ants_server):
    place, cni, _pickup = make_agenda(name="Hôtel de ville", accessibility="Entrée de plain-pied, ascenseur.")
    cni.name = "Dépôt CNI — 1 personne"
    cni.save()
    ants_server.add_application("ABCDE12345", "validated")
    make_resident(email="ines@example.org", password=PASSWORD, first_name="Inès", last_name="Lefèvre")

    log_in(page, "ines@example.org", PASSWORD, "/rendez-vous/")
    page.get_by_role("heading", name="Prendre rendez-vous", level=1).wait_for()
    check_accessibility(page, "choix du motif et du lieu")
    screenshot(page, "rendez-vous-choix")
    page.get_by_label("Dépôt CNI — 1 personne").check()
    page.get_by_label("Hôtel de ville").check()
    page.get_by_role("button", name="Voir les horaires libres").click()
    page.get_by_role("heading", name="Choisir un horaire").wait_for()
    if page.get_by_text("Aucun horaire libre cette semaine").count():
        page.get_by_role("link", name="Voir le prochain horaire libre").click()
    check_accessibility(page, "horaires libres")
    screenshot(page, "rendez-vous-horaires")
    first_time = page.locator(".slot-list label").first
    chosen = page.locator(".slot-list input").first.get_attribute("value")
    # Keyboard: focus the first time and select it with the space bar.
    page.locator(".slot-list input").first.focus()
    page.keyboard.press("Space")
    assert page.locator(".slot-list input").first.is_checked()
    assert first_time.is_visible()
    page.get_by_role("button", name="Réserver cet horaire").click()

    page.get_by_role("heading", name="Confirmer le rendez-vous").wait_for()
    check_accessibility(page, "confirmation")
    page.get_by_label("Numéro(s) de pré-demande ANTS").fill("abc")
    page.get_by_role("button", name="Confirmer le rendez-vous").click()
    page.locator("#erreurs").wait_for()
    check_accessibility(page, "confirmation avec erreur")
    screenshot(page, "rendez-vous-confirmation-erreur")
    page.get_by_label("Numéro(s) de pré-demande ANTS").fill("abcde12345")
    page.get_by_role("button", name="Confirmer le rendez-vous").click()

    page.get_by_role("heading", name="Votre rendez-vous", level=1).wait_for()
    page.get_by_text("Votre rendez-vous est confirmé").wait_for()
    check_accessibility(page, "rendez-vous confirmé")
    appointment = Appointment.objects.get()
    assert appointment.status == Status.BOOKED and appointment.application_ids == ["ABCDE12345"]
    assert local(appointment.start).strftime("%Y-%m-%dT%H:%M") == chosen
    [message] = mailbox.wait_for(1)
    [ics] = [data for _name, ctype, data in attachments(message) if ctype == "text/calendar"]
    assert icalendar.Calendar.from_ical(ics)["METHOD"] == "REQUEST"
    assert ants_server.appointments_of("ABCDE12345")

    # The same journey's pages at 360 px: usable without horizontal scrolling, still accessible.
    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    assert fits_width(page)
    check_accessibility(page, "rendez-vous confirmé, 360 px")
    page.get_by_role("link", name="Déplacer le rendez-vous").click()
    page.get_by_role("heading", name="Déplacer le rendez-vous").wait_for()
    assert fits_width(page)
    check_accessibility(page, "déplacer, 360 px")
    screenshot(page, "rendez-vous-deplacer-360")
    page.get_by_role("link", name="Garder mon rendez-vous actuel").click()
    page.get_by_role("link", name="Annuler le rendez-vous").click()
    check_accessibility(page, "annuler, 360 px")
    page.get_by_role("button", name="Confirmer l'annulation").click()
    page.get_by_role("heading", name="Rendez-vous annulé").wait_for()
    check_accessibility(page, "annulé, 360 px")
    page.goto(f"{page.base_url}/rendez-vous/mes-rendez-vous/")
    check_accessibility(page, "mes rendez-vous, 360 px")


def test_a_time_taken_meanwhile_is_replaced_by_the_nearest_one(page):
    """The time chosen is booked by someone else while the resident reads the list: the nearest one of the same
    day is held instead, the confirmation page says so (announced, accessible), and choosing another time gives
    it back."""
    place, cni, _pickup = make_agenda(desks=1)
    make_resident(email="jade@example.org", password=PASSWORD, first_name="Jade", last_name="Roux")
    log_in(page, "jade@example.org", PASSWORD, quote(f"/rendez-vous/creneaux/?motif={cni.slug}&lieu={place.slug}"))
    page.get_by_role("heading", name="Choisir un horaire").wait_for()
    radio = page.locator(".slot-list input").nth(3)
    chosen = radio.get_attribute("value")
    radio.check()
    [taken] = free_starts(place, cni, start=parse_offer_value(chosen), limit=1)
    book(make_resident(), place, cni, taken.start)
    page.get_by_role("button", name="Réserver cet horaire").click()

    page.get_by_role("heading", name="Confirmer le rendez-vous").wait_for()
    notice = page.get_by_role("status")
    assert f"L'horaire de {chosen[-5:]} vient d'être pris par quelqu'un d'autre" in notice.inner_text()
    check_accessibility(page, "horaire le plus proche gardé")
    held = Appointment.objects.get(applicant__email="jade@example.org", status=Status.HELD)
    assert local(held.start).date() == local(taken.start).date() and held.start != taken.start
    page.get_by_role("button", name="Choisir un autre horaire").click()
    page.get_by_role("heading", name="Choisir un horaire").wait_for()
    held.refresh_from_db()
    assert held.status == Status.EXPIRED


def test_agent_pages_are_accessible(page):
    place, cni, _pickup = make_agenda(name="Mairie annexe", reserved_share=20)
    appointment = book(make_resident(first_name="Rose", last_name="Blanc"), place, cni, offers_on(place, cni)[0].start,
                       numbers=["ABCDE12345"])
    make_agent(place.department, email="agent@admiville.fr", password=PASSWORD)
    day = local(appointment.start).date().isoformat()
    log_in(page, "agent@admiville.fr", PASSWORD, f"/rendez-vous/agents/lieux/{place.slug}/?date={day}")
    page.get_by_role("heading", name="Mairie annexe").wait_for()
    check_accessibility(page, "planning du jour")
    screenshot(page, "rendez-vous-agent-jour")
    for name, label in (("semaine/", "semaine"), (f"prendre/?motif={cni.slug}", "prise de rendez-vous"),
                        ("fermetures/", "fermetures"), ("statistiques/", "statistiques")):
        page.goto(f"{page.base_url}/rendez-vous/agents/lieux/{place.slug}/{name}")
        check_accessibility(page, label)
    page.goto(f"{page.base_url}/rendez-vous/agents/rendez-vous/{appointment.pk}/")
    check_accessibility(page, "fiche du rendez-vous")
    page.goto(f"{page.base_url}/rendez-vous/agents/lieux/{place.slug}/fermetures/")
    page.get_by_role("button", name="Enregistrer").click()
    page.locator("#erreurs").wait_for()
    check_accessibility(page, "fermeture avec erreurs")
