"""PDF documents (acknowledgements, letters) rendered from Django templates with WeasyPrint.

Templates are ordinary Django templates, so every value is autoescaped: text typed by a resident
never becomes markup in a PDF. WeasyPrint may only read `data:` URLs and files below MEDIA_ROOT or
the static files (the commune's logo): a document never fetches anything from the network.
"""

import functools
import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint logs every rendering step at INFO: keep its warnings only. It is imported lazily: the web
# processes that never render a PDF do not pay for it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class ForbiddenResource(ValueError):
    pass


def _allowed_roots():
    roots = [Path(settings.MEDIA_ROOT)]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


def check_resource_url(url):
    """Raises ForbiddenResource unless `url` is a data: URL or a local media/static file."""
    parsed = urlparse(url)
    if parsed.scheme == "data":
        return
    if parsed.scheme == "file":
        path = Path(unquote(parsed.path)).resolve()
        if any(path.is_relative_to(root) for root in _allowed_roots()):
            return
    raise ForbiddenResource(f"Ressource refusée dans un PDF : {url[:80]}")


@functools.cache
def _fetcher_class():
    from weasyprint import URLFetcher

    class LocalURLFetcher(URLFetcher):
        """Lets WeasyPrint read data: URLs and local media/static files, nothing else."""

        def __init__(self):
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

        def fetch(self, url, headers=None):
            check_resource_url(url)
            return super().fetch(url, headers)

    return LocalURLFetcher


def render_html(template_name: str, context: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Renders a Django template to PDF bytes (A4; the template brings its own print CSS)."""
    from weasyprint import HTML

    html = render_html(template_name, context)
    return HTML(string=html, base_url=str(Path(settings.MEDIA_ROOT).resolve()),
                url_fetcher=_fetcher_class()()).write_pdf()
