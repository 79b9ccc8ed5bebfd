"""The family desk and cash office of the Admiville demo: `load_families_demo()`, run after `load_demo()`.

What it shows: every activity (school enrolment, canteen, morning and evening care, Wednesdays, holiday weeks,
crèche) with registered children; a full holiday week and a full crèche with families on the waiting list; two
months of attendance invoiced, some invoices paid (online through the fake bank, at the counter) and some not;
quotients from API Particulier and from a certificate waiting for an agent.

Idempotent: rows are found by stable keys (codes, slugs, emails, names) and registrations, attendance,
invoices and payments are only added when missing. Dates follow today's date (the current school year, the
two previous months), so the demo stays alive.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from parvis.cases.deadlines import add_months, is_working_day
from parvis.families import registrations, services
from parvis.families.models import (
    OPEN,
    Activity,
    ActivitySession,
    Attendance,
    Child,
    FamilyQuotient,
    HouseholdMember,
    MemberStatus,
    Registration,
    School,
    SupportingDocument,
    TariffBracket,
    TariffGrid,
)

DEPARTMENT_SLUG = "guichet-unique"
CASH_OFFICE_CODE = "enf"

EXTRA_RESIDENTS = [
    {"email": "nadia.belkacem@example.org", "civility": "mme", "first_name": "Nadia", "last_name": "Belkacem",
     "street": "15 rue Victor-Hugo", "postcode": "99100", "city": "Admiville", "phone": "06 22 33 44 55",
     "description": "Usagère (deux enfants, centre de loisirs et crèche)"},
    {"email": "julien.moreau@example.org", "civility": "m", "first_name": "Julien", "last_name": "Moreau",
     "street": "2 chemin des Vignes", "postcode": "99200", "city": "Villeneuve", "phone": "06 77 88 99 00",
     "description": "Usager hors commune (liste d'attente du centre de loisirs)"},
]

# (first name, birth date, school, class, menu, food allergy, care plan)
FAMILIES = {
    "camille.durand@example.org": {
        "relationship": "mère", "caf": ("1234567", 851),
        "children": [("Léa", "2017-05-14", "jules-ferry", "CM1", "standard", False, False),
                     ("Hugo", "2021-02-03", "jules-ferry", "GS", "sans_porc", True, True)],
        "documents": ["proof_of_address", "family_record_book"],
        "registrations": {"Léa": ["cantine", "soir", "mercredi", "vacances-1"],
                          "Hugo": ["cantine", "matin", "vacances-1"]},
    },
    "karim.haddad@example.org": {
        "relationship": "père", "certificate": True,
        "children": [("Yanis", "2019-10-21", "louise-michel", "CE1", "sans_viande", False, False),
                     ("Inès", None, None, "", "standard", False, False)],
        "documents": ["proof_of_address", "family_record_book"],
        "registrations": {"Yanis": ["inscription-louise-michel", "cantine"], "Inès": ["creche"]},
    },
    "nadia.belkacem@example.org": {
        "relationship": "mère", "quotient": 420,
        "children": [("Sami", "2018-03-09", "jules-ferry", "CE2", "sans_porc", False, False),
                     ("Lina", "2020-11-30", "jules-ferry", "CP", "standard", False, False),
                     ("Adam", None, None, "", "standard", False, False)],
        "documents": ["proof_of_address", "family_record_book"],
        "registrations": {"Sami": ["cantine", "mercredi", "vacances-1"], "Lina": ["cantine", "vacances-1"],
                          "Adam": ["creche"]},
    },
    "julien.moreau@example.org": {
        "relationship": "père",
        "children": [("Chloé", "2018-08-17", "louise-michel", "CE2", "standard", False, False)],
        "documents": [],
        "registrations": {"Chloé": ["vacances-1", "vacances-2"]},
    },
}


def _school_year(today):
    start_year = today.year if today.month >= 8 else today.year - 1
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 7, 3), f"Année scolaire {start_year}-{start_year + 1}"


def _next_monday(day):
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 or 7)


def _upsert(model, lookup, values, report):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        report[f"{model._meta.verbose_name_plural} créé(s)"] += 1
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return obj


def _grid(activity, brackets, non_resident, report, valid_from=dt.date(2024, 9, 1)):
    grid = TariffGrid.objects.filter(activity=activity, valid_from=valid_from).first()
    if grid is None:
        grid = TariffGrid.objects.create(activity=activity, valid_from=valid_from,
                                         non_resident_price=Decimal(non_resident),
                                         council_decision="Délibération du conseil municipal du 27 juin 2024")
        for low, high, price in brackets:
            TariffBracket.objects.create(grid=grid, qf_min=low, qf_max=high, price=Decimal(price))
        report["grilles tarifaires créées"] += 1
    return grid


def _activities(department, office, schools, report):
    levels = ["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"]
    base = {"department": department, "is_active": True}
    definitions = {
        "inscription-louise-michel": dict(
            name="Inscription scolaire — École Louise-Michel (secteur Nord)", kind="school", billing_mode="free",
            school=schools["louise-michel"], school_levels=levels, residents_only=True, sort_order=10,
            required_documents=["proof_of_address", "family_record_book"], cash_office=None,
            description="Pour les enfants qui habitent le secteur Nord. Le guichet unique vérifie le secteur avec "
                        "votre justificatif de domicile, puis transmet l'inscription à la direction de l'école."),
        "cantine": dict(name="Restauration scolaire", kind="canteen", billing_mode="per_attendance",
                        school_levels=levels, sort_order=20, cash_office=office,
                        required_documents=["proof_of_address"],
                        description="Déjeuner dans les écoles de la commune, facturé au repas pris selon votre "
                                    "quotient familial. Menus : standard, sans porc, sans viande."),
        "matin": dict(name="Accueil périscolaire du matin", kind="morning_care", billing_mode="per_attendance",
                      school_levels=levels, sort_order=30, cash_office=office,
                      description="De 7 h 30 à 8 h 20 dans l'école de votre enfant."),
        "soir": dict(name="Accueil périscolaire du soir", kind="evening_care", billing_mode="per_attendance",
                     school_levels=levels, sort_order=40, cash_office=office,
                     description="De 16 h 30 à 18 h 30, avec goûter et aide aux devoirs."),
        "mercredi": dict(name="Accueil de loisirs du mercredi", kind="wednesday", billing_mode="per_attendance",
                         min_age_months=36, max_age_months=143, sort_order=50, cash_office=office,
                         description="La journée du mercredi au centre de loisirs Les Tilleuls, de 3 à 11 ans."),
        "vacances": dict(name="Centre de loisirs des vacances", kind="holiday", billing_mode="per_session",
                         min_age_months=36, max_age_months=143, sort_order=60, cash_office=office,
                         offer_hold_hours=48,
                         description="À la semaine, pendant les vacances scolaires, de 3 à 11 ans."),
        "creche": dict(name="Crèche Les Petits Pas", kind="creche", billing_mode="monthly", min_age_months=2,
                       max_age_months=36, residents_only=True, sort_order=70, cash_office=office,
                       required_documents=["proof_of_address", "family_record_book"],
                       description="Accueil régulier des enfants de 10 semaines à 3 ans. Forfait mensuel selon le "
                                   "quotient familial."),
    }
    activities = {slug: _upsert(Activity, {"slug": slug}, {**base, **values}, report)
                  for slug, values in definitions.items()}
    _grid(activities["cantine"], [(0, 450, "1.10"), (451, 900, "2.60"), (901, 1400, "3.90"), (1401, None, "4.80")],
          "6.20", report)
    _grid(activities["matin"], [(0, 450, "0.60"), (451, 900, "1.20"), (901, None, "1.80")], "2.40", report)
    _grid(activities["soir"], [(0, 450, "1.00"), (451, 900, "2.00"), (901, None, "3.00")], "3.80", report)
    _grid(activities["mercredi"], [(0, 450, "4.00"), (451, 900, "8.50"), (901, None, "13.00")], "18.00", report)
    _grid(activities["vacances"], [(0, 450, "25.00"), (451, 900, "48.00"), (901, None, "70.00")], "95.00", report)
    _grid(activities["creche"], [(0, 450, "95.00"), (451, 900, "240.00"), (901, None, "410.00")], "520.00", report)
    return activities


def _sessions(activities, months, report):
    now = timezone.now()
    today = timezone.localdate()
    year_start, year_end, year_label = _school_year(today)
    year_start = min(year_start, months[0])  # early in the year, the demo still has two months to invoice
    opens, closes = now - dt.timedelta(days=90), now + dt.timedelta(days=60)
    window = {"registration_opens_at": opens, "registration_closes_at": closes}
    sessions = {}
    for slug, weekdays, capacity in (("inscription-louise-michel", [0, 1, 3, 4], 120), ("cantine", [0, 1, 3, 4], 180),
                                     ("matin", [0, 1, 3, 4], 40), ("soir", [0, 1, 3, 4], 60),
                                     ("mercredi", [2], 48), ("creche", [0, 1, 2, 3, 4], 2)):
        sessions[slug] = _upsert(ActivitySession, {"activity": activities[slug], "label": year_label}, {
            "starts_on": year_start, "ends_on": year_end, "weekdays": weekdays, "capacity": capacity, **window},
            report)
    first_week = _next_monday(today + dt.timedelta(days=21))
    for index, monday in enumerate((first_week, first_week + dt.timedelta(days=7)), start=1):
        sessions[f"vacances-{index}"] = _upsert(
            ActivitySession, {"activity": activities["vacances"], "label": f"Semaine du {monday:%d/%m/%Y}"},
            {"starts_on": monday, "ends_on": monday + dt.timedelta(days=4), "weekdays": [0, 1, 2, 3, 4],
             "capacity": 4, "registration_opens_at": opens,
             "registration_closes_at": timezone.make_aware(dt.datetime.combine(monday - dt.timedelta(days=3),
                                                                               dt.time(23, 59)))}, report)
    return sessions


def _user(values, report):
    from parvis.accounts.models import User
    from parvis.demo import data

    user = User.objects.filter(email=values["email"]).first()
    if user is None:
        fields = {k: v for k, v in values.items() if k not in ("email", "description")}
        user = User.objects.create_user(values["email"], data.DEMO_PASSWORD, email_verified_at=timezone.now(),
                                        **fields)
        report["usagers créés"] += 1
    return user


_PDF = b"%PDF-1.4\n% Document de demonstration\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _household(user, spec, schools, report):
    from parvis.families.access import household_of

    household = household_of(user)
    if household is None:
        household = services.create_household(user, street=user.street, postcode=user.postcode, city=user.city,
                                              relationship=spec["relationship"])
        report["foyers créés"] += 1
    today = timezone.localdate()
    children = {}
    for first, birth, school, level, menu, allergy, care_plan in spec["children"]:
        child = Child.objects.filter(household=household, first_name=first, is_active=True).first()
        if child is None:
            birth_date = dt.date.fromisoformat(birth) if birth else add_months(today, -14)
            child = services.add_child(household, actor=user, first_name=first, last_name=user.last_name,
                                       birth_date=birth_date, school=schools.get(school), school_level=level,
                                       menu=menu, has_food_allergy=allergy, has_care_plan=care_plan)
            report["enfants créés"] += 1
        children[first] = child
    for kind in spec["documents"]:
        if not SupportingDocument.objects.filter(household=household, kind=kind).exists():
            document = services.add_document(
                household, kind=kind, document_date=today - dt.timedelta(days=20),
                upload=SimpleUploadedFile(f"{kind}.pdf", _PDF), content_type="application/pdf", actor=user)
            services.validate_document(document, agent=None)
            report["justificatifs créés"] += 1
    return household, children


def _quotient(household, spec, report):
    if household.quotients.exists():
        return
    today = timezone.localdate()
    reference = add_months(today.replace(day=1), -2)
    from parvis.families.rules import quotient_valid_until

    if "caf" in spec:
        number, value = spec["caf"]
        FamilyQuotient.objects.create(household=household, value=value, source="api_particulier", provider="CAF",
                                      reference_month=reference, valid_until=quotient_valid_until(reference),
                                      obtained_at=timezone.now() - dt.timedelta(days=75))
        household.caf_number = number
        household.save(update_fields=["caf_number"])
    elif "quotient" in spec:
        FamilyQuotient.objects.create(household=household, value=spec["quotient"], source="document",
                                      reference_month=reference, valid_until=quotient_valid_until(reference),
                                      obtained_at=timezone.now() - dt.timedelta(days=75))
    if spec.get("certificate") and not household.documents.filter(kind="quotient_certificate").exists():
        services.add_document(household, kind="quotient_certificate", document_date=today - dt.timedelta(days=5),
                              upload=SimpleUploadedFile("attestation-caf.pdf", _PDF),
                              content_type="application/pdf", actor=household.primary_user)  # left for an agent
    report["quotients"] += 1


def _register(children, spec, sessions, report):
    for first, slugs in spec["registrations"].items():
        child = children[first]
        for slug in slugs:
            session = sessions[slug]
            if Registration.objects.filter(session=session, child=child, status__in=OPEN).exists():
                continue
            try:
                registrations.register_child(child=child, session=session, actor=child.household.primary_user)
                report["inscriptions"] += 1
            except services.FamilyError as error:
                report[f"inscription refusée : {error.message[:80]}"] += 1


def _attendance(sessions, months, report):
    for slug in ("cantine", "matin", "soir", "mercredi"):
        session = sessions[slug]
        holders = list(Registration.objects.filter(session=session, status="confirmed"))
        for month_start in months:
            day = month_start
            while day.month == month_start.month:
                if (day.weekday() in session.weekdays and is_working_day(day)
                        and session.starts_on <= day <= session.ends_on):
                    for index, registration in enumerate(holders):
                        present = (day.day + index) % 9 != 0  # a few absences
                        _obj, created = Attendance.objects.get_or_create(
                            registration=registration, day=day, defaults={"present": present})
                        report["présences"] += int(created)
                day += dt.timedelta(days=1)


def _backdate_confirmation(sessions, months):
    """The demo's registrations are made today; the months invoiced are earlier: date them from the start."""
    start = timezone.make_aware(dt.datetime.combine(months[0], dt.time(9)))
    for slug in ("cantine", "matin", "soir", "mercredi", "creche", "inscription-louise-michel"):
        Registration.objects.filter(session=sessions[slug], confirmed_at__gt=start).update(
            confirmed_at=start, requested_at=start)


