"""Search in the catalogue: `search_procedures(query)` is the only public function.

Residents type what they have in mind: "etat civil", "ACTE", "actes naissance", "naiss", "salles".
Search is accent- and case-insensitive and looks at the title, summary, keywords, category name and
description of published procedures only, the best matches first.

PostgreSQL (production): French full-text search with the `french_unaccent` configuration created by
migration 0002 (unaccent, then the French stemmer, so "actes" finds "acte" and "inscriptions" finds
"inscription"). The vector is computed on the fly: a commune publishes a few hundred procedures at
most, well below the size where a stored, indexed column pays for its upkeep (and the category name
lives in another table). Words are weighted: title A, summary, keywords and category B, description C.
The typed text goes through `websearch_to_tsquery` (quotes, "or", "-word" work as on search engines),
OR-ed with a prefix query built from the same words so that a word being typed ("naiss") matches.

SQLite (the zero-setup demo): no full-text engine with French stemming, so the same fields are
normalised in Python (accents stripped, lower case) over the published procedures, and every word
of the query must appear in them, compared in a naive singular form (trailing "s" or "x" removed).
That is a scan of a few hundred short texts per search: fast enough for the demo and small communes,
and it needs no stored column to keep in sync.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import connection

from parvis.procedures.services import published_procedures

SEARCH_CONFIG = "french_unaccent"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10

# Words that carry no meaning in a search (the commonest French stop words).
STOP_WORDS = frozenset(
    "a au aux avec ce ces d dans de des du en et j je l la le les leur ma mes mon ne nos notre ou par pas "
    "pour qu que qui s sa se ses son sur ta te tes ton un une vos votre vous y".split()
)

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def search_procedures(query):
    """Published procedures matching `query`, best first (a list; empty for an empty query)."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    if not _words(query):
        return []
    if connection.vendor == "postgresql":
        return _search_postgresql(query)
    return _search_python(query)


def _normalise(text):
    """Lower case, accents and ligatures removed, anything else than letters and digits as spaces."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return _NOT_WORD.sub(" ", text).strip()


def _words(query):
    """The meaningful words of a query, normalised, at most MAX_WORDS."""
    return [word for word in _normalise(query).split() if word not in STOP_WORDS][:MAX_WORDS]


# --- PostgreSQL -----------------------------------------------------------------------------------

def _search_postgresql(query):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", "keywords", "category__name", weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="C", config=SEARCH_CONFIG)
    )
    search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    # Prefix terms are built from normalised words only ([a-z0-9]+), so nothing typed can inject
    # tsquery operators; one-letter words are left out (they would match nearly everything).
    prefix_terms = [word for word in _words(query) if len(word) > 1]
    if prefix_terms:
        raw = " & ".join(f"{word}:*" for word in prefix_terms)
        search_query = search_query | SearchQuery(raw, config=SEARCH_CONFIG, search_type="raw")
    return list(
        published_procedures()
        .select_related("category")
        .annotate(document=vector)
        .filter(document=search_query)
        .annotate(rank=SearchRank(vector, search_query))
        .order_by("-rank", "title")
    )


# --- Fallback for SQLite --------------------------------------------------------------------------

def _singular(word):
    """Naive French singular: "actes" → "acte", "travaux" → "travau" (still a prefix of "travaux")."""
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


def _search_python(query):
    stems = [_singular(word) for word in _words(query)]
    results = []
    for procedure in published_procedures().select_related("category"):
        fields = (
            (3, _normalise(procedure.title)),
            (2, _normalise(f"{procedure.summary} {procedure.keywords} {procedure.category.name}")),
            (1, _normalise(procedure.description)),
        )
        score = 0
        for stem in stems:
            weight = next((weight for weight, text in fields if stem in text), 0)
            if not weight:
                break
            score += weight
        else:
            results.append((score, procedure))
    results.sort(key=lambda item: (-item[0], item[1].title))
    return [procedure for _score, procedure in results]
