import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """The text of a PDF, whitespace folded, so tests can look for mentions."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split())
