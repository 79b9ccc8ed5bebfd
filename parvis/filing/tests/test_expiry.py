"""Drafts expire: residents are warned once by email, then the draft and its files are deleted."""

import datetime as dt
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from parvis.accounts.models import User
from parvis.files.models import StoredFile
from parvis.filing.models import Draft, DraftFile, DraftStatus
from parvis.filing.services import start_draft
from parvis.filing.tests.conftest import post_page, start
from parvis.formengine.tests.helpers import pdf_bytes
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db


def run():
    out = StringIO()
    call_command("expire_drafts", stdout=out)
    return out.getvalue().strip()


def test_expiry_is_set_at_creation_and_pushed_back_at_each_save(logged_in, procedure, settings):
    settings.DRAFT_RETENTION_DAYS = 30
    draft, _ = start(logged_in, procedure)
    assert abs(draft.expires_at - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    Draft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() + dt.timedelta(days=2),
                                             expiry_warned_at=timezone.now())
    post_page(logged_in, draft, "demandeur", {"prenom": "Camille"}, action="save")
    draft.refresh_from_db()
    assert draft.expires_at > timezone.now() + dt.timedelta(days=29)
    assert draft.expiry_warned_at is None  # a new warning will be due before the new date


def test_expire_drafts_warns_once_and_deletes_expired_drafts(logged_in, procedure, resident, settings, mailbox,
                                                             django_capture_on_commit_callbacks):
    settings.DRAFT_EXPIRY_WARNING_DAYS = 7
    now = timezone.now()
    soon, _ = start(logged_in, procedure)
    later, _ = start(logged_in, procedure)
    expired, _ = start(logged_in, procedure)
    post_page(logged_in, expired, "reservation", {"salle": "stade", "plan": SimpleUploadedFile("p.pdf", pdf_bytes())})
    stored = DraftFile.objects.get(draft=expired).stored_file
    storage, name = stored.file.storage, stored.file.name
    anonymous = start_draft(procedure, session_token="jeton-de-session")
    submitted, _ = start(logged_in, procedure)
    no_email_owner = start_draft(procedure, user=User.objects.create_user(email=None, first_name="Guichet"))
    Draft.objects.filter(pk=submitted.pk).update(status=DraftStatus.SUBMITTED)
    for draft, days in ((soon, 3), (later, 30), (expired, -1), (anonymous, 3), (submitted, -2), (no_email_owner, 2)):
        Draft.objects.filter(pk=draft.pk).update(expires_at=now + dt.timedelta(days=days))

    with django_capture_on_commit_callbacks(execute=True):
        assert run() == "1 avertissement(s) envoyé(s), 2 brouillon(s) supprimé(s)."
    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert message["To"] == resident.email
    assert "« Réserver une salle » sera supprimée le" in message["Subject"]
    body = body_text(message)
    assert f"http://127.0.0.1:8000/demarches/{procedure.slug}/deposer/{soon.pk}/demandeur/" in body
    assert f"/deposer/{soon.pk}/supprimer/" in body
    soon.refresh_from_db()
    assert soon.expiry_warned_at is not None
    remaining = set(Draft.objects.values_list("pk", flat=True))
    assert remaining == {soon.pk, later.pk, anonymous.pk, no_email_owner.pk}
    assert not StoredFile.objects.filter(pk=stored.pk).exists()
    assert not storage.exists(name)

    # Run again: nothing is sent or deleted twice.
    assert run() == "0 avertissement(s) envoyé(s), 0 brouillon(s) supprimé(s)."
    assert len(mailbox.messages) == 1
