"""A parent registers two children for the canteen, gets an invoice and pays it online, in a real browser;
axe-core checks every page (desktop and 360 px). Then the agents' pages."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from parvis.billing.models import Invoice, InvoiceStatus, PaymentTransaction
from parvis.families.models import Attendance, Registration
from parvis.families.tests.factories import (
    make_activity,
    make_cash_office,
    make_child,
    make_family_agent,
    make_household,
    make_session,
)
from parvis.testing.browser import check_accessibility, fits_width, log_in
from parvis.testing.factories import make_resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe solide"


@pytest.fixture(autouse=True)
def _fake_bank(settings):
    settings.PAYMENT_DUMMY_BANK = True


def check_narrow(page, context):
    page.set_viewport_size({"width": 360, "height": 780})
    check_accessibility(page, f"{context} (360 px)")
    assert fits_width(page), context
    page.set_viewport_size({"width": 1280, "height": 900})


def past_weekdays(count):
    today = timezone.localdate()
    days, day = [], today.replace(day=1)
    while day < today and len(days) < count:
        if day.weekday() in (0, 1, 3, 4):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def test_parent_registers_two_children_for_the_canteen_and_pays_the_invoice(page, mailbox):
    office = make_cash_office()
    canteen = make_activity(cash_office=office, name="Restauration scolaire")
    today = timezone.localdate()
    session = make_session(canteen, label="Année scolaire", starts_on=today - dt.timedelta(days=60),
                           ends_on=today + dt.timedelta(days=200))
    parent = make_resident(email="camille@example.org", password=PASSWORD, first_name="Camille", last_name="Durand")
    household = make_household(parent)
    make_child(household, first_name="Léa", last_name="Durand")
    make_child(household, first_name="Hugo", last_name="Durand", school_level="GS")

    log_in(page, "camille@example.org", PASSWORD, "/famille/")
    page.get_by_role("heading", name="Ma famille", level=1).wait_for()
    check_accessibility(page, "Ma famille")
    check_narrow(page, "Ma famille")
    page.get_by_role("link", name="Inscrire un enfant à une activité").click()
    page.get_by_role("heading", name="Activités et inscriptions").wait_for()
    check_accessibility(page, "activités")
    page.get_by_role("link", name="Inscrire à Restauration scolaire, Année scolaire").click()
    page.get_by_role("heading", name="Inscription : Restauration scolaire").wait_for()
    check_accessibility(page, "formulaire d'inscription")
    page.get_by_role("button", name="Inscrire").click()  # nothing ticked: the error summary
    page.get_by_role("heading", name="Il y a une erreur dans le formulaire").wait_for()
    check_accessibility(page, "erreur d'inscription")
    page.get_by_label("Léa Durand").check()
    page.get_by_label("Hugo Durand").check()
    page.get_by_role("button", name="Inscrire").click()
    page.get_by_role("heading", name="Inscription enregistrée").wait_for()
    check_accessibility(page, "inscription enregistrée")
    assert page.get_by_text("Léa : inscrit(e)").count() == 1
    registrations = list(Registration.objects.filter(session=session, status="confirmed"))
    assert len(registrations) == 2

    # The canteen staff record the meals; the cash office runs the month's invoicing.
    for registration in registrations:
        for day in past_weekdays(3):
            Attendance.objects.create(registration=registration, day=day, present=True)
    call_command("issue_monthly_invoices", "--regie", office.code, "--mois", today.strftime("%Y-%m"))
    invoice = Invoice.objects.get()

    page.get_by_role("link", name="Mes factures").first.click()
    page.get_by_role("heading", name="Factures et paiements").wait_for()
    check_accessibility(page, "factures")
    check_narrow(page, "factures")
    assert page.get_by_role("link", name=invoice.number).count() == 1
    page.get_by_role("link", name=invoice.number).click()
    page.get_by_role("heading", name=f"Facture {invoice.number}").wait_for()
    check_accessibility(page, "détail de la facture")
    page.get_by_role("button", name="Payer").click()
    page.get_by_role("heading", name="Banque fictive de démonstration").wait_for()
    check_accessibility(page, "banque fictive")
    page.get_by_role("button", name="Payer", exact=False).first.click()
    page.get_by_role("heading", name="Paiement reçu").wait_for()
    check_accessibility(page, "accusé de réception du paiement")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert PaymentTransaction.objects.get().status == "paid"
    page.get_by_role("link", name="Retour à mes factures").click()
    page.get_by_role("heading", name="Factures et paiements").wait_for()
    assert page.locator(".status-ok", has_text="Payée").count() == 1
    receipts = [m for m in mailbox.wait_for(1) if "Accusé de réception de votre paiement" in m["Subject"]]
    assert receipts


def test_family_desk_agent_pages_are_accessible(page):
    office = make_cash_office()
    canteen = make_activity(cash_office=office, department=office.department)
    session = make_session(canteen, capacity=1, starts_on=timezone.localdate() - dt.timedelta(days=30))
    from parvis.families.registrations import register_child

    for _ in range(2):
        household = make_household()
        register_child(child=make_child(household), session=session, actor=None)
    make_family_agent(office.department, email="agent@admiville.fr", password=PASSWORD)
    log_in(page, "agent@admiville.fr", PASSWORD, "/famille/agents/")
    page.get_by_role("heading", name="Guichet unique d'inscription", level=1).wait_for()
    check_accessibility(page, "accueil du guichet unique")
    page.get_by_role("link", name=session.label).click()
    page.get_by_role("heading", level=1).wait_for()
    check_accessibility(page, "liste des inscrits")
    check_narrow(page, "liste des inscrits")
    page.get_by_role("link", name="Feuille de présence").click()
    page.get_by_role("heading", level=1).wait_for()
    check_accessibility(page, "feuille de présence")
    page.goto(f"{page.base_url}/paiements/agents/")
    page.get_by_role("heading", name="Régies : factures et paiements").wait_for()
    check_accessibility(page, "régie")
    page.goto(f"{page.base_url}/famille/agents/familles/{household.pk}/")
    page.get_by_role("heading", level=1).wait_for()
    check_accessibility(page, "dossier famille")
