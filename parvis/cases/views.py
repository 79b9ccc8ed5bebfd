"""Resident pages: "Mes demandes", a case's page, its documents, and the anonymous tracking page.

Every case comes from a choke point of `parvis.cases.services` (the applicant's own case, or the
case of a tracking token): any other case answers 404, whether it exists or not.

On a case's page the resident also sends the missing pieces (`resident_actions.receive_pieces_online`),
reads the decisions and their letters (the first opening is recorded for agents), downloads the
attestation of an implicit acceptance (L232-3) and asks for the reasons of an implicit rejection (L232-4).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from parvis.cases.answers import fallback_groups, formengine_pages
from parvis.cases.forms import MessageForm, PiecesUploadForm
from parvis.cases.implicit import ReasonsNotAvailable, implicit_decision, reasons_request_status, request_reasons
from parvis.cases.legal import attestation_date, implicit_decision_summary
from parvis.cases.letters import issue_attestation
from parvis.cases.models import Case, Outcome, PiecesRequest
from parvis.cases.resident_actions import PiecesAlreadyReceived, receive_pieces_online, record_decision_opening
from parvis.cases.services import (
    CaseClosed,
    add_resident_message,
    get_case_by_tracking_token,
    get_case_for_resident,
    get_document_for_case,
)
from parvis.cases.status import next_step, status_label
from parvis.files.downloads import file_response
from parvis.files.services import store_upload
from parvis.filing.models import Draft, DraftStatus

LIST_LIMIT = 100


def _reverse_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _draft_rows(user):
    """The user's drafts with their links: resume where they stopped, delete (the filing app's pages)."""
    drafts = (Draft.objects.filter(user=user, status=DraftStatus.IN_PROGRESS)
              .select_related("procedure").only("id", "current_page", "updated_at", "expires_at",
                                                "procedure__title", "procedure__slug")
              .order_by("-updated_at"))
    rows = []
    for draft in drafts:
        slug = draft.procedure.slug
        resume_url = (
            (draft.current_page and _reverse_or_none("filing:page", slug, draft.id, draft.current_page))
            or _reverse_or_none("filing:start", slug)
            or reverse("procedures:detail", args=[slug]) + "deposer/"
        )
        delete_url = (_reverse_or_none("filing:delete_draft", draft.id)
                      or _reverse_or_none("filing:delete", slug, draft.id))
        rows.append({"draft": draft, "resume_url": resume_url, "delete_url": delete_url})
    return rows


def _case_rows(user):
    pending = PiecesRequest.objects.filter(completed_on__isnull=True).only("id", "case_id", "completed_on")
    cases = (Case.objects.filter(applicant=user)
             .select_related("procedure", "department", "revision")
             .defer("answers", "revision__form_schema", "procedure__description", "procedure__eligibility",
                    "procedure__documents_to_prepare", "procedure__offline_alternative")
             .prefetch_related(Prefetch("pieces_requests", queryset=pending, to_attr="pending_pieces"))
             .order_by("-received_at")[:LIST_LIMIT])
    today = timezone.localdate()
    return [{
        "case": case,
        "status": status_label(case),
        "next_step": next_step(case),
        "pending_pieces": bool(case.pending_pieces),
        "implicit": implicit_decision_summary(case, pending_pieces=bool(case.pending_pieces), today=today),
    } for case in cases]


@login_required
@never_cache
def case_list(request):
    return render(request, "cases/list.html", {
        "drafts": _draft_rows(request.user),
        "cases": _case_rows(request.user),
        "limit": LIST_LIMIT,
    })


def _detail_context(case, form, urls, pieces_forms=None):
    pieces_requests = list(case.pieces_requests.all())
    # Once the case is closed (a decision, implicit ones included), nothing is awaited any more.
    pending_pieces = [request for request in pieces_requests if request.is_pending] if case.is_open else []
    pieces_forms = pieces_forms or {}
    documents = list(case.documents.filter(visible_to_resident=True).select_related("stored_file"))
    attachments = {str(document.stored_file_id): document for document in documents if document.kind == "attachment"}

    def file_url(ref):
        document = attachments.get(str(ref.get("file_id")))
        return reverse(urls["document_url_name"], args=[urls["document_url_arg"], document.pk]) if document else None

    decisions = list(case.decisions.select_related("letter"))
    accepted = implicit_decision(case, Outcome.ACCEPTED)
    reasons_state, reasons_detail = reasons_request_status(case, implicit_decision(case, Outcome.REFUSED))
    answer_pages = formengine_pages(case, file_url=file_url)
    return {
        "case": case,
        "status": status_label(case),
        "next_step": next_step(case),
        "implicit": implicit_decision_summary(case, pending_pieces=bool(pending_pieces)),
        "attestation_from": attestation_date(case),
        "pending_pieces": [(request, pieces_forms.get(request.pk) or PiecesUploadForm(request))
                           for request in pending_pieces],
        "decisions": decisions,
        "implicit_acceptance": accepted,
        "reasons_state": reasons_state,
        "reasons_detail": reasons_detail,
        "events": case.events.filter(visible_to_resident=True).order_by("at", "pk"),
        "answer_pages": answer_pages,
        "answers": fallback_groups(case) if answer_pages is None else None,
        "documents": documents,
        "messages_list": case.messages.select_related("author").prefetch_related("documents__stored_file"),
        "form": form,
        **urls,
    }


def _handle_message(request, case, redirect_url):
    """The POST of the message form, shared by the account and the tracking pages."""
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        uploaded = form.cleaned_data.get("document")
        author = _author(request, case)
        stored = None
        if uploaded:
            uploaded.name = form.document_name
            stored = store_upload(uploaded, form.document_type, uploaded_by=author)
        try:
            add_resident_message(case, body=form.cleaned_data.get("body", ""), stored_file=stored, author=author)
        except CaseClosed:
            messages.error(request, "Cette demande est terminée : vous ne pouvez plus y ajouter de message.")
            return None, redirect(redirect_url)
        messages.success(request, "Votre message a été envoyé au service.")
        return None, redirect(redirect_url + "#messages")
    return form, None


def _author(request, case):
    return request.user if request.user.is_authenticated and case.applicant_id == request.user.pk else None


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


def _account_urls(case):
    return {
        "post_url": reverse("cases:detail", args=[case.reference]),
        "document_url_name": "cases:document",
        "document_url_arg": case.reference,
        "pieces_url_name": "cases:pieces",
        "attestation_url": reverse("cases:attestation", args=[case.reference]),
        "reasons_url": reverse("cases:reasons", args=[case.reference]),
    }


def _tracking_urls(case, token):
    return {
        "post_url": reverse("cases:track", args=[token]),
        "document_url_name": "cases:track_document",
        "document_url_arg": token,
        "pieces_url_name": "cases:track_pieces",
        "attestation_url": reverse("cases:track_attestation", args=[token]),
        "reasons_url": reverse("cases:track_reasons", args=[token]),
        "tracking": True,
    }


def _show(request, case, urls, form=None, pieces_forms=None, status=200):
    form = form or MessageForm()
    if request.method == "GET":
        record_decision_opening(case, actor=_author(request, case))  # decisions without a letter: read here
    context = _detail_context(case, form, urls, pieces_forms)
    bad = form.errors or any(f.errors for f in (pieces_forms or {}).values())
    return render(request, "cases/detail.html", context, status=400 if bad else status)


@login_required
def case_detail(request, reference):
    case = get_case_for_resident(request.user, reference)
    url = reverse("cases:detail", args=[case.reference])
    form = None
    if request.method == "POST":
        form, response = _handle_message(request, case, url)
        if response:
            return response
    return _no_store(_show(request, case, _account_urls(case), form=form))


def _serve_document(request, case, document_id):
    document = get_document_for_case(case, document_id)
    record_decision_opening(case, document=document, actor=_author(request, case))
    return file_response(document.stored_file, inline=document.stored_file.content_type == "application/pdf")


@login_required
def case_document(request, reference, document_id):
    return _serve_document(request, get_case_for_resident(request.user, reference), document_id)


def track(request, token):
    case = get_case_by_tracking_token(token)
    url = reverse("cases:track", args=[token])
    form = None
    if request.method == "POST":
        form, response = _handle_message(request, case, url)
        if response:
            return response
    response = _show(request, case, _tracking_urls(case, token), form=form)
    # The token is a secret: never send it in a Referer to other sites (same-origin; "no-referrer" makes
    # browsers post the page's forms with `Origin: null`, which the CSRF check refuses), never cache the page.
    response["Referrer-Policy"] = "same-origin"
    return _no_store(response)


def track_document(request, token, document_id):
    response = _serve_document(request, get_case_by_tracking_token(token), document_id)
    response["Referrer-Policy"] = "same-origin"
    return response


# --- Missing pieces ---------------------------------------------------------------------------------------------

def _pieces(request, case, request_id, urls, page_url):
    pieces_request = case.pieces_requests.filter(pk=request_id).first()
    if pieces_request is None:
        raise Http404
    if not pieces_request.is_pending:
        messages.info(request, "Ces pièces ont déjà été reçues.")
        return redirect(page_url)
    form = PiecesUploadForm(pieces_request, request.POST, request.FILES)
    if not form.is_valid():
        return _no_store(_show(request, case, urls, pieces_forms={pieces_request.pk: form}))
    author = _author(request, case)
    files = [(label, store_upload(uploaded, content_type, uploaded_by=author))
             for label, uploaded, content_type in form.uploads()]
    try:
        receive_pieces_online(case, pieces_request, files=files, body=form.cleaned_data.get("body", ""),
                              author=author)
    except CaseClosed:
        messages.error(request, "Cette demande est terminée : vous ne pouvez plus y ajouter de pièce.")
        return redirect(page_url)
    except PiecesAlreadyReceived:
        messages.info(request, "Ces pièces ont déjà été reçues.")
        return redirect(page_url)
    messages.success(request, "Vos pièces ont été envoyées au service, qui reprend l'examen de votre demande.")
    return redirect(page_url)


@login_required
@require_POST
def case_pieces(request, reference, request_id):
    case = get_case_for_resident(request.user, reference)
    return _pieces(request, case, request_id, _account_urls(case), reverse("cases:detail", args=[case.reference]))


@require_POST
def track_pieces(request, token, request_id):
    case = get_case_by_tracking_token(token)
    response = _pieces(request, case, request_id, _tracking_urls(case, token), reverse("cases:track", args=[token]))
    response["Referrer-Policy"] = "same-origin"
    return response


# --- After an implicit decision -------------------------------------------------------------------------------

def _attestation(request, case):
    decision = implicit_decision(case, Outcome.ACCEPTED)
    if decision is None:
        raise Http404
    document = issue_attestation(case, decision, actor=_author(request, case), channel="web")
    return file_response(document.stored_file, inline=True)


@login_required
def case_attestation(request, reference):
    return _attestation(request, get_case_for_resident(request.user, reference))


def track_attestation(request, token):
    response = _attestation(request, get_case_by_tracking_token(token))
    response["Referrer-Policy"] = "same-origin"
    return response


def _reasons(request, case, page_url):
    try:
        reasons_request = request_reasons(case, actor=_author(request, case), channel="web")
    except ReasonsNotAvailable as error:
        messages.error(request, str(error))
        return redirect(page_url)
    messages.success(request, "Votre demande de motifs a été transmise au service. Ils vous seront communiqués "
                              f"au plus tard le {reasons_request.due_on:%d/%m/%Y}.")
    return redirect(page_url)


@login_required
@require_POST
def case_reasons(request, reference):
    case = get_case_for_resident(request.user, reference)
    return _reasons(request, case, reverse("cases:detail", args=[case.reference]))


@require_POST
def track_reasons(request, token):
    case = get_case_by_tracking_token(token)
    response = _reasons(request, case, reverse("cases:track", args=[token]))
    response["Referrer-Policy"] = "same-origin"
    return response
