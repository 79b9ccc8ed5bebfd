"""Counter services: residents created at the counter, requests filed for them, incoming mail.

Every case is filed through `parvis.cases.services.submit_case` (same reference, acknowledgement and
legal dates as online) with the channel, the real date of receipt and the agent who filed it. Every
history line of a case is written by `record_event`.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from parvis.accounts.models import User
from parvis.cases.acknowledgements import issue_acknowledgement
from parvis.cases.deadlines import PARIS
from parvis.cases.legal import channel_phrase
from parvis.cases.models import CaseDocument, DocumentKind
from parvis.cases.services import record_event, submit_case
from parvis.counter.access import counter_procedures
from parvis.counter.models import CounterDraft, CounterDraftFile, DraftStatus, MailItem, MailStatus
from parvis.files.services import delete_stored_files, store_upload
from parvis.formengine import FormDefinition

logger = logging.getLogger(__name__)

MAX_BACKDATING = dt.timedelta(days=365)
REVIEW_STEP = "verification"
DOCUMENTS_STEP = "documents"
SCANS_KEY = "documents_numerises"
PREFILL_SOURCE = "la fiche de l'usager"
NO_EMAIL_HELP = ("Au guichet, ce champ est facultatif : l'usager n'a pas d'adresse électronique, ses courriers "
                 "lui seront remis ou envoyés sur papier.")

# The scanned documents an agent adds to a request, outside the procedure's own file fields. The form
# engine validates them (content checked, size, count) and renders them like any file field.
SCANS_SCHEMA = {"version": 1, "pages": [{
    "key": DOCUMENTS_STEP, "title": "Documents numérisés", "sections": [{
        "key": "documents_section", "title": "Documents remis par l'usager",
        "help": "Numérisez les documents papier remis ou reçus (courrier, pièces justificatives) et joignez-les "
                "à la demande. Facultatif.",
        "fields": [{"key": SCANS_KEY, "type": "file", "label": "Documents numérisés", "required": False,
                    "accept": ["pdf", "jpeg", "png"], "multiple": True, "max_files": 10, "max_size_mb": 10}],
    }],
}]}


class CounterSubmissionRefused(Exception):
    """The counter draft cannot be filed as it stands; `errors` lists `SubmissionError`s."""

    def __init__(self, errors=(), message="", step=""):
        self.errors = list(errors)
        self.step = step  # "details": the date of receipt must be corrected
        self.message = message or "Certaines réponses manquent ou ne sont plus valides."
        super().__init__(self.message)

    @property
    def first_page_key(self):
        return self.errors[0].page_key if self.errors else ""


# --- Dates of receipt ------------------------------------------------------------------------------

def check_received_at(value, now=None):
    """Raises ValidationError unless `value` (an aware datetime) is neither in the future nor more than
    a year back. A letter's stamped date may be earlier than today; never later."""
    now = now or timezone.now()
    if value > now:
        raise ValidationError("La date de réception ne peut pas être dans le futur : indiquez la date à laquelle "
                              "la mairie a reçu la demande (le cachet de la poste ou du courrier arrivé).",
                              code="future")
    if value < now - MAX_BACKDATING:
        raise ValidationError("La date de réception remonte à plus d'un an : vérifiez-la.", code="too_old")
    return value


# --- Residents ---------------------------------------------------------------------------------------

def create_resident(*, agent, civility="", first_name, last_name, birth_date, street="", postcode="", city="",
                    phone="", email=""):
    """Creates a resident's record at the counter (with or without email; no password: the resident may
    later claim the account through the password reset). Returns the user."""
    user = User.objects.create_user(
        email or None, None, civility=civility or "", first_name=first_name.strip(), last_name=last_name.strip(),
        birth_date=birth_date, street=street.strip(), postcode=postcode.strip(), city=city.strip(),
        phone=phone.strip(),
    )
    logger.info("Usager %s créé au guichet par l'agent %s", user.pk, agent.pk)
    return user


# --- The form of a procedure, as the counter uses it --------------------------------------------------

