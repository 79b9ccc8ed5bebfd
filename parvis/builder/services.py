"""The builder's services: create a procedure, edit its draft, publish, unpublish, close.

A procedure is edited on a *draft* (`ProcedureDraft`): a draft revision (form and workflow, a
`ProcedureRevision` with no `published_at`) and the pending settings. The published revision and the live
procedure row stay as they are until `publish`, which in one transaction checks everything, turns the draft
revision into the new published revision, applies the settings, deletes the test cases filed on the draft
and records who published what. Every change to a draft goes through `edit_form`, `edit_workflow` or
`edit_settings`, which lock the procedure's row (two administrators never overwrite each other's change).
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from parvis.builder import checks, diff, workflow_ops
from parvis.builder.models import ProcedureClosure, ProcedureDraft, PublicationAction, PublicationEvent, TestDraft
from parvis.builder.procedure_settings import (
    BuilderProblem,
    apply_settings,
    default_settings,
    normalise,
    settings_from_procedure,
)
from parvis.builder.schema_ops import empty_schema
from parvis.cases.models import Case, CaseDocument
from parvis.files.models import StoredFile
from parvis.procedures.models import Procedure, ProcedureRevision, ProcedureStatus
from parvis.workflows import Workflow, default_workflow, load_workflow

logger = logging.getLogger(__name__)


class PublishRefused(Exception):
    """The draft cannot be published; `problems` lists every reason (`BuilderProblem`)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


class NothingToPublish(Exception):
    pass


@dataclass
class DraftState:
    """What the builder shows for a procedure: its draft if there is one, else its live state."""

    procedure: Procedure
    draft: ProcedureDraft | None
    settings: dict
    schema: dict
    workflow: dict

    @property
    def revision(self):
        return self.draft.revision if self.draft else self.procedure.published_revision

    @property
    def has_draft(self):
        return self.draft is not None

    @property
    def title(self):
        return self.settings.get("title") or self.procedure.title


def _event(procedure, action, actor, *, revision=None, message="", changes=()):
    return PublicationEvent.objects.create(procedure=procedure, revision=revision, action=action, actor=actor,
                                           at=timezone.now(), message=message, changes=list(changes))


