"""The family desk's agents (/famille/agents/): lists per activity and period with places and waiting lists,
attendance sheets, exports, supporting documents to check, families' files and registration at the counter."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from parvis.cases.deadlines import is_working_day
from parvis.families import access, exports, quotient, registrations, services
from parvis.families.forms import (
    CancelForm,
    CapacityForm,
    ChildForm,
    CounterHouseholdForm,
    CounterRegistrationForm,
    DocumentDecisionForm,
    HouseholdSearchForm,
    QuotientFromDocumentForm,
)
from parvis.families.models import (
    HOLDING,
    OPEN,
    Attendance,
    DocumentKind,
    DocumentStatus,
    Household,
    MemberStatus,
    Registration,
    RegistrationStatus,
    SupportingDocument,
)
from parvis.files.downloads import file_response
from parvis.privacy.models import AccessAction
from parvis.privacy.services import log_access


def _crumbs(*items):
    return [(str(label), url) for label, url in items]


def _home():
    return ("Guichet unique", reverse("families:agent_home"))


@access.require_family_agent
def agent_home(request):
    sessions = list(
        access.sessions_for_agent(request.user).select_related("activity")
        .annotate(confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
                  offered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.OFFERED)),
                  waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)))
        .order_by("activity__sort_order", "activity__name", "starts_on"))
    return render(request, "families/agents/home.html", {
        "sessions": sessions, "now": timezone.now(),
        "pending_documents": SupportingDocument.objects.filter(status=DocumentStatus.PENDING).count(),
        "search_form": HouseholdSearchForm(),
        "breadcrumbs": _crumbs(("Guichet unique", None))})


def _session_rows(session):
    holders = list(session.registrations.filter(status__in=HOLDING).select_related(
        "child__school", "household").prefetch_related("household__members__user", "child__contacts")
        .order_by("child__last_name", "child__first_name"))
    waiting = list(registrations.waiting_list(session).select_related("child__school", "household")
                   .prefetch_related("household__members__user", "child__contacts"))
    return holders, waiting


@access.require_family_agent
def session_detail(request, session_id):
    session = access.get_session_for_agent(request.user, session_id, request=request)
    holders, waiting = _session_rows(session)
    log_access(request.user, AccessAction.VIEW, detail=f"liste des inscrits : {session}"[:300], request=request,
               count=len(holders) + len(waiting))
    return render(request, "families/agents/session.html", {
        "session": session, "holders": holders, "waiting": list(enumerate(waiting, start=1)),
        "capacity_form": CapacityForm(initial={"capacity": session.capacity}), "now": timezone.now(),
        "breadcrumbs": _crumbs(_home(), (str(session), None))})


@access.require_family_agent
def session_export(request, session_id, fmt):
    if fmt not in exports.WRITERS:
        raise Http404
    session = access.get_session_for_agent(request.user, session_id, request=request)
    holders, waiting = _session_rows(session)
    rows = [(registration, None) for registration in holders] + [
        (registration, rank) for rank, registration in enumerate(waiting, start=1)]
    log_access(request.user, AccessAction.EXPORT, detail=f"export {fmt} des inscrits : {session}"[:300],
               request=request, count=len(rows))
    return exports.registrations_export(session, fmt, rows)


@access.require_family_agent
@require_POST
def session_capacity(request, session_id):
    session = access.get_session_for_agent(request.user, session_id, request=request)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            offered = registrations.set_capacity(session, form.cleaned_data["capacity"], agent=request.user)
            text = f"Nombre de places : {form.cleaned_data['capacity']}."
            if offered:
                text += f" {len(offered)} place(s) proposée(s) aux familles en liste d'attente."
            messages.success(request, text)
        except services.FamilyError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "Indiquez un nombre de places.")
    return redirect("families:agent_session", session.pk)


@access.require_family_agent
def registration_cancel(request, registration_id):
    registration = access.get_registration_for_agent(request.user, registration_id, request=request)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registrations.cancel_registration(registration, actor=request.user, channel="counter",
                                              reason=form.cleaned_data["reason"])
            messages.success(request, f"Inscription de {registration.child.first_name} annulée.")
        except services.FamilyError as error:
            messages.error(request, error.message)
        return redirect("families:agent_session", registration.session_id)
    return render(request, "families/agents/registration_cancel.html", {
        "registration": registration, "form": form,
        "breadcrumbs": _crumbs(_home(), (str(registration.session), reverse(
            "families:agent_session", args=[registration.session_id])), ("Annuler une inscription", None))})


def _days(session):
    day = session.starts_on
    while day <= session.ends_on:
        if day.weekday() in (session.weekdays or []) and is_working_day(day):
            yield day
        day += dt.timedelta(days=1)


def _parse_day(session, value):
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        day = None
    days = list(_days(session))
    if day is None:
        past = [d for d in days if d <= today]
        day = past[-1] if past else (days[0] if days else session.starts_on)
    return day, days


@access.require_family_agent
def attendance(request, session_id):
    session = access.get_session_for_agent(request.user, session_id, request=request)
    day, days = _parse_day(session, request.GET.get("jour") or request.POST.get("jour"))
    problem = ""
    if day not in days:
        problem = "Ce jour n'est pas un jour d'ouverture de l'activité."
    elif day > timezone.localdate():
        problem = "Les présences d'un jour à venir ne peuvent pas encore être saisies."
    registrations_list = list(session.registrations.filter(
        Q(status=RegistrationStatus.CONFIRMED) | Q(attendances__day=day)).distinct().select_related("child")
        .order_by("child__last_name", "child__first_name"))
    recorded = {a.registration_id: a.present for a in Attendance.objects.filter(
        registration__in=registrations_list, day=day)}
    rows = [{"registration": r, "present": recorded.get(r.pk)} for r in registrations_list]
    if request.method == "POST" and not problem:
        for row in rows:
            present = request.POST.get(f"present-{row['registration'].pk}") == "on"
            Attendance.objects.update_or_create(registration=row["registration"], day=day,
                                                defaults={"present": present, "recorded_by": request.user})
        messages.success(request, f"Présences du {day:%d/%m/%Y} enregistrées.")
        return redirect(f"{reverse('families:agent_attendance', args=[session.pk])}?jour={day.isoformat()}")
    fmt = request.GET.get("format")
    if fmt in exports.WRITERS:
        log_access(request.user, AccessAction.EXPORT, detail=f"feuille de présence {day:%d/%m/%Y} : {session}"[:300],
                   request=request, count=len(rows))
        return exports.attendance_export(session, day, rows, fmt)
    return render(request, "families/agents/attendance.html", {
        "session": session, "day": day, "days": days, "rows": rows, "problem": problem,
        "breadcrumbs": _crumbs(_home(), (str(session), reverse("families:agent_session", args=[session.pk])),
                               ("Feuille de présence", None))})


@access.require_family_agent
def documents_queue(request):
    documents = list(SupportingDocument.objects.filter(status=DocumentStatus.PENDING).select_related(
        "household").prefetch_related("household__members__user").order_by("uploaded_at", "pk")[:200])
    return render(request, "families/agents/documents.html", {
        "documents": documents, "breadcrumbs": _crumbs(_home(), ("Pièces à vérifier", None))})


@access.require_family_agent
def document_check(request, document_id):
    document = access.get_document_for_agent(request.user, document_id, request=request)
    is_quotient = document.kind == DocumentKind.QUOTIENT_CERTIFICATE
    form = DocumentDecisionForm(request.POST or None, prefix="decision")
    quotient_form = QuotientFromDocumentForm(request.POST or None, prefix="qf") if is_quotient else None
    if request.method == "POST":
        decision_ok = form.is_valid()
        accept = decision_ok and form.cleaned_data["decision"] == "valid"
        if decision_ok and accept and is_quotient and not quotient_form.is_valid():
            decision_ok = False
        if decision_ok:
            try:
                if not accept:
                    services.reject_document(document, agent=request.user,
                                             reason=services.REJECTION_REASONS[form.cleaned_data["reason"]])
                    messages.success(request, "Pièce refusée : la famille voit le motif dans son espace.")
                elif is_quotient:
                    quotient.record_from_document(document, value=quotient_form.cleaned_data["value"],
                                                  reference_month=quotient_form.cleaned_data["reference_month"],
                                                  agent=request.user)
                    messages.success(request, "Quotient familial enregistré.")
                else:
                    services.validate_document(document, agent=request.user,
                                               valid_until=form.cleaned_data["valid_until"])
                    messages.success(request, "Pièce vérifiée.")
                return redirect("families:agent_documents")
            except services.FamilyError as error:
                form.add_error(None, error.message)
    return render(request, "families/agents/document.html", {
        "document": document, "form": form, "quotient_form": quotient_form, "today": timezone.localdate(),
        "breadcrumbs": _crumbs(_home(), ("Pièces à vérifier", reverse("families:agent_documents")),
                               (document.get_kind_display(), None))})


@access.require_family_agent
def document_download(request, document_id):
    document = access.get_document_for_agent(request.user, document_id, request=request,
                                             action=AccessAction.DOWNLOAD)
    return file_response(document.file, inline=True)


@access.require_family_agent
def households(request):
    form = HouseholdSearchForm(request.GET or None)
    results = []
    if form.is_valid() and form.cleaned_data["q"].strip():
        q = form.cleaned_data["q"].strip()
        results = list(Household.objects.filter(
            Q(members__status=MemberStatus.ACTIVE)
            & (Q(members__user__last_name__icontains=q) | Q(members__user__first_name__icontains=q)
               | Q(members__user__email__icontains=q) | Q(children__last_name__icontains=q)))
            .distinct().prefetch_related("members__user", "children")[:50])
    return render(request, "families/agents/households.html", {
        "form": form, "results": results, "searched": form.is_valid() and bool(form.cleaned_data["q"].strip()),
        "breadcrumbs": _crumbs(_home(), ("Familles", None))})


@access.require_family_agent
def household_detail(request, household_id):
    household = access.get_household_for_agent(request.user, household_id, request=request)
    sessions = access.sessions_for_agent(request.user).filter(
        activity__is_active=True, registration_closes_at__gte=timezone.now()).select_related("activity")
    form = CounterRegistrationForm(request.POST or None, household=household, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = registrations.register_child(child=form.cleaned_data["child"],
                                                   session=form.cleaned_data["session"], actor=request.user,
                                                   channel="counter")
            if outcome.rank is None:
                messages.success(request, f"{outcome.registration.child.first_name} est inscrit(e).")
            else:
                messages.success(request, f"{outcome.registration.child.first_name} est en liste d'attente, rang "
                                          f"{outcome.rank}.")
            return redirect("families:agent_household", household.pk)
        except services.FamilyError as error:
            for problem in getattr(error, "problems", [error.message]):
                form.add_error(None, problem)
    children = list(household.children.filter(is_active=True).select_related("school").prefetch_related("contacts"))
    regs = list(Registration.objects.filter(household=household).select_related("session__activity", "child")
                .order_by("-requested_at")[:50])
    from parvis.billing.access import is_cash_agent

    return render(request, "families/agents/household.html", {
        "household": household, "members": [m for m in household.members.all() if m.status != MemberStatus.ENDED],
        "children": children, "rows": [{"registration": r, "rank": registrations.waiting_rank(r)} for r in regs],
        "documents": list(household.documents.all()), "quotients": list(household.quotients.all()[:10]),
        "current_quotient": quotient.current_quotient(household), "events": list(household.events.all()[:30]),
        "form": form, "today": timezone.localdate(), "open_statuses": OPEN,
        "is_cash_agent": is_cash_agent(request.user),
        "breadcrumbs": _crumbs(_home(), ("Familles", reverse("families:agent_households")),
                               (f"Foyer n° {household.pk}", None))})


@access.require_family_agent
def household_create(request):
    """A family without an account (or without internet) at the counter: its adult and address."""
    from parvis.accounts.models import User

    form = CounterHouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        email = User.objects.normalize_email_address(data["email"])
        user = User.objects.filter(email=email).first() if email else None
        try:
            if user is None:
                user = User.objects.create_user(email, None, first_name=data["first_name"],
                                                last_name=data["last_name"], phone=data["phone"],
                                                street=data["street"], postcode=data["postcode"], city=data["city"])
            household = services.create_household(user, street=data["street"], postcode=data["postcode"],
                                                  city=data["city"], relationship=data["relationship"],
                                                  channel="counter", actor=request.user)
            messages.success(request, "Foyer créé. Ajoutez maintenant les enfants.")
            return redirect("families:agent_child_add", household.pk)
        except services.FamilyError as error:
            form.add_error("email", error.message + " Recherchez la famille.")
    return render(request, "families/agents/household_form.html", {
        "form": form, "breadcrumbs": _crumbs(_home(), ("Familles", reverse("families:agent_households")),
                                             ("Nouvelle famille", None))})


@access.require_family_agent
def child_add(request, household_id):
    household = access.get_household_for_agent(request.user, household_id, request=request)
    primary = household.primary_user
    form = ChildForm(request.POST or None, initial={"last_name": primary.last_name if primary else ""})
    if request.method == "POST" and form.is_valid():
        child = services.add_child(household, actor=request.user, channel="counter", **form.cleaned_data)
        messages.success(request, f"{child.first_name} ajouté(e) au foyer.")
        return redirect("families:agent_household", household.pk)
    return render(request, "families/agents/child_form.html", {
        "form": form, "household": household,
        "breadcrumbs": _crumbs(_home(), (f"Foyer n° {household.pk}", reverse("families:agent_household",
                                                                             args=[household.pk])),
                               ("Ajouter un enfant", None))})
