"""Counter drafts and incoming mail.

A `CounterDraft` keeps what an agent types for a resident at the counter, on the phone or from a letter,
page by page, so that nothing is lost on an error or an interruption; it becomes a case at submission
(`services.submit_counter_draft`). A `MailItem` is a scanned letter waiting to be qualified: it becomes
a draft (then a case), or a document of an existing case.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parvis.cases.models import Channel

COUNTER_CHANNELS = [choice for choice in Channel.choices if choice[0] != Channel.WEB]


class DraftStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("En cours")
    SUBMITTED = "submitted", _("Déposée")


class CounterDraft(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("agent"))
    resident = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("usager"))
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey("procedures.ProcedureRevision", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("canal"), max_length=10, choices=COUNTER_CHANNELS)
    received_at = models.DateTimeField(_("reçue le"))
    note = models.CharField(_("objet du courrier"), max_length=300, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    # Scanned documents added by the agent outside the form's file fields (file references, as answers).
    documents = models.JSONField(default=list, blank=True)
    current_page = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=12, choices=DraftStatus.choices, default=DraftStatus.IN_PROGRESS)
    submitted_case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("demande en cours de dépôt au guichet")
        verbose_name_plural = _("demandes en cours de dépôt au guichet")
        indexes = [models.Index(fields=["agent", "status"], name="counterdraft_agent_idx"),
                   models.Index(fields=["resident", "status"], name="counterdraft_resident_idx")]

    def __str__(self):
        return f"{self.procedure} — {self.resident} ({self.get_channel_display()})"


class CounterDraftFile(models.Model):
    """A file stored for a counter draft: an answer of a file field (`field_key`), or a scanned document
    the agent adds to the request (`field_key` empty)."""

    draft = models.ForeignKey(CounterDraft, on_delete=models.CASCADE, related_name="files")
    field_key = models.CharField(max_length=80, blank=True)
    stored_file = models.ForeignKey("files.StoredFile", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("fichier d'un dépôt au guichet")
        verbose_name_plural = _("fichiers des dépôts au guichet")

    def __str__(self):
        return f"{self.field_key or 'document'}: {self.stored_file}"


class MailStatus(models.TextChoices):
    TO_QUALIFY = "to_qualify", _("À qualifier")
    IN_FILING = "in_filing", _("Demande en cours de saisie")
    FILED = "filed", _("Demande créée")
    ATTACHED = "attached", _("Ajouté à un dossier")


class MailItem(models.Model):
    """A scanned letter received by the commune, registered by an agent with the date stamped on it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scan = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("reçu le"))
    subject = models.CharField(_("objet"), max_length=300)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                      related_name="+", verbose_name=_("enregistré par"))
    status = models.CharField(_("état"), max_length=12, choices=MailStatus.choices, default=MailStatus.TO_QUALIFY)
    draft = models.ForeignKey(CounterDraft, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("courrier reçu")
        verbose_name_plural = _("courriers reçus")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["registered_by", "status"], name="mailitem_agent_idx")]

    def __str__(self):
        return f"Courrier du {self.received_at:%d/%m/%Y} — {self.subject}"
