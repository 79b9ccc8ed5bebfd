"""What a file really is, from its content (never from its name or the browser's claimed type).

`detect_kind(fileobj)` returns one of the kinds of `schema.FILE_KINDS` ("pdf", "jpeg", "png", "heic",
"odt", "docx"), "executable" for programs, or None for anything else. OpenDocument and Word files are
zip archives: an ODT has a first `mimetype` entry naming the ODT type, a DOCX a `[Content_Types].xml`
declaring a Word main document.
"""

from __future__ import annotations

import zipfile

import filetype

HEAD_SIZE = 8192
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_EXECUTABLE_MIMES = {"application/x-msdownload", "application/x-executable", "application/x-elf",
                     "application/x-mach-binary", "application/vnd.microsoft.portable-executable"}
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xcf\xfa\xed\xfe",
                     b"\xce\xfa\xed\xfe", b"#!")
_SIMPLE = {"application/pdf": "pdf", "image/jpeg": "jpeg", "image/png": "png", "image/heic": "heic",
           "image/heif": "heic"}


def _read_head(fileobj) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(HEAD_SIZE)
    fileobj.seek(0)
    return head


def _zip_kind(fileobj) -> str | None:
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size <= 1_000_000 and DOCX_MAIN in archive.read(info):
                    return "docx"
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError, NotImplementedError):
        return None
    finally:
        fileobj.seek(0)
    return None


def detect_kind(fileobj) -> str | None:
    """The kind of a file-like object (seekable), judged on its bytes."""
    head = _read_head(fileobj)
    if not head:
        return None
    if head.startswith(_EXECUTABLE_MAGIC):
        return "executable"
    guess = filetype.guess(head)
    mime = guess.mime if guess else ""
    if mime in _EXECUTABLE_MIMES:
        return "executable"
    if mime in _SIMPLE:
        return _SIMPLE[mime]
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(fileobj)
    return None
