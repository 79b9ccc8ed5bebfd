"""What the no-code builder keeps beside a procedure while an administrator works on it.

The procedure's live row (`procedures.Procedure`) and its published revision stay untouched until
publication: the form and the workflow being edited live in a *draft revision* (a `ProcedureRevision`
whose `published_at` is empty), and the pending information, legal, privacy and channel settings in
`ProcedureDraft.settings`. Publishing (`parvis.builder.services.publish`) applies them in one transaction.
"""

import uuid

from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureDraft(models.Model):
    """The pending version of a procedure: its draft revision (form, workflow) and its settings."""

    procedure = models.OneToOneField("procedures.Procedure", on_delete=models.CASCADE, related_name="builder_draft")
    revision = models.OneToOneField("procedures.ProcedureRevision", on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("révision en préparation"))
    # The settings the administrator is editing, keyed by the field names of `Procedure` (foreign keys as
    # primary keys, `life_events` as a list of primary keys): see `parvis.builder.procedure_settings`.
    settings = models.JSONField(_("réglages en préparation"), default=dict)
    # Where it came from, for the history: "blank", "published", "library:<slug>", "import".
    source = models.CharField(_("origine"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("brouillon de démarche")
        verbose_name_plural = _("brouillons de démarches")

    def __str__(self):
        return f"Brouillon de {self.procedure}"


class ProcedureClosure(models.Model):
    """Why a procedure is closed, shown to residents who reach it, and what replaces it (if anything)."""

    procedure = models.OneToOneField("procedures.Procedure", on_delete=models.CASCADE, related_name="closure")
    message = models.TextField(_("message aux usagers"))
    replacement = models.ForeignKey("procedures.Procedure", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("démarche de remplacement"))
    closed_at = models.DateTimeField(_("fermée le"))
    closed_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = _("fermeture de démarche")
        verbose_name_plural = _("fermetures de démarches")

    def __str__(self):
        return f"Fermeture de {self.procedure}"


class PublicationAction(models.TextChoices):
    CREATE = "create", _("Création")
    INSTALL = "install", _("Installation depuis la bibliothèque")
    IMPORT = "import", _("Import")
    PUBLISH = "publish", _("Publication")
    REPUBLISH = "republish", _("Remise en ligne")
    UNPUBLISH = "unpublish", _("Mise hors ligne")
    CLOSE = "close", _("Fermeture")
    DISCARD = "discard", _("Abandon du brouillon")


class PublicationEvent(models.Model):
    """One line of a procedure's publication history: who did what, when, and what changed."""

    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="publication_events")
    revision = models.ForeignKey("procedures.ProcedureRevision", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    action = models.CharField(_("action"), max_length=12, choices=PublicationAction.choices)
    actor = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    at = models.DateTimeField(_("date"))
    message = models.TextField(_("message"), blank=True)
    # The readable differences at publication (`parvis.builder.diff`), as a list of lines.
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("événement de publication")
        verbose_name_plural = _("historique des publications")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.procedure} — {self.get_action_display()}"


class TestDraft(models.Model):
    """A test filing in progress on a draft revision (test mode): answers saved page by page.

    Kept apart from the residents' drafts (`filing.Draft`) so that a test never shows in an agent's
    "Mes demandes" nor goes through the public filing pages. Submitted as a case with `is_test=True`.
    """

    __test__ = False  # not a pytest test class

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey("procedures.ProcedureRevision", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("test en cours")
        verbose_name_plural = _("tests en cours")

    def __str__(self):
        return f"Test de {self.procedure} par {self.user}"


class TestDraftFile(models.Model):
    __test__ = False

    test_draft = models.ForeignKey(TestDraft, on_delete=models.CASCADE, related_name="files")
    field_key = models.CharField(max_length=80)
    stored_file = models.ForeignKey("files.StoredFile", on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.field_key}: {self.stored_file}"
