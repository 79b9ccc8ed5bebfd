import pytest

from parvis.formengine import FormDefinition, SchemaError, validate_schema
from parvis.formengine.tests.helpers import page, schema_of


def problems(*fields):
    return validate_schema(schema_of(*fields))


def test_a_good_schema_has_no_problem():
    schema = schema_of(
        {"key": "nom", "type": "text", "label": "Nom", "required": True, "prefill": "profile.last_name"},
        {"key": "animal", "type": "yesno", "label": "Avez-vous un animal ?"},
        {"key": "espece", "type": "choice", "label": "Espèce", "widget": "select",
         "choices": [{"value": "chien", "label": "Chien"}, {"value": "chat", "label": "Chat"}],
         "condition": {"field": "animal", "op": "equals", "value": True}},
        {"key": "arrivee", "type": "date", "label": "Arrivée", "min": "2020-01-01", "max": "today"},
        {"key": "piece", "type": "file", "label": "Pièce", "accept": ["pdf", "png", "odt", "docx"],
         "multiple": True, "max_files": 3, "max_size_mb": 5},
        {"key": "texte", "type": "info", "label": "À savoir"},
    )
    assert validate_schema(schema) == []
    assert [p.key for p in FormDefinition(schema).pages] == ["p"]


@pytest.mark.parametrize("schema, expected", [
    ("pas un objet", "doit être un objet JSON"),
    ({"version": 2, "pages": []}, "version de formulaire inconnue"),
    ({"version": 1, "pages": {}}, "« pages » doit être une liste"),
    ({"version": 1, "pages": []}, "aucune page"),
])
def test_bad_shapes(schema, expected):
    assert any(expected in problem for problem in validate_schema(schema))


def test_duplicate_keys_across_pages_and_sections():
    schema = {"version": 1, "pages": [
        page("a", {"key": "nom", "type": "text", "label": "Nom"}),
        page("a", {"key": "nom", "type": "text", "label": "Nom encore"}),
    ]}
    found = validate_schema(schema)
    assert sum("identifiant « a » en double" in p for p in found) == 1
    assert sum("identifiant « a_s » en double" in p for p in found) == 1
    assert sum("identifiant « nom » en double" in p for p in found) == 1


def test_unknown_type_and_missing_label_and_bad_key():
    found = problems({"key": "x", "type": "signature", "label": "X"}, {"key": "y", "type": "text"},
                     {"key": "Pas-Bon", "type": "text", "label": "Z"})
    assert any("type inconnu « signature »" in p for p in found)
    assert any("« label » manquant" in p for p in found)
    assert any("identifiant « Pas-Bon » invalide" in p for p in found)


def test_reserved_page_and_field_keys():
    schema = {"version": 1, "pages": [page("verification", {"key": "action", "type": "text", "label": "X"})]}
    found = validate_schema(schema)
    assert any("l'identifiant « verification » est réservé" in p for p in found)
    assert any("l'identifiant « action » est réservé" in p for p in found)


def test_choice_without_choices_and_duplicate_values():
    found = problems({"key": "c", "type": "choice", "label": "C"},
                     {"key": "d", "type": "multichoice", "label": "D",
                      "choices": [{"value": "a", "label": "A"}, {"value": "a", "label": "A bis"}]})
    assert any("« c »" in p and "un choix doit proposer des réponses" in p for p in found)
    assert any("réponse « a » en double" in p for p in found)


