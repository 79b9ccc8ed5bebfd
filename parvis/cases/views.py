"""Resident pages: "Mes demandes", a case's page, its documents, and the anonymous tracking page.

Every case comes from a choke point of `parvis.cases.services` (the applicant's own case, or the
case of a tracking token): any other case answers 404, whether it exists or not.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from parvis.cases.answers import fallback_groups, formengine_pages
from parvis.cases.forms import MessageForm
from parvis.cases.legal import attestation_date, implicit_decision_summary
from parvis.cases.models import Case, PiecesRequest
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


def _detail_context(case, form, urls):
    pieces_requests = list(case.pieces_requests.all())
    pending_pieces = [request for request in pieces_requests if request.is_pending]
    documents = list(case.documents.filter(visible_to_resident=True).select_related("stored_file"))
    attachments = {str(document.stored_file_id): document for document in documents if document.kind == "attachment"}

    def file_url(ref):
        document = attachments.get(str(ref.get("file_id")))
        return reverse(urls["document_url_name"], args=[urls["document_url_arg"], document.pk]) if document else None

    answer_pages = formengine_pages(case, file_url=file_url)
    return {
        "case": case,
        "status": status_label(case),
        "next_step": next_step(case),
        "implicit": implicit_decision_summary(case, pending_pieces=bool(pending_pieces)),
        "attestation_from": attestation_date(case),
        "pending_pieces": pending_pieces,
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
        author = request.user if request.user.is_authenticated and case.applicant_id == request.user.pk else None
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


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def case_detail(request, reference):
    case = get_case_for_resident(request.user, reference)
    url = reverse("cases:detail", args=[case.reference])
    form = MessageForm()
    if request.method == "POST":
        form, response = _handle_message(request, case, url)
        if response:
            return response
    context = _detail_context(case, form, {
        "post_url": url,
        "document_url_name": "cases:document",
        "document_url_arg": case.reference,
    })
    return _no_store(render(request, "cases/detail.html", context, status=400 if form.errors else 200))


@login_required
def case_document(request, reference, document_id):
    case = get_case_for_resident(request.user, reference)
    document = get_document_for_case(case, document_id)
    return file_response(document.stored_file, inline=document.stored_file.content_type == "application/pdf")


def track(request, token):
    case = get_case_by_tracking_token(token)
    url = reverse("cases:track", args=[token])
    form = MessageForm()
    if request.method == "POST":
        form, response = _handle_message(request, case, url)
        if response:
            return response
    context = _detail_context(case, form, {
        "post_url": url,
        "document_url_name": "cases:track_document",
        "document_url_arg": token,
        "tracking": True,
    })
    response = render(request, "cases/detail.html", context, status=400 if form.errors else 200)
    # The token is a secret: never leak it in a Referer, never keep the page in a shared cache.
    response["Referrer-Policy"] = "no-referrer"
    return _no_store(response)


def track_document(request, token, document_id):
    case = get_case_by_tracking_token(token)
    document = get_document_for_case(case, document_id)
    response = file_response(document.stored_file, inline=document.stored_file.content_type == "application/pdf")
    response["Referrer-Policy"] = "no-referrer"
    return response
