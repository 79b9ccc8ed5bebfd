"""Text helpers for every template."""

from django import template

register = template.Library()

_VOWELS = set("aeiouyàâäéèêëîïôöùûüAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ")


@register.filter
def de(name):
    """French "de" before a place name, elided before a vowel: "de Paris", "d’Admiville"."""
    name = str(name or "")
    if name[:1] in _VOWELS:
        return f"d’{name}"
    return f"de {name}"
