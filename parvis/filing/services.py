"""Online filing: drafts saved page by page, then submitted as a case.

Access to drafts goes through `get_draft_for_owner` (404 for anyone but the owner). A draft always
keeps the revision of the form it was started on, even when the procedure publishes a newer one: the
resident finishes the form they began, and the case is filed under that revision.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from parvis.files.services import delete_stored_files, store_upload
from parvis.filing.models import Draft, DraftFile, DraftStatus
from parvis.formengine import FormDefinition
from parvis.procedures.models import Procedure, ProcedureStatus

logger = logging.getLogger(__name__)

OWNER_TOKEN_SESSION_KEY = "filing_owner_token"
REVIEW_STEP = "verification"  # Draft.current_page when the resident reached the review


class SubmissionRefused(Exception):
    """The draft cannot be filed as it stands; `errors` lists `SubmissionError`s (first one first)."""

    def __init__(self, errors, message=""):
        self.errors = list(errors)
        self.message = message or "Certaines réponses manquent ou ne sont plus valides."
        super().__init__(self.message)

    @property
    def first_page_key(self):
        return self.errors[0].page_key if self.errors else ""


# --- Procedures and ownership --------------------------------------------------------------------

def get_fileable_procedure(slug) -> Procedure:
    """A published procedure that can be filed online; 404 otherwise."""
    try:
        procedure = Procedure.objects.select_related("published_revision", "department").get(slug=slug)
    except Procedure.DoesNotExist:
        raise Http404 from None
    if not is_fileable(procedure):
        raise Http404
    return procedure


def is_fileable(procedure) -> bool:
    return (procedure.status == ProcedureStatus.PUBLISHED and procedure.channel_web
            and procedure.published_revision_id is not None)


def owner_token(request, create=False) -> str:
    """The secret binding anonymous drafts to this browser session (kept in the session data, so it
    survives the session key rotation at login: the draft can then be taken over by the account)."""
    token = request.session.get(OWNER_TOKEN_SESSION_KEY, "")
    if not token and create:
        token = secrets.token_urlsafe(32)
        request.session[OWNER_TOKEN_SESSION_KEY] = token
    return token


def _owner_filter(request):
    if request.user.is_authenticated:
        return {"user": request.user}
    token = owner_token(request)
    if not token:
        return None
    return {"user__isnull": True, "session_key": token}


def get_draft_for_owner(request, slug, draft_id, statuses=(DraftStatus.IN_PROGRESS,), require_fileable=True) -> Draft:
    """The draft `draft_id` of procedure `slug` if it belongs to this request's resident or anonymous
    session; 404 otherwise (the same answer whether it exists or not). An anonymous draft reached by
    its session after logging in is attached to the account."""
    try:
        draft_uuid = uuid.UUID(str(draft_id))
    except ValueError:
        raise Http404 from None
    related = ["procedure", "revision", "procedure__department"]
    if DraftStatus.SUBMITTED in statuses:
        related.append("submitted_case")
    queryset = Draft.objects.select_related(*related)
    draft = None
    filters = _owner_filter(request)
    if filters is not None:
        draft = queryset.filter(pk=draft_uuid, status__in=statuses, procedure__slug=slug, **filters).first()
    if draft is None and request.user.is_authenticated and owner_token(request):
        draft = queryset.filter(pk=draft_uuid, status__in=statuses, procedure__slug=slug, user__isnull=True,
                                session_key=owner_token(request)).first()
        if draft is not None:
            draft.user = request.user
            draft.session_key = ""
            draft.save(update_fields=["user", "session_key", "updated_at"])
    if draft is None or (require_fileable and not is_fileable(draft.procedure)):
        raise Http404
    return draft


def in_progress_drafts(request, procedure):
    filters = _owner_filter(request)
    if filters is None:
        return Draft.objects.none()
    return (Draft.objects.filter(procedure=procedure, status=DraftStatus.IN_PROGRESS, **filters)
            .select_related("procedure").order_by("-updated_at"))


def drafts_for_user(user):
    """The resident's drafts in progress, most recent first (for "Mes demandes").

    Each has `.procedure`, `.updated_at`, `.expires_at`, `.get_absolute_url()` (resume) and
    `.get_delete_url()`."""
    if user is None or not user.is_authenticated:
        return Draft.objects.none()
    return (Draft.objects.filter(user=user, status=DraftStatus.IN_PROGRESS)
            .select_related("procedure").order_by("-updated_at"))


def definition_for(draft) -> FormDefinition:
    return FormDefinition(draft.revision.form_schema)


# --- Drafts ------------------------------------------------------------------------------------

def new_expiry(now=None):
    return (now or timezone.now()) + dt.timedelta(days=settings.DRAFT_RETENTION_DAYS)


def start_draft(procedure, user=None, session_token="") -> Draft:
    """A new draft on the procedure's current published revision."""
    if user is None and not session_token:
        raise ValueError("Un brouillon appartient à un compte ou à une session.")
    definition = FormDefinition(procedure.published_revision.form_schema)
    first = definition.visible_pages({})
    return Draft.objects.create(
        procedure=procedure, revision=procedure.published_revision, user=user,
        session_key="" if user else session_token, answers={}, current_page=first[0].key if first else "",
        expires_at=new_expiry(),
    )


