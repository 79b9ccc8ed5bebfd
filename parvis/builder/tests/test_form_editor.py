"""The form editor through its pages: pages, sections and fields of every type, reordering, removal,
conditions chosen from earlier fields, the guard rails on keys and on conditions, and the live preview."""

from html import unescape

import pytest
from django.urls import reverse

from parvis.builder import services
from parvis.builder.tests.helpers import field_keys
from parvis.formengine import FormDefinition, validate_schema
from parvis.formengine.schema import FIELD_TYPES

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure(admin, department, category):
    return services.create_procedure(user=admin, title="Location de salle", department=department,
                                     category=category, family="decision")


def schema_of(procedure):
    return services.state(procedure).schema


def url(name, procedure, *args):
    return reverse(f"builder:{name}", args=[procedure.pk, *args])


def add_page(client, procedure, title, section_title=""):
    response = client.post(url("page_add", procedure), {"title": title, "help": "", "section_title": section_title})
    assert response.status_code == 302, response.content.decode()[:2000]
    return schema_of(procedure)["pages"][-1]


def add_field(client, procedure, section_key, field_type, **data):
    values = {"type": field_type, "label": data.pop("label", f"Champ {field_type}"), "help": "", **data}
    response = client.post(url("field_add", procedure, section_key), values)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


FIELD_DATA = {
    "text": {"max_length": "80", "prefill": "profile.last_name", "required": "on"},
    "textarea": {"max_length": "2000"},
    "email": {"prefill": "profile.email"},
    "phone": {"prefill": "profile.phone"},
    "date": {"min": "aujourd'hui", "max": "31/12/2030"},
    "integer": {"min": "1", "max": "200", "required": "on"},
    "decimal": {"min": "0.5", "max": "99.5", "decimal_places": "1"},
    "yesno": {"required": "on"},
    "choice": {"choices": "Salle des fêtes\nSalle du Parc", "widget": "select", "required": "on"},
    "multichoice": {"choices": "sono | Sonorisation\nVidéoprojecteur", "min": "1", "max": "2"},
    "address": {"prefill": "profile.address"},
    "file": {"accept": ["pdf", "png"], "max_size_mb": "5", "multiple": "on", "max_files": "3"},
    "consent": {"required": "on", "label": "J'accepte le règlement"},
    "info": {"help": "Les clés se retirent à l'accueil.", "label": "À savoir"},
}


def test_a_blank_procedure_starts_with_an_empty_form_and_says_so(admin_client, procedure):
    page = admin_client.get(url("form", procedure)).content.decode()
    assert "Le formulaire est vide" in page
    assert "ajoutez au moins une page" in page


def test_every_field_type_is_added_through_its_own_form(admin_client, procedure):
    assert set(FIELD_DATA) == set(FIELD_TYPES)
    page = add_page(admin_client, procedure, "Votre réservation", "La salle")
    section_key = page["sections"][0]["key"]
    assert page["sections"][0]["title"] == "La salle"
    for field_type, data in FIELD_DATA.items():
        add_field(admin_client, procedure, section_key, field_type, **data)
    schema = schema_of(procedure)
    assert validate_schema(schema) == []
    fields = {field["type"]: field for field in schema["pages"][0]["sections"][0]["fields"]}
    assert fields["text"] == {"key": "champ_text", "type": "text", "label": "Champ text", "required": True,
                              "prefill": "profile.last_name", "max_length": 80}
    assert fields["date"]["min"] == "today" and fields["date"]["max"] == "2030-12-31"
    assert fields["decimal"]["min"] == 0.5 and fields["decimal"]["decimal_places"] == 1
    assert fields["choice"]["choices"] == [{"value": "salle_des_fetes", "label": "Salle des fêtes"},
                                           {"value": "salle_du_parc", "label": "Salle du Parc"}]
    assert fields["choice"]["widget"] == "select"
    assert fields["multichoice"]["choices"][0] == {"value": "sono", "label": "Sonorisation"}
    assert fields["file"] == {"key": "champ_file", "type": "file", "label": "Champ file", "required": False,
                              "accept": ["pdf", "png"], "max_size_mb": 5, "multiple": True, "max_files": 3}
    assert fields["info"] == {"key": "a_savoir", "type": "info", "label": "À savoir",
                              "help": "Les clés se retirent à l'accueil."}
    # Every field shows in the editor, and the form works for residents.
    editor = admin_client.get(url("form", procedure)).content.decode()
    for field in fields.values():
        assert field["label"].replace("'", "&#x27;") in editor
    assert FormDefinition(schema).page_form(page["key"], {})


