"""Placeholders of the texts written in the no-code builder (emails, letters, reminders).

A text is a small Django template: ``{{ case.reference }}``, ``{{ pieces.deadline|date:"j F Y" }}``,
``{% if case.silence_means %}...{% endif %}``. Only a safe subset of the language is accepted:

* placeholders are the names of `PLACEHOLDERS`, exactly (``{{ case }}`` or ``{{ case.received_on.year }}``
  are unknown; format with filters instead);
* tags: ``if`` / ``elif`` / ``else`` / ``endif`` and ``comment`` (plus ``{# ... #}`` comments);
* filters: `ALLOWED_FILTERS` (no ``safe``, no HTML-producing filter, no ``pprint``).

Rendering goes through Django engines whose only library is that subset (so ``{% load %}``,
``{% include %}`` or ``{% debug %}`` do not exist for them), with a context restricted to the known
placeholders and to plain values (a model instance passed by mistake is turned into its ``str()``, so a
text can never walk to ``case.applicant.password``).

Three renderings:

* `render_template_text` — plain text, nothing escaped: email subjects and bodies, document titles;
* `render_text_as_html` — a text written in the builder that ends up in HTML (PDF letters): the whole
  rendered text, what the administrator typed included, is escaped, then blank lines make paragraphs;
* `render_template_html` — an HTML template whose literal markup is trusted (written by developers):
  only placeholder values are escaped.

Pure functions; rendering dates needs Django settings (the active language gives month names).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.base import Lexer, TokenType
from django.utils.html import linebreaks
from django.utils.translation import gettext, gettext_lazy, ngettext


def translate(message: str) -> str:
    """gettext at call time, or the French source text when Django settings are not configured."""
    return gettext(message) if settings.configured else message


def translate_plural(singular: str, plural: str, number: int) -> str:
    if settings.configured:
        return ngettext(singular, plural, number)
    return singular if number == 1 else plural


_ = translate


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str
    group: str
    example: object
    kind: str = "text"  # text | date | list | url
    # The input the transition into the status must ask the agent for ("motivation", "pieces"), or None
    # when the value always exists. See `parvis.workflows.definition.REQUIREMENTS`.
    requires: str | None = None


GROUPS = {
    "case": gettext_lazy("Demande"),
    "resident": gettext_lazy("Usager"),
    "department": gettext_lazy("Service instructeur"),
    "commune": gettext_lazy("Commune"),
    "decision": gettext_lazy("Décision"),
    "pieces": gettext_lazy("Pièces demandées"),
    "agent": gettext_lazy("Agent"),
    "other": gettext_lazy("Divers"),
}

PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("case.reference", gettext_lazy("Référence de la demande"), "case", "ADM-2026-000123"),
    Placeholder("case.procedure", gettext_lazy("Nom de la démarche"), "case", "Location de salle municipale"),
    Placeholder("case.received_on", gettext_lazy("Date de réception de la demande"), "case",
                dt.date(2026, 3, 3), "date"),
    Placeholder("case.implicit_decision_on",
                gettext_lazy("Date à laquelle le silence de la commune vaut décision implicite (vide si aucune)"),
                "case", dt.date(2026, 5, 3), "date"),
    Placeholder("case.silence_means",
                gettext_lazy("Ce que vaut le silence de la commune : « acceptation », « rejet », ou vide"),
                "case", "acceptation"),
    Placeholder("case.status", gettext_lazy("Statut de la demande, tel que l'usager le voit"), "case",
                "En cours de traitement"),
    Placeholder("case.channel", gettext_lazy("Canal de dépôt (en ligne, guichet, téléphone, courrier, courriel)"),
                "case", "En ligne"),
    Placeholder("case.url", gettext_lazy("Lien vers le suivi de la demande"), "case",
                "https://demarches.admiville.fr/mes-demandes/ADM-2026-000123/", "url"),
    Placeholder("resident.full_name", gettext_lazy("Prénom et nom de l'usager"), "resident", "Camille Martin"),
    Placeholder("resident.first_name", gettext_lazy("Prénom de l'usager"), "resident", "Camille"),
    Placeholder("resident.last_name", gettext_lazy("Nom de l'usager"), "resident", "Martin"),
    Placeholder("resident.civility", gettext_lazy("Civilité de l'usager : « Madame », « Monsieur » ou vide"),
                "resident", "Madame"),
    Placeholder("resident.email", gettext_lazy("Adresse de courriel de l'usager"), "resident",
                "camille.martin@example.org"),
    Placeholder("resident.postal_address", gettext_lazy("Adresse postale de l'usager"), "resident",
                "3 rue des Lilas, 99000 Admiville"),
    Placeholder("department.name", gettext_lazy("Nom du service qui traite la demande"), "department",
                "Démarches administratives et état civil"),
    Placeholder("department.phone", gettext_lazy("Téléphone du service"), "department", "01 23 45 67 89"),
    Placeholder("department.email", gettext_lazy("Courriel du service"), "department", "etat-civil@admiville.fr"),
    Placeholder("department.postal_address", gettext_lazy("Adresse postale du service"), "department",
                "1 place de la Mairie, 99000 Admiville"),
    Placeholder("department.opening_hours", gettext_lazy("Horaires d'ouverture du service"), "department",
                "Lundi au vendredi : 8 h 30 – 17 h"),
    Placeholder("commune.name", gettext_lazy("Nom de la commune"), "commune", "Admiville"),
    Placeholder("commune.postal_address", gettext_lazy("Adresse postale de la mairie"), "commune",
                "1 place de la Mairie, 99000 Admiville"),
    Placeholder("commune.phone", gettext_lazy("Téléphone de la mairie"), "commune", "01 23 45 67 00"),
    Placeholder("commune.email", gettext_lazy("Courriel de la mairie"), "commune", "contact@admiville.fr"),
    Placeholder("commune.website", gettext_lazy("Site internet de la commune"), "commune",
                "https://www.admiville.fr", "url"),
    Placeholder("commune.mayor_name", gettext_lazy("Nom du maire"), "commune", "Dominique Durand"),
    Placeholder("decision.outcome",
                gettext_lazy("Sens de la décision : « acceptée », « refusée » ou « classée sans suite »"),
                "decision", "refusée"),
    Placeholder("decision.date", gettext_lazy("Date de la décision"), "decision", dt.date(2026, 4, 2), "date"),
    Placeholder("decision.motivation", gettext_lazy("Motifs de la décision, écrits par l'agent"), "decision",
                "La salle est déjà réservée à cette date.", requires="motivation"),
    Placeholder("pieces.list", gettext_lazy("Liste des pièces demandées, une par ligne"), "pieces",
                ["Justificatif de domicile de moins de 3 mois", "Attestation d'assurance"], "list",
                requires="pieces"),
    Placeholder("pieces.deadline", gettext_lazy("Date limite pour fournir les pièces demandées"), "pieces",
                dt.date(2026, 3, 25), "date", requires="pieces"),
    Placeholder("agent.full_name",
                gettext_lazy("Nom de l'agent qui a effectué l'action (vide si elle est automatique)"),
                "agent", "Alex Bernard"),
    Placeholder("today", gettext_lazy("Date du jour"), "other", dt.date(2026, 3, 10), "date"),
)

PLACEHOLDERS_BY_NAME: dict[str, Placeholder] = {p.name: p for p in PLACEHOLDERS}
PLACEHOLDER_NAMES = frozenset(PLACEHOLDERS_BY_NAME)

ALLOWED_TAGS = frozenset({"if", "comment"})
# Words that may open a block inside an allowed tag.
_ALLOWED_BLOCK_WORDS = frozenset({"if", "elif", "else", "endif", "comment", "endcomment"})
ALLOWED_FILTERS = frozenset({
    "capfirst", "cut", "date", "default", "default_if_none", "first", "floatformat", "join", "last", "length",
    "lower", "pluralize", "stringformat", "time", "title", "truncatechars", "truncatewords", "upper",
    "wordwrap", "yesno",
})
_IF_OPERATORS = frozenset({"and", "or", "not", "in", "is", "==", "!=", "<", ">", "<=", ">="})
_NAME_RE = re.compile(r"[A-Za-z_]\w*(?:\.\w+)*")
_QUOTED_RE = re.compile(r""""[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*'""")
_FILTER_NAME_RE = re.compile(r"\|\s*(\w+)")
_LITERAL_NAMES = frozenset({"True", "False", "None"})