def _invoices_and_payments(office, months, report):
    from parvis.billing import gateway, payments
    from parvis.billing.invoicing import issue_monthly_invoices
    from parvis.billing.models import Invoice, InvoiceStatus

    for month_start in months:
        issued_on = add_months(month_start, 1) + dt.timedelta(days=1)
        created = issue_monthly_invoices(office, month_start, issued_on=issued_on).created
        report["factures émises"] += len(created)
    first_month = months[0]
    for invoice in Invoice.objects.filter(cash_office=office, period_start=first_month, status=InvoiceStatus.ISSUED):
        user = invoice.household.primary_user
        if invoice.allocations.exists():
            continue
        if user.email == "camille.durand@example.org":
            tx, _kind, _url = payments.start_online_payment(
                user=user, household=invoice.household, invoices=[invoice],
                return_url="http://127.0.0.1:8000/paiements/banque/enf/retour/",
                notify_url="http://127.0.0.1:8000/paiements/banque/enf/notification/")
            query = gateway.dummy_bank_query(transaction_id=tx.bank_transaction_id, amount=str(tx.amount),
                                             outcome="paid")
            payments.handle_bank_response(office, query, channel="callback", remote_addr="127.0.0.1")
            report["paiements en ligne"] += 1
        elif user.email == "nadia.belkacem@example.org":
            payments.record_counter_payment(cash_office=office, household=invoice.household, amount=invoice.outstanding,
                                            method="cheque", reference="Chèque n° 0001234", agent=None,
                                            invoices=[invoice])
            report["paiements au guichet"] += 1
        elif user.email == "karim.haddad@example.org" and invoice.outstanding > 20:
            payments.record_counter_payment(cash_office=office, household=invoice.household, amount=Decimal("20"),
                                            method="cash", agent=None, invoices=[invoice])
            report["paiements au guichet"] += 1


