"""Test mode: agents file test cases on a procedure's draft revision, through the same form pages.

A test case is a real case (`Case.is_test=True`) filed under the draft revision, by the agent, on the web
channel: the registration receipt and the acknowledgement reach the agent's mailbox, the case can be handled
in the back office. Its legal snapshot (regime, period, department) is the draft's, so that what the test
shows is what residents will get. Test cases are never counted and are deleted when the draft is published
or abandoned (`services.purge_test_cases`).
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.http import Http404

from parvis.builder.models import ProcedureDraft, TestDraft, TestDraftFile
from parvis.builder.procedure_settings import normalise
from parvis.builder.services import delete_stored_files
from parvis.cases.services import compute_implicit_decision, record_event, submit_case
from parvis.files.services import store_upload
from parvis.filing.services import SubmissionRefused
from parvis.formengine import FormDefinition
from parvis.organisation.models import Department


def start(procedure, user) -> TestDraft:
    """A new test filing on the draft revision (which must exist)."""
    draft = ProcedureDraft.objects.select_related("revision").filter(procedure=procedure).first()
    if draft is None:
        raise Http404
    return TestDraft.objects.create(procedure=procedure, revision=draft.revision, user=user)


def get_test_draft(user, procedure, test_id) -> TestDraft:
    """The user's own test filing on the current draft revision; 404 otherwise."""
    try:
        test_uuid = uuid.UUID(str(test_id))
    except ValueError:
        raise Http404 from None
    draft = ProcedureDraft.objects.filter(procedure=procedure).first()
    test_draft = TestDraft.objects.select_related("revision").filter(
        pk=test_uuid, procedure=procedure, user=user).first()
    if test_draft is None or draft is None or test_draft.revision_id != draft.revision_id:
        raise Http404
    return test_draft


def definition_for(test_draft) -> FormDefinition:
    return FormDefinition(test_draft.revision.form_schema)


def save_page(test_draft, form, uploaded_by):
    """Saves the valid answers of a validated page form; valid uploads are stored at once."""
    def store_file(field_key, upload):
        stored = store_upload(upload.file, upload.content_type, uploaded_by=uploaded_by)
        TestDraftFile.objects.create(test_draft=test_draft, field_key=field_key, stored_file=stored)
        return stored.as_answer()

    with transaction.atomic():
        locked = TestDraft.objects.select_for_update().get(pk=test_draft.pk)
        answers = dict(locked.answers)
        answers.update(form.valid_answers(store_file))
        locked.answers = answers
        locked.save(update_fields=["answers", "updated_at"])
    test_draft.answers = answers
    return answers


def submit(test_draft) -> object:
    """Files the test filing as a test case under the draft revision; returns the case.

    Raises `SubmissionRefused` (from the filing app) when answers are missing or invalid.
    """
    with transaction.atomic():
        locked = (TestDraft.objects.select_for_update(of=("self",)).select_related("revision", "procedure")
                  .get(pk=test_draft.pk))
        definition = definition_for(locked)
        answers, errors = definition.clean_for_submission(locked.answers)
        if errors:
            raise SubmissionRefused(errors)
        stored = {str(item.stored_file_id): item.stored_file for item in locked.files.select_related("stored_file")}
        files, used = [], set()
        for field_key, ref in definition.file_refs(answers):
            if ref["file_id"] not in stored:
                raise SubmissionRefused([], "Un fichier joint est introuvable : joignez-le à nouveau.")
            files.append((field_key, stored[ref["file_id"]]))
            used.add(ref["file_id"])
        case = submit_case(revision=locked.revision, answers=answers, applicant=locked.user, channel="web",
                           files=files, is_test=True)
        _use_draft_settings(case, locked.procedure)
        record_event(case, "test_case", "Dossier de test déposé depuis le constructeur de démarches",
                     actor=locked.user, visible_to_resident=False)
        locked.files.all().delete()
        delete_stored_files([item for pk, item in stored.items() if pk not in used])
        locked.delete()
    return case


def _use_draft_settings(case, procedure):
    """The case's legal snapshot as the draft sets it (the live procedure may still say otherwise)."""
    draft = ProcedureDraft.objects.filter(procedure=procedure).first()
    if draft is None:
        return
    settings = normalise(draft.settings)
    regime = settings["regime"]
    case.regime = regime
    case.period_value = settings["period_value"] if regime != "none" else None
    case.period_unit = settings["period_unit"] if regime != "none" else ""
    if settings["department"] and Department.objects.filter(pk=settings["department"]).exists():
        case.department_id = settings["department"]
    case.implicit_decision_on = compute_implicit_decision(case, pieces_requests=[])
    case.save(update_fields=["regime", "period_value", "period_unit", "department", "implicit_decision_on",
                             "updated_at"])
