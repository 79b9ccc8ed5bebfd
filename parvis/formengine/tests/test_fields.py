"""Every field type's validation, with its French message beside the field."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.formengine import FormDefinition
from parvis.formengine.tests.helpers import bound, schema_of


def errors(form, key="x"):
    return " ".join(form.errors.get(key, []))


def answers(form):
    return form.valid_answers()


def test_text_required_trimmed_and_too_long():
    field = {"key": "x", "type": "text", "label": "Nom", "required": True}
    assert errors(bound(field, {"x": "  "})) == "Ce champ est obligatoire."
    assert answers(bound(field, {"x": "  Durand "})) == {"x": "Durand"}
    form = bound(field, {"x": "a" * 256})
    assert "Ce texte est trop long : 255 caractères au maximum, vous en avez saisi 256." in errors(form)


def test_ten_megabytes_in_a_text_field_is_refused_cleanly():
    field = {"key": "x", "type": "textarea", "label": "Précisions"}
    form = bound(field, {"x": "é" * (10 * 1024 * 1024)})
    assert "5000 caractères au maximum" in errors(form)
    assert answers(form) == {}
    # Re-displaying the form does not send the 10 MB back.
    html = form.layout[0]["fields"][0]["html"]
    assert len(html) < 10_000


def test_text_custom_max_length_and_optional_empty():
    field = {"key": "x", "type": "text", "label": "Code", "max_length": 5}
    assert "5 caractères au maximum" in errors(bound(field, {"x": "abcdef"}))
    assert answers(bound(field, {"x": ""})) == {"x": None}


def test_email():
    field = {"key": "x", "type": "email", "label": "Courriel", "required": True}
    assert errors(bound(field, {"x": "pas-une-adresse"})) == \
        "Indiquez une adresse électronique valide, par exemple nom@exemple.fr."
    assert answers(bound(field, {"x": "camille@example.org"})) == {"x": "camille@example.org"}


@pytest.mark.parametrize("typed, stored", [
    ("0612345678", "06 12 34 56 78"),
    ("+33 6 12 34 56 78", "06 12 34 56 78"),
    ("01.23.45.67.89", "01 23 45 67 89"),
    ("+44 20 7946 0958", "+44 20 7946 0958"),
])
def test_phone_valid_numbers_are_stored_in_national_format(typed, stored):
    field = {"key": "x", "type": "phone", "label": "Téléphone"}
    assert answers(bound(field, {"x": typed})) == {"x": stored}


@pytest.mark.parametrize("typed", ["12", "06 12", "bonjour", "0012345678901234567890", "9" * 100])
def test_phone_invalid_numbers(typed):
    field = {"key": "x", "type": "phone", "label": "Téléphone"}
    assert errors(bound(field, {"x": typed})) == "Indiquez un numéro de téléphone valide, par exemple 06 12 34 56 78."


@pytest.mark.parametrize("typed", ["14/07/2026", "2026-07-14", "14-07-2026", "14.07.2026"])
def test_date_formats(typed):
    field = {"key": "x", "type": "date", "label": "Date"}
    assert answers(bound(field, {"x": typed})) == {"x": "2026-07-14"}


@pytest.mark.parametrize("typed", ["2025-02-30", "30/02/2025", "demain", "32/01/2026", "1" * 5000])
def test_impossible_dates_are_refused_cleanly(typed):
    field = {"key": "x", "type": "date", "label": "Date"}
    assert errors(bound(field, {"x": typed})) == "Indiquez une date valide, par exemple 14/07/2026."


def test_date_bounds_with_today():
    today = timezone.localdate()
    field = {"key": "x", "type": "date", "label": "Naissance", "min": "1900-01-01", "max": "today"}
    tomorrow = (today + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    assert errors(bound(field, {"x": tomorrow})) == "La date doit être aujourd'hui ou avant."
    assert errors(bound(field, {"x": "31/12/1899"})) == "La date doit être le 01/01/1900 ou après."
    assert answers(bound(field, {"x": today.strftime("%d/%m/%Y")})) == {"x": today.isoformat()}


def test_integer():
    field = {"key": "x", "type": "integer", "label": "Personnes", "min": 1, "max": 300}
    assert answers(bound(field, {"x": " 12 "})) == {"x": 12}
    assert errors(bound(field, {"x": "0"})) == "Indiquez un nombre supérieur ou égal à 1."
    assert errors(bound(field, {"x": "301"})) == "Indiquez un nombre inférieur ou égal à 300."
    assert errors(bound(field, {"x": "1,5"})) == "Indiquez un nombre entier, par exemple 3."
    assert errors(bound(field, {"x": "9" * 5000})) == "Indiquez un nombre entier, par exemple 3."


def test_decimal_accepts_a_comma():
    field = {"key": "x", "type": "decimal", "label": "Surface", "min": 0, "max": 1000, "decimal_places": 2}
    assert answers(bound(field, {"x": "12,5"})) == {"x": "12.5"}
    assert errors(bound(field, {"x": "12,555"})) == "Indiquez au plus 2 chiffre(s) après la virgule."
    assert errors(bound(field, {"x": "1000,01"})) == "Indiquez un nombre inférieur ou égal à 1000."
    assert errors(bound(field, {"x": "douze"})) == "Indiquez un nombre, par exemple 12,55."
    # Shown back with a comma.
    form = FormDefinition(schema_of(field)).page_form("p", {"x": "12.5"})
    assert 'value="12,5"' in form.layout[0]["fields"][0]["html"]


def test_yesno_is_stored_as_a_boolean():
    field = {"key": "x", "type": "yesno", "label": "Animal ?", "required": True}
    assert answers(bound(field, {"x": "true"})) == {"x": True}
    assert answers(bound(field, {"x": "false"})) == {"x": False}
    assert errors(bound(field, {})) == "Choisissez une réponse."
    assert errors(bound(field, {"x": "peut-être"})) != ""


def test_choice_radio_and_select():
    choices = [{"value": "mairie", "label": "Salle de la mairie"}, {"value": "gymnase", "label": "Gymnase"}]
    radio = {"key": "x", "type": "choice", "label": "Salle", "required": True, "choices": choices}
    assert answers(bound(radio, {"x": "gymnase"})) == {"x": "gymnase"}
    assert errors(bound(radio, {"x": "piscine"})) == "Choisissez une des réponses proposées."
    assert errors(bound(radio, {})) == "Choisissez une réponse."
    select = dict(radio, widget="select")
    form = bound(select, {"x": ""})
    assert errors(form) == "Choisissez une réponse."
    assert "<select" in form.layout[0]["fields"][0]["html"]


def test_multichoice_bounds():
    choices = [{"value": v, "label": v.upper()} for v in "abcd"]
    field = {"key": "x", "type": "multichoice", "label": "Jours", "choices": choices, "min": 2, "max": 3}
    assert answers(bound(field, {"x": ["a", "c"]})) == {"x": ["a", "c"]}
    assert errors(bound(field, {"x": ["a"]})) == "Cochez au moins 2 réponses."
    assert errors(bound(field, {"x": ["a", "b", "c", "d"]})) == "Cochez au plus 3 réponse(s)."
    assert errors(bound(field, {"x": ["z"]})) == "Choisissez parmi les réponses proposées."
    assert answers(bound(field, {})) == {"x": []}


def test_address_shape():
    field = {"key": "x", "type": "address", "label": "Adresse", "required": True}
    good = {"x__street": "3 rue des Lilas", "x__postcode": "99100", "x__city": "Admiville"}
    assert answers(bound(field, good)) == {"x": {"street": "3 rue des Lilas", "postcode": "99100",
                                                 "city": "Admiville"}}
    form = bound(field, dict(good, x__postcode="9910"))
    assert errors(form) == "Indiquez un code postal de 5 chiffres, par exemple 75001."
    parts = {part["name"]: part for part in form.layout[0]["fields"][0]["parts"]}
    assert parts["x__postcode"]["invalid"] and not parts["x__street"]["invalid"]
    assert errors(bound(field, {"x__city": "Admiville"})) == \
        "Indiquez le numéro et la rue. Indiquez un code postal de 5 chiffres, par exemple 75001."
    assert errors(bound(field, {})) == "Indiquez l'adresse complète : numéro et rue, code postal et commune."
    optional = dict(field, required=False)
    assert answers(bound(optional, {})) == {"x": None}


def test_consent_must_be_ticked_when_required():
    field = {"key": "x", "type": "consent", "label": "J'accepte le règlement de la salle", "required": True}
    assert errors(bound(field, {})) == "Cochez cette case pour continuer."
    assert answers(bound(field, {"x": "on"})) == {"x": True}
    optional = dict(field, required=False)
    assert answers(bound(optional, {})) == {"x": False}


def test_info_has_no_answer():
    form = bound({"key": "x", "type": "info", "label": "À savoir", "help": "La salle ferme à 22 h."}, {"x": "hack"})
    assert form.is_valid()
    assert answers(form) == {}
    assert "x" not in form.fields