def test_the_type_is_chosen_first_when_none_is_given(admin_client, procedure):
    page = add_page(admin_client, procedure, "Vous")
    response = admin_client.get(url("field_add", procedure, page["sections"][0]["key"]))
    assert "Type de champ" in response.content.decode()
    response = admin_client.get(url("field_add", procedure, page["sections"][0]["key"]) + "?type=phone")
    assert "Pré-remplir depuis le profil" in response.content.decode()


def test_field_errors_are_shown_beside_the_field(admin_client, procedure):
    page = add_page(admin_client, procedure, "Vous")
    section = page["sections"][0]["key"]
    response = admin_client.post(url("field_add", procedure, section),
                                 {"type": "integer", "label": "", "min": "10", "max": "2"})
    content = response.content.decode()
    assert response.status_code == 200 and "Il y a 2 erreurs" in content
    assert "La borne maximale doit être supérieure" in content
    response = admin_client.post(url("field_add", procedure, section), {"type": "choice", "label": "Salle"})
    assert "Proposez au moins une réponse" in response.content.decode()


def test_two_fields_cannot_have_the_same_key(admin_client, procedure):
    page = add_page(admin_client, procedure, "Vous")
    section = page["sections"][0]["key"]
    add_field(admin_client, procedure, section, "text", label="Nom", key="nom")
    add_field(admin_client, procedure, section, "text", label="Nom")  # the key is made unique
    assert field_keys(schema_of(procedure)) == ["nom", "nom_2"]
    response = admin_client.post(url("field_edit", procedure, "nom_2"), {"label": "Nom d'usage", "key": "nom"})
    assert "Un autre champ du formulaire a déjà l'identifiant « nom » : deux champs ne peuvent pas avoir le même " \
           "identifiant." in response.content.decode().replace("&#x27;", "'").replace("&laquo;", "«")
    response = admin_client.post(url("field_add", procedure, section), {"type": "text", "label": "X", "key": "nom"})
    assert response.status_code == 200 and "déjà l&#x27;identifiant « nom »" in response.content.decode()
    response = admin_client.post(url("field_add", procedure, section), {"type": "text", "label": "X", "key": "Nom 2"})
    assert "Identifiant invalide" in response.content.decode()
    assert field_keys(schema_of(procedure)) == ["nom", "nom_2"]


def test_renaming_a_key_carries_the_conditions_along(admin_client, procedure):
    page = add_page(admin_client, procedure, "Vous")
    section = page["sections"][0]["key"]
    add_field(admin_client, procedure, section, "yesno", label="Association ?", key="asso")
    add_field(admin_client, procedure, section, "text", label="Nom de l'association", key="nom_asso")
    services.edit_form(procedure, None, lambda schema: schema["pages"][0]["sections"][0]["fields"][1].update(
        condition={"field": "asso", "op": "equals", "value": True}))
    admin_client.post(url("field_edit", procedure, "asso"), {"label": "Êtes-vous une association ?",
                                                             "key": "est_association", "required": "on"})
    fields = schema_of(procedure)["pages"][0]["sections"][0]["fields"]
    assert fields[0]["key"] == "est_association" and fields[0]["required"] is True
    assert fields[1]["condition"] == {"field": "est_association", "op": "equals", "value": True}


