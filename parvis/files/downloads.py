from django.http import FileResponse

from parvis.files.models import StoredFile


def file_response(stored: StoredFile, inline: bool = False) -> FileResponse:
    """Serves a stored file. Callers must have checked access first (choke points of their app)."""
    response = FileResponse(stored.file.open("rb"), as_attachment=not inline, filename=stored.original_name,
                            content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
