"""Forms of the agent's case page. They parse what was typed; the rules live in the services
(`parvis.cases.handling`), whose `InvalidTransitionInput` errors are put back on these fields.

Every form that changes the case carries the version the agent saw (`version`, hidden): a form sent after
someone else changed the case is refused with the fresh state (`StaleCase`).
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.cases.forms import check_upload
from parvis.cases.handling import MAX_TEXT_LENGTH


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _date_widget(minimum=None):
    attrs = {"type": "date"}
    if minimum:
        attrs["min"] = minimum.isoformat()
    return forms.DateInput(attrs=attrs, format="%Y-%m-%d")


class TransitionForm(VersionedForm):
    """The inputs a transition requires (`requires`): motivation, pieces and deadline, comment."""

    motivation = forms.CharField(
        label=_("Motifs de la décision"), max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Communiqués à l'usager, par courriel et dans le courrier de décision."),
        error_messages={"required": _("Indiquez les motifs de la décision : ils sont communiqués à l'usager.")})
    pieces = forms.CharField(
        label=_("Pièces à fournir"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Une pièce par ligne, comme l'usager la lira."),
        error_messages={"required": _("Indiquez au moins une pièce à fournir (une par ligne).")})
    deadline = forms.DateField(
        label=_("À fournir avant le"), input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("Au format jj/mm/aaaa. Ni passée, ni à plus d'un an."),
        error_messages={"required": _("Indiquez la date limite pour fournir les pièces."),
                        "invalid": _("Indiquez une date valide, au format jj/mm/aaaa.")})
    comment = forms.CharField(
        label=_("Commentaire pour l'historique"), max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Interne : l'usager ne le voit pas."),
        error_messages={"required": _("Ajoutez un commentaire pour l'historique.")})

    def __init__(self, transition, *args, today=None, **kwargs):
        kwargs.setdefault("prefix", f"t-{transition.key}")
        super().__init__(*args, **kwargs)
        self.transition = transition
        requires = set(transition.requires)
        today = today or timezone.localdate()
        # Several transitions may ask for motivations on one page: each label names its action.
        self.fields["motivation"].label = _("Motifs (%(action)s)") % {"action": transition.label}
        self.fields["comment"].label = _("Commentaire pour l'historique (%(action)s)") % {"action": transition.label}
        if "motivation" not in requires:
            del self.fields["motivation"]
        if "pieces" not in requires:
            del self.fields["pieces"]
            del self.fields["deadline"]
        else:
            self.fields["deadline"].widget = _date_widget(today)
            self.fields["deadline"].initial = today + dt.timedelta(days=settings.CASE_PIECES_DEADLINE_DAYS)
        if "comment" not in requires:
            del self.fields["comment"]

    @property
    def visible(self):
        return [field for field in self if not field.is_hidden]


class AssignForm(VersionedForm):
    assignee = forms.ModelChoiceField(label=_("Agent chargé du dossier"), queryset=None, required=False,
                                      empty_label=_("— Personne —"))

    def __init__(self, agents, *args, **kwargs):
        kwargs.setdefault("prefix", "affectation")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents
        self.fields["assignee"].label_from_instance = lambda user: user.full_name or user.email


class AgentMessageForm(forms.Form):
    body = forms.CharField(label=_("Message à l'usager"), required=False, max_length=MAX_TEXT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("L'usager le lit dans « Mes demandes » ; il reçoit un courriel qui l'en "
                                       "avertit, sans le contenu du message."))
    document = forms.FileField(label=_("Document joint (facultatif)"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "message")
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _("PDF, JPEG ou PNG, %(size)s au plus.") % {
            "size": filesizeformat(settings.CASE_UPLOAD_MAX_BYTES)}

    def clean_document(self):
        uploaded = self.cleaned_data.get("document")
        if uploaded:
            self.document_type, self.document_name = check_upload(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("body") or "").strip() and not cleaned.get("document"):
            raise forms.ValidationError(_("Écrivez un message ou choisissez un document."), code="empty")
        return cleaned


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note interne"), max_length=MAX_TEXT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Visible des seuls agents ; l'usager ne la voit jamais."),
                           error_messages={"required": _("Écrivez la note.")})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)


class ReasonsAnswerForm(forms.Form):
    reasons = forms.CharField(label=_("Motifs de la décision implicite de rejet"), max_length=MAX_TEXT_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("Ils sont communiqués à l'usager par un courrier (PDF) dans "
                                          "« Mes demandes »."),
                              error_messages={"required": _("Écrivez les motifs de la décision.")})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "motifs")
        super().__init__(*args, **kwargs)