def save_page(draft, form, current_page, uploaded_by=None) -> dict:
    """Saves the valid answers of a validated page form into the draft (even when other fields of the
    page are invalid), stores valid uploads as draft files, forgets removed files, and pushes back the
    draft's expiry. Returns the answers saved."""
    def store_file(field_key, upload):
        stored = store_upload(upload.file, upload.content_type, uploaded_by=uploaded_by)
        DraftFile.objects.create(draft=draft, field_key=field_key, stored_file=stored)
        return stored.as_answer()

    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        if locked.status != DraftStatus.IN_PROGRESS:
            raise Http404
        values = form.valid_answers(store_file)
        answers = dict(locked.answers)
        answers.update(values)
        locked.answers = answers
        locked.current_page = current_page
        locked.expires_at = new_expiry()
        locked.expiry_warned_at = None
        locked.save(update_fields=["answers", "current_page", "expires_at", "expiry_warned_at", "updated_at"])
        # Only this page's file fields can have dropped a file: the other answers are unchanged.
        if any(item.type == "file" for item in form.page.fields):
            _prune_files(locked, form.definition)
    draft.answers, draft.current_page, draft.expires_at = locked.answers, locked.current_page, locked.expires_at
    return values


def _prune_files(draft, definition):
    """Deletes the draft's files its answers no longer reference (removed or replaced). `definition`: the form
    of the draft's revision, already built by the caller."""
    referenced = {ref["file_id"] for _, ref in definition.file_refs(draft.answers)}
    unused = [df for df in draft.files.select_related("stored_file") if str(df.stored_file_id) not in referenced]
    delete_stored_files([df.stored_file for df in unused])


def get_draft_file(draft, file_id):
    """A file of this draft (the draft comes from `get_draft_for_owner`); 404 otherwise."""
    try:
        return draft.files.select_related("stored_file").get(stored_file_id=uuid.UUID(str(file_id)))
    except (DraftFile.DoesNotExist, ValueError):
        raise Http404 from None


def delete_draft(draft):
    """Deletes a draft and the files uploaded into it."""
    with transaction.atomic():
        files = [df.stored_file for df in draft.files.select_related("stored_file")]
        delete_stored_files(files)
        draft.delete()


# --- Submission ---------------------------------------------------------------------------------