def counter_schema(schema, resident):
    """The procedure's form for the counter: when the resident has no email, email fields are not
    required (the agent may file without it); every other rule stays."""
    if resident.email:
        return schema
    schema = copy.deepcopy(schema)
    for page in schema.get("pages", []):
        for section in page.get("sections", []):
            for field in section.get("fields", []):
                if field.get("type") == "email" and field.get("required"):
                    field["required"] = False
                    field["help"] = f"{field.get('help', '')}\n{NO_EMAIL_HELP}".strip()
    return schema


def definition_for(draft) -> FormDefinition:
    return FormDefinition(counter_schema(draft.revision.form_schema, draft.resident))


def scans_definition() -> FormDefinition:
    return FormDefinition(SCANS_SCHEMA)


def prefill_for(definition, resident):
    """Pre-fill from the resident's record ("say it once"), labelled as coming from it."""
    return {key: (value, PREFILL_SOURCE) for key, (value, _source) in definition.prefill_values(resident).items()}


# --- Drafts ------------------------------------------------------------------------------------------

def get_counter_draft(user, draft_id, statuses=(DraftStatus.IN_PROGRESS,)) -> CounterDraft:
    """A counter draft of this agent, whose procedure they may still file; 404 otherwise."""
    try:
        draft_uuid = uuid.UUID(str(draft_id))
    except ValueError:
        raise Http404 from None
    draft = (CounterDraft.objects.select_related("procedure", "procedure__department", "revision", "resident",
                                                 "submitted_case")
             .filter(pk=draft_uuid, agent=user, status__in=statuses).first())
    if draft is None or not counter_procedures(user).filter(pk=draft.procedure_id).exists():
        raise Http404
    return draft


def first_step(draft, definition=None):
    definition = definition or definition_for(draft)
    pages = definition.visible_pages(draft.answers)
    return pages[0].key if pages else DOCUMENTS_STEP


def start_counter_draft(*, agent, resident, procedure, channel, received_at, note="", scan=None) -> CounterDraft:
    """A new counter draft on the procedure's published revision (the procedure comes from
    `get_procedure_for_counter`). `scan`: a StoredFile (a letter) attached to the request from the start."""
    check_received_at(received_at)
    revision = procedure.published_revision
    with transaction.atomic():
        draft = CounterDraft.objects.create(
            agent=agent, resident=resident, procedure=procedure, revision=revision, channel=channel,
            received_at=received_at, note=note or "", answers={}, documents=[scan.as_answer()] if scan else [],
        )
        if scan is not None:
            CounterDraftFile.objects.create(draft=draft, field_key="", stored_file=scan)
        draft.current_page = first_step(draft)
        draft.save(update_fields=["current_page"])
    return draft


def update_draft_details(draft, *, channel, received_at, note=None):
    check_received_at(received_at)
    draft.channel, draft.received_at = channel, received_at
    fields = ["channel", "received_at", "updated_at"]
    if note is not None:
        draft.note = note
        fields.append("note")
    draft.save(update_fields=fields)
    return draft


def _locked(draft):
    locked = CounterDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.status != DraftStatus.IN_PROGRESS:
        raise Http404
    return locked


def _file_storer(draft, agent, field_key_override=None):
    def store_file(field_key, upload):
        stored = store_upload(upload.file, upload.content_type, uploaded_by=agent)
        CounterDraftFile.objects.create(draft=draft, field_key=field_key_override if field_key_override is not None
                                        else field_key, stored_file=stored)
        return stored.as_answer()
    return store_file


def save_counter_page(draft, form, current_page, agent) -> dict:
    """Saves the valid answers of a validated page form (even when other fields are invalid), stores the
    valid uploads, forgets removed files. Returns the answers saved."""
    with transaction.atomic():
        locked = _locked(draft)
        values = form.valid_answers(_file_storer(locked, agent))
        answers = dict(locked.answers)
        answers.update(values)
        locked.answers = answers
        locked.current_page = current_page
        locked.save(update_fields=["answers", "current_page", "updated_at"])
        _prune_files(locked)
    draft.answers, draft.current_page = locked.answers, locked.current_page
    return values


def save_documents(draft, form, agent):
    """Saves the scanned documents step (a validated form of `scans_definition()`)."""
    with transaction.atomic():
        locked = _locked(draft)
        values = form.valid_answers(_file_storer(locked, agent, field_key_override=""))
        if SCANS_KEY in values:
            locked.documents = values[SCANS_KEY]
        locked.current_page = DOCUMENTS_STEP
        locked.save(update_fields=["documents", "current_page", "updated_at"])
        _prune_files(locked)
    draft.documents, draft.current_page = locked.documents, locked.current_page