class TemplateTextError(ValueError):
    """A text cannot be rendered: syntax error, forbidden tag or filter. The message is in French."""


def placeholder_help() -> list[tuple[str, list[Placeholder]]]:
    """The placeholders grouped for the builder's help list: [(group label, [placeholders...])...]."""
    groups: dict[str, list[Placeholder]] = {}
    for placeholder in PLACEHOLDERS:
        groups.setdefault(placeholder.group, []).append(placeholder)
    return [(str(GROUPS[group]), items) for group, items in groups.items()]


def example_context() -> dict[str, object]:
    """Example values for every placeholder (builder previews, tests), keyed by placeholder name."""
    return {p.name: p.example for p in PLACEHOLDERS}


# --- Reading a text ---------------------------------------------------------------------------------------------

def _tokens(text: str):
    """The variable and block tokens of a text, outside ``{% comment %}`` blocks."""
    in_comment = False
    for token in Lexer(text or "").tokenize():
        if token.token_type == TokenType.BLOCK:
            word = token.contents.split(maxsplit=1)[0] if token.contents.strip() else ""
            if in_comment:
                in_comment = word != "endcomment"
                continue
            if word == "comment":
                in_comment = True
                continue
            yield token
        elif token.token_type == TokenType.VAR and not in_comment:
            yield token


