"""Conditions, visibility, submission clean-up, display and pre-fill."""

import datetime as dt

from parvis.formengine import FormDefinition
from parvis.formengine.conditions import evaluate
from parvis.formengine.tests.helpers import page

CHOICES = [{"value": "salle", "label": "Salle des fêtes"}, {"value": "gymnase", "label": "Gymnase"},
           {"value": "stade", "label": "Stade"}]


def test_operators():
    assert evaluate({"field": "a", "op": "equals", "value": "x"}, {"a": "x"})
    assert not evaluate({"field": "a", "op": "equals", "value": "x"}, {})
    assert evaluate({"field": "a", "op": "not_equals", "value": "x"}, {"a": "y"})
    assert evaluate({"field": "a", "op": "not_equals", "value": "x"}, {})
    assert evaluate({"field": "a", "op": "one_of", "value": ["x", "y"]}, {"a": "y"})
    assert not evaluate({"field": "a", "op": "one_of", "value": ["x", "y"]}, {"a": "z"})
    assert evaluate({"field": "a", "op": "filled"}, {"a": False})
    assert not evaluate({"field": "a", "op": "filled"}, {"a": ""})
    assert not evaluate({"field": "a", "op": "filled"}, {"a": []})
    assert evaluate({"field": "a", "op": "equals", "value": True}, {"a": True})
    assert not evaluate({"field": "a", "op": "equals", "value": True}, {"a": 1})
    assert evaluate({"field": "a", "op": "equals", "value": 12.5}, {"a": "12.50"})
    assert evaluate({"field": "a", "op": "equals", "value": "b"}, {"a": ["a", "b"]})  # a ticked box
    assert evaluate({"all": [{"field": "a", "op": "filled"}, {"any": [
        {"field": "b", "op": "equals", "value": 1}, {"field": "c", "op": "equals", "value": 2}]}]},
        {"a": "x", "c": 2})


def definition():
    return FormDefinition({"version": 1, "pages": [
        page("demande",
             {"key": "salle", "type": "choice", "label": "Salle", "required": True, "choices": CHOICES},
             {"key": "sono", "type": "yesno", "label": "Sonorisation ?", "required": True,
              "condition": {"field": "salle", "op": "one_of", "value": ["salle", "gymnase"]}},
             {"key": "puissance", "type": "integer", "label": "Puissance", "required": True,
              "condition": {"field": "sono", "op": "equals", "value": True}}),
        page("association", {"key": "nom_asso", "type": "text", "label": "Nom de l'association", "required": True},
             condition={"field": "salle", "op": "not_equals", "value": "stade"}),
        {"key": "detail", "title": "Détails", "sections": [
            {"key": "buvette_s", "title": "Buvette", "fields": [
                {"key": "buvette", "type": "yesno", "label": "Buvette ?"}]},
            {"key": "licence_s", "title": "Licence", "condition": {"field": "buvette", "op": "equals", "value": True},
             "fields": [{"key": "licence", "type": "text", "label": "Numéro de licence", "required": True}]},
            {"key": "remarques_s", "title": "Remarques", "condition": {"field": "nom_asso", "op": "filled"},
             "fields": [{"key": "remarques", "type": "textarea", "label": "Remarques"}]},
        ]},
    ]})


def test_page_section_and_field_visibility():
    form = definition()
    stade = {"salle": "stade", "sono": True, "puissance": 5, "nom_asso": "Club"}
    assert [p.key for p in form.visible_pages(stade)] == ["demande", "detail"]
    assert not form.is_visible("sono", stade)
    assert not form.is_visible("puissance", stade)  # its condition holds, but on a hidden answer
    assert not form.is_visible("remarques", stade)  # the section depends on a hidden page
    salle = {"salle": "salle", "sono": False}
    assert form.is_visible("sono", salle) and not form.is_visible("puissance", salle)
    assert form.is_visible(form.page("association"), salle)


