"""Forms of the builder's procedure pages: creation, settings (information, access, regime, privacy),
import, publication, closure. Settings forms are built from the fields of `procedures.Procedure`, so
labels, limits and choices stay those of the model; they read and write the draft's settings dict."""

from __future__ import annotations

from django import forms
from django.core.validators import validate_slug
from django.utils.translation import gettext_lazy as _

from parvis.builder.procedure_settings import (
    ACCESS_FIELDS,
    FOREIGN_KEYS,
    INFO_FIELDS,
    LEGAL_FIELDS,
    MAX_PERIOD,
    MAX_RETENTION_MONTHS,
    PRIVACY_FIELDS,
)
from parvis.procedures.models import Category, Family, LifeEvent, PeriodUnit, Procedure, ProcedureStatus, Regime

HELP = {
    "title": _("Le nom de la démarche, tel que les usagers le cherchent (« Location de salle municipale »)."),
    "slug": _("Fait partie de l'adresse de la page (/demarches/<identifiant>/) : lettres, chiffres et tirets. "
              "Il ne change plus après la première publication."),
    "summary": _("Une phrase qui présente la démarche dans le catalogue et les résultats de recherche."),
    "description": _("Ce qu'il faut savoir avant de commencer. Laissez une ligne vide entre deux paragraphes."),
    "eligibility": _("Qui peut faire la demande, en mots simples."),
    "documents_to_prepare": _("Une pièce ou une information par ligne."),
    "family": _("Le type de démarche : elle détermine où la démarche apparaît dans les statistiques."),
    "is_featured": _("La démarche apparaît parmi les démarches proposées en premier sur la page d'accueil."),
    "department": _("Le service qui reçoit et traite les demandes, et dont les coordonnées figurent sur l'accusé de "
                    "réception."),
    "offline_alternative": _("Comment faire la démarche sans internet : adresse et horaires du guichet, téléphone, "
                             "adresse postale. Obligatoire : personne ne doit rester sans solution."),
    "regime": _("Ce que vaut le silence de la mairie au terme du délai (CRPA L231-1 : en règle générale, "
                "acceptation après deux mois ; exceptions de l'article L231-4 et des décrets : rejet)."),
    "period_value": _("Le délai au terme duquel le silence vaut décision, à compter de la réception de la demande "
                      "complète."),
    "legal_basis": _("Le texte qui fixe ce régime et ce délai (article du CRPA, décret, code concerné). Il est "
                     "montré aux agents et aux usagers."),
    "acknowledgement_due": _("L'accusé de réception n'est pas dû si la réponse intervient sous 15 jours, ou pour la "
                             "simple délivrance d'un document après vérification (CRPA R112-4)."),
    "privacy_purpose": _("Pourquoi la commune traite ces données, en une ou deux phrases. Obligatoire pour publier."),
    "privacy_legal_basis_detail": _("Le texte qui fonde le traitement (code, article, délibération)."),
    "privacy_data_categories": _("Les catégories de données demandées (identité, coordonnées, situation familiale…). "
                                 "Jamais la santé ni la religion en tant que telles."),
    "privacy_recipients": _("Qui reçoit les données : service, autres services, partenaires."),
    "retention_months": _("Combien de temps les données sont gardées avant suppression ou archivage. Obligatoire "
                          "pour publier."),
    "retention_detail": _("À partir de quand le délai court, par exemple « après la décision »."),
}


def _model_field(name, **overrides):
    model_field = Procedure._meta.get_field(name)
    kwargs = {"required": False}
    kwargs.update(overrides)
    field = model_field.formfield(**kwargs)
    field.label = str(model_field.verbose_name).capitalize()
    if name in HELP:
        field.help_text = HELP[name]
    return field


class SettingsForm(forms.Form):
    """A form over some settings of a procedure's draft (`names`), initialised from the settings dict."""

    names: tuple[str, ...] = ()
    required_names: tuple[str, ...] = ()

    def __init__(self, *args, settings=None, procedure=None, user=None, **kwargs):
        self.procedure, self.user = procedure, user
        settings = settings or {}
        initial = {}
        for name in self.names:
            value = settings.get(name)
            initial[name] = value
        super().__init__(*args, initial=initial, **kwargs)
        for name in self.names:
            self.fields[name] = self.make_field(name)
            if name in self.required_names:
                self.fields[name].required = True

    def make_field(self, name):
        if name in ("description", "eligibility", "documents_to_prepare", "offline_alternative", "privacy_purpose",
                    "privacy_data_categories", "privacy_recipients"):
            return _model_field(name, widget=forms.Textarea(attrs={"rows": 4}))
        return _model_field(name)

    def to_settings(self) -> dict:
        values = {}
        for name in self.names:
            value = self.cleaned_data.get(name)
            if name in FOREIGN_KEYS:
                value = value.pk if value is not None else None
            elif name == "life_events":
                value = sorted(item.pk for item in value or [])
            elif isinstance(value, str):
                value = value.strip()
            values[name] = value
        return values


