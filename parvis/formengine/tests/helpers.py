"""Small helpers for the engine's tests: one-field forms and real file contents."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from PIL import Image

from parvis.formengine import FormDefinition


def schema_of(*fields, pages=None):
    if pages is not None:
        return {"version": 1, "pages": pages}
    return {"version": 1, "pages": [{"key": "p", "title": "Page", "sections": [
        {"key": "s", "title": "Section", "fields": list(fields)}]}]}


def page(key, *fields, condition=None, title=None):
    result = {"key": key, "title": title or key.capitalize(), "sections": [
        {"key": f"{key}_s", "title": title or key.capitalize(), "fields": list(fields)}]}
    if condition:
        result["condition"] = condition
    return result


def bound(field, data, files=None, answers=None):
    """A one-field page form bound to `data`, validated."""
    form = FormDefinition(schema_of(field)).page_form("p", answers or {}, data=data,
                                                      files=MultiValueDict(files or {}))
    form.is_valid()
    return form


def pdf_bytes():
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def odt_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'))
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "bonjour")
    return buffer.getvalue()


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)
