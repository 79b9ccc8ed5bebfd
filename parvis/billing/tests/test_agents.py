"""Cash-office agents: a family's account, counter payments, credit notes and cancellations, the bank's
answers — and the denials."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from parvis.billing.models import InvoiceStatus, Payment
from parvis.billing.tests.helpers import simple_invoice
from parvis.families.tests.factories import make_cash_office, make_family_agent, make_household
from parvis.organisation.models import Role
from parvis.privacy.models import AccessLog
from parvis.testing.factories import make_agent, make_department

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def office_agent():
    office = make_cash_office()
    return office, make_family_agent(office.department)


def test_family_account_and_counter_payment(client, office_agent):
    office, agent = office_agent
    household = make_household()
    invoice = simple_invoice(office, household, "30.00")
    client.force_login(agent)
    page = text(client.get(reverse("billing:agent_household", args=[household.pk])))
    assert "reste dû <strong>30,00 €</strong>" in page and invoice.number in page
    assert AccessLog.objects.filter(agent=agent, resident_id=household.primary_user.pk).exists()
    response = client.post(reverse("billing:agent_household", args=[household.pk]), {
        "cash_office": office.pk, "amount": "30,00", "method": "cheque", "reference": "CHQ 77",
        "invoices": [invoice.pk]})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.method, payment.recorded_by) == (Decimal("30.00"), "cheque", agent)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    again = client.post(reverse("billing:agent_household", args=[household.pk]), {
        "cash_office": office.pk, "amount": "5", "method": "cash"})
    assert "dépasse le reste à payer" in text(again)


def test_credit_and_cancellation_pages(client, office_agent):
    office, agent = office_agent
    invoice = simple_invoice(office, amount="20.00")
    client.force_login(agent)
    client.post(reverse("billing:agent_invoice_credit", args=[invoice.pk]), {"amount": "5,00", "reason": "absence"})
    invoice.refresh_from_db()
    assert invoice.outstanding == Decimal("15.00")
    client.post(reverse("billing:agent_invoice_cancel", args=[invoice.pk]), {"reason": "erreur de saisie"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED and invoice.credit_notes.count() == 2
    page = text(client.get(reverse("billing:agent_invoice", args=[invoice.pk])))
    assert "AV" in page and "erreur de saisie" in page
    pdf = client.get(reverse("billing:agent_invoice_pdf", args=[invoice.pk]))
    assert pdf.status_code == 200 and AccessLog.objects.filter(agent=agent, action="download").exists()


def test_bank_answers_page(client, office_agent):
    office, agent = office_agent
    client.get(reverse("billing:bank_notify", args=[office.code]) + "?transaction_id=x&signed=1&ok=1")
    client.force_login(agent)
    content = text(client.get(reverse("billing:agent_notifications")))
    assert "rejetée" in content and "transaction inconnue" in content


def test_denials(client, office_agent):
    office, _agent = office_agent
    household = make_household()
    invoice = simple_invoice(office, household)
    urls = [reverse("billing:agent_home"), reverse("billing:agent_household", args=[household.pk]),
            reverse("billing:agent_invoice", args=[invoice.pk]), reverse("billing:agent_notifications")]
    client.force_login(household.primary_user)
    assert all(client.get(url).status_code == 403 for url in urls)
    client.force_login(make_agent(department=make_department(), role=Role.HEAD))
    assert all(client.get(url).status_code == 403 for url in urls)
    # An agent of another cash office does not see this office's invoices.
    other = make_cash_office()
    client.force_login(make_family_agent(other.department))
    assert client.get(reverse("billing:agent_invoice", args=[invoice.pk])).status_code == 404
    assert client.post(reverse("billing:agent_invoice_cancel", args=[invoice.pk]), {"reason": "x"}).status_code == 404
    client.logout()
    assert all(client.get(url).status_code == 302 for url in urls)
