"""Forms of reports: the resident's filing steps, following a report, the agents' forms.

Forms only shape and type what was typed; the rules (length, HTML, boundary, answers to the questions) are
checked by `parvis.reports.services`, whose `ReportInputError` messages the views put back on the fields.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.reports import workflow
from parvis.reports.models import Datatype
from parvis.reports.services import MAX_DESCRIPTION, leaf_categories, questions_of
from parvis.ui.forms import DateInput

QUESTION_PREFIX = "q_"


class CategoryForm(forms.Form):
    categorie = forms.ChoiceField(label=_("De quoi s'agit-il ?"), widget=forms.RadioSelect,
                                  error_messages={"required": _("Choisissez le type de problème."),
                                                  "invalid_choice": _("Choisissez le type de problème.")})

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups
        self.fields["categorie"].choices = [(category.slug, category.name) for _group, categories in groups
                                            for category in categories]

    def radios_by_group(self):
        """[(group name, [radio subwidgets])] for a fieldset per group."""
        radios = {radio.data["value"]: radio for radio in self["categorie"]}
        return [(group, [(category, radios[category.slug]) for category in categories])
                for group, categories in self.groups]


class LocationForm(forms.Form):
    adresse = forms.CharField(label=_("Adresse ou lieu"), required=False, max_length=2000,
                              help_text=_("Par exemple : 12 rue des Écoles, ou « devant l'école Jules-Ferry »."),
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    latitude = forms.CharField(label=_("Latitude"), required=False, max_length=40,
                               widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    longitude = forms.CharField(label=_("Longitude"), required=False, max_length=40,
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    choix = forms.ChoiceField(label=_("Adresses trouvées"), required=False, widget=forms.RadioSelect)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choix"].choices = [
            (str(index), candidate["label"] + ("" if candidate.get("in_commune") else " — hors de la commune"))
            for index, candidate in enumerate(candidates)]


def question_field(question):
    common = {"label": question.label, "required": question.required, "help_text": question.help_text}
    if question.datatype == Datatype.TEXT:
        return forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if question.datatype == Datatype.NUMBER:
        return forms.CharField(max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if question.datatype == Datatype.DATETIME:
        return forms.CharField(max_length=40, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common)
    if question.datatype == Datatype.SINGLE:
        return forms.ChoiceField(choices=question.choices, widget=forms.RadioSelect, **common)
    if question.datatype == Datatype.MULTI:
        return forms.MultipleChoiceField(choices=question.choices, widget=forms.CheckboxSelectMultiple, **common)
    return forms.CharField(max_length=1000, **common)


class QuestionsMixin:
    """Adds a field per extra question of `category` (named q_<code>)."""

    def add_questions(self, category):
        self.questions = questions_of(category) if category is not None else []
        for question in self.questions:
            self.fields[QUESTION_PREFIX + question.code] = question_field(question)

    def question_fields(self):
        return [self[QUESTION_PREFIX + question.code] for question in self.questions]

    def answers(self):
        return {question.code: self.cleaned_data.get(QUESTION_PREFIX + question.code)
                for question in self.questions}


class DetailsForm(QuestionsMixin, forms.Form):
    description = forms.CharField(
        label=_("Décrivez le problème"), max_length=MAX_DESCRIPTION + 1000,
        help_text=_("Ce texte sera public : n'y mettez ni votre nom ni vos coordonnées. 4 000 caractères au plus."),
        widget=forms.Textarea(attrs={"rows": 5}))
    courriel = forms.EmailField(
        label=_("Votre courriel"), required=False, max_length=254,
        help_text=_("Facultatif : pour recevoir l'accusé d'enregistrement et être prévenu de la suite. "
                    "Jamais publié."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    nom = forms.CharField(label=_("Votre nom"), required=False, max_length=150,
                          help_text=_("Facultatif. Jamais publié."),
                          widget=forms.TextInput(attrs={"autocomplete": "name"}))
    telephone = forms.CharField(label=_("Votre téléphone"), required=False, max_length=40,
                                help_text=_("Facultatif : si les équipes ont besoin d'une précision. Jamais publié."),
                                widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))

    def __init__(self, *args, category=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_questions(category)
        if user is not None and user.is_authenticated:
            del self.fields["courriel"]  # the account's address receives the emails


class FollowForm(forms.Form):
    courriel = forms.EmailField(label=_("Votre courriel"), max_length=254,
                                help_text=_("Vous recevrez un lien pour confirmer. Jamais publié."),
                                widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class PublicFilterForm(forms.Form):
    statut = forms.ChoiceField(label=_("Statut"), required=False)
    categorie = forms.ChoiceField(label=_("Catégorie"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [("", _("Tous")), ("ouverts", _("En cours de traitement")),
                                         ("clos", _("Traités")), *workflow.STATUS_CHOICES]
        choices = [("", _("Toutes"))]
        seen = set()
        for category in leaf_categories():
            top = category.parent or category
            if top.slug not in seen:
                seen.add(top.slug)
                choices.append((top.slug, top.name))
            if category.parent_id:
                choices.append((category.slug, f"{top.name} › {category.name}"))
        self.fields["categorie"].choices = choices


# --- Agents ----------------------------------------------------------------------------------------------------

class AgentFileForm(QuestionsMixin, forms.Form):
    canal = forms.ChoiceField(label=_("Reçu"), choices=[("phone", _("Par téléphone")), ("counter", _("Au guichet"))],
                              widget=forms.RadioSelect, initial="phone")
    categorie = forms.ChoiceField(label=_("Catégorie"))
    adresse = forms.CharField(label=_("Adresse ou lieu"), required=False, max_length=2000)
    latitude = forms.CharField(label=_("Latitude"), required=False, max_length=40)
    longitude = forms.CharField(label=_("Longitude"), required=False, max_length=40)
    description = forms.CharField(label=_("Description du problème"), max_length=MAX_DESCRIPTION + 1000,
                                  help_text=_("Publique : sans nom ni coordonnées."),
                                  widget=forms.Textarea(attrs={"rows": 4}))
    courriel = forms.EmailField(label=_("Courriel de la personne"), required=False, max_length=254,
                                help_text=_("Pour la prévenir de la suite (facultatif)."))
    nom = forms.CharField(label=_("Nom de la personne"), required=False, max_length=150)
    telephone = forms.CharField(label=_("Téléphone de la personne"), required=False, max_length=40)

    def __init__(self, *args, category=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].choices = [("", "—")] + [(c.slug, str(c)) for c in leaf_categories()]
        self.add_questions(category)


class ActionForm(forms.Form):
    """The fields any action of the agents' report page may send; each action reads what it needs."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    public_answer = forms.CharField(label=_("Réponse publique"), required=False, max_length=MAX_DESCRIPTION + 1000,
                                    widget=forms.Textarea(attrs={"rows": 4}))
    expected_on = forms.DateField(label=_("Date prévue"), required=False,
                                  widget=DateInput())
    duplicate_of = forms.CharField(label=_("Référence du signalement d'origine"), required=False, max_length=30)
    categorie = forms.ChoiceField(label=_("Catégorie"), required=False)
    is_public = forms.BooleanField(label=_("Visible sur la carte publique"), required=False)
    photos_publiees = forms.TypedMultipleChoiceField(label=_("Photos publiées"), required=False, coerce=int,
                                                     widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].choices = [("", "—")] + [(c.slug, str(c)) for c in leaf_categories()]
        if report is not None:
            self.fields["photos_publiees"].choices = [(photo.pk, f"Photo {index}") for index, photo in
                                                      enumerate(report.photos.filter(kind="report"), start=1)]

    def expected_at(self):
        day = self.cleaned_data.get("expected_on")
        if not day:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Application ou intégrateur"), max_length=120)
    contact_email = forms.EmailField(label=_("Courriel de contact"), required=False)
    max_posts_per_hour = forms.IntegerField(label=_("Signalements par heure au plus"), required=False, min_value=1,
                                            help_text=_("Vide : la limite générale."))
