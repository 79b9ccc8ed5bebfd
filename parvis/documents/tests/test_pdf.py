import pytest
from django.template import Context, Template

from parvis.documents.pdf import ForbiddenResource, _fetcher_class, check_resource_url, render_pdf
from parvis.testing.factories import make_commune
from parvis.testing.pdf import pdf_text


@pytest.mark.django_db
def test_render_pdf_with_the_commune_header():
    commune = make_commune()
    data = render_pdf("documents/letter_base.html", {"commune": commune})
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Mairie d'Admiville" in text and "1 place de la Mairie" in text and "01 23 45 67 89" in text


def test_pdfs_never_fetch_from_the_network(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logo.png").write_bytes(b"x")
    check_resource_url("data:image/png;base64,iVBORw0KGgo=")
    check_resource_url((tmp_path / "logo.png").as_uri())
    for url in ("http://example.org/x.png", "https://example.org/x.css", "file:///etc/passwd",
                (tmp_path.parent / "autre.png").as_uri(), "ftp://example.org/x"):
        with pytest.raises(ForbiddenResource):
            check_resource_url(url)
    with pytest.raises(ForbiddenResource):
        _fetcher_class()().fetch("http://127.0.0.1:9/x.png")


@pytest.mark.parametrize("name, expected", [
    ("Admiville", "d'Admiville"), ("Évry", "d'Évry"), ("Lyon", "de Lyon"), ("", ""),
])
def test_french_elision(name, expected):
    assert Template("{% load letters %}{{ name|de }}").render(Context({"name": name}, autoescape=False)) == expected