def load_families_demo(report: Counter | None = None) -> Counter:
    """Loads the family desk's demo; returns a Counter of what was created. Needs `load_demo()` first."""
    from parvis.billing.models import CashOffice
    from parvis.organisation.models import Department

    report = report if report is not None else Counter()
    department = Department.objects.filter(slug=DEPARTMENT_SLUG).first()
    if department is None:
        raise RuntimeError("Le service « guichet-unique » manque : lancez d'abord load_demo().")
    with transaction.atomic():
        office = _upsert(CashOffice, {"code": CASH_OFFICE_CODE}, {
            "department": department, "name": "Régie enfance-jeunesse", "manager_name": "Martine Dupuis",
            "street": "12 rue des Écoles", "postcode": "99100", "city": "Admiville", "phone": "01 23 45 67 31",
            "email": "regie.enfance@admiville.fr",
            "opening_hours": "Lundi, mardi, jeudi, vendredi : 8 h 30 – 12 h et 13 h 30 – 17 h\n"
                             "Mercredi : 8 h 30 – 18 h 30",
            "cheque_payee": "Régie enfance-jeunesse d'Admiville — Trésor public", "accepts_cesu": True,
            "public_accountant": "Service de gestion comptable d'Admiville, 3 rue du Trésor, 99100 Admiville",
            "vat_mention": "TVA non applicable (article 256 B du code général des impôts).",
            # Demo: eopayment's dummy backend and the local fake bank. Production: "payfip_ws" with
            # {"numcli": "<6 digits from the DGFiP>", "saisie": "W"} (docs/cash-office-guide.md).
            "payment_backend": "dummy", "payment_options": {"dummy_service_url": "/paiements/banque-fictive/"},
            "is_active": True}, report)
        schools = {
            "jules-ferry": _upsert(School, {"name": "École Jules-Ferry"}, {"sector": "Centre",
                                                                          "street": "4 rue Jules-Ferry"}, report),
            "louise-michel": _upsert(School, {"name": "École Louise-Michel"}, {"sector": "Nord",
                                                                              "street": "30 avenue de la Gare"},
                                     report),
        }
        activities = _activities(department, office, schools, report)
        today = timezone.localdate()
        months = [add_months(today.replace(day=1), -2), add_months(today.replace(day=1), -1)]
        sessions = _sessions(activities, months, report)
        for values in EXTRA_RESIDENTS:
            _user(values, report)
        from parvis.accounts.models import User

        for email, spec in FAMILIES.items():
            user = User.objects.filter(email=email).first()
            if user is None:
                continue
            household, children = _household(user, spec, schools, report)
            _quotient(household, spec, report)
            _register(children, spec, sessions, report)
        _backdate_confirmation(sessions, months)
        _attendance(sessions, months, report)
        _invoices_and_payments(office, months, report)
    return report


def demo_members():
    """The demo families' adults (for the list of demo accounts)."""
    return HouseholdMember.objects.filter(status=MemberStatus.ACTIVE, user__email__in=list(FAMILIES)).select_related(
        "user")
