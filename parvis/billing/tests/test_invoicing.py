"""Monthly invoicing by the cash office: attendance or flat fees × the price of the family's quotient bracket,
idempotent, with a dry run; numbering without gaps; credit notes and cancellations; the PDF's mentions."""

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from parvis.billing.invoicing import BillingError, cancel_invoice, issue_credit, issue_invoice, issue_monthly_invoices
from parvis.billing.models import Invoice, InvoiceCounter, InvoiceKind, InvoiceStatus
from parvis.billing.tests.helpers import MARCH, MARCH_DAYS, attend, canteen_setup, registered_family, simple_invoice
from parvis.cases.deadlines import add_months
from parvis.families.registrations import register_child
from parvis.families.tests.factories import make_activity, make_household, make_session
from parvis.testing.pdf import pdf_text
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db
APRIL_2 = dt.date(2026, 4, 2)


def text(response):
    return html.unescape(response.content.decode())


def test_monthly_invoice_from_attendance_and_quotient_bracket():
    office, _activity, session = canteen_setup()
    household, kids, regs = registered_family(session)
    attend(regs[0], MARCH_DAYS[:3])
    attend(regs[1], MARCH_DAYS[:2])
    attend(regs[1], [dt.date(2026, 4, 1)])  # another month: not billed
    report = issue_monthly_invoices(office, MARCH, issued_on=APRIL_2)
    (invoice,) = report.created
    assert invoice.total == Decimal("12.50")  # 5 meals × 2.50 € (QF 851: bracket 501 to 1000)
    assert invoice.number == f"{office.code.upper()}-2026-00001"
    assert invoice.due_on == APRIL_2 + dt.timedelta(days=30)
    lines = list(invoice.lines.order_by("pk"))
    assert [(line.quantity, line.unit_price, line.tariff_label) for line in lines] == [
        (Decimal(3), Decimal("2.50"), "QF 501 à 1000"), (Decimal(2), Decimal("2.50"), "QF 501 à 1000")]
    assert "Quotient familial 851" in invoice.quotient_note and "API Particulier" in invoice.quotient_note


def test_run_is_idempotent_and_the_dry_run_writes_nothing():
    office, _activity, session = canteen_setup()
    _household, _kids, regs = registered_family(session)
    attend(regs[0], MARCH_DAYS)
    dry = issue_monthly_invoices(office, MARCH, dry_run=True)
    assert len(dry.planned) == 1 and dry.total == Decimal("12.50") and not Invoice.objects.exists()
    assert not InvoiceCounter.objects.exists()
    first = issue_monthly_invoices(office, MARCH, issued_on=APRIL_2)
    second = issue_monthly_invoices(office, MARCH, issued_on=APRIL_2)
    assert len(first.created) == 1 and second.created == [] and second.existing == 1
    assert Invoice.objects.count() == 1


def test_non_resident_and_unknown_quotient_rates():
    office, _activity, session = canteen_setup()
    _outsider, _k, out_regs = registered_family(session, children=1, postcode="75001")
    _unknown, _k2, unknown_regs = registered_family(session, children=1, quotient=None)
    attend(out_regs[0], MARCH_DAYS[:2])
    attend(unknown_regs[0], MARCH_DAYS[:2])
    invoices = {i.household.postcode: i for i in issue_monthly_invoices(office, MARCH, issued_on=APRIL_2).created}
    outsider_line = invoices["75001"].lines.get()
    assert (outsider_line.unit_price, outsider_line.tariff_label) == (Decimal("5.50"), "Tarif hors commune")
    unknown_line = invoices["99100"].lines.get()
    assert unknown_line.unit_price == Decimal("4.00") and "non connu" in unknown_line.tariff_label
    assert "tarif maximal" in invoices["99100"].quotient_note


def test_monthly_fee_and_holiday_week():
    office, _activity, session = canteen_setup()
    first_month = add_months(timezone.localdate().replace(day=1), 1)
    second_month = add_months(first_month, 1)
    creche = make_activity(cash_office=office, kind="creche", billing_mode="monthly", school_levels=[])
    creche_session = make_session(creche, starts_on=timezone.localdate(), ends_on=add_months(second_month, 6))
    holiday = make_activity(cash_office=office, kind="holiday", billing_mode="per_session", school_levels=[])
    week = make_session(holiday, label="Semaine 2", starts_on=second_month + dt.timedelta(days=7),
                        ends_on=second_month + dt.timedelta(days=11))
    household, kids, _regs = registered_family(session, children=1)
    register_child(child=kids[0], session=creche_session, actor=None)
    register_child(child=kids[0], session=week, actor=None)
    first = issue_monthly_invoices(office, first_month).created[0]
    assert [line.label.split(" — ")[0] for line in first.lines.all()] == [creche.name]  # no meal, no week yet
    assert first.lines.get().unit_price == Decimal("2.50") and first.lines.get().detail.startswith("Forfait de")
    second = issue_monthly_invoices(office, second_month).created[0]
    assert sorted(line.label.split(" — ")[0] for line in second.lines.all()) == sorted([creche.name, holiday.name])
    assert second.sequence == first.sequence + 1


