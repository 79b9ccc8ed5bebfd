"""Files residents and agents upload (supporting documents, scans) and files Parvis produces (PDFs).

Files live in Django's default storage under non-guessable names and are never served from a public
URL: each owner (a draft, a case) serves them through a view that checks who may read them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _upload_to(instance, filename):
    return f"files/{instance.created_at:%Y/%m}/{instance.id.hex}"


class StoredFile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(upload_to=_upload_to, max_length=300)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("fichier")
        verbose_name_plural = _("fichiers")

    def __str__(self):
        return self.original_name

    def as_answer(self):
        """How a file is referenced inside a form's answers (JSON)."""
        return {"file_id": str(self.id), "name": self.original_name, "size": self.size,
                "content_type": self.content_type}
