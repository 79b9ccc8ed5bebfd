"""Online filing pages: start or resume, one page of the form at a time, review, submit, confirmation.

Views stay thin: access goes through `services.get_draft_for_owner`, every change through a service.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from parvis.files.downloads import file_response
from parvis.filing import services
from parvis.filing.forms import ContactEmailForm
from parvis.filing.models import DraftStatus
from parvis.formengine import FormDefinition, SchemaError

logger = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")


def _reverse_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _login_needed(request, procedure):
    """A redirect to the login page when this procedure cannot be filed without an account."""
    if request.user.is_authenticated or procedure.allow_anonymous:
        return None
    return redirect_to_login(request.get_full_path())


def _owned_draft(request, slug, draft_id, **kwargs):
    """(draft, None), or (None, a redirect to the login page). One query for a signed-in resident: the draft's
    own query checks the procedure (published, fileable online) and the owner."""
    if not request.user.is_authenticated:
        procedure = services.get_fileable_procedure(slug)
        if (login := _login_needed(request, procedure)) is not None:
            return None, login
    return services.get_draft_for_owner(request, slug, draft_id, **kwargs), None


def _check_revision(request, draft):
    """The forms carry the draft's revision: a different one (tampered, or a stale tab) is refused."""
    posted = request.POST.get("revision")
    if posted is not None and posted != str(draft.revision_id):
        raise Http404


def _page_url(draft, page_key):
    return reverse("filing:page", args=[draft.procedure.slug, draft.pk, page_key])


def _review_url(draft):
    return reverse("filing:review", args=[draft.procedure.slug, draft.pk])


def _file_url(draft):
    def url(ref):
        return reverse("filing:draft_file", args=[draft.procedure.slug, draft.pk, ref["file_id"]])
    return url


def _my_requests_url():
    return _reverse_or_none("cases:list") or _reverse_or_none("accounts:dashboard")


def _base_context(request, procedure, **extra):
    # `commune` (for the privacy notice) comes from the `site` context processor.
    return {"procedure": procedure, **extra}


def _unavailable(request, procedure, exc):
    logger.error("Formulaire invalide pour la démarche %s : %s", procedure.slug, exc)
    return render(request, "filing/unavailable.html", _base_context(request, procedure), status=503)


def _progress(definition, answers, page_key=None):
    visible = definition.visible_pages(answers)
    total = len(visible) + 1  # the review is the last step
    if page_key is None:
        return {"step": total, "total": total}
    keys = [page.key for page in visible]
    return {"step": keys.index(page_key) + 1 if page_key in keys else 1, "total": total}


@require_http_methods(["GET", "POST"])
def start(request, slug):
    procedure = services.get_fileable_procedure(slug)
    if (login := _login_needed(request, procedure)) is not None:
        return login
    try:
        definition = FormDefinition(procedure.published_revision.form_schema)
    except SchemaError as exc:
        return _unavailable(request, procedure, exc)
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        token = "" if user else services.owner_token(request, create=True)
        draft = services.start_draft(procedure, user=user, session_token=token)
        return redirect(_page_url(draft, draft.current_page))
    drafts = list(services.in_progress_drafts(request, procedure))
    return render(request, "filing/start.html", _base_context(
        request, procedure, drafts=drafts, page_count=len(definition.pages),
        always_shown_page_count=sum(1 for page in definition.pages if not page.condition),
        anonymous=not request.user.is_authenticated))


@require_http_methods(["GET", "POST"])
def page(request, slug, draft_id, page_key):
    draft, login = _owned_draft(request, slug, draft_id)
    if login is not None:
        return login
    _check_revision(request, draft)
    try:
        definition = services.definition_for(draft)
        current = definition.page(page_key)
    except SchemaError as exc:
        return _unavailable(request, draft.procedure, exc)
    except KeyError:
        raise Http404 from None
    if not definition.is_visible(current, draft.answers):
        # A page whose condition is false is skipped.
        following = definition.next_page(page_key, draft.answers)
        return redirect(_page_url(draft, following.key) if following else _review_url(draft))

    prefill = definition.prefill_values(request.user)
    from_review = bool(request.POST.get("from_review") or request.GET.get("depuis") == "verification")
    if request.method == "POST":
        form = definition.page_form(page_key, draft.answers, data=request.POST, files=request.FILES,
                                    prefill=prefill, file_url=_file_url(draft))
        valid = form.is_valid()
        services.save_page(draft, form, page_key,
                           uploaded_by=request.user if request.user.is_authenticated else None)
        action = request.POST.get("action", "continue")
        if action == "previous":
            previous = definition.previous_page(page_key, draft.answers)
            return redirect(_page_url(draft, previous.key) if previous else
                            reverse("filing:start", args=[slug]))
        if action == "save":
            return redirect("filing:saved", slug=slug, draft_id=draft.pk)
        if valid:
            following = definition.next_page(page_key, draft.answers)
            if from_review or following is None:
                return redirect(_review_url(draft))
            return redirect(_page_url(draft, following.key))
    elif request.GET.get("verifier"):
        # Sent back here by a refused submission: show this page's errors on the stored answers.
        form = definition.stored_page_form(page_key, draft.answers, file_url=_file_url(draft))
    else:
        form = definition.page_form(page_key, draft.answers, prefill=prefill, file_url=_file_url(draft))
        if draft.current_page != page_key:
            draft.current_page = page_key
            draft.save(update_fields=["current_page"])
    previous = definition.previous_page(page_key, draft.answers)
    return render(request, "filing/page.html", _base_context(
        request, draft.procedure, draft=draft, page=current, form=form, from_review=from_review,
        has_previous=previous is not None, **_progress(definition, draft.answers, page_key)))


