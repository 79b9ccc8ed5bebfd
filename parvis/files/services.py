import hashlib
import logging
import os

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from parvis.files.models import StoredFile

logger = logging.getLogger(__name__)


def _safe_name(name):
    name = os.path.basename(name or "fichier").replace("\x00", "").strip() or "fichier"
    return name[:255]


def store_bytes(content: bytes, name: str, content_type: str, uploaded_by=None) -> StoredFile:
    """Stores bytes in the default storage and records them. The caller has checked the type."""
    stored = StoredFile(
        original_name=_safe_name(name), content_type=content_type, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), uploaded_by=uploaded_by, created_at=timezone.now(),
    )
    stored.file.save(stored.id.hex, ContentFile(content), save=False)
    stored.save()
    return stored


def store_upload(uploaded_file, content_type: str, uploaded_by=None) -> StoredFile:
    """Stores an uploaded file (Django UploadedFile) whose content type was checked by the caller."""
    uploaded_file.seek(0)
    return store_bytes(uploaded_file.read(), uploaded_file.name, content_type, uploaded_by)


def read_bytes(stored: StoredFile) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()


def delete_stored_files(stored_files, keep=()):
    """Deletes stored files: rows now (cascading to their owners' links), bytes once the transaction
    commits, so that a rollback never leaves a row without its file. `keep`: primary keys to spare."""
    keep = set(keep)
    stored_files = [stored for stored in stored_files if stored.pk not in keep]
    if not stored_files:
        return
    names = [stored.file.name for stored in stored_files if stored.file]
    storage = stored_files[0].file.storage
    StoredFile.objects.filter(pk__in=[stored.pk for stored in stored_files]).delete()

    def remove():
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Fichier %s non supprimé du stockage", name)

    transaction.on_commit(remove)
