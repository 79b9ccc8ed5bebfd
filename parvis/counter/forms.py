"""Counter forms: they check what the agent typed; services do the work. French messages addressed to
the agent (the resident is "l'usager")."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from parvis.accounts.forms import ProfileForm
from parvis.accounts.models import User
from parvis.cases.deadlines import PARIS
from parvis.counter.models import COUNTER_CHANNELS
from parvis.counter.services import check_received_at
from parvis.formengine.fields import DATE_INPUT_FORMATS
from parvis.formengine.filetypes import detect_kind
from parvis.formengine.schema import FILE_KINDS
from parvis.ui.forms import AccessibleBoundField

DATE_HELP = "Jour/mois/année, par exemple 14/07/2026."
SCAN_KINDS = ("pdf", "jpeg", "png")
SCAN_MAX_MB = 10


class CounterForm(forms.Form):
    bound_field_class = AccessibleBoundField
    use_required_attribute = False


def _date_field(label, required=True, help_text=DATE_HELP, required_message="Indiquez une date."):
    return forms.DateField(
        label=label, required=required, input_formats=DATE_INPUT_FORMATS, help_text=help_text,
        error_messages={"invalid": "Indiquez une date réelle, sous la forme jour/mois/année, par exemple 14/07/2026.",
                        "required": required_message},
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "fe-width-10"}),
    )


# --- Residents ---------------------------------------------------------------------------------------

class ResidentSearchForm(CounterForm):
    nom = forms.CharField(label="Nom ou prénom", required=False, max_length=200,
                          help_text="Sans se soucier des accents ni des majuscules, par exemple « lefevre camille ».",
                          widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}))
    naissance = _date_field("Date de naissance", required=False)
    courriel = forms.EmailField(label="Adresse électronique", required=False, max_length=254,
                                help_text="L'adresse complète.",
                                error_messages={"invalid": "Indiquez une adresse électronique valide, "
                                                           "par exemple nom@exemple.fr."},
                                widget=forms.EmailInput(attrs={"spellcheck": "false"}))
    telephone = forms.CharField(label="Téléphone", required=False, max_length=40,
                                help_text="Par exemple 06 12 34 56 78.",
                                widget=forms.TextInput(attrs={"type": "tel"}))

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(name) for name in ("nom", "naissance", "courriel", "telephone")):
            raise ValidationError("Indiquez au moins un critère : nom, date de naissance, adresse électronique "
                                  "ou téléphone.", code="empty")
        return data

    def criteria(self):
        data = self.cleaned_data
        return {"name": data.get("nom") or "", "birth_date": data.get("naissance"),
                "email": data.get("courriel") or "", "phone": data.get("telephone") or ""}


class ResidentForm(ProfileForm):
    """A resident's record created at the counter: identity, postal address, phone, email (optional)."""

    email = forms.EmailField(
        label="Adresse électronique", required=False, max_length=254,
        help_text="Facultative. Sans adresse, l'usager reçoit ses documents sur papier (à imprimer ou à poster).",
        error_messages={"invalid": "Indiquez une adresse électronique valide, par exemple nom@exemple.fr."},
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    confirm_duplicate = forms.BooleanField(
        label="Je confirme qu'il s'agit d'une autre personne", required=False,
        help_text="Cochez seulement après avoir vérifié les fiches ci-dessus avec l'usager.")

    class Meta(ProfileForm.Meta):
        fields = ["civility", "first_name", "last_name", "birth_date", "street", "postcode", "city", "phone"]
        error_messages = {
            "first_name": {"required": "Indiquez le prénom de l'usager."},
            "last_name": {"required": "Indiquez le nom de l'usager."},
        }

    field_order = ["civility", "first_name", "last_name", "birth_date", "street", "postcode", "city", "phone",
                   "email", "confirm_duplicate"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        self.fields["birth_date"].required = True
        self.fields["birth_date"].error_messages["required"] = "Indiquez la date de naissance de l'usager."
        self.fields["street"].help_text = ("Obligatoire sans adresse électronique : les courriers sont envoyés "
                                           "à cette adresse. Par exemple : 12 rue de la Mairie, appartement 3")
        for name in ("first_name", "last_name", "street", "city", "phone"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.duplicates = []

    def clean_email(self):
        email = User.objects.normalize_email_address(self.cleaned_data.get("email"))
        if email and User.objects.filter(email=email).exists():
            raise ValidationError("Une fiche existe déjà avec cette adresse électronique : recherchez-la plutôt "
                                  "que d'en créer une autre.", code="taken")
        return email or ""

    def clean(self):
        data = super().clean()
        if not data.get("email") and "email" not in self.errors:
            for name, message in (("street", "Indiquez le numéro et la voie : sans adresse électronique, "
                                             "l'usager reçoit ses documents par courrier."),
                                  ("postcode", "Indiquez le code postal."), ("city", "Indiquez la commune.")):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return data


# --- Date and time of receipt --------------------------------------------------------------------------

class ReceivedAtMixin:
    """Two fields, `date_reception` and `heure_reception`, giving `cleaned_data["received_at"]` (Paris)."""

    def _add_received_fields(self, initial_at=None):
        moment = timezone.localtime(initial_at or timezone.now(), PARIS)
        self.fields["date_reception"] = _date_field(
            "Date de réception",
            help_text="Le jour où la mairie a reçu la demande : aujourd'hui au guichet ou au téléphone, la date du "
                      "cachet pour un courrier. Jamais dans le futur, au plus un an avant. Par exemple 14/07/2026.",
            required_message="Indiquez la date de réception de la demande.")
        self.fields["heure_reception"] = forms.TimeField(
            label="Heure de réception", required=False, input_formats=["%H:%M", "%Hh%M", "%H h %M", "%Hh"],
            help_text="Facultative, par exemple 09:30. Sans heure : midi pour une date passée.",
            error_messages={"invalid": "Indiquez une heure sous la forme 09:30."},
            widget=forms.TimeInput(format="%H:%M", attrs={"class": "fe-width-5", "inputmode": "numeric"}))
        self.initial.setdefault("date_reception", moment.date())
        self.initial.setdefault("heure_reception", moment.time().replace(second=0, microsecond=0))

    def _clean_received_at(self, data):
        day, hour = data.get("date_reception"), data.get("heure_reception")
        if day is None or "heure_reception" in self.errors:
            return data
        now = timezone.localtime(timezone.now(), PARIS)
        if hour is None:
            hour = now.time().replace(second=0, microsecond=0) if day == now.date() else dt.time(12, 0)
        received_at = dt.datetime.combine(day, hour, tzinfo=PARIS)
        try:
            check_received_at(received_at)
        except ValidationError as error:
            self.add_error("date_reception" if error.code != "future" or day > now.date() else "heure_reception",
                           error)
            return data
        data["received_at"] = received_at
        return data


def procedure_choices(procedures):
    """Grouped choices for a <select>: one <optgroup> per department, procedures by title."""
    ordered = sorted(procedures, key=lambda procedure: (procedure.department.name, procedure.title.lower()))
    groups = [(department, [(str(p.pk), p.title) for p in items])
              for department, items in groupby(ordered, key=lambda procedure: procedure.department.name)]
    return [("", "— Choisissez une démarche —"), *groups]


class ChannelField(forms.ChoiceField):
    def __init__(self, **kwargs):
        labels = {"counter": "Au guichet", "phone": "Par téléphone", "mail": "Par courrier",
                  "email": "Par courriel"}
        super().__init__(label="Canal de réception", choices=[(value, labels[value]) for value, _l in COUNTER_CHANNELS],
                         widget=forms.RadioSelect, error_messages={"required": "Choisissez le canal de réception."},
                         **kwargs)


class FilingStartForm(ReceivedAtMixin, CounterForm):
    procedure = forms.ChoiceField(label="Démarche", error_messages={
        "required": "Choisissez la démarche.", "invalid_choice": "Choisissez une démarche de la liste."})
    channel = ChannelField(initial="counter")

    def __init__(self, *args, procedures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.procedures = {str(procedure.pk): procedure for procedure in procedures}
        self.fields["procedure"].choices = procedure_choices(self.procedures.values())
        self._add_received_fields()

    def clean(self):
        data = self._clean_received_at(super().clean())
        if data.get("procedure"):
            data["procedure_obj"] = self.procedures[data["procedure"]]
        return data


class FilingDetailsForm(ReceivedAtMixin, CounterForm):
    channel = ChannelField()

    def __init__(self, *args, draft=None, **kwargs):
        super().__init__(*args, **kwargs)
        if draft is not None:
            self.initial.setdefault("channel", draft.channel)
        self._add_received_fields(initial_at=draft.received_at if draft else None)

    def clean(self):
        return self._clean_received_at(super().clean())


# --- Incoming mail -------------------------------------------------------------------------------------

class ScanField(forms.FileField):
    """A scanned letter: PDF, JPEG or PNG, judged on its content (never on its name)."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if upload.size > SCAN_MAX_MB * 1024 * 1024:
            raise ValidationError(f"Le fichier est trop lourd : {SCAN_MAX_MB} Mo au maximum.", code="size")
        kind = detect_kind(upload)
        if kind not in SCAN_KINDS:
            raise ValidationError("Le contenu de ce fichier n'est pas un PDF, un JPEG ou un PNG, quel que soit son "
                                  "nom : numérisez le courrier dans l'un de ces formats.", code="kind")
        upload.checked_content_type = FILE_KINDS[kind][1]
        return upload


class MailForm(ReceivedAtMixin, CounterForm):
    scan = ScanField(label="Courrier numérisé", help_text=f"PDF, JPEG ou PNG, {SCAN_MAX_MB} Mo au maximum.",
                     error_messages={"required": "Joignez le courrier numérisé.",
                                     "empty": "Le fichier est vide.", "invalid": "Joignez un fichier."},
                     widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
    subject = forms.CharField(label="Objet du courrier", max_length=300,
                              help_text="En quelques mots, par exemple « Demande de place en crèche ».",
                              error_messages={"required": "Indiquez l'objet du courrier."})

    field_order = ["scan", "date_reception", "heure_reception", "subject"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_received_fields()
        self.fields["date_reception"].label = "Date du cachet"
        self.fields["date_reception"].help_text = ("La date à laquelle la mairie a reçu le courrier (tampon "
                                                   "d'arrivée ou cachet). Jamais dans le futur. Par exemple "
                                                   "14/07/2026.")
        self.order_fields(self.field_order)

    def clean(self):
        return self._clean_received_at(super().clean())


class MailFileForm(CounterForm):
    """Qualifies a letter as a new request: who, which department, which procedure."""

    resident = forms.TypedChoiceField(label="Usager", coerce=int, widget=forms.RadioSelect, error_messages={
        "required": "Choisissez l'usager (recherchez-le ou créez sa fiche).",
        "invalid_choice": "Choisissez l'usager dans la liste."})
    department = forms.ChoiceField(label="Service", required=False,
                                   help_text="Facultatif : limite la liste des démarches à ce service.")
    procedure = forms.ChoiceField(label="Démarche", error_messages={
        "required": "Choisissez la démarche.", "invalid_choice": "Choisissez une démarche de la liste."})

    def __init__(self, *args, residents=(), procedures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.residents = {resident.pk: resident for resident in residents}
        self.fields["resident"].choices = [(pk, str(resident)) for pk, resident in self.residents.items()]
        self.procedures = {str(procedure.pk): procedure for procedure in procedures}
        departments = sorted({(p.department_id, p.department.name) for p in self.procedures.values()},
                             key=lambda item: item[1])
        self.fields["department"].choices = [("", "— Tous les services —"),
                                             *[(str(pk), name) for pk, name in departments]]
        self.fields["procedure"].choices = procedure_choices(self.procedures.values())

    def clean(self):
        data = super().clean()
        procedure = self.procedures.get(data.get("procedure") or "")
        if procedure is not None:
            if data.get("department") and str(procedure.department_id) != data["department"]:
                self.add_error("procedure", "Cette démarche ne relève pas du service choisi.")
            data["procedure_obj"] = procedure
        if data.get("resident") in self.residents:
            data["resident_obj"] = self.residents[data["resident"]]
        return data


class MailAttachForm(CounterForm):
    reference = forms.CharField(label="Référence du dossier", max_length=30,
                                help_text="Par exemple ADM-2026-000123.",
                                error_messages={"required": "Indiquez la référence du dossier."},
                                widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}))

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()