class InformationForm(SettingsForm):
    names = INFO_FIELDS
    required_names = ("title", "summary", "category", "family")

    def make_field(self, name):
        if name == "category":
            return forms.ModelChoiceField(Category.objects.all(), label=_("Catégorie du catalogue"), required=True,
                                          empty_label=_("Choisissez une catégorie"))
        if name == "life_events":
            return forms.ModelMultipleChoiceField(
                LifeEvent.objects.all(), label=_("Moments de vie"), required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("La démarche est aussi proposée dans ces moments de vie."))
        if name == "family":
            return forms.ChoiceField(choices=Family.choices, label=_("Famille"), help_text=HELP["family"])
        if name == "slug":
            field = _model_field("slug")
            if self.procedure is not None and self.procedure.published_revision_id:
                field.disabled = True
                field.help_text = _("L'adresse d'une démarche déjà publiée ne change pas (les liens existants "
                                    "resteraient sans réponse).")
            return field
        return super().make_field(name)

    def clean_slug(self):
        slug = (self.cleaned_data.get("slug") or "").strip()
        if self.fields["slug"].disabled:
            return self.initial.get("slug")
        if not slug:
            raise forms.ValidationError(_("Indiquez l'identifiant de la page (par exemple « location-de-salle »)."))
        validate_slug(slug)
        taken = Procedure.objects.filter(slug=slug)
        if self.procedure is not None:
            taken = taken.exclude(pk=self.procedure.pk)
        if taken.exists():
            raise forms.ValidationError(_("Une autre démarche a déjà l'adresse « %(slug)s ».") % {"slug": slug})
        return slug


class AccessForm(SettingsForm):
    names = ACCESS_FIELDS
    required_names = ("department",)

    def make_field(self, name):
        if name == "department":
            from parvis.builder.access import admin_departments

            queryset = admin_departments(self.user).filter(is_active=True)
            return forms.ModelChoiceField(queryset, label=_("Service instructeur"), empty_label=None,
                                          help_text=HELP["department"])
        return super().make_field(name)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("account_required") and cleaned.get("allow_anonymous"):
            self.add_error("allow_anonymous", _("Le dépôt sans compte n'est possible que si le compte n'est pas "
                                                "requis : décochez l'une des deux cases."))
        if not any(cleaned.get(name) for name in ("channel_web", "channel_counter", "channel_phone", "channel_mail")):
            self.add_error("channel_web", _("Proposez la démarche sur au moins un canal."))
        return cleaned


class LegalForm(SettingsForm):
    names = LEGAL_FIELDS
    required_names = ("regime",)

    def make_field(self, name):
        if name == "regime":
            return forms.ChoiceField(choices=Regime.choices, widget=forms.RadioSelect, label=_("Que vaut le silence ?"),
                                     help_text=HELP["regime"])
        if name == "period_value":
            return forms.IntegerField(label=_("Délai"), required=False, min_value=1, max_value=730,
                                      help_text=HELP["period_value"])
        if name == "period_unit":
            return forms.ChoiceField(choices=PeriodUnit.choices, label=_("Unité du délai"))
        return super().make_field(name)

    def clean(self):
        cleaned = super().clean()
        regime, period, unit = cleaned.get("regime"), cleaned.get("period_value"), cleaned.get("period_unit")
        if regime in (Regime.SVA, Regime.SVR):
            if not period:
                self.add_error("period_value", _(
                    "Avec le régime « %(regime)s », indiquez le délai au terme duquel le silence vaut décision (deux "
                    "mois en règle générale).") % {"regime": Regime(regime).label})
            elif unit in MAX_PERIOD and period > MAX_PERIOD[unit]:
                self.add_error("period_value", _("Le délai ne peut pas dépasser %(max)s %(unit)s.")
                               % {"max": MAX_PERIOD[unit], "unit": PeriodUnit(unit).label})
            if not (cleaned.get("legal_basis") or "").strip():
                self.add_error("legal_basis", _("Indiquez le fondement juridique du régime « %(regime)s ».")
                               % {"regime": Regime(regime).label})
        elif regime == Regime.NONE:
            cleaned["period_value"] = None
        return cleaned


class PrivacyForm(SettingsForm):
    names = PRIVACY_FIELDS

    def make_field(self, name):
        if name == "retention_months":
            return forms.IntegerField(label=_("Durée de conservation (mois)"), required=False, min_value=1,
                                      max_value=MAX_RETENTION_MONTHS, help_text=HELP["retention_months"])
        if name == "privacy_legal_basis":
            field = _model_field(name, required=True)
            field.help_text = _("Mission d'intérêt public ou obligation légale en général ; le consentement seulement "
                                "pour ce qui est facultatif.")
            return field
        return super().make_field(name)


class CreateProcedureForm(forms.Form):
    title = forms.CharField(label=_("Titre de la démarche"), max_length=200, help_text=HELP["title"])
    department = forms.ModelChoiceField(None, label=_("Service instructeur"), empty_label=None,
                                        help_text=HELP["department"])
    category = forms.ModelChoiceField(Category.objects.all(), label=_("Catégorie du catalogue"),
                                      empty_label=_("Choisissez une catégorie"))
    family = forms.ChoiceField(choices=Family.choices, label=_("Famille"), help_text=HELP["family"])

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class InstallForm(forms.Form):
    department = forms.ModelChoiceField(None, label=_("Service instructeur"), empty_label=None)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier de la démarche (JSON)"),
                           help_text=_("Un fichier exporté depuis Parvis, au format décrit dans la documentation."))
    department = forms.ModelChoiceField(None, label=_("Service instructeur"), empty_label=None)
    category = forms.ModelChoiceField(
        Category.objects.all(), label=_("Catégorie du catalogue"), required=False,
        empty_label=_("Celle du fichier (créée si elle n'existe pas)"))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class PublishForm(forms.Form):
    message = forms.CharField(label=_("Note de publication (facultative)"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Ce qui change et pourquoi, pour l'historique de la démarche."))


class CloseForm(forms.Form):
    message = forms.CharField(
        label=_("Message aux usagers"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce que lisent les usagers qui cherchent la démarche : pourquoi elle est fermée, et quoi faire."))
    replacement = forms.ModelChoiceField(
        Procedure.objects.none(), label=_("Démarche de remplacement (facultative)"), required=False,
        empty_label=_("Aucune"), help_text=_("Les usagers sont orientés vers elle."))

    def __init__(self, *args, procedure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replacement"].queryset = (Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
                                               .exclude(pk=procedure.pk).order_by("title"))
