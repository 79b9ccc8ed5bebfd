"""Template filters for letters and emails in French."""

import unicodedata

from django import template

register = template.Library()

_VOWELS = set("aeiouy")


@register.filter
def de(name):
    """ "Admiville" -> "d'Admiville", "Lyon" -> "de Lyon": the French elision before a vowel."""
    name = str(name or "").strip()
    if not name:
        return ""
    first = unicodedata.normalize("NFD", name[0].lower())[0]
    return f"d'{name}" if first in _VOWELS else f"de {name}"