def test_fields_sections_and_pages_are_reordered_with_buttons(admin_client, procedure):
    first = add_page(admin_client, procedure, "Première", "Partie A")
    second = add_page(admin_client, procedure, "Seconde", "Partie C")
    admin_client.post(url("section_add", procedure, first["key"]), {"title": "Partie B"})
    schema = schema_of(procedure)
    section_a, section_b = (s["key"] for s in schema["pages"][0]["sections"])
    section_c = schema["pages"][1]["sections"][0]["key"]
    for label in ("Un", "Deux"):
        add_field(admin_client, procedure, section_a, "text", label=label)
    add_field(admin_client, procedure, section_b, "text", label="Trois")
    move = url("form_move", procedure)
    admin_client.post(move, {"kind": "champ", "key": "deux", "direction": "up"})
    assert field_keys(schema_of(procedure)) == ["deux", "un", "trois"]
    admin_client.post(move, {"kind": "champ", "key": "un", "direction": "down"})  # into the next section
    schema = schema_of(procedure)
    assert [f["key"] for f in schema["pages"][0]["sections"][1]["fields"]] == ["un", "trois"]
    admin_client.post(move, {"kind": "partie", "key": section_b, "direction": "down"})  # into the next page
    schema = schema_of(procedure)
    assert [s["key"] for s in schema["pages"][1]["sections"]] == [section_b, section_c]
    admin_client.post(move, {"kind": "page", "key": second["key"], "direction": "up"})
    assert [p["key"] for p in schema_of(procedure)["pages"]] == [second["key"], first["key"]]
    # The first element cannot go further up: nothing changes.
    admin_client.post(move, {"kind": "page", "key": second["key"], "direction": "up"})
    assert [p["key"] for p in schema_of(procedure)["pages"]] == [second["key"], first["key"]]
    assert admin_client.post(move, {"kind": "champ", "key": "inconnu", "direction": "up"}).status_code == 404
    assert admin_client.post(move, {"kind": "autre", "key": "un", "direction": "up"}).status_code == 404


def test_conditions_are_chosen_from_earlier_fields_and_their_values(admin_client, procedure):
    page = add_page(admin_client, procedure, "Réservation")
    section = page["sections"][0]["key"]
    add_field(admin_client, procedure, section, "choice", label="Salle", key="salle",
              choices="fetes | Salle des fêtes\nparc | Salle du Parc", required="on")
    add_field(admin_client, procedure, section, "yesno", label="Buvette ?", key="buvette")
    add_field(admin_client, procedure, section, "textarea", label="Boissons", key="boissons")
    condition_url = url("condition", procedure, "champ", "boissons")
    page_html = admin_client.get(condition_url).content.decode()
    assert "Aucune : toujours affiché." in page_html
    assert 'value="salle"' in page_html and 'value="buvette"' in page_html and 'value="boissons"' not in page_html
    # Step 2: the answers of the field chosen
    page_html = admin_client.get(condition_url + "?champ=salle").content.decode()
    assert "Salle des fêtes" in page_html and "Salle du Parc" in page_html
    response = admin_client.post(condition_url, {"action": "add", "champ": "salle", "op": "equals",
                                                 "values": ["fetes", "parc"]})
    assert response.status_code == 400 and "Cochez exactement une réponse" in response.content.decode()
    admin_client.post(condition_url, {"action": "add", "champ": "salle", "op": "equals", "values": ["fetes"]})
    field = schema_of(procedure)["pages"][0]["sections"][0]["fields"][2]
    assert field["condition"] == {"field": "salle", "op": "equals", "value": "fetes"}
    admin_client.post(condition_url, {"action": "add", "champ": "buvette", "op": "equals", "boolean": "true"})
    field = schema_of(procedure)["pages"][0]["sections"][0]["fields"][2]
    assert field["condition"] == {"all": [{"field": "salle", "op": "equals", "value": "fetes"},
                                          {"field": "buvette", "op": "equals", "value": True}]}
    assert "« Salle » est « Salle des fêtes » et « Buvette ? » est « Oui »" in \
        admin_client.get(url("form", procedure)).content.decode().replace("&#x27;", "'")
    admin_client.post(condition_url, {"action": "combine", "combinator": "any"})
    assert "any" in schema_of(procedure)["pages"][0]["sections"][0]["fields"][2]["condition"]
    admin_client.post(condition_url, {"action": "remove", "index": "0"})
    assert schema_of(procedure)["pages"][0]["sections"][0]["fields"][2]["condition"] == {
        "field": "buvette", "op": "equals", "value": True}
    admin_client.post(condition_url, {"action": "clear"})
    assert "condition" not in schema_of(procedure)["pages"][0]["sections"][0]["fields"][2]
    # A field cannot be chosen when it does not come before.
    admin_client.post(url("condition", procedure, "champ", "salle"), {"action": "add", "champ": "buvette",
                                                                       "op": "equals", "boolean": "true"})
    assert "condition" not in schema_of(procedure)["pages"][0]["sections"][0]["fields"][0]
    assert validate_schema(schema_of(procedure)) == []