def test_min_greater_than_max():
    found = problems({"key": "n", "type": "integer", "label": "N", "min": 5, "max": 1},
                     {"key": "d", "type": "date", "label": "D", "min": "2026-01-01", "max": "2025-01-01"},
                     {"key": "m", "type": "multichoice", "label": "M", "min": 3, "max": 2,
                      "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
                     {"key": "x", "type": "decimal", "label": "X", "min": 2.5, "max": 1})
    assert sum("« min » est supérieur à « max »" in p for p in found) == 3
    assert any("« min » est postérieur à « max »" in p for p in found)


def test_bad_options():
    found = problems(
        {"key": "f", "type": "file", "label": "F", "accept": ["pdf", "exe"], "max_size_mb": 500},
        {"key": "g", "type": "file", "label": "G", "max_files": 2},
        {"key": "d", "type": "date", "label": "D", "min": "demain"},
        {"key": "t", "type": "text", "label": "T", "max_length": 0, "colour": "red"},
        {"key": "c", "type": "choice", "label": "C", "widget": "slider", "choices": [{"value": "a", "label": "A"}]},
        {"key": "i", "type": "info", "label": "I", "required": True},
    )
    for expected in ("type de fichier « exe » non pris en charge", "« max_size_mb »", "« max_files » n'a de sens",
                     "« min » doit être une date", "« max_length »", "option « colour » inconnue",
                     "« widget » doit valoir", "ne peut pas être obligatoire"):
        assert any(expected in p for p in found), expected


def test_prefill_source_must_exist_and_fit_the_type():
    found = problems({"key": "a", "type": "text", "label": "A", "prefill": "profile.shoe_size"},
                     {"key": "b", "type": "date", "label": "B", "prefill": "profile.email"})
    assert any("source de pré-remplissage inconnue « profile.shoe_size »" in p for p in found)
    assert any("ne convient pas à un champ de type « date »" in p for p in found)


def test_conditions_on_unknown_or_later_fields():
    found = problems(
        {"key": "a", "type": "text", "label": "A", "condition": {"field": "b", "op": "filled"}},
        {"key": "b", "type": "text", "label": "B", "condition": {"field": "zzz", "op": "filled"}},
        {"key": "c", "type": "text", "label": "C", "condition": {"field": "b", "op": "bigger", "value": 1}},
        {"key": "d", "type": "text", "label": "D", "condition": {"field": "b", "op": "equals"}},
        {"key": "e", "type": "text", "label": "E", "condition": {"any": []}},
    )
    assert any("« a », condition : porte sur le champ « b », placé après elle" in p for p in found)
    assert any("porte sur le champ inconnu « zzz »" in p for p in found)
    assert any("opérateur inconnu « bigger »" in p for p in found)
    assert any("« value » manquant" in p for p in found)
    assert any("« any » doit être seul" in p for p in found)


def test_page_condition_cannot_use_its_own_fields_and_values_must_exist():
    schema = {"version": 1, "pages": [
        page("a", {"key": "animal", "type": "yesno", "label": "Animal ?"},
             {"key": "type", "type": "choice", "label": "Type", "choices": [{"value": "x", "label": "X"}]}),
        page("b", {"key": "nom", "type": "text", "label": "Nom"}, condition={"field": "nom", "op": "filled"}),
        page("c", {"key": "z", "type": "text", "label": "Z"},
             condition={"all": [{"field": "animal", "op": "equals", "value": "oui"},
                                {"field": "type", "op": "one_of", "value": ["x", "y"]}]}),
    ]}
    found = validate_schema(schema)
    assert any("Page « b », condition : porte sur le champ « nom », placé après elle" in p for p in found)
    assert any("« animal » vaut true ou false" in p for p in found)
    assert any("la valeur « y » n'est pas une réponse possible" in p for p in found)


def test_form_definition_refuses_a_bad_schema():
    with pytest.raises(SchemaError) as error:
        FormDefinition({"version": 1, "pages": [page("a", {"key": "x", "type": "nope", "label": "X"})]})
    assert any("type inconnu" in p for p in error.value.problems)


def test_condition_values_must_have_the_type_of_their_field():
    found = problems(
        {"key": "montant", "type": "decimal", "label": "Montant"},
        {"key": "nombre", "type": "integer", "label": "Nombre"},
        {"key": "nom", "type": "text", "label": "Nom"},
        {"key": "accord", "type": "consent", "label": "J'accepte"},
        {"key": "a", "type": "text", "label": "A", "condition": {"field": "montant", "op": "equals", "value": "12.50"}},
        {"key": "b", "type": "text", "label": "B", "condition": {"field": "nombre", "op": "equals", "value": 2.5}},
        {"key": "c", "type": "text", "label": "C", "condition": {"field": "nom", "op": "equals", "value": 3}},
        {"key": "d", "type": "text", "label": "D", "condition": {"field": "accord", "op": "filled"}},
        {"key": "e", "type": "text", "label": "E", "condition": {"field": "montant", "op": "equals", "value": 12.5}},
    )
    assert any("« montant » est un nombre : écrivez la valeur sans guillemets" in p for p in found)
    assert any("« nombre » est un nombre entier" in p for p in found)
    assert any("« nom » est un texte" in p for p in found)
    assert any("« filled » sur la case à cocher « accord »" in p for p in found)
    assert not any("« e »" in p for p in found)


def test_a_decimal_condition_compares_values_not_text():
    definition = FormDefinition(schema_of(
        {"key": "montant", "type": "decimal", "label": "Montant"},
        {"key": "detail", "type": "text", "label": "Détail",
         "condition": {"field": "montant", "op": "equals", "value": 12.5}},
    ))
    assert definition.is_visible("detail", {"montant": "12.50"})
    assert not definition.is_visible("detail", {"montant": "12.4"})