def _expression_names(expression: str) -> set[str]:
    """The variable names of one filter expression: ``a.b|default:c.d|date:"j F Y"`` -> {a.b, c.d}."""
    stripped = _QUOTED_RE.sub('""', expression)
    names = set()
    parts = stripped.split("|")
    candidates = [parts[0].strip()]
    for part in parts[1:]:
        if ":" in part:
            candidates.append(part.split(":", 1)[1].strip())
    for candidate in candidates:
        if _NAME_RE.fullmatch(candidate) and candidate not in _LITERAL_NAMES:
            names.add(candidate)
    return names


def _expressions(text: str) -> Iterable[str]:
    for token in _tokens(text):
        if token.token_type == TokenType.VAR:
            yield token.contents
            continue
        bits = token.split_contents()
        if bits and bits[0] in ("if", "elif"):
            yield from (bit for bit in bits[1:] if bit not in _IF_OPERATORS)


def find_placeholders(text: str) -> set[str]:
    """The names used by a text, in ``{{ ... }}`` (filters and their arguments included) and ``{% if ... %}``.

    Works on broken texts too: it reports what it can read.
    """
    names: set[str] = set()
    for expression in _expressions(text):
        names |= _expression_names(expression)
    return names


def unknown_placeholders(text: str) -> set[str]:
    return find_placeholders(text) - PLACEHOLDER_NAMES


def template_syntax_problems(text: str) -> list[str]:
    """Syntax problems of a text, in French: forbidden tags or filters, then what Django's parser rejects."""
    problems = []
    for token in _tokens(text):
        if token.token_type == TokenType.BLOCK:
            word = token.contents.split(maxsplit=1)[0] if token.contents.strip() else ""
            if word not in _ALLOWED_BLOCK_WORDS:
                problems.append(_("balise non autorisée : « {%% %(tag)s %%} » (seules « if » et « comment » "
                                  "le sont)") % {"tag": word})
                continue
        for expression in ([token.contents] if token.token_type == TokenType.VAR else
                           [bit for bit in token.split_contents()[1:] if bit not in _IF_OPERATORS]):
            for name in _FILTER_NAME_RE.findall(_QUOTED_RE.sub('""', expression)):
                if name not in ALLOWED_FILTERS:
                    problems.append(_("filtre non autorisé : « %(filter)s »") % {"filter": name})
    if not problems:
        try:
            _engine(False).from_string(text or "")
        except TemplateSyntaxError as error:
            problems.append(_("texte mal formé : %(error)s") % {"error": error})
    return list(dict.fromkeys(problems))