def test_same_page_conditions_are_decided_at_validation():
    form = definition().page_form("demande", {}, data={"salle": "stade", "sono": "peut-être", "puissance": "x"})
    assert form.is_valid(), form.errors  # hidden fields' errors do not count
    assert form.valid_answers() == {"salle": "stade"}
    assert set(form.hidden_keys) == {"sono", "puissance"}
    form = definition().page_form("demande", {}, data={"salle": "salle", "sono": "true"})
    assert not form.is_valid()
    assert list(form.errors) == ["puissance"]
    assert form.valid_answers() == {"salle": "salle", "sono": True}


def test_conditional_fields_carry_their_condition_and_a_hint_without_javascript():
    form = definition().page_form("demande", {})
    views = {view["key"]: view for section in form.layout for view in section["fields"]}
    assert '"op": "one_of"' in views["sono"]["condition_json"]
    assert views["sono"]["condition_text"] == \
        "À remplir seulement si vous avez répondu « Salle des fêtes » ou « Gymnase » à « Salle »."
    assert views["puissance"]["condition_text"] == \
        "À remplir seulement si vous avez répondu « Oui » à « Sonorisation ? »."
    assert views["salle"]["condition_json"] == ""


def test_conditions_on_earlier_pages_are_decided_when_the_page_is_built():
    form = definition().page_form("detail", {"salle": "stade"})
    assert [section["key"] for section in form.layout] == ["buvette_s", "licence_s"]
    assert "remarques" not in form.fields
    assert form.layout[1]["condition_text"].startswith("Cette partie est à remplir seulement si")
    form = definition().page_form("detail", {"salle": "salle", "nom_asso": "Club"})
    assert [section["key"] for section in form.layout] == ["buvette_s", "licence_s", "remarques_s"]
    assert form.layout[2]["condition_json"] == ""  # decided already


def test_clean_for_submission_removes_hidden_answers_and_checks_every_visible_page():
    form = definition()
    tampered = {"salle": "stade", "sono": True, "puissance": 12, "nom_asso": "Club", "buvette": False,
                "licence": "L-1", "remarques": "Une remarque", "inconnu": "x"}
    cleaned, errors = form.clean_for_submission(tampered)
    assert errors == []
    assert cleaned == {"salle": "stade", "buvette": False}

    # A required answer on a visible page never filled.
    cleaned, errors = form.clean_for_submission({"salle": "gymnase", "sono": False})
    assert [(e.page_key, e.field_key, e.message) for e in errors] == [
        ("association", "nom_asso", "Ce champ est obligatoire.")]

    # A stored value no longer valid (e.g. a date bound of "today") is reported too.
    dated = FormDefinition({"version": 1, "pages": [page("a", {"key": "d", "type": "date", "label": "D",
                                                                "min": "today"})]})
    _, errors = dated.clean_for_submission({"d": (dt.date.today() - dt.timedelta(days=3)).isoformat()})
    assert errors[0].message == "La date doit être aujourd'hui ou après."


def test_display_answers_as_filed():
    form = FormDefinition({"version": 1, "pages": [page("a",
        {"key": "salle", "type": "choice", "label": "Salle", "choices": CHOICES},
        {"key": "jours", "type": "multichoice", "label": "Jours", "choices": CHOICES},
        {"key": "sono", "type": "yesno", "label": "Sono ?"},
        {"key": "date", "type": "date", "label": "Date"},
        {"key": "surface", "type": "decimal", "label": "Surface"},
        {"key": "adresse", "type": "address", "label": "Adresse"},
        {"key": "piece", "type": "file", "label": "Pièce", "multiple": True},
        {"key": "vide", "type": "text", "label": "Vide"},
        {"key": "info", "type": "info", "label": "Info"},
        {"key": "cache", "type": "text", "label": "Caché", "condition": {"field": "sono", "op": "equals",
                                                                         "value": False}},
    )]})
    answers = {"salle": "gymnase", "jours": ["salle", "stade"], "sono": True, "date": "2026-07-14",
               "surface": "12.5", "adresse": {"street": "3 rue des Lilas", "postcode": "99100", "city": "Admiville"},
               "piece": [{"file_id": "f1", "name": "plan.pdf", "size": 2048, "content_type": "application/pdf"}],
               "cache": "secret"}
    pages = form.display(answers, file_url=lambda ref: f"/f/{ref['file_id']}/")
    items = {item.key: item for item in pages[0].sections[0].items}
    assert items["salle"].text == "Gymnase"
    assert items["jours"].text == "Salle des fêtes, Stade"
    assert items["sono"].text == "Oui"
    assert items["date"].text == "14/07/2026"
    assert items["surface"].text == "12,5"
    assert items["adresse"].text == "3 rue des Lilas, 99100 Admiville"
    assert items["piece"].files == [{"name": "plan.pdf", "size": "2 Ko", "url": "/f/f1/", "file_id": "f1"}]
    assert items["vide"].empty and items["vide"].text == "Non renseigné"
    assert "info" not in items and "cache" not in items
    rows = form.display_rows(answers)
    assert {"label": "Sono ?", "value": "Oui"} in rows


