"""Forms of the resident's account. Rendered with ui/components/field.html; validation only, the work is
done by services.py."""

import datetime
import re

import phonenumbers
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parvis.accounts.models import User
from parvis.ui.forms import AccessibleBoundField


class AccessibleForm(forms.Form):
    bound_field_class = AccessibleBoundField


def _password_rules():
    """The configured password rules, in plain words, shown before the resident types."""
    avoid_phrases = {
        password_validation.CommonPasswordValidator: _("un mot de passe courant"),
        password_validation.NumericPasswordValidator: _("uniquement des chiffres"),
        password_validation.UserAttributeSimilarityValidator: _("votre nom ou votre adresse électronique"),
    }
    sentences, configured = [], set()
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            sentences.append(ngettext("Au moins %(count)d caractère.", "Au moins %(count)d caractères.",
                                      validator.min_length) % {"count": validator.min_length})
        elif type(validator) in avoid_phrases:
            configured.add(type(validator))
        else:
            sentences.append(str(validator.get_help_text()))
    avoid = [phrase for kind, phrase in avoid_phrases.items() if kind in configured]
    if avoid:
        sentences.append(_("À éviter : %(list)s.") % {"list": ", ".join(str(item) for item in avoid)})
    sentences.append(_("Conseil : une petite phrase de plusieurs mots est facile à retenir et difficile à deviner."))
    return " ".join(str(sentence) for sentence in sentences)


password_rules = lazy(_password_rules, str)


def email_field(label=None, **kwargs):
    return forms.EmailField(
        label=label or _("Adresse électronique"),
        max_length=254,
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": _("Indiquez une adresse électronique valide, par exemple prenom.nom@exemple.fr."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        **kwargs,
    )


def password_field(label, autocomplete, help_text="", required_message=None):
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        error_messages={"required": required_message or _("Indiquez votre mot de passe.")},
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete, "data-password-toggle": ""}),
    )


def new_password_field(label=None):
    return password_field(
        label or _("Mot de passe"), "new-password",
        help_text=password_rules(),
        required_message=_("Choisissez un mot de passe."),
    )


def _validate_new_password(form, field_name, user):
    password = form.cleaned_data.get(field_name)
    if password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            form.add_error(field_name, error)


