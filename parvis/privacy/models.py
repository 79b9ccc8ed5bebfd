"""The access log: every read of personal data by an agent (CNIL 2021 recommendation on logging).

Kept apart from the case history (which records changes) and for a limited time
(settings.ACCESS_LOG_RETENTION_MONTHS, purged by `manage.py purge_access_log`). Consulted by the DPO.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("Consultation")
    DOWNLOAD = "download", _("Téléchargement d'un document")
    EXPORT = "export", _("Export")
    DENIED = "denied", _("Accès refusé")


class AccessLog(models.Model):
    at = models.DateTimeField(_("date"), db_index=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                              verbose_name=_("agent"))
    agent_label = models.CharField(_("agent (au moment de l'accès)"), max_length=300)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    # The case is referenced by its reference (text), so that the log survives the case's deletion
    # at the end of its retention period.
    case_reference = models.CharField(_("dossier"), max_length=30, blank=True, db_index=True)
    resident_id = models.BigIntegerField(_("usager concerné"), null=True, blank=True, db_index=True)
    detail = models.CharField(_("détail"), max_length=300, blank=True)
    # For an export: how many cases (or log lines) it held.
    count = models.PositiveIntegerField(_("nombre d'éléments"), null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("accès aux données")
        verbose_name_plural = _("journal des accès aux données")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["agent", "-at"], name="accesslog_agent_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.agent_label} {self.action} {self.case_reference}"
