from django import forms


class ContactEmailForm(forms.Form):
    """The email of an anonymous filer: where the receipt and the tracking link are sent."""

    use_required_attribute = False

    email = forms.EmailField(
        label="Votre adresse électronique", max_length=254,
        help_text="Pour recevoir l'accusé et le lien de suivi de votre demande.",
        error_messages={"required": "Indiquez votre adresse électronique pour recevoir l'accusé et le lien de suivi.",
                        "invalid": "Indiquez une adresse électronique valide, par exemple nom@exemple.fr."},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