class SignupForm(AccessibleForm):
    first_name = forms.CharField(
        label=_("Prénom"), max_length=150,
        error_messages={"required": _("Indiquez votre prénom.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"), max_length=150,
        error_messages={"required": _("Indiquez votre nom.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = email_field(help_text=_("Nous vous enverrons un lien pour la confirmer."))
    password = new_password_field()

    def clean(self):
        data = super().clean()
        # A user not saved, so that the similarity rule compares with the names and address typed.
        candidate = User(email=data.get("email"), first_name=data.get("first_name", ""),
                         last_name=data.get("last_name", ""))
        _validate_new_password(self, "password", candidate)
        return data


class LoginForm(AccessibleForm):
    email = email_field()
    password = password_field(_("Mot de passe"), "current-password")


class EmailForm(AccessibleForm):
    email = email_field()


class SetPasswordForm(AccessibleForm):
    """A new password, through a reset link."""

    password = new_password_field(_("Nouveau mot de passe"))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        _validate_new_password(self, "password", self.user)
        return data


class _CurrentPasswordMixin:
    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Le mot de passe actuel est incorrect."), code="password_incorrect")
        return password


def current_password_field():
    return password_field(
        _("Mot de passe actuel"), "current-password",
        required_message=_("Indiquez votre mot de passe actuel."),
    )


class PasswordChangeForm(_CurrentPasswordMixin, SetPasswordForm):
    current_password = current_password_field()
    field_order = ["current_password", "password"]


class EmailChangeForm(_CurrentPasswordMixin, AccessibleForm):
    new_email = email_field(
        _("Nouvelle adresse électronique"),
        help_text=_("Nous enverrons un lien à cette adresse. Votre adresse ne changera qu'une fois ce lien ouvert."),
    )
    current_password = password_field(
        _("Mot de passe"), "current-password",
        required_message=_("Indiquez votre mot de passe, pour confirmer que c'est bien vous."),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_email(self):
        email = User.objects.normalize_email_address(self.cleaned_data["new_email"])
        if email == self.user.email:
            raise ValidationError(_("C'est déjà votre adresse électronique actuelle."), code="same_email")
        return email


class CloseAccountForm(_CurrentPasswordMixin, AccessibleForm):
    current_password = password_field(
        _("Mot de passe"), "current-password",
        required_message=_("Indiquez votre mot de passe, pour confirmer que c'est bien vous."),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


# --- Profile ------------------------------------------------------------------------------------
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
POSTCODE_RE = re.compile(r"^\d{5}$")


def format_french_phone(value: str) -> str:
    """A French phone number in national format ("06 12 34 56 78"); ValidationError if it is not one."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number_for_region(number, "FR"):
        raise ValidationError(
            _("Indiquez un numéro de téléphone français valide, par exemple 06 12 34 56 78."), code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


class ProfileForm(forms.ModelForm):
    bound_field_class = AccessibleBoundField

    birth_date = forms.DateField(
        label=_("Date de naissance"),
        required=False,
        help_text=_("Par exemple : 14/07/1985"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "invalid": _("Indiquez une date réelle, sous la forme jour/mois/année, par exemple 14/07/1985."),
        },
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"autocomplete": "bday"}),
    )

    postcode = forms.CharField(
        label=_("Code postal"),
        required=False,
        max_length=10,  # Spaces typed are removed: "99 100" gives "99100".
        help_text=_("5 chiffres, par exemple 99100"),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )

    class Meta:
        model = User
        fields = ["civility", "first_name", "last_name", "birth_date", "street", "postcode", "city", "phone"]
        labels = {
            "civility": _("Civilité"),
            "first_name": _("Prénom"),
            "last_name": _("Nom"),
            "street": _("Adresse (numéro et voie)"),
            "city": _("Commune"),
            "phone": _("Téléphone"),
        }
        help_texts = {
            "street": _("Par exemple : 12 rue de la Mairie, appartement 3"),
            "phone": _("Par exemple : 06 12 34 56 78"),
        }
        error_messages = {
            "first_name": {"required": _("Indiquez votre prénom.")},
            "last_name": {"required": _("Indiquez votre nom.")},
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Names are kept on a closed account and appear on cases: they are required here.
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True

    def clean_birth_date(self):
        birth_date = self.cleaned_data.get("birth_date")
        if birth_date and birth_date > timezone.localdate():
            raise ValidationError(_("La date de naissance ne peut pas être dans le futur."), code="future")
        if birth_date and birth_date < EARLIEST_BIRTH_DATE:
            raise ValidationError(_("Indiquez une date de naissance à partir du 01/01/1900."), code="too_old")
        return birth_date

    def clean_postcode(self):
        postcode = re.sub(r"\s", "", self.cleaned_data.get("postcode", ""))
        if postcode and not POSTCODE_RE.match(postcode):
            raise ValidationError(_("Le code postal doit comporter 5 chiffres, par exemple 99100."), code="postcode")
        return postcode

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        return format_french_phone(phone) if phone else ""

    def clean(self):
        data = super().clean()
        address = [data.get(name) for name in ("street", "postcode", "city")]
        if any(address):
            if not data.get("street") and "street" not in self.errors:
                self.add_error("street", _("Indiquez le numéro et la voie, ou laissez l'adresse vide."))
            if not data.get("postcode") and "postcode" not in self.errors:
                self.add_error("postcode", _("Indiquez le code postal, ou laissez l'adresse vide."))
            if not data.get("city") and "city" not in self.errors:
                self.add_error("city", _("Indiquez la commune, ou laissez l'adresse vide."))
        return data
