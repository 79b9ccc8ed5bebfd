"""Photos: checked by content, resized, re-encoded without metadata; the EXIF position is read first."""

import io

import pytest
from PIL import Image

from parvis.reports.photos import PhotoError, process_photo
from parvis.reports.tests.factories import jpeg_bytes, png_bytes


def test_metadata_is_stripped_and_the_gps_position_read_first():
    source = jpeg_bytes(size=(3000, 2000), gps=(48.8531, 2.3442))
    assert b"SecretPhone" in source and b"Exif" in source
    result = process_photo(source)
    assert result.gps == pytest.approx((48.8531, 2.3442), abs=1e-5)
    assert b"SecretPhone" not in result.content and b"Camille" not in result.content
    assert b"Exif" not in result.content
    image = Image.open(io.BytesIO(result.content))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    assert "icc_profile" not in image.info and "exif" not in image.info
    assert max(image.size) == 1600 and image.size == (1600, 1067)
    assert (result.width, result.height) == image.size


def test_southern_and_western_positions():
    assert process_photo(jpeg_bytes(size=(100, 100), gps=(-33.5, -70.25))).gps == pytest.approx((-33.5, -70.25))


def test_small_photo_kept_at_its_size_without_gps():
    result = process_photo(jpeg_bytes(size=(640, 480), extra_exif=False))
    assert result.gps is None and (result.width, result.height) == (640, 480)


def test_orientation_is_applied_before_the_tag_goes():
    image = Image.new("RGB", (400, 200), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° to display
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif.tobytes())
    result = process_photo(output.getvalue())
    assert (result.width, result.height) == (200, 400)


def test_png_with_transparency_becomes_a_jpeg():
    result = process_photo(png_bytes())
    assert Image.open(io.BytesIO(result.content)).format == "JPEG"


def test_oversized_file_is_refused(settings):
    settings.REPORTS_PHOTO_MAX_BYTES = 10 * 1024 * 1024
    data = jpeg_bytes(size=(200, 200)) + b"\0" * (10 * 1024 * 1024)
    with pytest.raises(PhotoError, match="10 Mo"):
        process_photo(data)


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj",
    b"MZ\x90\x00\x03\x00\x00\x00 un programme",
    b"Ceci est un texte nomme photo.jpg",
    b"\xff\xd8\xff\xe0 tronque",
    b"",
])
def test_files_that_are_not_photos_are_refused(data):
    with pytest.raises(PhotoError):
        process_photo(data)


def test_decompression_bomb_is_refused():
    image = Image.new("1", (12000, 12000))
    output = io.BytesIO()
    image.save(output, format="PNG")
    with pytest.raises(PhotoError):
        process_photo(output.getvalue())
