"""Finding a resident at the counter: by name (accent- and case-insensitive), birth date, email, phone.

Names are compared without accents or case on both databases: PostgreSQL through `unaccent` (the
extension created by the catalogue's migration), SQLite through a Python function registered on the
connection. Every word typed must appear in the person's first or last name ("durand cam" finds
"Camille Durand", "lefevre" finds "Lefèvre", "jean pierre" finds "Jean-Pierre"). Phone numbers are
compared on their last nine digits, whatever the spacing or the +33 prefix. Emails must match
exactly (no guessing of addresses). Criteria given together must all match.
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import CharField, F, Func, Value
from django.db.models.functions import Concat, Lower, Replace

from parvis.counter.access import residents

MAX_RESULTS = 50
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")
SQLITE_FUNCTION = "parvis_unaccent"


def normalise(text):
    """Lower case, accents and ligatures removed (what the database side does too)."""
    if text is None:
        return None
    text = unicodedata.normalize("NFKD", str(text).translate(_LIGATURES))
    return "".join(char for char in text if not unicodedata.combining(char)).lower()


def name_words(query):
    """The words of a name query, normalised (punctuation and hyphens split words), at most 6."""
    return [word for word in _NOT_WORD.split(normalise(query or "")[:200]) if word][:6]


class Unaccent(Func):
    """Lower-cased, accent-free text, on PostgreSQL and SQLite."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="LOWER(UNACCENT(%(expressions)s))", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        connection.ensure_connection()
        connection.connection.create_function(SQLITE_FUNCTION, 1, normalise, deterministic=True)
        return self.as_sql(compiler, connection, template=f"{SQLITE_FUNCTION}(%(expressions)s)", **extra)

    def as_sql(self, compiler, connection, **extra):
        extra.setdefault("template", "LOWER(%(expressions)s)")
        return super().as_sql(compiler, connection, **extra)


def phone_digits(value):
    """The last nine digits of a French phone number ("06 12 34 56 78", "+33 6 12 34 56 78" alike)."""
    digits = re.sub(r"\D", "", value or "")
    return digits[-9:] if len(digits) >= 9 else ""


def _digits_only(field):
    expression = F(field)
    for char in (" ", ".", "-", "(", ")", "/"):
        expression = Replace(expression, Value(char), Value(""))
    return expression


def search_residents(*, name="", birth_date=None, email="", phone=""):
    """Active people matching every criterion given, by last name then first name (at most MAX_RESULTS).
    Returns a queryset; no criterion → empty."""
    queryset = residents()
    words = name_words(name)
    criteria = False
    if words:
        criteria = True
        queryset = queryset.annotate(
            search_name=Unaccent(Concat(F("first_name"), Value(" "), F("last_name"), output_field=CharField())))
        for word in words:
            queryset = queryset.filter(search_name__contains=word)
    if birth_date:
        criteria = True
        queryset = queryset.filter(birth_date=birth_date)
    if email:
        criteria = True
        queryset = queryset.filter(email=email.strip().lower())
    if phone:
        digits = phone_digits(phone)
        criteria = True
        if not digits:
            return queryset.none()
        queryset = queryset.annotate(phone_digits=_digits_only("phone")).filter(phone_digits__endswith=digits)
    if not criteria:
        return queryset.none()
    return queryset.order_by(Lower("last_name"), Lower("first_name"), "pk")[:MAX_RESULTS]


def possible_duplicates(first_name, last_name, birth_date):
    """People already recorded with the same name (accents and case aside) and birth date."""
    if not (first_name and last_name and birth_date):
        return residents().none()
    return (residents().filter(birth_date=birth_date)
            .annotate(first_norm=Unaccent(F("first_name")), last_norm=Unaccent(F("last_name")))
            .filter(first_norm=normalise(first_name.strip()), last_norm=normalise(last_name.strip()))
            .order_by("pk"))


def mask_email(email):
    """An email shown in search results: enough to recognise it, not to read it ("c•••@example.org")."""
    if not email or "@" not in email:
        return ""
    local, domain = email.rsplit("@", 1)
    return f"{local[:1]}•••@{domain}"
