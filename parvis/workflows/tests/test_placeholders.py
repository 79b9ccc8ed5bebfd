"""Placeholders: detection, checks and rendering of the texts written in the builder."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from parvis.workflows.placeholders import (
    ALLOWED_FILTERS,
    GROUPS,
    PLACEHOLDER_NAMES,
    PLACEHOLDERS,
    TemplateTextError,
    build_context,
    check_template_text,
    example_context,
    find_placeholders,
    placeholder_help,
    render_template_html,
    render_template_text,
    render_text_as_html,
    unknown_placeholders,
)


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


# --- The list -----------------------------------------------------------------------------------------------------

def test_the_placeholders_the_builder_offers():
    assert {
        "case.reference", "case.received_on", "case.procedure", "case.implicit_decision_on", "resident.full_name",
        "resident.civility", "department.name", "department.phone", "department.email", "department.postal_address",
        "commune.name", "decision.motivation", "pieces.list", "pieces.deadline",
    } <= PLACEHOLDER_NAMES
    assert len(PLACEHOLDER_NAMES) == len(PLACEHOLDERS)


def test_every_placeholder_is_described_and_grouped():
    for placeholder in PLACEHOLDERS:
        assert str(placeholder.description).strip(), placeholder.name
        assert placeholder.group in GROUPS
        assert placeholder.kind in {"text", "date", "list", "url"}
        assert placeholder.name.split(".")[0] == placeholder.group or placeholder.group == "other"


def test_no_placeholder_is_the_prefix_of_another():
    for name in PLACEHOLDER_NAMES:
        assert not any(other.startswith(f"{name}.") for other in PLACEHOLDER_NAMES)


def test_help_list_for_the_builder():
    help_list = placeholder_help()
    assert [group for group, _ in help_list][:3] == ["Demande", "Usager", "Service instructeur"]
    assert sum(len(items) for _, items in help_list) == len(PLACEHOLDERS)


def test_example_values_render_for_every_placeholder():
    text = "\n".join(f"{{{{ {name} }}}}" for name in sorted(PLACEHOLDER_NAMES))
    lines = render_template_text(text, example_context()).split("\n")
    assert all(line.strip() for line in lines)


# --- Detection ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "names"), [
    ("Bonjour {{ resident.full_name }}", {"resident.full_name"}),
    ("{{resident.full_name}} {{   case.reference   }}", {"resident.full_name", "case.reference"}),
    ('Reçue le {{ case.received_on|date:"j F Y" }}', {"case.received_on"}),
    ("{{ case.received_on | date:'d/m/Y' }}", {"case.received_on"}),
    ("{{ resident.civility|default:resident.full_name|upper }}", {"resident.civility", "resident.full_name"}),
    ('{{ department.phone|default:"{{ commune.phone }} | x.y" }}', {"department.phone"}),
    ("{% if case.implicit_decision_on and not decision.motivation %}x{% elif pieces.list|length > 1 %}y{% endif %}",
     {"case.implicit_decision_on", "decision.motivation", "pieces.list"}),
    ('{% if case.silence_means == "rejet" %}x{% endif %}', {"case.silence_means"}),
    ('{{ "texte" }} {{ 12 }} {{ -1.5 }} {{ True }} {{ _("Bonjour") }}', set()),
    ("{# {{ case.secret }} #}{% comment %}{{ case.hidden }}{% endcomment %}{{ commune.name }}", {"commune.name"}),
    ("Texte sans champ { ni } accolade", set()),
    ("{{ case.reference", set()),
    ("{{ case.reference }} {% if %}", {"case.reference"}),
    ("{{ case.received_on.year }}", {"case.received_on.year"}),
])
def test_find_placeholders(text, names):
    assert find_placeholders(text) == names


def test_find_placeholders_of_nothing():
    assert find_placeholders("") == set()
    assert find_placeholders(None) == set()


def test_unknown_placeholders():
    text = "{{ case.reference }} {{ case.numero }} {{ case }} {{ resident.full_name|default:usager.nom }}"
    assert unknown_placeholders(text) == {"case.numero", "case", "usager.nom"}
    assert unknown_placeholders("{{ case.received_on.year }}") == {"case.received_on.year"}


def test_check_template_text():
    valid = '{{ case.reference }} {% if pieces.list %}{{ pieces.deadline|date:"j F" }}{% endif %}'
    assert check_template_text(valid) == []
    assert check_template_text("{{ case.numero }}") == ["le champ de fusion « {{ case.numero }} » n'existe pas"]
    assert check_template_text("{{ case.reference|safe }}") == ["filtre non autorisé : « safe »"]
    assert check_template_text("{% load i18n %}") == [
        "balise non autorisée : « {% load %} » (seules « if » et « comment » le sont)"]
    [problem] = check_template_text("{% if case.reference %}")
    assert problem.startswith("texte mal formé : ")
    assert check_template_text("{% comment %}{% debug %}{{ x|safe }}{% endcomment %}") == []


def test_every_allowed_filter_exists():
    with_argument = {"cut", "default", "default_if_none", "join", "stringformat", "truncatechars", "truncatewords",
                     "wordwrap"}
    for name in ALLOWED_FILTERS:
        argument = ':"5"' if name in with_argument else ""
        assert check_template_text(f"{{{{ case.reference|{name}{argument} }}}}") == [], name


# --- Rendering ----------------------------------------------------------------------------------------------------

def test_render_text_with_nested_or_flat_values():
    text = "Demande {{ case.reference }} de {{ resident.full_name }}"
    expected = "Demande ADM-1 de Camille Martin"
    assert render_template_text(text, {"case": {"reference": "ADM-1"}, "resident": {"full_name": "Camille Martin"}}) \
        == expected
    assert render_template_text(text, {"case.reference": "ADM-1", "resident.full_name": "Camille Martin"}) == expected


def test_plain_text_is_not_escaped():
    values = {"resident.full_name": "Dupont & Fils <b>", "decision.motivation": "L'usager \"absent\""}
    assert render_template_text("{{ resident.full_name }} — {{ decision.motivation }}", values) == (
        "Dupont & Fils <b> — L'usager \"absent\"")


def test_filters():
    values = {"case.received_on": dt.date(2025, 7, 10), "resident.full_name": "camille martin",
              "resident.civility": "", "pieces.list": ["RIB", "Justificatif de domicile"]}
    assert render_template_text('{{ case.received_on|date:"j F Y" }}', values) == "10 juillet 2025"
    assert render_template_text("{{ case.received_on }}", values) == "10 juillet 2025"
    assert render_template_text("{{ resident.full_name|title }}", values) == "Camille Martin"
    assert render_template_text('{{ resident.civility|default:"Madame, Monsieur" }}', values) == "Madame, Monsieur"
    assert render_template_text('{{ pieces.list|join:", " }} ({{ pieces.list|length }})', values) == (
        "RIB, Justificatif de domicile (2)")
    assert render_template_text("{{ pieces.list }}", values) == "- RIB\n- Justificatif de domicile"
    assert render_template_text("{% if pieces.list %}oui{% else %}non{% endif %}", {}) == "non"


def test_unknown_or_missing_placeholders_render_empty():
    assert render_template_text("[{{ case.numero }}][{{ case.reference }}][{{ case.received_on|date:'j F' }}]",
                                {}) == "[][][]"


def test_only_known_placeholders_reach_the_text():
    class Secret:
        password = "hunter2"

        def __str__(self):
            return "objet"

    values = {"case": {"reference": Secret(), "applicant": Secret()}, "settings": {"SECRET_KEY": "k"}}
    assert build_context(values) == {"case": {"reference": "objet"}}
    assert render_template_text("{{ case.reference.password }}{{ case.applicant.password }}{{ settings.SECRET_KEY }}",
                                values) == ""


@pytest.mark.parametrize("text", [
    "{{ case.reference|safe }}",
    "{% load static %}",
    "{% include 'base.html' %}",
    "{% debug %}",
    "{% now 'Y' %}",
    "{% if case.reference %}",
])
def test_forbidden_or_broken_texts_do_not_render(text):
    with pytest.raises(TemplateTextError):
        render_template_text(text, example_context())
    with pytest.raises(TemplateTextError):
        render_template_html(text, example_context())


def test_html_values_are_escaped_in_html_mode():
    values = {"resident.full_name": "<script>alert('x')</script>", "decision.motivation": "A & B"}
    assert render_template_html("<p>{{ resident.full_name }}</p><p>{{ decision.motivation }}</p>", values) == (
        "<p>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</p><p>A &amp; B</p>")


def test_lists_are_escaped_in_html_mode():
    values = {"pieces.list": ["<b>RIB</b>", "Avis d'imposition"]}
    assert render_template_html('{{ pieces.list|join:", " }}', values) == (
        "&lt;b&gt;RIB&lt;/b&gt;, Avis d&#x27;imposition")
    assert render_template_html("{{ pieces.list }}", values) == (
        "- &lt;b&gt;RIB&lt;/b&gt;\n- Avis d&#x27;imposition")


def test_builder_text_as_html_escapes_everything_and_makes_paragraphs():
    text = "Madame, Monsieur <b>{{ resident.full_name }}</b>,\n\nMotifs :\n{{ decision.motivation }}"
    values = {"resident.full_name": "Camille", "decision.motivation": "<img src=file:///etc/passwd>"}
    assert render_text_as_html(text, values) == (
        "<p>Madame, Monsieur &lt;b&gt;Camille&lt;/b&gt;,</p>\n\n"
        "<p>Motifs :<br>&lt;img src=file:///etc/passwd&gt;</p>")


def test_definitions_import_and_validate_without_django_settings():
    script = ("from parvis.workflows import DEFAULT_WORKFLOW, validate_workflow, Workflow\n"
              "assert validate_workflow(DEFAULT_WORKFLOW) == []\n"
              "assert validate_workflow({})[0].startswith('Version du format inconnue')\n"
              "assert Workflow(DEFAULT_WORKFLOW).resident_label('in_progress') == 'En cours de traitement'\n")
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