def test_page_and_section_conditions(admin_client, procedure):
    first = add_page(admin_client, procedure, "Vous")
    add_field(admin_client, procedure, first["sections"][0]["key"], "yesno", label="Association ?", key="asso",
              required="on")
    second = add_page(admin_client, procedure, "L'association")
    add_field(admin_client, procedure, second["sections"][0]["key"], "text", label="Nom", key="nom_asso")
    admin_client.post(url("condition", procedure, "page", second["key"]),
                      {"action": "add", "champ": "asso", "op": "equals", "boolean": "true"})
    admin_client.post(url("condition", procedure, "partie", second["sections"][0]["key"]),
                      {"action": "add", "champ": "asso", "op": "filled"})
    schema = schema_of(procedure)
    assert schema["pages"][1]["condition"] == {"field": "asso", "op": "equals", "value": True}
    assert schema["pages"][1]["sections"][0]["condition"] == {"field": "asso", "op": "filled"}
    assert validate_schema(schema) == []


def test_removing_a_field_used_by_a_condition_is_a_clear_problem(admin_client, procedure):
    page = add_page(admin_client, procedure, "Réservation")
    section = page["sections"][0]["key"]
    add_field(admin_client, procedure, section, "yesno", label="Buvette ?", key="buvette")
    add_field(admin_client, procedure, section, "textarea", label="Boissons servies", key="boissons")
    admin_client.post(url("condition", procedure, "champ", "boissons"),
                      {"action": "add", "champ": "buvette", "op": "equals", "boolean": "true"})
    confirm = admin_client.get(url("element_delete", procedure, "champ", "buvette")).content.decode()
    assert "Des conditions d'affichage utilisent les réponses" in confirm and "Boissons servies" in confirm
    admin_client.post(url("element_delete", procedure, "champ", "buvette"))
    assert field_keys(schema_of(procedure)) == ["boissons"]
    message = ("Formulaire : la condition d'affichage du champ « Boissons servies » porte sur le champ « buvette », "
               "qui n'existe plus (il a été supprimé ou renommé) : modifiez ou retirez cette condition.")
    assert [str(p) for p in services.problems(procedure) if p.area == "formulaire"] == [message]
    assert message.replace("'", "&#x27;") in admin_client.get(url("form", procedure)).content.decode()
    # The condition page still shows it, and lets it go.
    assert "le champ « buvette » (supprimé)" in admin_client.get(
        url("condition", procedure, "champ", "boissons")).content.decode()


def test_deleting_a_page_deletes_its_sections_and_fields(admin_client, procedure):
    page = add_page(admin_client, procedure, "Vous")
    add_field(admin_client, procedure, page["sections"][0]["key"], "text", label="Nom")
    assert "Nom" in admin_client.get(url("element_delete", procedure, "page", page["key"])).content.decode()
    admin_client.post(url("element_delete", procedure, "page", page["key"]))
    assert schema_of(procedure)["pages"] == []
    assert admin_client.get(url("element_delete", procedure, "page", page["key"])).status_code == 404


