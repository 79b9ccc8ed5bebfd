"""Counter pages: find or create a resident, see their cases at a glance, file a request for them page by
page, print the acknowledgement, register and qualify incoming mail.

Every view is behind `require_counter_agent`; objects come from the choke points of `access.py`,
`services.get_counter_draft`, `services.get_mail_item` and `get_case_for_agent`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from parvis.backoffice.access import get_case_for_agent
from parvis.cases.deadlines import PARIS, implicit_decision_date
from parvis.cases.legal import channel_phrase, period_in_words
from parvis.cases.status import status_label
from parvis.counter import services
from parvis.counter.access import (
    counter_procedures,
    get_procedure_for_counter,
    get_resident_for_counter,
    glance_cases,
    is_front_desk,
    require_counter_agent,
    residents,
)
from parvis.counter.forms import (
    FilingDetailsForm,
    FilingStartForm,
    MailAttachForm,
    MailFileForm,
    MailForm,
    ResidentForm,
    ResidentSearchForm,
)
from parvis.counter.glance import panels_for
from parvis.counter.models import CounterDraft, DraftStatus, MailItem, MailStatus
from parvis.counter.search import mask_email, possible_duplicates, search_residents
from parvis.documents.pdf import render_pdf
from parvis.files.downloads import file_response
from parvis.formengine import SchemaError
from parvis.organisation.models import Commune
from parvis.privacy.models import AccessAction
from parvis.privacy.services import log_access
from parvis.procedures.search import search_procedures

logger = logging.getLogger(__name__)


# --- Helpers ---------------------------------------------------------------------------------------

def _reverse_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _crumbs(*items):
    return [("Espace agents", reverse("organisation:home")), ("Guichet", reverse("counter:residents")), *items]


def _resident_crumb(resident):
    return (resident.full_name or str(resident), reverse("counter:resident", args=[resident.pk]))


def _page_url(draft, page_key):
    if page_key == services.DOCUMENTS_STEP:
        return reverse("counter:file_documents", args=[draft.pk])
    if page_key == services.REVIEW_STEP:
        return reverse("counter:file_review", args=[draft.pk])
    return reverse("counter:file_page", args=[draft.pk, page_key])


def _resume_url(draft):
    return _page_url(draft, draft.current_page or services.DOCUMENTS_STEP)


def _file_url(draft):
    def url(ref):
        return reverse("counter:draft_file", args=[draft.pk, ref["file_id"]])
    return url


def _check_revision(request, draft):
    posted = request.POST.get("revision")
    if posted is not None and posted != str(draft.revision_id):
        raise Http404


def _progress(definition, answers, step_key):
    keys = [page.key for page in definition.visible_pages(answers)] + [services.DOCUMENTS_STEP, services.REVIEW_STEP]
    return {"step": keys.index(step_key) + 1 if step_key in keys else 1, "total": len(keys)}


def _received(draft_or_case):
    return timezone.localtime(draft_or_case.received_at, PARIS)


def _resident_row(resident):
    return {"resident": resident, "masked_email": mask_email(resident.email),
            "url": reverse("counter:resident", args=[resident.pk])}


def _unavailable(request, draft, exc):
    logger.error("Formulaire invalide pour la démarche %s : %s", draft.procedure.slug, exc)
    return render(request, "counter/unavailable.html", {
        "draft": draft, "breadcrumbs": _crumbs(_resident_crumb(draft.resident), ("Formulaire indisponible", None))},
        status=503)


def _expected_decision(procedure, received_at):
    """The implicit-decision date a case received now would get (shown before filing)."""
    if procedure.period is None:
        return None
    return implicit_decision_date(received_at, procedure.regime, procedure.period,
                                  next_working_day=settings.IMPLICIT_DECISION_NEXT_WORKING_DAY)


# --- Residents -------------------------------------------------------------------------------------

@require_counter_agent
@never_cache
@require_http_methods(["GET"])
def residents_search(request):
    form = ResidentSearchForm(request.GET if request.GET else None)
    results = None
    if form.is_bound and form.is_valid():
        results = [_resident_row(resident) for resident in search_residents(**form.criteria())]
    drafts = (CounterDraft.objects.filter(agent=request.user, status=DraftStatus.IN_PROGRESS)
              .select_related("procedure", "resident").order_by("-updated_at")[:20])
    return render(request, "counter/residents.html", {
        "form": form, "results": results, "front_desk": is_front_desk(request.user),
        "drafts": [{"draft": draft, "url": _resume_url(draft)} for draft in drafts],
        "breadcrumbs": _crumbs()[:-1] + [("Guichet", None)],
    })


def _mail_item_from(request):
    item_id = request.GET.get("courrier") or request.POST.get("courrier")
    return services.get_mail_item(request.user, item_id) if item_id else None


@require_counter_agent
@never_cache
@require_http_methods(["GET", "POST"])
def resident_create(request):
    mail_item = _mail_item_from(request)
    form = ResidentForm(request.POST if request.method == "POST" else None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = list(possible_duplicates(data["first_name"], data["last_name"], data["birth_date"]))
        if duplicates and not data.get("confirm_duplicate"):
            form.add_error("confirm_duplicate", "Une fiche existe déjà avec ce nom et cette date de naissance : "
                                                "utilisez-la, ou cochez cette case s'il s'agit d'une autre personne.")
        else:
            resident = services.create_resident(
                agent=request.user, **{name: data.get(name) or "" for name in (
                    "civility", "first_name", "last_name", "street", "postcode", "city", "phone", "email")},
                birth_date=data["birth_date"])
            messages.success(request, f"La fiche de {resident.full_name} est créée.")
            if mail_item is not None:
                return redirect(reverse("counter:mail_item", args=[mail_item.pk]) + f"?usager={resident.pk}")
            return redirect("counter:resident", resident_id=resident.pk)
    return render(request, "counter/resident_form.html", {
        "form": form, "duplicates": [_resident_row(resident) for resident in duplicates], "mail_item": mail_item,
        "breadcrumbs": _crumbs(("Créer la fiche d'un usager", None)),
    })


@require_counter_agent
@never_cache
@require_http_methods(["GET"])
def resident_detail(request, resident_id):
    resident = get_resident_for_counter(request.user, resident_id, request=request)
    rows = []
    for case in glance_cases(request.user, resident):
        rows.append({
            "case": case, "status": status_label(case), "received_at": _received(case),
            "channel": channel_phrase(case.channel),
            "url": _reverse_or_none("casework:detail", case.reference) if case.can_open else None,
            "acknowledgement_url": (reverse("counter:acknowledgement", args=[case.reference])
                                    if case.can_open else None),
        })
    drafts = (CounterDraft.objects.filter(agent=request.user, resident=resident, status=DraftStatus.IN_PROGRESS)
              .select_related("procedure").order_by("-updated_at"))
    return render(request, "counter/resident.html", {
        "resident": resident, "rows": rows, "front_desk": is_front_desk(request.user),
        "drafts": [{"draft": draft, "url": _resume_url(draft)} for draft in drafts],
        "panels": panels_for(request.user, resident),
        "breadcrumbs": _crumbs((resident.full_name or str(resident), None)),
    })


# --- Filing for a resident ---------------------------------------------------------------------------

def _procedures_for(request, query):
    allowed = counter_procedures(request.user).select_related("department")
    if not query:
        return list(allowed), False
    ids = set(allowed.values_list("pk", flat=True))
    return [procedure for procedure in search_procedures(query) if procedure.pk in ids], True


@require_counter_agent
@never_cache
@require_http_methods(["GET", "POST"])
def file_start(request, resident_id):
    resident = get_resident_for_counter(request.user, resident_id, request=request, log=False)
    query = (request.GET.get("q") or "").strip()[:200]
    procedures, filtered = _procedures_for(request, query)
    if request.method == "POST":
        # The choice posted is checked against every procedure the agent may file, not the filtered list.
        procedures = list(counter_procedures(request.user).select_related("department"))
    form = FilingStartForm(request.POST if request.method == "POST" else None, procedures=procedures)
    if request.method == "POST" and form.is_valid():
        procedure = get_procedure_for_counter(request.user, form.cleaned_data["procedure"])
        try:
            draft = services.start_counter_draft(
                agent=request.user, resident=resident, procedure=procedure, channel=form.cleaned_data["channel"],
                received_at=form.cleaned_data["received_at"])
        except SchemaError:
            form.add_error("procedure", "Le formulaire de cette démarche est indisponible : prévenez "
                                        "l'administrateur des démarches.")
        else:
            return redirect(_resume_url(draft))
    return render(request, "counter/file_start.html", {
        "resident": resident, "form": form, "query": query, "filtered": filtered, "match_count": len(procedures),
        "breadcrumbs": _crumbs(_resident_crumb(resident), ("Déposer une demande", None)),
    })


@require_counter_agent
@never_cache
@require_http_methods(["GET", "POST"])
def file_details(request, draft_id):
    draft = services.get_counter_draft(request.user, draft_id)
    form = FilingDetailsForm(request.POST if request.method == "POST" else None, draft=draft)
    if request.method == "POST" and form.is_valid():
        services.update_draft_details(draft, channel=form.cleaned_data["channel"],
                                      received_at=form.cleaned_data["received_at"])
        messages.success(request, "Le canal et la date de réception sont enregistrés.")
        return redirect("counter:file_review", draft_id=draft.pk)
    return render(request, "counter/file_details.html", {
        "draft": draft, "form": form,
        "breadcrumbs": _crumbs(_resident_crumb(draft.resident), ("Canal et date de réception", None)),
    })


@require_counter_agent
@never_cache
@require_http_methods(["GET", "POST"])
def file_page(request, draft_id, page_key):
    draft = services.get_counter_draft(request.user, draft_id)
    _check_revision(request, draft)
    try:
        definition = services.definition_for(draft)
        current = definition.page(page_key)
    except SchemaError as exc:
        return _unavailable(request, draft, exc)
    except KeyError:
        raise Http404 from None
    if not definition.is_visible(current, draft.answers):
        following = definition.next_page(page_key, draft.answers)
        return redirect(_page_url(draft, following.key if following else services.DOCUMENTS_STEP))
    prefill = services.prefill_for(definition, draft.resident)
    from_review = bool(request.POST.get("from_review") or request.GET.get("depuis") == "verification")
    if request.method == "POST":
        form = definition.page_form(page_key, draft.answers, data=request.POST, files=request.FILES,
                                    prefill=prefill, file_url=_file_url(draft))
        valid = form.is_valid()
        services.save_counter_page(draft, form, page_key, request.user)
        if request.POST.get("action") == "previous":
            previous = definition.previous_page(page_key, draft.answers)
            return redirect(_page_url(draft, previous.key) if previous
                            else reverse("counter:file_details", args=[draft.pk]))
        if valid:
            following = definition.next_page(page_key, draft.answers)
            if from_review:
                return redirect(_page_url(draft, services.REVIEW_STEP))
            return redirect(_page_url(draft, following.key if following else services.DOCUMENTS_STEP))
    elif request.GET.get("verifier"):
        form = definition.stored_page_form(page_key, draft.answers, file_url=_file_url(draft))
    else:
        form = definition.page_form(page_key, draft.answers, prefill=prefill, file_url=_file_url(draft))
        services.set_current_page(draft, page_key)
    return render(request, "counter/file_page.html", {
        "draft": draft, "page": current, "form": form, "from_review": from_review,
        "action_url": _page_url(draft, page_key),
        "has_previous": True, **_progress(definition, draft.answers, page_key),
        "breadcrumbs": _crumbs(_resident_crumb(draft.resident), (draft.procedure.title, None)),
    })


@require_counter_agent
@never_cache
@require_http_methods(["GET", "POST"])
def file_documents(request, draft_id):
    draft = services.get_counter_draft(request.user, draft_id)
    _check_revision(request, draft)
    try:
        definition = services.definition_for(draft)
    except SchemaError as exc:
        return _unavailable(request, draft, exc)
    scans = services.scans_definition()
    answers = {services.SCANS_KEY: draft.documents or []}
    if request.method == "POST":
        form = scans.page_form(services.DOCUMENTS_STEP, answers, data=request.POST, files=request.FILES,
                               file_url=_file_url(draft))
        valid = form.is_valid()
        services.save_documents(draft, form, request.user)
        if request.POST.get("action") == "previous":
            pages = definition.visible_pages(draft.answers)
            return redirect(_page_url(draft, pages[-1].key) if pages
                            else reverse("counter:file_details", args=[draft.pk]))
        if valid:
            return redirect(_page_url(draft, services.REVIEW_STEP))
    else:
        form = scans.page_form(services.DOCUMENTS_STEP, answers, file_url=_file_url(draft))
        services.set_current_page(draft, services.DOCUMENTS_STEP)
    return render(request, "counter/file_page.html", {
        "draft": draft, "page": scans.page(services.DOCUMENTS_STEP), "form": form, "from_review": False,
        "action_url": _page_url(draft, services.DOCUMENTS_STEP), "has_previous": True,
        **_progress(definition, draft.answers, services.DOCUMENTS_STEP),
        "breadcrumbs": _crumbs(_resident_crumb(draft.resident), (draft.procedure.title, None)),
    })


@require_counter_agent
@never_cache
@require_http_methods(["GET"])
def file_review(request, draft_id):
    draft = services.get_counter_draft(request.user, draft_id)
    try:
        definition = services.definition_for(draft)
    except SchemaError as exc:
        return _unavailable(request, draft, exc)
    services.set_current_page(draft, services.REVIEW_STEP)
    pages = definition.display(draft.answers, file_url=_file_url(draft))
    for shown in pages:
        shown.edit_url = _page_url(draft, shown.key) + "?depuis=verification"
    _, errors = definition.clean_for_submission(draft.answers)
    missing = []
    for error in errors:
        if error.page_key not in [item["page_key"] for item in missing]:
            missing.append({"page_key": error.page_key, "page_title": error.page_title,
                            "url": _page_url(draft, error.page_key) + "?verifier=1"})
    documents = [{"name": ref.get("name", ""), "url": _file_url(draft)(ref)}
                 for ref in draft.documents or [] if isinstance(ref, dict) and ref.get("file_id")]
    procedure = draft.procedure
    return render(request, "counter/file_review.html", {
        "draft": draft, "procedure": procedure, "pages": pages, "missing": missing, "documents": documents,
        "received_at": _received(draft), "expected_decision": _expected_decision(procedure, draft.received_at),
        "period_words": period_in_words(procedure.period_value, procedure.period_unit),
        **_progress(definition, draft.answers, services.REVIEW_STEP),
        "breadcrumbs": _crumbs(_resident_crumb(draft.resident), (draft.procedure.title, None)),
    })


@require_counter_agent
@require_POST
def file_submit(request, draft_id):
    draft = services.get_counter_draft(request.user, draft_id,
                                       statuses=(DraftStatus.IN_PROGRESS, DraftStatus.SUBMITTED))
    _check_revision(request, draft)
    if draft.status == DraftStatus.SUBMITTED and draft.submitted_case_id:
        return redirect("counter:filed", reference=draft.submitted_case.reference)
    try:
        case = services.submit_counter_draft(draft, request.user)
    except services.CounterSubmissionRefused as refused:
        messages.error(request, f"La demande n'a pas été déposée : {refused.message} Complétez les réponses "
                                "signalées, puis déposez-la à nouveau.")
        if refused.first_page_key:
            return redirect(_page_url(draft, refused.first_page_key) + "?verifier=1")
        if refused.step == "details":
            return redirect("counter:file_details", draft_id=draft.pk)
        return redirect("counter:file_review", draft_id=draft.pk)
    return redirect("counter:filed", reference=case.reference)


@require_counter_agent
@require_http_methods(["GET", "POST"])
def file_delete(request, draft_id):
    draft = services.get_counter_draft(request.user, draft_id)
    if request.method == "POST":
        resident = draft.resident
        services.delete_counter_draft(draft)
        messages.success(request, f"La demande en cours « {draft.procedure.title} » est abandonnée.")
        return redirect("counter:resident", resident_id=resident.pk)
    return render(request, "counter/file_delete.html", {
        "draft": draft, "breadcrumbs": _crumbs(_resident_crumb(draft.resident), ("Abandonner la saisie", None)),
    })


@require_counter_agent
@require_http_methods(["GET"])
def draft_file(request, draft_id, file_id):
    draft = services.get_counter_draft(request.user, draft_id)
    return file_response(services.get_draft_file(draft, file_id))


# --- After filing --------------------------------------------------------------------------------------

@require_counter_agent
@never_cache
@require_http_methods(["GET"])
def filed(request, reference):
    case = get_case_for_agent(request.user, reference, request=request)
    return render(request, "counter/filed.html", {
        "case": case, "procedure": case.procedure, "department": case.department, "resident": case.applicant,
        "received_at": _received(case), "channel": channel_phrase(case.channel),
        "period_words": period_in_words(case.period_value, case.period_unit),
        "case_url": _reverse_or_none("casework:detail", case.reference),
        "email": case.notification_email,
        "breadcrumbs": _crumbs(*([_resident_crumb(case.applicant)] if case.applicant_id else []),
                               (f"Demande {case.reference}", None)),
    })


@require_counter_agent
@require_http_methods(["GET"])
def acknowledgement(request, reference):
    """The acknowledgement PDF, to print at the counter (produced now if the background task has not yet);
    for a procedure without acknowledgement (R112-4), a deposit receipt."""
    case = get_case_for_agent(request.user, reference, request=request, log=False)
    if case.procedure.acknowledgement_due:
        document = services.acknowledgement_for_counter(case, request.user)
        log_access(request.user, AccessAction.DOWNLOAD, case=case, detail="accusé de réception (guichet)",
                   request=request)
        return file_response(document.stored_file)
    pdf = render_pdf("counter/pdf/deposit_receipt.html", {
        "case": case, "commune": Commune.current(), "department": case.department, "procedure": case.procedure,
        "resident": case.applicant, "received_at": _received(case), "channel_phrase": channel_phrase(case.channel),
        "issued_at": timezone.localtime(timezone.now(), PARIS), "theme_color": settings.THEME_PRIMARY_COLOR,
    })
    log_access(request.user, AccessAction.DOWNLOAD, case=case, detail="récépissé de dépôt (guichet)",
               request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="recepisse-{case.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Incoming mail -------------------------------------------------------------------------------------

@require_counter_agent
@never_cache
@require_http_methods(["GET", "POST"])
def mail(request):
    form = MailForm(request.POST if request.method == "POST" else None,
                    request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        scan = form.cleaned_data["scan"]
        item = services.register_mail(agent=request.user, upload=scan, content_type=scan.checked_content_type,
                                      received_at=form.cleaned_data["received_at"],
                                      subject=form.cleaned_data["subject"])
        messages.success(request, "Le courrier est enregistré : indiquez maintenant à quoi il se rapporte.")
        return redirect("counter:mail_item", item_id=item.pk)
    items = (MailItem.objects.filter(registered_by=request.user,
                                     status__in=(MailStatus.TO_QUALIFY, MailStatus.IN_FILING))
             .select_related("draft").order_by("-created_at")[:50])
    return render(request, "counter/mail.html", {
        "form": form,
        "items": [{"item": item, "received_at": _received(item),
                   "url": (reverse("counter:mail_item", args=[item.pk]) if item.status == MailStatus.TO_QUALIFY
                           else _resume_url(item.draft) if item.draft else None)} for item in items],
        "breadcrumbs": _crumbs(("Courrier reçu", None)),
    })


def _mail_item_context(request, item, file_form=None, attach_form=None):
    search_form = ResidentSearchForm(request.GET if any(
        request.GET.get(name) for name in ("nom", "naissance", "courriel", "telephone")) else None)
    found = []
    if search_form.is_bound and search_form.is_valid():
        found = list(search_residents(**search_form.criteria()))
    chosen = None
    chosen_id = request.GET.get("usager") or request.POST.get("resident")
    if chosen_id and str(chosen_id).isdigit():
        chosen = residents().filter(pk=int(chosen_id)).first()
    candidates = ([chosen] if chosen else []) + [resident for resident in found if resident != chosen]
    procedures = list(counter_procedures(request.user).select_related("department"))
    if file_form is None:
        file_form = MailFileForm(residents=candidates, procedures=procedures,
                                 initial={"resident": chosen.pk} if chosen else None)
    return {
        "item": item, "received_at": _received(item), "search_form": search_form,
        "searched": search_form.is_bound, "file_form": file_form, "attach_form": attach_form or MailAttachForm(),
        "candidates": [_resident_row(resident) for resident in candidates],
        "breadcrumbs": _crumbs(("Courrier reçu", reverse("counter:mail")), ("Qualifier un courrier", None)),
    }


@require_counter_agent
@never_cache
@require_http_methods(["GET"])
def mail_item(request, item_id):
    item = services.get_mail_item(request.user, item_id)
    return render(request, "counter/mail_item.html", _mail_item_context(request, item))


@require_counter_agent
@require_POST
def mail_file(request, item_id):
    item = services.get_mail_item(request.user, item_id)
    posted = request.POST.get("resident")
    candidates = list(residents().filter(pk=int(posted))) if posted and posted.isdigit() else []
    procedures = list(counter_procedures(request.user).select_related("department"))
    form = MailFileForm(request.POST, residents=candidates, procedures=procedures)
    if form.is_valid():
        resident = get_resident_for_counter(request.user, form.cleaned_data["resident"], request=request, log=False)
        procedure = get_procedure_for_counter(request.user, form.cleaned_data["procedure"])
        try:
            draft = services.mail_to_draft(item, agent=request.user, resident=resident, procedure=procedure)
        except SchemaError:
            form.add_error("procedure", "Le formulaire de cette démarche est indisponible.")
        else:
            messages.success(request, "Le courrier est rattaché à une nouvelle demande : saisissez-en le contenu.")
            return redirect(_resume_url(draft))
    return render(request, "counter/mail_item.html", _mail_item_context(request, item, file_form=form),
                  status=400)


@require_counter_agent
@require_POST
def mail_attach(request, item_id):
    item = services.get_mail_item(request.user, item_id)
    form = MailAttachForm(request.POST)
    if form.is_valid():
        try:
            case = get_case_for_agent(request.user, form.cleaned_data["reference"], request=request, log=False)
        except Http404:
            form.add_error("reference", "Aucun dossier avec cette référence parmi ceux que vous pouvez consulter.")
        else:
            services.attach_mail_to_case(item, case, agent=request.user)
            messages.success(request, f"Le courrier est ajouté au dossier {case.reference}.")
            return redirect(_reverse_or_none("casework:detail", case.reference) or reverse("counter:mail"))
    return render(request, "counter/mail_item.html", _mail_item_context(request, item, attach_form=form),
                  status=400)


@require_counter_agent
@require_http_methods(["GET"])
def mail_scan(request, item_id):
    item = services.get_mail_item(request.user, item_id, statuses=MailStatus.values)
    log_access(request.user, AccessAction.DOWNLOAD, case=item.case, detail="courrier numérisé", request=request)
    return file_response(item.scan)