def _actor(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def unique_slug(text, exclude_pk=None, max_length=120) -> str:
    base = slugify(text)[: max_length - 4].strip("-") or "demarche"
    taken = set(Procedure.objects.exclude(pk=exclude_pk).filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _published_workflow(revision) -> dict:
    """The workflow of a revision as data (the default one written out when the revision has none)."""
    if revision is None:
        return default_workflow()
    if not revision.workflow:
        return load_workflow({}).to_data()
    return copy.deepcopy(revision.workflow)


def state(procedure) -> DraftState:
    draft = ProcedureDraft.objects.select_related("revision").filter(procedure=procedure).first()
    if draft is not None:
        return DraftState(procedure, draft, normalise(draft.settings), draft.revision.form_schema,
                          workflow_ops.ensure_shape(copy.deepcopy(draft.revision.workflow)))
    revision = procedure.published_revision
    return DraftState(procedure, None, normalise(settings_from_procedure(procedure)),
                      copy.deepcopy(revision.form_schema) if revision else empty_schema(),
                      _published_workflow(revision))


def problems(procedure) -> list[BuilderProblem]:
    current = state(procedure)
    return checks.draft_problems(current.settings, current.schema, current.workflow, procedure=procedure)


# --- Creating -----------------------------------------------------------------------------------------------

def _next_number(procedure):
    return (procedure.revisions.aggregate(number=Max("number"))["number"] or 0) + 1


def create_procedure(*, user, title, department, category, family, schema=None, workflow=None, settings=None,
                     source="blank", action=PublicationAction.CREATE, message="") -> Procedure:
    """A new procedure, not published, with its draft (empty form and default workflow unless given)."""
    values = default_settings(title=title, slug=unique_slug(title), department=department, category=category,
                              family=family)
    if settings:
        values.update({name: value for name, value in settings.items() if name in values})
        values["slug"] = unique_slug(values["slug"] or title)
        values["department"] = department.pk
    row_values = dict(values)
    if row_values.get("regime") != "none" and not row_values.get("period_value"):
        row_values["regime"] = "none"  # the row is not live; the draft keeps what was asked (and says it is missing)
    with transaction.atomic():
        procedure = Procedure(status=ProcedureStatus.DRAFT)
        apply_settings(procedure, row_values)
        revision = ProcedureRevision.objects.create(
            procedure=procedure, number=1, form_schema=schema if schema is not None else empty_schema(),
            workflow=workflow if workflow is not None else default_workflow(), created_by=_actor(user))
        ProcedureDraft.objects.create(procedure=procedure, revision=revision, settings=values, source=source,
                                      created_by=_actor(user), updated_by=_actor(user))
        _event(procedure, action, _actor(user), message=message)
    return procedure


def _lock(procedure):
    return Procedure.objects.select_for_update().get(pk=procedure.pk)


def _ensure_draft(procedure, user) -> ProcedureDraft:
    """The procedure's draft, created from its published state when there is none. Call with the row locked."""
    draft = ProcedureDraft.objects.select_related("revision").filter(procedure=procedure).first()
    if draft is not None:
        return draft
    published = procedure.published_revision
    revision = ProcedureRevision.objects.create(
        procedure=procedure, number=_next_number(procedure),
        form_schema=copy.deepcopy(published.form_schema) if published else empty_schema(),
        workflow=_published_workflow(published), created_by=_actor(user))
    return ProcedureDraft.objects.create(procedure=procedure, revision=revision,
                                         settings=settings_from_procedure(procedure),
                                         source="published" if published else "blank",
                                         created_by=_actor(user), updated_by=_actor(user))


def ensure_draft(procedure, user) -> ProcedureDraft:
    with transaction.atomic():
        return _ensure_draft(_lock(procedure), user)


# --- Editing ------------------------------------------------------------------------------------------------

def edit_form(procedure, user, change):
    """Applies `change(schema)` to the draft's form (created if needed) and saves it; returns its result."""
    with transaction.atomic():
        draft = _ensure_draft(_lock(procedure), user)
        schema = copy.deepcopy(draft.revision.form_schema) or empty_schema()
        result = change(schema)
        draft.revision.form_schema = schema
        draft.revision.save(update_fields=["form_schema"])
        draft.updated_by = _actor(user)
        draft.save(update_fields=["updated_by", "updated_at"])
    return result


def edit_workflow(procedure, user, change):
    """Applies `change(workflow)` to the draft's workflow (created if needed) and saves it; returns its result."""
    with transaction.atomic():
        draft = _ensure_draft(_lock(procedure), user)
        workflow = workflow_ops.ensure_shape(copy.deepcopy(draft.revision.workflow))
        result = change(workflow)
        draft.revision.workflow = workflow
        draft.revision.save(update_fields=["workflow"])
        draft.updated_by = _actor(user)
        draft.save(update_fields=["updated_by", "updated_at"])
    return result


def edit_settings(procedure, user, values: dict):
    """Stores new values of some settings in the draft (created if needed)."""
    with transaction.atomic():
        draft = _ensure_draft(_lock(procedure), user)
        settings = dict(draft.settings)
        settings.update(values)
        draft.settings = normalise(settings)
        draft.updated_by = _actor(user)
        draft.save(update_fields=["settings", "updated_by", "updated_at"])
    return draft


def replace_draft(procedure, user, *, settings, schema, workflow, source):
    """Replaces the whole draft (an import into an existing procedure)."""
    with transaction.atomic():
        locked = _lock(procedure)
        draft = _ensure_draft(locked, user)
        merged = normalise({**draft.settings, **settings, "department": draft.settings.get("department")})
        if locked.published_revision_id:
            merged["slug"] = locked.slug  # a published address does not move
        draft.settings = merged
        draft.source = source
        draft.updated_by = _actor(user)
        draft.save(update_fields=["settings", "source", "updated_by", "updated_at"])
        draft.revision.form_schema = schema
        draft.revision.workflow = workflow
        draft.revision.save(update_fields=["form_schema", "workflow"])
        _event(locked, PublicationAction.IMPORT, _actor(user))
    return draft


# --- Test cases ---------------------------------------------------------------------------------------------

def cases_filed_in_test(procedure):
    """The test cases filed on the procedure's draft revision (test mode)."""
    draft = ProcedureDraft.objects.filter(procedure=procedure).first()
    if draft is None:
        return Case.objects.none()
    return Case.objects.filter(revision_id=draft.revision_id, is_test=True).order_by("-received_at")


def purge_test_cases(revision) -> int:
    """Deletes the test cases of a revision, their documents and their stored files (bytes after commit)."""
    cases = Case.objects.filter(revision=revision, is_test=True)
    file_ids = list(CaseDocument.objects.filter(case__in=cases).values_list("stored_file_id", flat=True))
    count = len(cases)
    if not count:
        return 0
    cases.delete()
    delete_stored_files(StoredFile.objects.filter(pk__in=file_ids))
    return count


def delete_stored_files(stored_files):
    """Deletes stored files no longer needed: rows now (those still used elsewhere are kept), bytes after commit."""
    names = []
    for item in list(stored_files):
        name, storage = item.file.name, item.file.storage
        try:
            with transaction.atomic():
                item.delete()
        except ProtectedError:
            logger.info("Fichier %s conservé : utilisé ailleurs", item.pk)
            continue
        if name:
            names.append((storage, name))

    def remove():
        for storage, name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Fichier %s non supprimé du stockage", name)

    transaction.on_commit(remove)


def _delete_test_drafts(revision):
    for test_draft in TestDraft.objects.filter(revision=revision).prefetch_related("files__stored_file"):
        delete_stored_files([item.stored_file for item in test_draft.files.all()])
        test_draft.delete()


# --- Publishing -------------------------------------------------------------------------------------------

def publish(procedure, user, *, message="") -> ProcedureRevision:
    """Publishes the draft: the draft revision becomes the published revision and the settings go live.

    Raises `NothingToPublish` without a draft and `PublishRefused(problems)` when a guard rail holds.
    Residents' drafts started on the previous revision keep it, as do the cases filed under it.
    """
    with transaction.atomic():
        locked = _lock(procedure)
        draft = ProcedureDraft.objects.select_related("revision").filter(procedure=locked).first()
        if draft is None:
            raise NothingToPublish
        settings = normalise(draft.settings)
        workflow = workflow_ops.ensure_shape(copy.deepcopy(draft.revision.workflow))
        found = checks.draft_problems(settings, draft.revision.form_schema, workflow, procedure=locked)
        if found:
            raise PublishRefused(found)
        changes = diff.lines(diff.compare(locked, settings, draft.revision.form_schema, workflow))
        revision = draft.revision
        deleted = purge_test_cases(revision)
        _delete_test_drafts(revision)
        revision.workflow = Workflow(workflow, regime=settings["regime"]).to_data()
        revision.published_at = timezone.now()
        revision.save(update_fields=["workflow", "published_at"])
        apply_settings(locked, settings)
        locked.status = ProcedureStatus.PUBLISHED
        locked.published_revision = revision
        locked.save(update_fields=["status", "published_revision", "updated_at"])
        ProcedureClosure.objects.filter(procedure=locked).delete()
        draft.delete()
        if deleted:
            changes.append(_("%(count)s dossier(s) de test supprimé(s).") % {"count": deleted})
        _event(locked, PublicationAction.PUBLISH, _actor(user), revision=revision, message=message, changes=changes)
    procedure.refresh_from_db()
    return revision


def republish(procedure, user):
    """Puts back online an unpublished or closed procedure as it was last published (no draft needed)."""
    with transaction.atomic():
        locked = _lock(procedure)
        if locked.published_revision_id is None:
            raise NothingToPublish
        settings = normalise(settings_from_procedure(locked))
        revision = locked.published_revision
        found = checks.draft_problems(settings, revision.form_schema, _published_workflow(revision), procedure=locked)
        if found:
            raise PublishRefused(found)
        locked.status = ProcedureStatus.PUBLISHED
        locked.save(update_fields=["status", "updated_at"])
        ProcedureClosure.objects.filter(procedure=locked).delete()
        _event(locked, PublicationAction.REPUBLISH, _actor(user), revision=revision)
    procedure.refresh_from_db()


def unpublish(procedure, user, *, message=""):
    """Takes the procedure offline: no longer in the catalogue nor filed online; its cases go on."""
    with transaction.atomic():
        locked = _lock(procedure)
        locked.status = ProcedureStatus.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        ProcedureClosure.objects.filter(procedure=locked).delete()
        _event(locked, PublicationAction.UNPUBLISH, _actor(user), revision=locked.published_revision, message=message)
    procedure.refresh_from_db()


def close(procedure, user, *, message, replacement=None):
    """Closes the procedure for good, with a message for residents and, optionally, the procedure replacing it."""
    if replacement is not None and replacement.pk == procedure.pk:
        raise ValueError("Une démarche ne peut pas se remplacer elle-même.")
    with transaction.atomic():
        locked = _lock(procedure)
        locked.status = ProcedureStatus.CLOSED
        locked.save(update_fields=["status", "updated_at"])
        ProcedureClosure.objects.update_or_create(procedure=locked, defaults={
            "message": message, "replacement": replacement, "closed_at": timezone.now(), "closed_by": _actor(user)})
        _event(locked, PublicationAction.CLOSE, _actor(user), revision=locked.published_revision, message=message)
    procedure.refresh_from_db()


def discard_draft(procedure, user) -> bool:
    """Abandons the draft (its test cases with it). A procedure never published keeps an empty draft."""
    with transaction.atomic():
        locked = _lock(procedure)
        draft = ProcedureDraft.objects.select_related("revision").filter(procedure=locked).first()
        if draft is None or locked.published_revision_id is None:
            return False
        revision = draft.revision
        purge_test_cases(revision)
        _delete_test_drafts(revision)
        draft.delete()
        revision.delete()
        _event(locked, PublicationAction.DISCARD, _actor(user))
    return True


def closure_notice(procedure):
    """What residents read about a closed procedure: (message, replacement procedure or None), or None."""
    closure = ProcedureClosure.objects.select_related("replacement").filter(procedure=procedure).first()
    if closure is None or procedure.status != ProcedureStatus.CLOSED:
        return None
    replacement = closure.replacement
    if replacement is not None and replacement.status != ProcedureStatus.PUBLISHED:
        replacement = None
    return closure.message, replacement
