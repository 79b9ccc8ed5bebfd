"""File fields: the type is judged on the content, never on the name; sizes and counts are bounded."""

import pytest

from parvis.formengine.tests.helpers import (
    bound,
    docx_bytes,
    jpeg_bytes,
    odt_bytes,
    pdf_bytes,
    plain_zip_bytes,
    png_bytes,
    upload,
)

FIELD = {"key": "x", "type": "file", "label": "Justificatif", "required": True}


def stored(form):
    calls = []

    def store(field_key, validated):
        calls.append((field_key, validated))
        return {"file_id": f"id-{len(calls)}", "name": validated.name, "size": validated.size,
                "content_type": validated.content_type}

    return form.valid_answers(store), calls


@pytest.mark.parametrize("name, content, kind, accept", [
    ("facture.pdf", pdf_bytes(), "pdf", None),
    ("photo.png", png_bytes(), "png", None),
    ("photo.jpg", jpeg_bytes(), "jpeg", None),
    ("lettre.odt", odt_bytes(), "odt", ["odt"]),
    ("lettre.docx", docx_bytes(), "docx", ["docx"]),
    # The name does not matter: a PNG named .pdf is a PNG (and PNG is accepted).
    ("scan.pdf", png_bytes(), "png", None),
], ids=["pdf", "png", "jpeg", "odt", "docx", "png-named-pdf"])
def test_accepted_files_are_recognised_on_their_content(name, content, kind, accept):
    field = dict(FIELD, accept=accept) if accept else FIELD
    form = bound(field, {}, {"x": [upload(name, content)]})
    assert form.is_valid(), form.errors
    values, calls = stored(form)
    assert calls[0][1].kind == kind
    assert values["x"][0]["name"] == name


@pytest.mark.parametrize("content", [b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
                                     b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200], ids=["windows", "linux"])
def test_a_disguised_executable_is_refused(content):
    form = bound(FIELD, {}, {"x": [upload("attestation.pdf", content)]})
    assert not form.is_valid()
    assert form.errors["x"] == ["Le fichier « attestation.pdf » est un programme, pas un document : il est refusé. "
                                "Joignez un fichier PDF, JPEG, PNG."]
    assert stored(form) == ({"x": []}, [])


@pytest.mark.parametrize("content", [b"juste du texte", plain_zip_bytes(), odt_bytes(), docx_bytes()],
                         ids=["text", "zip", "odt", "docx"])
def test_other_contents_are_refused_whatever_their_name(content):
    form = bound(FIELD, {}, {"x": [upload("document.pdf", content)]})
    assert form.errors["x"] == ["Le contenu du fichier « document.pdf » n'est pas dans un format accepté "
                                "(PDF, JPEG, PNG), quel que soit son nom."]


def test_too_big_and_empty_files_are_refused():
    field = dict(FIELD, max_size_mb=1)
    big = pdf_bytes() + b"0" * (1024 * 1024)
    form = bound(field, {}, {"x": [upload("gros.pdf", big)]})
    assert form.errors["x"] == ["Le fichier « gros.pdf » est trop lourd (1 Mo) : 1 Mo au maximum."]
    assert bound(field, {}, {"x": [upload("vide.pdf", b"")]}).errors["x"] == ["Le fichier « vide.pdf » est vide."]


def test_required_file_is_satisfied_by_a_file_joined_before():
    earlier = {"x": [{"file_id": "old", "name": "ancien.pdf", "size": 10, "content_type": "application/pdf"}]}
    form = bound(FIELD, {}, answers=earlier)
    assert form.is_valid()
    assert stored(form)[0] == earlier
    # Removing it makes the field empty again.
    form = bound(FIELD, {"x__retirer": "old"}, answers=earlier)
    assert form.errors["x"] == ["Joignez un fichier."]


def test_a_new_file_replaces_the_one_joined_before():
    earlier = {"x": [{"file_id": "old", "name": "ancien.pdf", "size": 10, "content_type": "application/pdf"}]}
    form = bound(FIELD, {}, {"x": [upload("nouveau.pdf", pdf_bytes())]}, answers=earlier)
    values, _ = stored(form)
    assert [ref["name"] for ref in values["x"]] == ["nouveau.pdf"]


def test_multiple_files_keep_the_valid_ones_and_count_the_maximum():
    field = dict(FIELD, multiple=True, max_files=2)
    files = {"x": [upload("a.pdf", pdf_bytes()), upload("virus.pdf", b"MZ" + b"\x00" * 100),
                   upload("b.png", png_bytes())]}
    form = bound(field, {}, files)
    assert not form.is_valid()
    values, calls = stored(form)
    assert [ref["name"] for ref in values["x"]] == ["a.pdf", "b.png"]
    form = bound(field, {}, {"x": [upload(f"{n}.pdf", pdf_bytes()) for n in "abc"]})
    assert "Vous pouvez joindre au plus 2 fichiers." in form.errors["x"]
    assert len(stored(form)[0]["x"]) == 2