def test_a_rolled_back_invoice_gives_its_number_back():
    office, _a, _s = canteen_setup()
    household = make_household()

    def fail(_invoice):
        raise RuntimeError("panne au milieu")

    with pytest.raises(RuntimeError):
        issue_invoice(cash_office=office, household=household, issued_on=APRIL_2, lines=[], _before_commit=fail)
    invoice = simple_invoice(office, household)
    assert invoice.sequence == 1 and not Invoice.objects.exclude(pk=invoice.pk).exists()


def test_cancel_then_the_month_can_be_invoiced_again():
    office, _activity, session = canteen_setup()
    _household, _kids, regs = registered_family(session, children=1)
    attend(regs[0], MARCH_DAYS)
    invoice = issue_monthly_invoices(office, MARCH, issued_on=APRIL_2).created[0]
    credit = cancel_invoice(invoice, agent=None, reason="présences erronées")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED and invoice.outstanding == 0 and invoice.run_key is None
    assert credit.kind == InvoiceKind.CREDIT_NOTE and credit.total == Decimal("12.50")
    assert credit.number.startswith(f"{office.code.upper()}-AV") and credit.credited_invoice == invoice
    again = issue_monthly_invoices(office, MARCH, issued_on=APRIL_2).created
    assert len(again) == 1 and again[0].sequence == 2
    with pytest.raises(BillingError):
        cancel_invoice(invoice, agent=None, reason="deux fois")


def test_partial_credit_note():
    invoice = simple_invoice(amount="30.00")
    credit = issue_credit(invoice, agent=None, amount="7.50", reason="absence avec certificat médical")
    invoice.refresh_from_db()
    assert invoice.outstanding == Decimal("22.50") and invoice.status == InvoiceStatus.ISSUED
    assert credit.total == Decimal("7.50")
    with pytest.raises(BillingError, match="compris entre"):
        issue_credit(invoice, agent=None, amount="50", reason="trop")
    issue_credit(invoice, agent=None, amount="22.50", reason="geste")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED


def test_invoice_pdf_carries_the_mentions(client):
    office, _activity, session = canteen_setup()
    household, _kids, regs = registered_family(session, children=1)
    attend(regs[0], MARCH_DAYS)
    invoice = issue_monthly_invoices(office, MARCH, issued_on=APRIL_2).created[0]
    client.force_login(household.primary_user)
    response = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    content = pdf_text(b"".join(response.streaming_content))
    for mention in (f"facture n° {invoice.number}", "Avis des sommes à payer", "2 avril 2026", invoice.payer_name,
                    "8 rue des Lilas", "du 1 mars 2026 au 31 mars 2026", "Régie enfance-jeunesse",
                    "régisseur : Martine Dupuis", "12,50", "QF 501 à 1000", "Quotient familial 851",
                    "À payer avant le 2 mai 2026", "PayFiP", "Régie enfance-jeunesse — Trésor public",
                    "L1617-5", "deux mois", "Service de gestion comptable", "256 B"):
        assert mention.replace(",", ".") in content or mention in content, mention
    again = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.pdf_id and b"".join(again.streaming_content)  # rendered once, kept


def test_family_sees_its_invoices_and_is_told_by_email(client, mailbox, django_capture_on_commit_callbacks):
    office, _activity, session = canteen_setup()
    household, _kids, regs = registered_family(session, children=1)
    attend(regs[0], MARCH_DAYS)
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue_monthly_invoices(office, MARCH, issued_on=APRIL_2).created[0]
    message = mailbox.wait_for(1)[0]
    assert invoice.number in message["Subject"] and "12,50 €" in body_text(message)
    client.force_login(household.primary_user)
    page = text(client.get(reverse("billing:home")))
    assert invoice.number in page and "À payer" in page and "Payer en ligne par carte" in page
    detail = text(client.get(reverse("billing:invoice", args=[invoice.pk])))
    assert "Reste à payer" in detail and "QF 501 à 1000" in detail


def test_another_familys_invoice_answers_404(client):
    invoice = simple_invoice()
    client.force_login(make_household().primary_user)
    assert client.get(reverse("billing:invoice", args=[invoice.pk])).status_code == 404
    assert client.get(reverse("billing:invoice_pdf", args=[invoice.pk])).status_code == 404


def test_command_dry_run_then_run(capsys):
    office, _activity, session = canteen_setup()
    _household, _kids, regs = registered_family(session, children=1)
    attend(regs[0], MARCH_DAYS)
    call_command("issue_monthly_invoices", "--regie", office.code, "--mois", "2026-03", "--dry-run")
    assert "Rien n'a été écrit" in capsys.readouterr().out and not Invoice.objects.exists()
    call_command("issue_monthly_invoices", "--regie", office.code, "--mois", "2026-03")
    assert "1 facture(s) émise(s) pour 12,50 €" in capsys.readouterr().out
    call_command("issue_monthly_invoices", "--regie", office.code, "--mois", "2026-03")
    assert "0 facture(s) émise(s)" in capsys.readouterr().out and Invoice.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("issue_monthly_invoices", "--regie", office.code, "--mois", "mars")
    with pytest.raises(CommandError):
        call_command("issue_monthly_invoices", "--regie", "inconnue", "--mois", "2026-03")
