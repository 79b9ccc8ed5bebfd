"""The inbox's search box: by reference, by resident (name, email) and in the answers of the form.

What is typed decides where to look when the agent leaves "Partout" selected:

- a reference or its beginning (`ADM-2026-0001`, `2026-000123`, `123`) → the reference only, through its
  unique index (a number alone is tried in every year: `ADM-<year>-000123`);
- an address with "@" → the resident's email (accounts) or the contact email of an anonymous filing;
- anything else → the residents whose first or last names start with the words typed, **or** the answers
  of the form (full text).

Residents are looked up first (one small query on the people table, at most `MAX_RESIDENTS` ids), then
cases by `applicant_id IN (...)`: the database can then combine the index on the applicant with the
full-text index on the answers (a bitmap OR) instead of scanning the cases.

PostgreSQL: names through a prefix full-text query on `to_tsvector('french_unaccent', first_name || ' ' ||
last_name)` (accents and case ignored; GIN index `user_name_search_idx`); the answers through
`jsonb_to_tsvector('french_unaccent', answers, '["string"]')` (the configuration of the catalogue: French
stemming, accents ignored) matched with `websearch_to_tsquery` OR a prefix query of the words typed. The
expression is exactly that of the GIN index `case_answers_search_idx` (migration cases.0006; a query that
writes it differently would not use the index).
SQLite (demo): case-insensitive `LIKE` on the names and on the answers' JSON text.
"""

from __future__ import annotations

import json
import re
import unicodedata

from django.conf import settings
from django.db import connection
from django.db.models import Func, Q, TextField
from django.db.models.functions import Cast, Upper

from parvis.accounts.models import User
from parvis.cases.models import ReferenceSequence

MAX_QUERY_LENGTH = 200
MAX_WORDS = 6
MAX_RESIDENTS = 2000
SEARCH_CONFIG = "french_unaccent"

SCOPE_ALL = ""
SCOPE_REFERENCE = "reference"
SCOPE_RESIDENT = "usager"
SCOPE_ANSWERS = "reponses"

_NOT_WORD = re.compile(r"[^a-z0-9]+")


class AnswersVector(Func):
    """`jsonb_to_tsvector('french_unaccent', answers, '["string"]')`: the string values of the answers."""

    function = "jsonb_to_tsvector"
    template = "%(function)s('" + SEARCH_CONFIG + "'::regconfig, %(expressions)s, '[\"string\"]'::jsonb)"

    def __init__(self, expression, **extra):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(expression, output_field=SearchVectorField(), **extra)


def normalise_query(text):
    return " ".join((text or "").split())[:MAX_QUERY_LENGTH]


def _plain_words(text):
    """Lower case, no accents, letters and digits only."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return [word for word in _NOT_WORD.sub(" ", text).split() if word][:MAX_WORDS]


def _reference_prefix():
    return f"{settings.CASE_REFERENCE_PREFIX}-".upper()


def looks_like_reference(query):
    upper = query.upper().replace(" ", "")
    return upper.startswith(_reference_prefix()) or bool(re.fullmatch(r"\d{4}-\d{1,6}|\d{1,6}", upper))


def reference_q(query):
    """Exact or prefix match on the reference, always through the reference's indexes."""
    upper = query.upper().replace(" ", "")
    prefix = _reference_prefix()
    if upper.startswith(prefix):
        return Q(reference__startswith=upper)
    if match := re.fullmatch(r"(\d{4})-(\d{1,6})", upper):
        year, number = match.groups()
        return Q(reference=f"{prefix}{year}-{int(number):06d}") | Q(reference__startswith=f"{prefix}{upper}")
    if re.fullmatch(r"\d{1,6}", upper):
        years = ReferenceSequence.objects.values_list("year", flat=True)
        return Q(reference__in=[f"{prefix}{year}-{int(upper):06d}" for year in years])
    return Q(reference__startswith=upper)


def email_q(query):
    address = query.strip().lower()
    residents = User.objects.filter(email__startswith=address).values_list("pk", flat=True)[:MAX_RESIDENTS]
    return Q(applicant_id__in=list(residents)) | (
        Q(_contact_email_upper=address.upper()) & ~Q(contact_email="")
    )


def name_vector():
    """The residents' names as the full-text index `user_name_search_idx` reads them (same expression)."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector("first_name", "last_name", config=SEARCH_CONFIG)


def resident_ids(query):
    """Ids of the people whose first or last name starts with each word typed (at most MAX_RESIDENTS).

    PostgreSQL: prefix full-text query (`durand:* & camille:*`) on `to_tsvector('french_unaccent', first_name
    || ' ' || last_name)`, accent- and case-insensitive, answered by the GIN index `user_name_search_idx`
    (migration cases.0006; docs/performance-inbox.md). Words are reduced to letters and digits first, so
    nothing typed reaches the query syntax. SQLite: `LIKE` on the start of either name.
    """
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        words = _plain_words(query)
        long_words = [word for word in words if len(word) > 1]
        words = long_words or words
        if not words:
            return [], False
        raw = " & ".join(f"{word}:*" for word in words)
        people = User.objects.alias(_names=name_vector()).filter(
            _names=SearchQuery(raw, config=SEARCH_CONFIG, search_type="raw"))
    else:
        words = query.split()[:MAX_WORDS]
        if not words:
            return [], False
        people = User.objects.all()
        for word in words:
            people = people.filter(
                Q(last_name__istartswith=word) | Q(first_name__istartswith=word)
                | Q(last_name__icontains=f"-{word}") | Q(last_name__icontains=f" {word}")
            )
    ids = list(people.order_by().values_list("pk", flat=True)[: MAX_RESIDENTS + 1])
    return ids[:MAX_RESIDENTS], len(ids) > MAX_RESIDENTS


def answers_q(query):
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        search = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        prefixes = [word for word in _plain_words(query) if len(word) >= 3]
        if prefixes:
            raw = " & ".join(f"{word}:*" for word in prefixes)
            search = search | SearchQuery(raw, config=SEARCH_CONFIG, search_type="raw")
        return Q(_answers_vector=search)
    escaped = json.dumps(query)[1:-1]
    condition = Q(_answers_text__icontains=query)
    if escaped != query:
        condition |= Q(_answers_text__icontains=escaped)
    return condition


def _with_aliases(queryset):
    aliases = {"_contact_email_upper": Upper("contact_email")}
    if connection.vendor == "postgresql":
        aliases["_answers_vector"] = AnswersVector("answers")
    else:
        aliases["_answers_text"] = Cast("answers", TextField())
    return queryset.alias(**aliases)


def apply_search(queryset, query, scope=SCOPE_ALL):
    """(queryset filtered by the search, notes for the agent)."""
    query = normalise_query(query)
    notes = []
    if not query:
        return queryset, notes
    queryset = _with_aliases(queryset)
    if scope == SCOPE_REFERENCE or (scope == SCOPE_ALL and looks_like_reference(query)):
        return queryset.filter(reference_q(query)), notes
    if scope == SCOPE_ANSWERS:
        return queryset.filter(answers_q(query)), notes
    if "@" in query:
        return queryset.filter(email_q(query)), notes
    ids, truncated = resident_ids(query)
    if truncated:
        notes.append("Beaucoup d'usagers portent ce nom : précisez le prénom pour tout retrouver.")
    condition = Q(applicant_id__in=ids) if ids else Q(pk__in=[])
    if scope == SCOPE_ALL:
        condition |= answers_q(query)
    return queryset.filter(condition), notes
