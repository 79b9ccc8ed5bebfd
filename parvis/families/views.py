"""The families' pages (/famille/): household, children, documents, quotient, activities and registrations.

Every object is reached through `parvis.families.access` (another family's id answers 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from parvis.families import access, quotient, registrations, services
from parvis.families.forms import (
    ChildForm,
    ContactForm,
    DocumentForm,
    HouseholdForm,
    InvitationForm,
    QuotientCafForm,
    RegistrationForm,
)
from parvis.families.models import (
    HOLDING,
    OPEN,
    ActivitySession,
    DocumentKind,
    MemberRole,
    MemberStatus,
    RegistrationStatus,
)
from parvis.files.downloads import file_response


def _crumbs(*items):
    return [(str(label), url) for label, url in items]


def _home_crumb():
    return ("Ma famille", reverse("families:home"))


def _household_or_redirect(request):
    household = access.household_of(request.user)
    if household is None:
        messages.info(request, "Commencez par indiquer votre adresse : elle crée votre espace famille.")
    return household


def _rows(registrations_list):
    rows = []
    for registration in registrations_list:
        rows.append({"registration": registration, "rank": registrations.waiting_rank(registration)})
    return rows


@login_required
def home(request):
    household = access.household_of(request.user)
    if household is None:
        return render(request, "families/welcome.html", {"breadcrumbs": _crumbs(("Ma famille", None))})
    children = list(household.children.filter(is_active=True).select_related("school"))
    open_registrations = list(household.registrations.filter(status__in=OPEN).select_related(
        "session__activity", "child").order_by("child__birth_date", "session__starts_on"))
    documents = list(household.documents.all()[:30])
    today = timezone.localdate()
    from parvis.billing.access import unpaid_summary

    context = {
        "household": household,
        "members": [member for member in household.members.all() if member.status != MemberStatus.ENDED],
        "children": children,
        "rows": _rows(open_registrations),
        "documents": documents,
        "today": today,
        "quotient": quotient.current_quotient(household),
        "unpaid": unpaid_summary(household),
        "open_sessions": ActivitySession.objects.filter(
            activity__is_active=True, registration_opens_at__lte=timezone.now(),
            registration_closes_at__gte=timezone.now()).count(),
        "breadcrumbs": _crumbs(("Ma famille", None)),
    }
    return render(request, "families/home.html", context)


@login_required
def household_edit(request):
    household = access.household_of(request.user)
    user = request.user
    if household is None:
        initial = {"street": user.street, "postcode": user.postcode, "city": user.city}
    else:
        member = next((m for m in household.active_members if m.user_id == user.pk), None)
        initial = {"street": household.street, "postcode": household.postcode, "city": household.city,
                   "relationship": member.relationship if member else ""}
    form = HouseholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if household is None:
                services.create_household(user, street=data["street"], postcode=data["postcode"], city=data["city"],
                                          relationship=data["relationship"])
                messages.success(request, "Votre espace famille est créé. Ajoutez maintenant vos enfants.")
                return redirect("families:child_add")
            services.update_address(household, street=data["street"], postcode=data["postcode"], city=data["city"],
                                    actor=user)
            household.members.filter(user=user, status=MemberStatus.ACTIVE).update(relationship=data["relationship"])
            messages.success(request, "Adresse enregistrée.")
            return redirect("families:home")
        except services.FamilyError as error:
            form.add_error(None, error.message)
    return render(request, "families/household_form.html", {
        "form": form, "household": household,
        "breadcrumbs": _crumbs(_home_crumb(), ("Adresse du foyer", None))})


@login_required
def child_add(request):
    household = _household_or_redirect(request)
    if household is None:
        return redirect("families:household")
    form = ChildForm(request.POST or None, initial={"last_name": request.user.last_name})
    if request.method == "POST" and form.is_valid():
        child = services.add_child(household, actor=request.user, **form.cleaned_data)
        messages.success(request, f"{child.first_name} fait partie de votre foyer.")
        return redirect("families:home")
    return render(request, "families/child_form.html", {
        "form": form, "breadcrumbs": _crumbs(_home_crumb(), ("Ajouter un enfant", None))})


@login_required
def child_edit(request, child_id):
    child = access.get_child_for_resident(request.user, child_id)
    form = ChildForm(request.POST or None, instance=child)
    if request.method == "POST" and form.is_valid():
        services.update_child(child, actor=request.user, **form.cleaned_data)
        messages.success(request, f"Les informations de {child.first_name} sont enregistrées.")
        return redirect("families:home")
    return render(request, "families/child_form.html", {
        "form": form, "child": child,
        "breadcrumbs": _crumbs(_home_crumb(), (child.first_name, None))})


@login_required
def child_remove(request, child_id):
    child = access.get_child_for_resident(request.user, child_id)
    error = ""
    if request.method == "POST":
        try:
            services.remove_child(child, actor=request.user)
            messages.success(request, f"{child.first_name} ne fait plus partie de votre foyer.")
            return redirect("families:home")
        except services.FamilyError as exc:
            error = exc.message
    return render(request, "families/child_remove.html", {
        "child": child, "error": error,
        "breadcrumbs": _crumbs(_home_crumb(), (f"Retirer {child.first_name}", None))})


@login_required
def child_contacts(request, child_id):
    child = access.get_child_for_resident(request.user, child_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_contact(child, actor=request.user, **form.cleaned_data)
        messages.success(request, "Personne ajoutée.")
        return redirect("families:child_contacts", child.pk)
    return render(request, "families/contacts.html", {
        "child": child, "contacts": list(child.contacts.all()), "form": form,
        "breadcrumbs": _crumbs(_home_crumb(), (f"Personnes autorisées pour {child.first_name}", None))})


@login_required
@require_POST
def contact_remove(request, child_id, contact_id):
    child = access.get_child_for_resident(request.user, child_id)
    contact = child.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    services.remove_contact(contact, actor=request.user)
    messages.success(request, f"{contact.name} a été retiré(e).")
    return redirect("families:child_contacts", child.pk)


@login_required
def documents(request):
    household = _household_or_redirect(request)
    if household is None:
        return redirect("families:household")
    kind = request.GET.get("piece")
    form = DocumentForm(request.POST or None, request.FILES or None,
                        initial={"kind": kind if kind in DocumentKind.values else DocumentKind.PROOF_OF_ADDRESS})
    if request.method == "POST" and form.is_valid():
        try:
            document = services.add_document(
                household, kind=form.cleaned_data["kind"], document_date=form.cleaned_data["document_date"],
                upload=form.cleaned_data["file"], content_type=form.content_type, actor=request.user)
            messages.success(request, f"{document.get_kind_display()} envoyé : un agent le vérifiera. Vous n'aurez "
                                      "pas à le renvoyer pour vos prochaines inscriptions tant qu'il est valable.")
            return redirect("families:documents")
        except services.FamilyError as error:
            form.add_error("document_date", error.message)
    return render(request, "families/documents.html", {
        "form": form, "documents": list(household.documents.all()), "today": timezone.localdate(),
        "breadcrumbs": _crumbs(_home_crumb(), ("Justificatifs", None))})


@login_required
def document_file(request, document_id):
    document = access.get_document_for_resident(request.user, document_id)
    return file_response(document.file)


@login_required
def sharing(request):
    household = _household_or_redirect(request)
    if household is None:
        return redirect("families:household")
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_co_guardian(household, inviter=request.user, email=form.cleaned_data["email"],
                                        relationship=form.cleaned_data["relationship"])
            messages.success(request, "Invitation envoyée. L'accès sera partagé quand l'autre parent l'aura acceptée.")
            return redirect("families:sharing")
        except services.FamilyError as error:
            form.add_error("email", error.message)
    members = [member for member in household.members.all() if member.status != MemberStatus.ENDED]
    return render(request, "families/sharing.html", {
        "form": form, "members": members, "household": household,
        "can_invite": not any(m.role == MemberRole.CO_GUARDIAN and m.status == MemberStatus.ACTIVE for m in members),
        "breadcrumbs": _crumbs(_home_crumb(), ("Partager l'accès", None))})


@login_required
@require_POST
def sharing_end(request, member_id):
    household = access.require_household(request.user)
    member = household.members.filter(pk=member_id).exclude(status=MemberStatus.ENDED).first()
    if member is None:
        raise Http404
    try:
        services.end_sharing(member, actor=request.user)
        messages.success(request, "Le partage de l'accès est terminé.")
    except services.FamilyError as error:
        messages.error(request, error.message)
    if member.user_id == request.user.pk:
        return redirect("families:home")
    return redirect("families:sharing")


@login_required
def invitation(request, token):
    member = services.invitation_for_token(token)
    if member is None:
        return render(request, "families/invitation_invalid.html", {}, status=404)
    error = ""
    if request.method == "POST":
        try:
            services.accept_invitation(member, user=request.user)
            messages.success(request, "Vous partagez désormais l'espace famille.")
            return redirect("families:home")
        except services.FamilyError as exc:
            error = exc.message
    return render(request, "families/invitation.html", {
        "member": member, "error": error, "breadcrumbs": _crumbs(("Invitation", None))})


@login_required
def quotient_page(request):
    household = _household_or_redirect(request)
    if household is None:
        return redirect("families:household")
    enabled = quotient.api_particulier_enabled()
    form = QuotientCafForm(request.POST or None, initial={"number": household.caf_number,
                                                          "postcode": household.postcode})
    if request.method == "POST" and enabled and form.is_valid():
        try:
            value = quotient.fetch_from_caf(household, number=form.cleaned_data["number"],
                                            postcode=form.cleaned_data["postcode"], actor=request.user)
            messages.success(request, f"Votre quotient familial ({value.value}) est enregistré : vos prochains tarifs "
                                      "en tiennent compte.")
            return redirect("families:quotient")
        except services.FamilyError as error:
            form.add_error(None, error.message)
    return render(request, "families/quotient.html", {
        "form": form, "enabled": enabled, "current": quotient.current_quotient(household),
        "history": list(household.quotients.all()[:5]),
        "pending_certificates": household.documents.filter(kind=DocumentKind.QUOTIENT_CERTIFICATE,
                                                           status="pending").count(),
        "breadcrumbs": _crumbs(_home_crumb(), ("Quotient familial", None))})


@login_required
def activities(request):
    household = access.household_of(request.user)
    now = timezone.now()
    sessions = list(
        ActivitySession.objects.filter(activity__is_active=True, registration_closes_at__gte=now)
        .select_related("activity", "activity__school")
        .annotate(taken=Count("registrations", filter=Q(registrations__status__in=HOLDING)),
                  waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)))
        .order_by("activity__sort_order", "starts_on"))
    for session in sessions:
        session.places_left = max(session.capacity - session.taken, 0)
        session.open_now = session.is_open(now)
    return render(request, "families/activities.html", {
        "sessions": sessions, "household": household,
        "breadcrumbs": _crumbs(_home_crumb(), ("Activités et inscriptions", None))})


@login_required
def register(request, session_id):
    household = _household_or_redirect(request)
    if household is None:
        return redirect("families:household")
    session = ActivitySession.objects.select_related("activity", "activity__school").filter(
        pk=session_id, activity__is_active=True).first()
    if session is None:
        raise Http404
    if request.method == "POST":
        for child_id in request.POST.getlist("children"):
            access.get_child_for_resident(request.user, child_id)  # another family's child: 404
    form = RegistrationForm(request.POST or None, household=household)
    outcomes, refusals = [], []
    if request.method == "POST" and form.is_valid():
        for child in form.cleaned_data["children"]:
            try:
                outcomes.append(registrations.register_child(child=child, session=session, actor=request.user))
            except services.FamilyError as error:
                refusals.append({"child": child, "problems": getattr(error, "problems", [error.message])})
        if outcomes and not refusals:
            return render(request, "families/registered.html", {
                "session": session, "outcomes": outcomes,
                "breadcrumbs": _crumbs(_home_crumb(), ("Inscription enregistrée", None))})
    eligibility = []
    for child in household.children.filter(is_active=True):
        eligibility.append({"child": child, "problems": registrations.eligibility_problems(child, session)})
    return render(request, "families/register.html", {
        "form": form, "session": session, "outcomes": outcomes, "refusals": refusals, "eligibility": eligibility,
        "breadcrumbs": _crumbs(_home_crumb(), ("Activités", reverse("families:activities")),
                               (session.activity.name, None))})


@login_required
def registration_detail(request, registration_id):
    registration = access.get_registration_for_resident(request.user, registration_id)
    return render(request, "families/registration.html", {
        "registration": registration, "rank": registrations.waiting_rank(registration),
        "events": list(registration.events.all()[:20]), "now": timezone.now(),
        "breadcrumbs": _crumbs(_home_crumb(), (f"{registration.child.first_name} — "
                                               f"{registration.session.activity.name}", None))})


def _registration_action(request, registration_id, action, success):
    registration = access.get_registration_for_resident(request.user, registration_id)
    try:
        action(registration, actor=request.user)
        messages.success(request, success)
    except services.FamilyError as error:
        messages.error(request, error.message)
    return redirect("families:registration", registration.pk)


@login_required
@require_POST
def registration_accept(request, registration_id):
    return _registration_action(request, registration_id, registrations.accept_offer,
                                "Place acceptée : l'inscription est confirmée.")


@login_required
@require_POST
def registration_decline(request, registration_id):
    return _registration_action(request, registration_id, registrations.decline_offer,
                                "Place refusée : elle est proposée à la famille suivante.")


@login_required
def registration_cancel(request, registration_id):
    registration = access.get_registration_for_resident(request.user, registration_id)
    if request.method == "POST":
        return _registration_action(request, registration_id, registrations.cancel_registration,
                                    "Inscription annulée.")
    return render(request, "families/registration_cancel.html", {
        "registration": registration,
        "breadcrumbs": _crumbs(_home_crumb(), ("Annuler une inscription", None))})
