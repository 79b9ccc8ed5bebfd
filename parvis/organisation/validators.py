"""Validation of the commune's contact details: French phone numbers, postcodes, logos."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Metropolitan France first, then the overseas territories with their own country codes, so that a
# number typed "0262 …" (La Réunion) is understood as such.
FRENCH_REGIONS = ("FR", "RE", "GP", "MQ", "GF", "YT", "PM", "BL", "MF", "NC", "PF", "WF")

LOGO_MAX_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}

validate_postcode = RegexValidator(r"^\d{5}$", _("Saisissez un code postal de 5 chiffres, par exemple 75001."))


def normalize_french_phone(value):
    """Returns the number in the French national format ("01 23 45 67 89"), or raises ValidationError."""
    value = (value or "").strip()
    for region in FRENCH_REGIONS:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) in FRENCH_REGIONS:
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    raise ValidationError(
        _("Saisissez un numéro de téléphone français valide, par exemple 01 23 45 67 89."), code="invalid_phone"
    )


def check_logo(upload):
    """Checks an uploaded logo already opened by `forms.ImageField`: PNG or JPEG, at most 1 Mo.

    Returns the file extension matching the real content (never trusts the name the browser sent).
    """
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(_("Le logo pèse plus de 1 Mo : réduisez-le avant de l'envoyer."), code="too_big")
    image = getattr(upload, "image", None)
    image_format = getattr(image, "format", None)
    if image_format not in LOGO_FORMATS:
        raise ValidationError(_("Le logo doit être une image PNG ou JPEG."), code="bad_format")
    return LOGO_FORMATS[image_format]
