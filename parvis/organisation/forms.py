"""Forms of the organisation pages. They check what a person typed; services.py does the work."""

import uuid

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from parvis.organisation.models import Commune, Department, Role
from parvis.organisation.validators import check_logo, normalize_french_phone, validate_postcode
from parvis.ui.forms import AccessibleFormMixin, DateInput


class CommuneForm(AccessibleFormMixin, forms.ModelForm):
    logo = forms.ImageField(
        label=_("Fichier du logo"), required=False,
        help_text=_("Image PNG ou JPEG de 1 Mo au plus. Elle s'affiche en haut de chaque page."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        error_messages={"invalid_image": _("Ce fichier n'est pas une image PNG ou JPEG lisible.")},
    )
    remove_logo = forms.BooleanField(label=_("Retirer le logo actuel"), required=False)
    website = forms.URLField(label=_("Site internet"), required=False, max_length=200, assume_scheme="https",
                             help_text=_("Adresse complète, par exemple : https://www.admiville.fr"))

    class Meta:
        model = Commune
        fields = [
            "name", "street", "postcode", "city", "phone", "email", "website", "logo",
            "mayor_name", "dpo_name", "dpo_email", "dpo_postal_address",
            "accessibility_status", "accessibility_audit_date", "publication_director", "host_details",
        ]
        labels = {
            "name": _("Nom de la commune"),
            "street": _("Adresse de la mairie"),
            "email": _("Adresse électronique de contact"),
            "mayor_name": _("Maire (responsable des traitements de données)"),
            "dpo_name": _("Délégué à la protection des données (DPO)"),
            "dpo_email": _("Adresse électronique du DPO"),
            "accessibility_status": _("État de conformité au RGAA"),
            "accessibility_audit_date": _("Date du dernier audit d'accessibilité"),
            "publication_director": _("Directeur ou directrice de la publication"),
            "host_details": _("Hébergeur du site"),
        }
        help_texts = {
            "street": _("Numéro et nom de la voie, par exemple : 1 place de la Mairie."),
            "phone": _("Le standard de la mairie, par exemple : 01 23 45 67 89."),
            "mayor_name": _("Prénom et nom. Le maire est responsable des traitements de données de la commune."),
            "dpo_name": _("Nom de la personne ou de l'organisme désigné auprès de la CNIL."),
            "dpo_postal_address": _("Où les usagers peuvent écrire pour exercer leurs droits."),
            "accessibility_status": _("Il figure en bas de chaque page. « Totalement » ou « partiellement conforme » "
                                      "suppose un audit."),
            "host_details": _("Nom, adresse et téléphone de l'hébergeur (mentions légales)."),
        }
        widgets = {
            "accessibility_audit_date": DateInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "host_details": forms.Textarea(attrs={"rows": 3}),
        }


    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        validate_postcode(value)
        return value

    def clean_phone(self):
        return normalize_french_phone(self.cleaned_data["phone"])

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload and hasattr(upload, "image"):  # a new file, opened by Pillow in ImageField
            extension = check_logo(upload)
            upload.name = f"logo-{uuid.uuid4().hex[:8]}.{extension}"  # a new name versions the logo's URL
        return upload

    def clean_accessibility_audit_date(self):
        value = self.cleaned_data.get("accessibility_audit_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("La date de l'audit ne peut pas être dans le futur."))
        return value

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("accessibility_status")
        if status in ("total", "partial") and not cleaned.get("accessibility_audit_date") \
                and "accessibility_audit_date" not in self.errors:
            self.add_error("accessibility_audit_date", _(
                "Indiquez la date de l'audit : une commune ne peut se déclarer « totalement » ou « partiellement "
                "conforme » qu'après un audit. Sans audit, choisissez « non conforme »."))
        if cleaned.get("remove_logo") and not self.files.get("logo"):
            cleaned["logo"] = False  # FileField's "clear" value: the model field becomes empty
        return cleaned


class DepartmentForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "slug", "pole", "street", "postcode", "city", "email", "phone", "opening_hours"]
        labels = {
            "name": _("Nom du service"),
            "slug": _("Identifiant"),
            "email": _("Adresse électronique du service"),
        }
        help_texts = {
            "name": _("Par exemple : État civil et démarches administratives."),
            "slug": _("Lettres minuscules, chiffres et tirets, utilisé dans les adresses web. Laissez vide pour "
                      "le créer à partir du nom."),
            "pole": _("La direction ou le pôle dont dépend le service, par exemple : Services à la population."),
            "street": _("L'adresse où le public est reçu ; elle figure sur les accusés de réception."),
            "phone": _("Figure sur les accusés de réception, par exemple : 01 23 45 67 89."),
            "opening_hours": _("Une ligne par jour ou par plage, par exemple : Lundi au vendredi, 8 h 30 – 17 h."),
        }
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "opening_hours": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].validators = []  # clean_slug says it in plain words

    def clean_slug(self):
        value = self.cleaned_data.get("slug", "").strip()
        if value and slugify(value) != value:
            raise forms.ValidationError(_("Utilisez seulement des lettres minuscules sans accent, des chiffres et "
                                          "des tirets, par exemple : etat-civil."))
        return value

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        validate_postcode(value)
        return value

    def clean_phone(self):
        return normalize_french_phone(self.cleaned_data["phone"])


class AgentFilterForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(label=_("Nom ou adresse électronique"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    department = forms.ModelChoiceField(label=_("Service"), queryset=Department.objects.all(), required=False,
                                        empty_label=_("Tous les services"))
    role = forms.ChoiceField(label=_("Rôle"), required=False, choices=[("", _("Tous les rôles")), *Role.choices])
    status = forms.ChoiceField(label=_("État du compte"), required=False, choices=[
        ("", _("Tous")), ("active", _("Actifs")), ("pending", _("En attente d'activation")),
        ("inactive", _("Désactivés")),
    ])


def _roles_choices(agent=None):
    """`"<department id>:<role>"` for every role in an active department, plus those the agent holds elsewhere."""
    departments = list(Department.objects.filter(is_active=True))
    if agent is not None and agent.pk:
        held = Department.objects.filter(is_active=False, agent_roles__user=agent).distinct()
        departments += list(held)
    departments.sort(key=lambda d: (d.pole.lower(), d.name.lower()))
    choices = [(f"{d.pk}:{value}", f"{label} — {d.name}") for d in departments for value, label in Role.choices]
    return departments, choices


class RolesWidget(forms.CheckboxSelectMultiple):
    def id_for_label(self, id_, index=None):
        # The error summary links to the block holding every checkbox (see _roles_fieldsets.html).
        return "roles" if index is None else super().id_for_label(id_, index)


class RolesForm(AccessibleFormMixin, forms.Form):
    """The agent's roles as a set of checkboxes, one fieldset per department (see _roles_fieldsets.html)."""

    roles = forms.MultipleChoiceField(label=_("Rôles"), required=False, widget=RolesWidget,
                                      error_messages={"invalid_choice": _(
                                          "Un des rôles choisis n'existe pas ou porte sur un service désactivé.")})

    def __init__(self, *args, agent=None, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.departments, self.fields["roles"].choices = _roles_choices(agent)
        self.require_one = required

    def clean_roles(self):
        values = self.cleaned_data["roles"]
        if self.require_one and not values:
            raise forms.ValidationError(_("Choisissez au moins un rôle dans un service."))
        return values

    def role_pairs(self):
        return [(int(value.split(":")[0]), value.split(":")[1]) for value in self.cleaned_data["roles"]]

    def grid(self):
        """For the template: each department with its checkboxes (value, label, checked, id)."""
        selected = {str(value) for value in (self["roles"].value() or [])}
        rows = []
        for department in self.departments:
            boxes = []
            for value, label in Role.choices:
                key = f"{department.pk}:{value}"
                boxes.append({"value": key, "label": label, "checked": key in selected,
                              "id": f"role-{department.pk}-{value}"})
            rows.append({"department": department, "boxes": boxes})
        return rows


class AgentIdentityForm(AccessibleFormMixin, forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150,
                                 widget=forms.TextInput(attrs={"autocomplete": "off"}))
    last_name = forms.CharField(label=_("Nom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(label=_("Adresse électronique professionnelle"),
                             help_text=_("Le lien d'activation du compte y est envoyé, par exemple : "
                                         "prenom.nom@mairie.fr."),
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))


class AgentCreateForm(AgentIdentityForm, RolesForm):
    field_order = ["first_name", "last_name", "email", "roles"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, required=True, **kwargs)


class AgentPasswordForm(AccessibleFormMixin, SetPasswordForm):
    """The set-password form of the activation page, with the project's password validators."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Mot de passe")
        self.fields["new_password1"].help_text = " ".join(password_validation.password_validators_help_texts())
        self.fields["new_password2"].label = _("Confirmez le mot de passe")
        self.fields["new_password2"].help_text = _("Saisissez le même mot de passe une seconde fois.")
