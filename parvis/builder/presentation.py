"""How the builder names things for administrators: field types, pre-fill sources, conditions in words."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parvis.builder import schema_ops
from parvis.formengine.schema import FIELD_TYPES

FIELD_TYPE_LABELS = {
    "text": gettext_lazy("Texte court"),
    "textarea": gettext_lazy("Texte long"),
    "email": gettext_lazy("Adresse électronique"),
    "phone": gettext_lazy("Téléphone"),
    "date": gettext_lazy("Date"),
    "integer": gettext_lazy("Nombre entier"),
    "decimal": gettext_lazy("Nombre décimal"),
    "yesno": gettext_lazy("Oui / non"),
    "choice": gettext_lazy("Choix unique (boutons ou liste)"),
    "multichoice": gettext_lazy("Choix multiple (cases à cocher)"),
    "address": gettext_lazy("Adresse postale"),
    "file": gettext_lazy("Pièce jointe (fichier)"),
    "consent": gettext_lazy("Case à cocher (engagement, accord)"),
    "info": gettext_lazy("Texte d'information (sans réponse)"),
}
FIELD_TYPE_HINTS = {
    "text": gettext_lazy("Un nom, une référence, une courte réponse."),
    "textarea": gettext_lazy("Une description, une explication de plusieurs lignes."),
    "email": gettext_lazy("Vérifiée et pré-remplie depuis le profil si vous le souhaitez."),
    "phone": gettext_lazy("Numéro français ou international, vérifié."),
    "date": gettext_lazy("Saisie jj/mm/aaaa, avec une date au plus tôt ou au plus tard si besoin."),
    "integer": gettext_lazy("Un nombre de personnes, d'exemplaires…"),
    "decimal": gettext_lazy("Une surface, un montant…"),
    "yesno": gettext_lazy("Deux boutons Oui et Non."),
    "choice": gettext_lazy("Une réponse parmi une liste."),
    "multichoice": gettext_lazy("Plusieurs réponses parmi une liste."),
    "address": gettext_lazy("Rue, code postal et commune."),
    "file": gettext_lazy("PDF, images, documents ; le contenu est vérifié."),
    "consent": gettext_lazy("Une case que l'usager coche : attestation sur l'honneur, accord."),
    "info": gettext_lazy("Un encadré d'explication au milieu du formulaire."),
}
assert set(FIELD_TYPE_LABELS) == set(FIELD_TYPES) == set(FIELD_TYPE_HINTS)

PREFILL_LABELS = {
    "profile.first_name": gettext_lazy("Prénom du profil"),
    "profile.last_name": gettext_lazy("Nom du profil"),
    "profile.email": gettext_lazy("Adresse électronique du profil"),
    "profile.phone": gettext_lazy("Téléphone du profil"),
    "profile.birth_date": gettext_lazy("Date de naissance du profil"),
    "profile.address": gettext_lazy("Adresse du profil"),
    "profile.civility": gettext_lazy("Civilité du profil (réponses « mme » et « m »)"),
}

OP_LABELS = {
    "equals": gettext_lazy("la réponse est"),
    "not_equals": gettext_lazy("la réponse n'est pas"),
    "one_of": gettext_lazy("la réponse est l'une de"),
    "filled": gettext_lazy("une réponse a été donnée"),
}


def value_label(field, value):
    if isinstance(value, bool):
        if field and field.get("type") == "consent":
            return _("cochée") if value else _("non cochée")
        return _("Oui") if value else _("Non")
    if field and field.get("type") in ("choice", "multichoice"):
        for choice in field.get("choices") or []:
            if isinstance(choice, dict) and choice.get("value") == value:
                return choice.get("label") or value
    return str(value)


def describe_condition(schema, condition) -> str:
    """A condition in words for administrators: « Salle » est « Salle des fêtes » et « Sono » est « Oui »."""
    if not isinstance(condition, dict):
        return _("condition illisible")
    for combinator, word in (("all", _(" et ")), ("any", _(" ou "))):
        if combinator in condition:
            parts = [describe_condition(schema, sub) for sub in condition.get(combinator) or []]
            return word.join(f"({part})" if (" et " in part or " ou " in part) else part for part in parts)
    key = condition.get("field")
    try:
        field = schema_ops.find_field(schema, key)[3]
        name = f"« {field.get('label') or key} »"
    except KeyError:
        field = None
        name = _("le champ « %(key)s » (supprimé)") % {"key": key}
    op = condition.get("op")
    if op == "filled":
        return _("%(field)s a une réponse") % {"field": name}
    values = condition.get("value") if op == "one_of" else [condition.get("value")]
    shown = " ou ".join(f"« {value_label(field, value)} »" for value in (values if isinstance(values, list) else []))
    if op == "not_equals":
        return _("%(field)s n'est pas %(values)s") % {"field": name, "values": shown}
    if op == "one_of":
        return _("%(field)s est l'une de : %(values)s") % {"field": name, "values": shown}
    return _("%(field)s est %(values)s") % {"field": name, "values": shown}


def clauses(condition) -> tuple[str, list[dict]] | None:
    """(combinator, simple conditions) when the condition is editable clause by clause, else None."""
    if not condition:
        return "all", []
    if "all" in condition or "any" in condition:
        combinator = "all" if "all" in condition else "any"
        subs = condition.get(combinator) or []
        if all(isinstance(sub, dict) and "field" in sub for sub in subs):
            return combinator, list(subs)
        return None
    return "all", [condition]


def combine(combinator, items) -> dict | None:
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return {combinator: list(items)}
