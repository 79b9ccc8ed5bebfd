import hashlib
import os

from django.core.files.base import ContentFile
from django.utils import timezone

from parvis.files.models import StoredFile


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
