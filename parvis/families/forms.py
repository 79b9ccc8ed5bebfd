import datetime as dt

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.cases.forms import check_upload
from parvis.families.models import Child, DocumentKind, Menu, School, SchoolLevel
from parvis.families.services import REJECTION_REASONS
from parvis.ui.forms import DateInput


class HouseholdForm(forms.Form):
    street = forms.CharField(label=_("Adresse"), max_length=250, widget=forms.TextInput(
        attrs={"autocomplete": "street-address"}))
    postcode = forms.RegexField(label=_("Code postal"), regex=r"^\d{5}$", max_length=5,
                                error_messages={"invalid": _("Le code postal compte 5 chiffres.")},
                                widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}))
    city = forms.CharField(label=_("Commune"), max_length=120, widget=forms.TextInput(
        attrs={"autocomplete": "address-level2"}))
    relationship = forms.CharField(label=_("Votre lien avec les enfants"), max_length=60, required=False,
                                   help_text=_("Par exemple : mère, père, tutrice."))


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = ["first_name", "last_name", "birth_date", "school", "school_level", "menu", "has_food_allergy",
                  "has_care_plan"]
        widgets = {"birth_date": DateInput(), "menu": forms.RadioSelect}
        help_texts = {
            "menu": _("Le menu servi à la cantine. Nous n'enregistrons que le menu, jamais ses raisons."),
            "has_food_allergy": _("Cochez si votre enfant a une allergie alimentaire : l'équipe vous contactera. "
                                  "Ne décrivez pas sa santé ici."),
            "has_care_plan": _("Un PAI est établi avec le médecin scolaire (allergie, maladie chronique)."),
            "birth_date": _("Par exemple : 14/09/2019."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(is_active=True)
        self.fields["school"].required = False
        self.fields["school"].empty_label = _("Pas d'école (ou autre commune)")
        self.fields["school_level"].choices = SchoolLevel.choices
        self.fields["menu"].choices = Menu.choices
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value > today + dt.timedelta(days=270):
            raise forms.ValidationError(_("Cette date de naissance est trop loin dans le futur."))
        if value < today.replace(year=today.year - 18):
            raise forms.ValidationError(_("Le guichet unique accueille les enfants de moins de 18 ans."))
        return value


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Nom et prénom"), max_length=200)
    phone = forms.RegexField(label=_("Téléphone"), regex=r"^[0-9 +().-]{6,30}$", max_length=30,
                             error_messages={"invalid": _("Indiquez un numéro de téléphone, par exemple "
                                                          "06 12 34 56 78.")},
                             widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel", "type": "tel"}))
    relationship = forms.CharField(label=_("Lien avec l'enfant"), max_length=60, required=False,
                                   help_text=_("Par exemple : grand-mère, voisin."))
    can_pick_up = forms.BooleanField(label=_("Peut venir chercher l'enfant"), required=False, initial=True)
    is_emergency_contact = forms.BooleanField(label=_("À prévenir en cas d'urgence"), required=False, initial=True)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("can_pick_up") and not cleaned.get("is_emergency_contact"):
            raise forms.ValidationError(_("Cochez au moins une des deux cases."))
        return cleaned


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Pièce"), choices=DocumentKind.choices)
    document_date = forms.DateField(label=_("Date du document"), widget=DateInput(),
                                    help_text=_("La date imprimée sur le document (facture, attestation...)."))
    file = forms.FileField(label=_("Fichier"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPEG ou PNG, %(size)s au plus.") % {
            "size": filesizeformat(settings.CASE_UPLOAD_MAX_BYTES)}
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.content_type, self.safe_name = check_upload(uploaded)
        uploaded.name = self.safe_name
        return uploaded


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique de l'autre parent"),
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    relationship = forms.CharField(label=_("Son lien avec les enfants"), max_length=60, required=False)
    agreement = forms.BooleanField(
        label=_("Je souhaite partager l'accès au foyer : l'autre parent verra les enfants, les inscriptions et les "
                "factures, et pourra agir comme moi."))


class QuotientCafForm(forms.Form):
    number = forms.CharField(label=_("Numéro d'allocataire"), max_length=20,
                             help_text=_("Il figure sur vos courriers et votre espace en ligne de la CAF (7 chiffres "
                                         "en général)."),
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    postcode = forms.RegexField(label=_("Code postal connu de la CAF"), regex=r"^\d{5}$", max_length=5,
                                error_messages={"invalid": _("Le code postal compte 5 chiffres.")},
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}))
    consent = forms.BooleanField(label=_("J'accepte que le guichet unique consulte mon quotient familial auprès de "
                                         "la CAF pour calculer mes tarifs."))


class RegistrationForm(forms.Form):
    children = forms.ModelMultipleChoiceField(label=_("Enfants à inscrire"), queryset=Child.objects.none(),
                                              widget=forms.CheckboxSelectMultiple,
                                              error_messages={"required": _("Choisissez au moins un enfant.")})

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = household.children.filter(is_active=True)
        self.fields["children"].label_from_instance = lambda child: f"{child.first_name} {child.last_name}"


# --- Agents -------------------------------------------------------------------------------------------------

class DocumentDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), widget=forms.RadioSelect, choices=[
        ("valid", _("La pièce est lisible et valable")), ("reject", _("La pièce est refusée"))])
    valid_until = forms.DateField(label=_("Valable jusqu'au"), required=False, widget=DateInput(),
                                  help_text=_("Laissez vide pour garder la date calculée."))
    reason = forms.ChoiceField(label=_("Motif du refus"), required=False,
                               choices=[("", _("— Choisir —")), *REJECTION_REASONS.items()])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason"):
            self.add_error("reason", _("Indiquez le motif du refus : la famille le verra."))
        return cleaned


class QuotientFromDocumentForm(forms.Form):
    value = forms.IntegerField(label=_("Quotient familial lu sur l'attestation"), min_value=0, max_value=100000)
    reference_month = forms.RegexField(
        label=_("Mois de référence"), regex=r"^\d{4}-\d{2}$", help_text=_("Format : AAAA-MM, par exemple 2026-03."),
        error_messages={"invalid": _("Format attendu : AAAA-MM.")},
        widget=forms.TextInput(attrs={"type": "month"}))

    def clean_reference_month(self):
        value = self.cleaned_data["reference_month"]
        year, month = (int(part) for part in value.split("-"))
        if not 1 <= month <= 12:
            raise forms.ValidationError(_("Mois invalide."))
        return dt.date(year, month, 1)


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Nombre de places"), min_value=0, max_value=10000)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Motif (facultatif)"), max_length=200, required=False)