class Profile:
    is_authenticated = True
    first_name, last_name, email, phone = "Camille", "Durand", "camille@example.org", "0612345678"
    birth_date = dt.date(1990, 5, 17)
    street, postcode, city, civility = "3 rue des Lilas", "99100", "Admiville", "mme"


def test_prefill_values_and_form_initial_values():
    form = FormDefinition({"version": 1, "pages": [page("a",
        {"key": "civilite", "type": "choice", "label": "Civilité", "prefill": "profile.civility",
         "choices": [{"value": "mme", "label": "Madame"}, {"value": "m", "label": "Monsieur"}]},
        {"key": "prenom", "type": "text", "label": "Prénom", "prefill": "profile.first_name"},
        {"key": "nom", "type": "text", "label": "Nom", "prefill": "profile.last_name"},
        {"key": "courriel", "type": "email", "label": "Courriel", "prefill": "profile.email"},
        {"key": "tel", "type": "phone", "label": "Téléphone", "prefill": "profile.phone"},
        {"key": "naissance", "type": "date", "label": "Naissance", "prefill": "profile.birth_date"},
        {"key": "adresse", "type": "address", "label": "Adresse", "prefill": "profile.address"},
    )]})
    prefill = form.prefill_values(Profile())
    assert prefill["tel"] == ("06 12 34 56 78", "votre profil")
    assert prefill["naissance"][0] == "1990-05-17"
    assert prefill["adresse"][0] == {"street": "3 rue des Lilas", "postcode": "99100", "city": "Admiville"}
    assert prefill["civilite"][0] == "mme"
    page_form = form.page_form("a", {"nom": "Martin"}, prefill=prefill)
    views = {view["key"]: view for view in page_form.layout[0]["fields"]}
    assert 'value="Camille"' in views["prenom"]["html"]
    assert 'autocomplete="given-name"' in views["prenom"]["html"]
    assert views["prenom"]["source"] == "votre profil"
    assert 'value="Martin"' in views["nom"]["html"]  # the answer of this request wins
    assert views["nom"]["source"] == ""
    assert 'value="17/05/1990"' in views["naissance"]["html"]
    assert [part["value"] for part in views["adresse"]["parts"]] == ["3 rue des Lilas", "99100", "Admiville"]
    assert [part["autocomplete"] for part in views["adresse"]["parts"]] == \
        ["address-line1", "postal-code", "address-level2"]
    assert form.prefill_values(None) == {}


def test_accessible_markup_ties_hints_and_errors():
    form = FormDefinition({"version": 1, "pages": [page("a",
        {"key": "nom", "type": "text", "label": "Nom", "help": "Tel qu'écrit sur vos papiers", "required": True},
        {"key": "sono", "type": "yesno", "label": "Sono ?", "required": True})]})
    bound = form.page_form("a", {}, data={})
    bound.is_valid()
    views = {view["key"]: view for view in bound.layout[0]["fields"]}
    assert views["nom"]["describedby"] == "id_nom-aide id_nom-erreur"
    assert 'aria-describedby="id_nom-aide id_nom-erreur"' in views["nom"]["html"]
    assert 'aria-invalid="true"' in views["nom"]["html"]
    assert "required" not in views["nom"]["html"]
    assert views["sono"]["anchor"] == "id_sono_0"
    assert [entry["anchor"] for entry in bound.error_summary] == ["id_nom", "id_sono_0"]
