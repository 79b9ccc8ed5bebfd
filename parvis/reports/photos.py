"""Photos of reports: checked by content, resized, re-encoded as JPEG without any metadata.

The resident's photo may carry the GPS position where it was taken (EXIF): it is read first, only to propose
the report's position, then every metadata (EXIF, XMP, ICC, comments, camera, dates) is dropped by
re-encoding the pixels alone. The orientation tag is applied to the pixels before it goes.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}
MAX_SOURCE_PIXELS = 60_000_000  # beyond this, a "photo" is a decompression bomb rather than a picture
GPS_IFD = 0x8825


class PhotoError(ValueError):
    """The file is refused; `str()` is a French sentence for the resident."""


@dataclass(frozen=True)
class ProcessedPhoto:
    content: bytes
    width: int
    height: int
    gps: tuple[float, float] | None  # (lat, lon) read from EXIF before it was stripped


def _ratio(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        numerator, denominator = value
        return float(numerator) / float(denominator)


def read_gps(image) -> tuple[float, float] | None:
    """(lat, lon) from the EXIF GPS block, or None when absent or unreadable."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # noqa: BLE001 (a broken EXIF block must not refuse the photo)
        return None
    try:
        lat_ref, lat, lon_ref, lon = gps.get(1), gps.get(2), gps.get(3), gps.get(4)
        if not (lat and lon):
            return None
        latitude = sum(_ratio(part) / 60 ** index for index, part in enumerate(lat))
        longitude = sum(_ratio(part) / 60 ** index for index, part in enumerate(lon))
        if str(lat_ref or "N").upper().startswith("S"):
            latitude = -latitude
        if str(lon_ref or "E").upper().startswith("W"):
            longitude = -longitude
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude == 0 and longitude == 0):
        return None
    return round(latitude, 7), round(longitude, 7)


def process_photo(data: bytes, *, max_bytes: int | None = None, max_side: int | None = None) -> ProcessedPhoto:
    """Checks that `data` is a photo, then returns it as a clean JPEG at most `max_side` pixels wide and high."""
    max_bytes = max_bytes or settings.REPORTS_PHOTO_MAX_BYTES
    max_side = max_side or settings.REPORTS_PHOTO_MAX_SIDE
    if not data:
        raise PhotoError(_("Le fichier est vide."))
    if len(data) > max_bytes:
        raise PhotoError(_("La photo dépasse %(size)s Mo : choisissez une photo plus légère.")
                         % {"size": max_bytes // (1024 * 1024)})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if kind not in ACCEPTED_FORMATS:
                    raise PhotoError(_("Ce fichier n'est pas une photo acceptée (JPEG, PNG ou WebP)."))
                if probe.width * probe.height > MAX_SOURCE_PIXELS:
                    raise PhotoError(_("Cette image est trop grande (en pixels) pour être traitée."))
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                gps = read_gps(image)
                image.seek(0)
                image.load()
                image = ImageOps.exif_transpose(image)
                if image.mode in ("RGBA", "LA", "P"):
                    image = image.convert("RGBA")
                    background = Image.new("RGB", image.size, (255, 255, 255))
                    background.paste(image, mask=image.getchannel("A"))
                    image = background
                elif image.mode != "RGB":
                    image = image.convert("RGB")
                image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                output = io.BytesIO()
                # No exif=, icc_profile= nor comment=: only the pixels are written.
                image.save(output, format="JPEG", quality=85, optimize=True, progressive=True)
                width, height = image.size
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(_("Ce fichier n'est pas une photo acceptée (JPEG, PNG ou WebP).")) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise PhotoError(_("Cette photo est abîmée ou illisible : essayez avec une autre.")) from None
    return ProcessedPhoto(content=output.getvalue(), width=width, height=height, gps=gps)