def submit_draft(draft, *, contact_email="", received_at=None):
    """Files the draft as a case and returns the case.

    In one transaction, the draft row is locked: a draft already submitted returns its case (a double
    click files one case, not two). The answers are re-validated page by page from the stored answers
    (`clean_for_submission`): answers of hidden fields are dropped, and a missing or invalid answer on
    any visible page raises `SubmissionRefused`. Anonymous filings need a contact email.
    """
    from parvis.cases.services import submit_case

    with transaction.atomic():
        locked = (Draft.objects.select_for_update(of=("self",))
                  .select_related("revision__procedure", "procedure", "user").get(pk=draft.pk))
        if locked.status == DraftStatus.SUBMITTED and locked.submitted_case_id:
            return locked.submitted_case
        definition = definition_for(locked)
        answers, errors = definition.clean_for_submission(locked.answers)
        if errors:
            raise SubmissionRefused(errors)
        contact_email = (contact_email or "").strip()
        if locked.user_id is None and not contact_email:
            raise SubmissionRefused([], "Indiquez une adresse électronique pour recevoir l'accusé.")
        draft_files = {str(df.stored_file_id): df.stored_file
                       for df in locked.files.select_related("stored_file")}
        files, used = [], set()
        for field_key, ref in definition.file_refs(answers):
            stored = draft_files.get(ref["file_id"])
            if stored is None:  # a reference this draft never stored: refuse rather than attach it
                raise SubmissionRefused([], "Un fichier joint est introuvable : joignez-le à nouveau.")
            files.append((field_key, stored))
            used.add(ref["file_id"])
        case = submit_case(
            revision=locked.revision, answers=answers, applicant=locked.user,
            contact_email=contact_email if locked.user_id is None else "", channel="web",
            received_at=received_at, files=files,
        )
        # The case holds the answers and files now: the draft keeps only the link to it.
        locked.files.all().delete()
        delete_stored_files([stored for file_id, stored in draft_files.items() if file_id not in used])
        locked.status = DraftStatus.SUBMITTED
        locked.submitted_case = case
        locked.answers = {}
        locked.save(update_fields=["status", "submitted_case", "answers", "updated_at"])
    draft.status, draft.submitted_case = locked.status, case
    return case


# --- Expiry -------------------------------------------------------------------------------------

def expire_drafts(now=None, stdout=None):
    """Warns residents once before their draft expires, deletes expired drafts. Idempotent.

    Returns (warned, deleted)."""
    now = now or timezone.now()
    warning_limit = now + dt.timedelta(days=settings.DRAFT_EXPIRY_WARNING_DAYS)
    warned = 0
    candidates = (Draft.objects.filter(status=DraftStatus.IN_PROGRESS, expiry_warned_at__isnull=True,
                                       expires_at__gt=now, expires_at__lte=warning_limit,
                                       user__isnull=False, user__is_active=True)
                  .exclude(user__email__isnull=True).exclude(user__email="")
                  .select_related("user", "procedure"))
    for draft in candidates:
        # Claim the warning first, so that two runs at once never send it twice.
        claimed = Draft.objects.filter(pk=draft.pk, expiry_warned_at__isnull=True).update(expiry_warned_at=now)
        if not claimed:
            continue
        try:
            _send_expiry_warning(draft)
        except Exception:
            Draft.objects.filter(pk=draft.pk).update(expiry_warned_at=None)
            logger.exception("Avertissement d'expiration du brouillon %s non envoyé", draft.pk)
            continue
        warned += 1
    deleted = 0
    for draft in Draft.objects.filter(expires_at__lte=now):
        delete_draft(draft)
        deleted += 1
    return warned, deleted


def _send_expiry_warning(draft):
    local_expiry = timezone.localtime(draft.expires_at)
    context = {
        "draft": draft, "user": draft.user, "procedure": draft.procedure, "expires_on": local_expiry,
        "resume_url": settings.SITE_URL + draft.get_absolute_url(),
        "delete_url": settings.SITE_URL + draft.get_delete_url(),
    }
    subject = f"Votre demande « {draft.procedure.title} » sera supprimée le {local_expiry:%d/%m/%Y}"
    body = render_to_string("filing/emails/expiry_warning.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [draft.user.email])