class HouseholdSearchForm(forms.Form):
    q = forms.CharField(label=_("Nom de famille, prénom ou adresse électronique"), max_length=100, required=False)


class CounterRegistrationForm(forms.Form):
    child = forms.ModelChoiceField(label=_("Enfant"), queryset=Child.objects.none())
    session = forms.ModelChoiceField(label=_("Activité et période"), queryset=None)

    def __init__(self, *args, household, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = household.children.filter(is_active=True)
        self.fields["session"].queryset = sessions


class CounterHouseholdForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom du responsable"), max_length=150)
    last_name = forms.CharField(label=_("Nom du responsable"), max_length=150)
    email = forms.EmailField(label=_("Adresse électronique (facultatif)"), required=False,
                             help_text=_("Pour qu'il reçoive les accusés de réception et les factures, et retrouve "
                                         "son espace en ligne."))
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    street = forms.CharField(label=_("Adresse"), max_length=250)
    postcode = forms.RegexField(label=_("Code postal"), regex=r"^\d{5}$", max_length=5,
                                error_messages={"invalid": _("Le code postal compte 5 chiffres.")})
    city = forms.CharField(label=_("Commune"), max_length=120)
    relationship = forms.CharField(label=_("Lien avec les enfants"), max_length=60, required=False)
