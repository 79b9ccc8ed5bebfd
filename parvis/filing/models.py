"""Drafts of online requests: answers saved page by page until the resident submits."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DraftStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("En cours")
    SUBMITTED = "submitted", _("Envoyée")


class Draft(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="drafts")
    revision = models.ForeignKey("procedures.ProcedureRevision", on_delete=models.CASCADE, related_name="drafts")
    # NULL for an anonymous filing: the draft is then bound to the browser session (session_key).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="drafts")
    session_key = models.CharField(max_length=64, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    current_page = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=12, choices=DraftStatus.choices, default=DraftStatus.IN_PROGRESS)
    submitted_case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField()
    expiry_warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("brouillon")
        verbose_name_plural = _("brouillons")
        indexes = [models.Index(fields=["user", "status"], name="draft_user_status_idx"),
                   models.Index(fields=["status", "expires_at"], name="draft_expiry_idx")]

    def __str__(self):
        return f"Brouillon {self.procedure} ({self.user or 'anonyme'})"

    def get_absolute_url(self):
        """Where the resident resumes this draft: the page they were on (or the review)."""
        if self.current_page == "verification":
            return reverse("filing:review", args=[self.procedure.slug, self.pk])
        if self.current_page:
            return reverse("filing:page", args=[self.procedure.slug, self.pk, self.current_page])
        return reverse("filing:start", args=[self.procedure.slug])

    def get_delete_url(self):
        return reverse("filing:delete", args=[self.procedure.slug, self.pk])


class DraftFile(models.Model):
    """A file uploaded into a draft; it becomes a case document at submission."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    field_key = models.CharField(max_length=80)
    stored_file = models.ForeignKey("files.StoredFile", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("pièce jointe du brouillon")
        verbose_name_plural = _("pièces jointes des brouillons")

    def __str__(self):
        return f"{self.field_key}: {self.stored_file}"