def test_pages_and_sections_are_renamed(admin_client, procedure):
    page = add_page(admin_client, procedure, "Vous")
    admin_client.post(url("page_edit", procedure, page["key"]), {"title": "Vos coordonnées", "help": "Pour vous "
                                                                                                     "répondre."})
    admin_client.post(url("section_edit", procedure, page["sections"][0]["key"]), {"title": "Identité"})
    page = schema_of(procedure)["pages"][0]
    assert page["title"] == "Vos coordonnées" and page["help"] == "Pour vous répondre."
    assert page["sections"][0]["title"] == "Identité" and "help" not in page["sections"][0]


def test_the_field_page_shows_the_field_as_residents_see_it(admin_client, procedure):
    page = add_page(admin_client, procedure, "Vous")
    add_field(admin_client, procedure, page["sections"][0]["key"], "choice", label="Civilité", key="civilite",
              choices="mme | Madame\nm | Monsieur")
    html = admin_client.get(url("field_edit", procedure, "civilite")).content.decode()
    assert "Aperçu pour l'usager" in html and 'type="radio" name="civilite" value="mme"' in html


def test_the_live_preview_walks_the_draft_form_like_a_resident(admin_client, admin, procedure):
    first = add_page(admin_client, procedure, "Vous")
    add_field(admin_client, procedure, first["sections"][0]["key"], "text", label="Votre nom", key="nom",
              required="on", prefill="profile.last_name")
    add_field(admin_client, procedure, first["sections"][0]["key"], "yesno", label="Association ?", key="asso",
              required="on")
    second = add_page(admin_client, procedure, "L'association")
    add_field(admin_client, procedure, second["sections"][0]["key"], "text", label="Nom de l'association",
              key="nom_asso", required="on")
    admin_client.post(url("condition", procedure, "page", second["key"]),
                      {"action": "add", "champ": "asso", "op": "equals", "boolean": "true"})
    html = admin_client.get(url("preview_page", procedure, first["key"])).content.decode()
    assert "Aperçu." in html and f'value="{admin.last_name}"' in html  # pre-filled from the profile
    response = admin_client.post(url("preview_page", procedure, first["key"]), {"nom": "", "asso": "true"})
    assert response.status_code == 200 and "Il y a une erreur sur cette page" in response.content.decode()
    response = admin_client.post(url("preview_page", procedure, first["key"]), {"nom": "Benali", "asso": "false"})
    assert response["Location"] == url("preview_review", procedure)  # the association page is skipped
    review = admin_client.get(url("preview_review", procedure)).content.decode()
    assert "Benali" in review and "Vos données personnelles" in review
    response = admin_client.post(url("preview_page", procedure, first["key"]), {"nom": "Benali", "asso": "true"})
    assert response["Location"] == url("preview_page", procedure, second["key"])
    # Nothing was stored: no draft answers, no case.
    assert services.state(procedure).draft.revision.cases.count() == 0
    admin_client.post(url("preview", procedure))
    assert "Benali" not in admin_client.get(url("preview_review", procedure)).content.decode()


def test_the_field_preview_follows_unsaved_changes(admin_client, procedure):
    page = add_page(admin_client, procedure, "Vous")
    add_field(admin_client, procedure, page["sections"][0]["key"], "text", label="Nom", key="nom")
    preview = url("field_preview", procedure)
    html = admin_client.post(preview, {"type": "choice", "label": "Salle souhaitée", "widget": "select",
                                       "choices": "Salle des fêtes\nSalle du Parc"}).content.decode()
    assert "Salle souhaitée" in html and "<select" in html and "Salle du Parc" in html
    html = admin_client.post(preview, {"type": "text", "label": "Nom de famille", "existing": "nom",
                                       "key": "nom"}).content.decode()
    assert "Nom de famille" in html  # its own key is not a duplicate
    html = admin_client.post(preview, {"type": "choice", "label": ""}).content.decode()
    assert "L'aperçu s'affiche quand" in unescape(html)
    assert admin_client.post(preview, {"type": "inconnu"}).status_code == 404
    assert admin_client.get(preview).status_code == 405
    assert field_keys(schema_of(procedure)) == ["nom"]  # nothing saved