def set_current_page(draft, page_key):
    if draft.current_page != page_key:
        draft.current_page = page_key
        draft.save(update_fields=["current_page"])


def _referenced_file_ids(draft):
    ids = {ref["file_id"] for _key, ref in definition_for(draft).file_refs(draft.answers)}
    ids.update(ref.get("file_id") for ref in draft.documents or [] if isinstance(ref, dict))
    return ids


def _mail_scans(draft):
    """Scans of letters qualified into this draft: they stay with their mail item, whatever happens."""
    return set(MailItem.objects.filter(draft=draft).values_list("scan_id", flat=True))


def _prune_files(draft):
    """Deletes the draft's files that its answers and documents no longer reference."""
    referenced = _referenced_file_ids(draft)
    unused = [item for item in draft.files.select_related("stored_file")
              if str(item.stored_file_id) not in referenced]
    CounterDraftFile.objects.filter(pk__in=[item.pk for item in unused]).delete()
    delete_stored_files([item.stored_file for item in unused], keep=_mail_scans(draft))


def get_draft_file(draft, file_id):
    try:
        return draft.files.select_related("stored_file").get(stored_file_id=uuid.UUID(str(file_id))).stored_file
    except (CounterDraftFile.DoesNotExist, ValueError):
        raise Http404 from None


def delete_counter_draft(draft):
    """Abandons a counter draft and deletes its files (a letter's scan stays with its mail item)."""
    with transaction.atomic():
        kept = _mail_scans(draft)
        MailItem.objects.filter(draft=draft).update(status=MailStatus.TO_QUALIFY, draft=None)
        files = [item.stored_file for item in draft.files.select_related("stored_file")]
        CounterDraftFile.objects.filter(draft=draft).delete()
        delete_stored_files(files, keep=kept)
        draft.delete()


def expire_counter_drafts(now=None):
    """Deletes counter drafts left untouched longer than COUNTER_DRAFT_RETENTION_DAYS (30 by default), with
    their files; a letter's scan goes back to the letters to qualify. Idempotent; returns how many."""
    days = settings.COUNTER_DRAFT_RETENTION_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted = 0
    for draft in CounterDraft.objects.filter(status=DraftStatus.IN_PROGRESS, updated_at__lt=cutoff):
        delete_counter_draft(draft)
        deleted += 1
    return deleted


def submit_counter_draft(draft, agent):
    """Files the draft as a case for its resident and returns the case.

    In one transaction with the draft locked (a double click files one case): the answers are validated
    again page by page (`clean_for_submission`, required rules apply), the date of receipt is checked
    again, the files are handed to the case, and the case is filed through `submit_case` with the
    channel, the real date of receipt and the agent. A letter's mail item is marked as filed.
    """
    with transaction.atomic():
        locked = (CounterDraft.objects.select_for_update(of=("self",)).select_related("revision", "resident")
                  .get(pk=draft.pk))
        if locked.status == DraftStatus.SUBMITTED and locked.submitted_case_id:
            return locked.submitted_case
        definition = definition_for(locked)
        answers, errors = definition.clean_for_submission(locked.answers)
        if errors:
            raise CounterSubmissionRefused(errors)
        try:
            check_received_at(locked.received_at)
        except ValidationError as error:
            raise CounterSubmissionRefused([], error.messages[0], step="details") from None
        stored = {str(item.stored_file_id): item.stored_file for item in locked.files.select_related("stored_file")}
        files, used = [], set()
        for field_key, ref in definition.file_refs(answers):
            if ref["file_id"] not in stored:
                raise CounterSubmissionRefused([], "Un fichier joint est introuvable : joignez-le à nouveau.")
            files.append((field_key, stored[ref["file_id"]]))
            used.add(ref["file_id"])
        for ref in locked.documents or []:
            file_id = ref.get("file_id") if isinstance(ref, dict) else None
            if file_id in stored and file_id not in used:
                files.append(("", stored[file_id]))
                used.add(file_id)
        case = submit_case(revision=locked.revision, answers=answers, applicant=locked.resident,
                           channel=locked.channel, received_at=locked.received_at, filed_by=agent, files=files)
        mail_items = list(MailItem.objects.select_for_update().filter(draft=locked))
        for item in mail_items:
            item.status, item.case = MailStatus.FILED, case
            item.save(update_fields=["status", "case", "updated_at"])
        if locked.note or mail_items:
            subject = locked.note or mail_items[0].subject
            record_event(case, "counter_note", f"Objet du {_source_word(locked.channel)} : {subject}", actor=agent,
                         channel=locked.channel, visible_to_resident=False)
        kept = {item.scan_id for item in mail_items}
        CounterDraftFile.objects.filter(draft=locked).delete()
        delete_stored_files([item for file_id, item in stored.items() if file_id not in used], keep=kept)
        locked.status, locked.submitted_case, locked.answers = DraftStatus.SUBMITTED, case, {}
        locked.save(update_fields=["status", "submitted_case", "answers", "updated_at"])
    draft.status, draft.submitted_case = locked.status, case
    return case


