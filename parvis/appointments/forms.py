"""Forms of appointments: validation only; the work is done by services.py."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parvis.accounts.forms import AccessibleForm
from parvis.appointments.ants import parse_application_ids
from parvis.appointments.models import AGENT_CHANNELS, Channel, ClosureKind, Desk
from parvis.appointments.sms import is_mobile, normalize_phone
from parvis.cases.deadlines import PARIS


class ContactForm(AccessibleForm):
    """Who comes, how to reach them, and the ANTS pre-application numbers for identity documents."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150,
                                 error_messages={"required": _("Indiquez le prénom.")},
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Nom"), max_length=150, error_messages={"required": _("Indiquez le nom.")},
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(
        label=_("Adresse électronique"), max_length=254,
        help_text=_("La confirmation, le rappel et le lien pour déplacer ou annuler y sont envoyés."),
        error_messages={"required": _("Indiquez une adresse électronique."),
                        "invalid": _("Indiquez une adresse électronique valide, par exemple prenom.nom@exemple.fr.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}))
    phone = forms.CharField(label=_("Téléphone portable"), max_length=30, required=False,
                            help_text=_("Facultatif. Par exemple 06 12 34 56 78."),
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}))
    sms_reminder = forms.BooleanField(label=_("Recevoir aussi le rappel par SMS, 48 heures avant"), required=False)
    application_ids = forms.CharField(
        label=_("Numéro(s) de pré-demande ANTS"), max_length=200,
        help_text=_("10 lettres ou chiffres, sur le récapitulatif de votre pré-demande faite sur ants.gouv.fr. "
                    "Pour plusieurs personnes, un numéro par personne, séparés par un espace ou une virgule."),
        error_messages={"required": _("Indiquez le numéro de pré-demande ANTS.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}))
    acknowledge_elsewhere = forms.BooleanField(
        label=_("J'ai bien noté mon autre rendez-vous ; je l'annulerai et je confirme celui-ci."), required=False)

    def __init__(self, *args, meeting_type, **kwargs):
        self.meeting_type = meeting_type
        super().__init__(*args, **kwargs)
        if not meeting_type.requires_ants_number:
            del self.fields["application_ids"]
            del self.fields["acknowledge_elsewhere"]

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and normalize_phone(value) is None:
            raise ValidationError(_("Indiquez un numéro de téléphone valide, par exemple 06 12 34 56 78."))
        return value

    def clean_application_ids(self):
        numbers, errors = parse_application_ids(self.cleaned_data["application_ids"])
        if errors:
            raise ValidationError(errors)
        if not numbers:
            raise ValidationError(self.fields["application_ids"].error_messages["required"])
        limit = self.meeting_type.documents_max
        if len(numbers) > limit:
            raise ValidationError(ngettext(
                "Ce motif couvre %(count)d titre : indiquez un seul numéro, ou choisissez le motif pour plusieurs "
                "personnes.",
                "Ce motif couvre au plus %(count)d titres : indiquez au plus %(count)d numéros.", limit)
                % {"count": limit})
        return numbers

    def clean(self):
        data = super().clean()
        if data.get("sms_reminder"):
            phone = data.get("phone")
            if not phone:
                self.add_error("phone", _("Indiquez un numéro de portable pour recevoir le rappel par SMS."))
            elif not is_mobile(phone):
                self.add_error("phone", _("Le rappel par SMS demande un numéro de portable (06 ou 07)."))
        return data


class AgentContactForm(ContactForm):
    """The same, filled by an agent on the phone or at the counter: the email is optional."""

    channel = forms.ChoiceField(label=_("Canal"), choices=[(c.value, c.label) for c in AGENT_CHANNELS],
                                widget=forms.RadioSelect, initial=Channel.PHONE)
    field_order = ["channel", "first_name", "last_name", "email", "phone", "sms_reminder", "application_ids",
                   "acknowledge_elsewhere"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False
        self.fields["email"].help_text = _("Facultatif. Si la personne a un compte à cette adresse, le rendez-vous "
                                           "apparaît dans son espace.")
        self.fields["phone"].label = _("Téléphone")
        if "application_ids" in self.fields:
            self.fields["acknowledge_elsewhere"].label = _(
                "La personne a été informée de son autre rendez-vous et confirme celui-ci.")


class CancelForm(AccessibleForm):
    reason = forms.CharField(label=_("Motif de l'annulation"), max_length=300, required=False,
                             help_text=_("Facultatif. Repris dans l'historique du rendez-vous."))


class ClosureForm(AccessibleForm):
    desk = forms.ModelChoiceField(label=_("Guichet"), queryset=Desk.objects.none(), required=False,
                                  empty_label=_("Tout le lieu"))
    kind = forms.ChoiceField(label=_("Type"), choices=[(ClosureKind.CLOSURE.value, ClosureKind.CLOSURE.label),
                                                       (ClosureKind.ABSENCE.value, ClosureKind.ABSENCE.label)])
    start_date = forms.DateField(label=_("Premier jour"), widget=forms.DateInput(attrs={"type": "date"}),
                                 error_messages={"required": _("Indiquez le premier jour."),
                                                 "invalid": _("Indiquez une date, par exemple 24/12/2026.")})
    start_time = forms.TimeField(label=_("À partir de"), required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                                 help_text=_("Vide : dès l'ouverture."))
    end_date = forms.DateField(label=_("Dernier jour"), widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"required": _("Indiquez le dernier jour."),
                                               "invalid": _("Indiquez une date, par exemple 24/12/2026.")})
    end_time = forms.TimeField(label=_("Jusqu'à"), required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                               help_text=_("Vide : jusqu'à la fermeture."))
    reason = forms.CharField(label=_("Motif"), max_length=200, required=False)

    def __init__(self, *args, place, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = Desk.objects.filter(place=place, is_active=True)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start = dt.datetime.combine(data["start_date"], data.get("start_time") or dt.time.min, tzinfo=PARIS)
        if data.get("end_time"):
            end = dt.datetime.combine(data["end_date"], data["end_time"], tzinfo=PARIS)
        else:
            end = dt.datetime.combine(data["end_date"] + dt.timedelta(days=1), dt.time.min, tzinfo=PARIS)
        if end <= start:
            raise ValidationError(_("La fin doit être après le début."))
        data["start"], data["end"] = start, end
        return data