def check_template_text(text: str) -> list[str]:
    """Every problem of a text, in French: syntax, forbidden tags or filters, unknown placeholders."""
    problems = template_syntax_problems(text)
    for name in sorted(unknown_placeholders(text)):
        problems.append(_("le champ de fusion « {{ %(name)s }} » n'existe pas") % {"name": name})
    return problems


# --- Rendering --------------------------------------------------------------------------------------------------

def _restricted_library() -> Library:
    library = Library()
    for name in ALLOWED_FILTERS:
        library.filters[name] = defaultfilters.register.filters[name]
    for name in ALLOWED_TAGS:
        library.tags[name] = defaulttags.register.tags[name]
    return library


@functools.cache
def _engine(autoescape: bool) -> Engine:
    engine = Engine(autoescape=autoescape, string_if_invalid="")
    # Only the safe subset: no {% load %}, {% include %}, {% debug %}, |safe...
    engine.template_builtins = [_restricted_library()]
    engine.template_libraries = {}
    return engine


class _Lines(list):
    """A list value (the missing pieces): one "- item" per line when printed, a list for filters."""

    def __str__(self):
        return "\n".join(f"- {item}" for item in self)


_PLAIN_TYPES = (str, bool, int, float, Decimal, dt.date, dt.time)


def _clean_value(value):
    if value is None or isinstance(value, _PLAIN_TYPES):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return _Lines(str(item) for item in value)
    return str(value)


def _flatten(mapping: Mapping, prefix: str = ""):
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{name}.")
        else:
            yield name, value


def build_context(values: Mapping) -> dict:
    """The template context from placeholder values, flat (``{"case.reference": ...}``) or nested
    (``{"case": {"reference": ...}}``). Unknown names are dropped; values are made plain."""
    context: dict = {}
    for name, value in _flatten(values):
        if name not in PLACEHOLDER_NAMES:
            continue
        *parents, leaf = name.split(".")
        target = context
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = _clean_value(value)
    return context


@functools.lru_cache(maxsize=512)
def _compiled(text: str, autoescape: bool):
    """The checked, compiled template of a text (texts are rendered again and again: statuses' next steps on
    every list page, the same email for every case). Raises TemplateTextError."""
    problems = template_syntax_problems(text)
    if problems:
        raise TemplateTextError("; ".join(str(problem) for problem in problems))
    return _engine(autoescape).from_string(text)


def _render(text: str, values: Mapping, *, autoescape: bool) -> str:
    template = _compiled(text or "", autoescape)
    return template.render(Context(build_context(values), autoescape=autoescape))


def render_template_text(text: str, values: Mapping) -> str:
    """Render a text for a plain-text destination (email subject or body, document title). Nothing is escaped.

    Unknown placeholders render as empty strings; `validate_workflow` reports them before that happens.
    Raises `TemplateTextError` for a text that is not well formed or uses a forbidden tag or filter.
    """
    return _render(text, values, autoescape=False)


def render_template_html(text: str, values: Mapping) -> str:
    """Render an HTML template whose literal markup is trusted: placeholder values are HTML-escaped."""
    return _render(text, values, autoescape=True)


def render_text_as_html(text: str, values: Mapping) -> str:
    """Render a text typed in the builder for an HTML destination (a PDF letter).

    Everything is escaped, what the administrator typed included; blank lines separate paragraphs and
    single line breaks become ``<br>``.
    """
    return linebreaks(render_template_text(text, values), autoescape=True)