def _source_word(channel):
    return {"mail": "courrier", "email": "courriel", "phone": "appel", "counter": "passage au guichet"}.get(
        channel, "dépôt")


# --- Acknowledgement -----------------------------------------------------------------------------------

def acknowledgement_for_counter(case, agent):
    """The acknowledgement document of a case (produced now if the background task has not yet)."""
    return issue_acknowledgement(case, actor=agent)


# --- Incoming mail -------------------------------------------------------------------------------------

def register_mail(*, agent, upload, content_type, received_at, subject) -> MailItem:
    """Stores a scanned letter (its type checked by the caller on its content) with its stamped date."""
    check_received_at(received_at)
    with transaction.atomic():
        scan = store_upload(upload, content_type, uploaded_by=agent)
        return MailItem.objects.create(scan=scan, received_at=received_at, subject=subject.strip(),
                                       registered_by=agent)


def get_mail_item(user, item_id, statuses=(MailStatus.TO_QUALIFY,)) -> MailItem:
    """A letter registered by this agent, still to qualify (by default); 404 otherwise."""
    try:
        item_uuid = uuid.UUID(str(item_id))
    except ValueError:
        raise Http404 from None
    item = (MailItem.objects.select_related("scan", "case", "draft")
            .filter(pk=item_uuid, registered_by=user, status__in=statuses).first())
    if item is None:
        raise Http404
    return item


def mail_to_draft(item, *, agent, resident, procedure) -> CounterDraft:
    """Qualifies a letter as a new request: a counter draft on the mail channel, received on the
    stamped date, with the scan attached; the agent then types the letter's answers in the form."""
    with transaction.atomic():
        locked = MailItem.objects.select_for_update().get(pk=item.pk)
        if locked.status != MailStatus.TO_QUALIFY:
            raise Http404
        draft = start_counter_draft(agent=agent, resident=resident, procedure=procedure, channel="mail",
                                    received_at=locked.received_at, note=locked.subject, scan=locked.scan)
        locked.status, locked.draft = MailStatus.IN_FILING, draft
        locked.save(update_fields=["status", "draft", "updated_at"])
    return draft


def attach_mail_to_case(item, case, *, agent) -> CaseDocument:
    """Adds a letter to an existing case (the case comes from `get_case_for_agent`): a case document and
    a history line on the mail channel."""
    with transaction.atomic():
        locked = MailItem.objects.select_for_update().get(pk=item.pk)
        if locked.status != MailStatus.TO_QUALIFY:
            raise Http404
        received_on = timezone.localtime(locked.received_at, PARIS)
        document = CaseDocument.objects.create(
            case=case, stored_file=locked.scan, kind=DocumentKind.ATTACHMENT,
            label=f"Courrier reçu le {received_on:%d/%m/%Y} : {locked.subject}"[:255], added_by=agent,
        )
        record_event(case, "mail_received",
                     f"Courrier reçu le {received_on:%d/%m/%Y} ajouté au dossier ({channel_phrase('mail')}) : "
                     f"{locked.subject}", actor=agent, channel="mail",
                     data={"document": document.pk, "mail_item": str(locked.pk)})
        locked.status, locked.case = MailStatus.ATTACHED, case
        locked.save(update_fields=["status", "case", "updated_at"])
    return document