def _review_context(request, draft, definition, contact_form=None):
    pages = definition.display(draft.answers, file_url=_file_url(draft))
    for shown in pages:
        shown.edit_url = _page_url(draft, shown.key) + "?depuis=verification"
    _, errors = definition.clean_for_submission(draft.answers)
    missing = []
    for error in errors:
        if error.page_key not in [item["page_key"] for item in missing]:
            missing.append({"page_key": error.page_key, "page_title": error.page_title,
                            "url": _page_url(draft, error.page_key) + "?verifier=1"})
    if draft.user_id is None and contact_form is None:
        contact_form = ContactEmailForm()
    return _base_context(request, draft.procedure, draft=draft, pages=pages, missing=missing,
                         contact_form=contact_form, **_progress(definition, draft.answers))


@require_http_methods(["GET"])
def review(request, slug, draft_id):
    draft, login = _owned_draft(request, slug, draft_id)
    if login is not None:
        return login
    try:
        definition = services.definition_for(draft)
    except SchemaError as exc:
        return _unavailable(request, draft.procedure, exc)
    if draft.current_page != services.REVIEW_STEP:
        draft.current_page = services.REVIEW_STEP  # resuming brings the resident back to the review
        draft.save(update_fields=["current_page"])
    return render(request, "filing/review.html", _review_context(request, draft, definition))


@require_POST
def submit(request, slug, draft_id):
    draft, login = _owned_draft(request, slug, draft_id, statuses=(DraftStatus.IN_PROGRESS, DraftStatus.SUBMITTED))
    if login is not None:
        return login
    _check_revision(request, draft)
    confirmation_url = reverse("filing:confirmation", args=[slug, draft.pk])
    if draft.status == DraftStatus.SUBMITTED:
        return redirect(confirmation_url)
    try:
        definition = services.definition_for(draft)
    except SchemaError as exc:
        return _unavailable(request, draft.procedure, exc)
    contact_email = ""
    if draft.user_id is None:
        contact_form = ContactEmailForm(request.POST)
        if not contact_form.is_valid():
            return render(request, "filing/review.html",
                          _review_context(request, draft, definition, contact_form=contact_form))
        contact_email = contact_form.cleaned_data["email"]
    try:
        services.submit_draft(draft, contact_email=contact_email)
    except services.SubmissionRefused as refused:
        messages.error(request, f"Votre demande n'a pas été envoyée : {refused.message} "
                                "Complétez les réponses signalées, puis envoyez-la à nouveau.")
        if refused.first_page_key:
            return redirect(_page_url(draft, refused.first_page_key) + "?verifier=1")
        return redirect(_review_url(draft))
    return redirect(confirmation_url)


@require_http_methods(["GET"])
def confirmation(request, slug, draft_id):
    draft = services.get_draft_for_owner(request, slug, draft_id, statuses=(DraftStatus.SUBMITTED,),
                                         require_fileable=False)
    case = draft.submitted_case
    if case is None:
        raise Http404
    if case.applicant_id:
        case_url = _reverse_or_none("cases:detail", case.reference)
        email = request.user.email if case.applicant_id == request.user.pk else case.applicant.email
    else:
        case_url = _reverse_or_none("cases:track", case.tracking_token)
        email = case.contact_email
    return render(request, "filing/confirmation.html", _base_context(
        request, draft.procedure, draft=draft, case=case, case_url=case_url, email=email,
        received_at=timezone.localtime(case.received_at, PARIS), my_requests_url=_my_requests_url()))


@require_http_methods(["GET"])
def saved(request, slug, draft_id):
    draft = services.get_draft_for_owner(request, slug, draft_id)
    return render(request, "filing/saved.html", _base_context(
        request, draft.procedure, draft=draft, expires_on=timezone.localtime(draft.expires_at, PARIS),
        resume_url=draft.get_absolute_url(), my_requests_url=_my_requests_url(),
        anonymous=draft.user_id is None))


@require_http_methods(["GET", "POST"])
def delete(request, slug, draft_id):
    draft = services.get_draft_for_owner(request, slug, draft_id)
    if request.method == "POST":
        procedure = draft.procedure
        services.delete_draft(draft)
        messages.success(request, f"Votre demande en cours « {procedure.title} » a été supprimée.")
        if request.user.is_authenticated and _my_requests_url():
            return redirect(_my_requests_url())
        return redirect(procedure.get_absolute_url())
    return render(request, "filing/delete.html", _base_context(request, draft.procedure, draft=draft))


@require_http_methods(["GET"])
def draft_file(request, slug, draft_id, file_id):
    draft = services.get_draft_for_owner(request, slug, draft_id)
    return file_response(services.get_draft_file(draft, file_id).stored_file)
