"""Forms of the workflow editor: statuses, transitions, the initial status, and one form per action type.

Texts (next steps, email subjects and bodies, letters) are checked as they are saved: a placeholder that
does not exist, a forbidden tag or a malformed text is refused beside the text, with the list of the
placeholders available shown on the page (`placeholder_help()`).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.builder import workflow_ops
from parvis.organisation.models import Department, Role
from parvis.workflows.definition import MAX_LABEL_LENGTH, MAX_NEXT_STEP_LENGTH, MAX_TIMER_DAYS, OUTCOME_LABELS
from parvis.workflows.placeholders import check_template_text

OUTCOME_CHOICES = [("", _("Aucune (pas de décision)"))] + [(key, str(label).capitalize())
                                                             for key, label in OUTCOME_LABELS.items()]
ROLE_CHOICES = [(role.value, role.label) for role in Role if role != Role.DPO]
REQUIREMENT_CHOICES = [
    ("motivation", _("Les motifs de la décision (montrés à l'usager ; obligatoires pour un refus)")),
    ("pieces", _("La liste des pièces manquantes et la date limite pour les fournir")),
    ("comment", _("Un commentaire interne pour l'historique")),
]
ACTION_LABELS = {
    "email_resident": _("Envoyer un courriel à l'usager"),
    "assign": _("Affecter le dossier"),
    "request_pieces": _("Demander des pièces à l'usager"),
    "produce_document": _("Produire un courrier (PDF)"),
    "record_decision": _("Enregistrer la décision"),
    "start_timer": _("Lancer un minuteur (relance ou transition automatique)"),
}


def checked_text(value, *, one_line=False):
    value = (value or "").replace("\r\n", "\n").strip()
    problems = check_template_text(value)
    if problems:
        raise forms.ValidationError([str(problem).capitalize() + "." for problem in problems])
    if one_line and "\n" in value:
        raise forms.ValidationError(_("Le sujet doit tenir sur une ligne."))
    return value


class StatusForm(forms.Form):
    label = forms.CharField(label=_("Libellé pour les agents"), max_length=MAX_LABEL_LENGTH,
                            help_text=_("Par exemple « En cours d'instruction »."))
    resident_label = forms.CharField(label=_("Libellé pour l'usager"), max_length=MAX_LABEL_LENGTH,
                                     help_text=_("En mots simples : « En cours de traitement »."))
    next_step = forms.CharField(
        label=_("Prochaine étape, pour l'usager (facultatif)"), required=False, max_length=MAX_NEXT_STEP_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ce qui va se passer maintenant. Les champs de fusion listés plus bas sont permis."))
    final = forms.BooleanField(label=_("Statut final : la demande est terminée"), required=False)
    outcome = forms.ChoiceField(label=_("Issue (pour un statut final)"), required=False, choices=OUTCOME_CHOICES)
    system = forms.BooleanField(
        label=_("Statut réservé au système (décision implicite à la fin du délai légal)"), required=False,
        help_text=_("Aucune transition d'agent ne peut y mener ; le système y fait entrer la demande quand le silence "
                    "vaut décision."))

    def clean_next_step(self):
        return checked_text(self.cleaned_data.get("next_step"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") and not cleaned.get("final"):
            self.add_error("outcome", _("Seul un statut final peut avoir une issue : cochez « Statut final » ou "
                                        "choisissez « Aucune »."))
        return cleaned


class InitialStatusForm(forms.Form):
    initial = forms.ChoiceField(label=_("Statut d'une demande qui vient d'être déposée"))

    def __init__(self, *args, workflow, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initial"].choices = [(s["key"], s.get("label")) for s in workflow_ops.statuses(workflow)]


class TransitionForm(forms.Form):
    label = forms.CharField(label=_("Libellé du bouton"), max_length=MAX_LABEL_LENGTH,
                            help_text=_("Ce que l'agent clique : « Accepter », « Demander des pièces »…"))
    sources = forms.MultipleChoiceField(label=_("Depuis les statuts"), widget=forms.CheckboxSelectMultiple,
                                        help_text=_("Un statut final ne peut pas en faire partie."))
    to = forms.ChoiceField(label=_("Vers le statut"))
    roles = forms.MultipleChoiceField(label=_("Qui peut la déclencher"), required=False, choices=ROLE_CHOICES,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=_("Les agents qui ont l'un de ces rôles dans le service de la "
                                                  "démarche."))
    system = forms.BooleanField(
        label=_("Le système peut aussi la déclencher (pièces envoyées en ligne par l'usager, minuteur)"),
        required=False)
    requires = forms.MultipleChoiceField(label=_("Ce que l'agent doit indiquer"), required=False,
                                         choices=REQUIREMENT_CHOICES, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, workflow, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = workflow_ops.statuses(workflow)
        self.fields["sources"].choices = [(s["key"], s.get("label")) for s in statuses if not s.get("final")]
        self.fields["to"].choices = [(s["key"], s.get("label")) for s in statuses]
        self.statuses = {s["key"]: s for s in statuses}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("roles") and not cleaned.get("system"):
            self.add_error("roles", _("Choisissez au moins un rôle, ou laissez le système la déclencher : sinon "
                                      "personne ne pourrait s'en servir."))
        target = self.statuses.get(cleaned.get("to"), {})
        if cleaned.get("roles") and target.get("system"):
            self.add_error("to", _("Ce statut est réservé au système : une transition déclenchée par des agents ne "
                                   "peut pas y mener."))
        return cleaned

    def values(self):
        data = self.cleaned_data
        return {"label": data["label"], "from": data["sources"], "to": data["to"], "roles": data["roles"],
                "system": data["system"], "requires": data["requires"]}


class ActionTypeForm(forms.Form):
    type = forms.ChoiceField(label=_("Action à ajouter"), choices=list(ACTION_LABELS.items()))


class ActionForm(forms.Form):
    """The fields of one action type; `to_action()` gives the action as the workflow stores it."""

    def __init__(self, *args, action_type, workflow, status_key, **kwargs):
        self.action_type, self.workflow, self.status_key = action_type, workflow, status_key
        super().__init__(*args, **kwargs)
        getattr(self, f"_fields_{action_type}")()

    def _email_fields(self, required=True):
        self.fields["subject"] = forms.CharField(label=_("Objet du courriel"), max_length=255, required=required)
        self.fields["body"] = forms.CharField(label=_("Texte du courriel"), required=required,
                                              widget=forms.Textarea(attrs={"rows": 10}))

    def _fields_email_resident(self):
        self._email_fields()

    def _fields_assign(self):
        choices = [("actor", _("À l'agent qui a déclenché la transition"))]
        choices += [(f"department:{d.slug}", _("Au service « %(name)s » (sans agent désigné)") % {"name": d.name})
                    for d in Department.objects.filter(is_active=True).order_by("name")]
        current = self.initial.get("to")
        if current and current not in dict(choices):
            choices.append((current, _("À l'agent %(email)s") % {"email": current.removeprefix("agent:")}
                            if current.startswith("agent:") else current))
        self.fields["to"] = forms.ChoiceField(label=_("Affecter le dossier"), choices=choices)

    def _fields_request_pieces(self):
        pass

    def _fields_produce_document(self):
        self.fields["title"] = forms.CharField(label=_("Titre du document"), max_length=255)
        self.fields["template"] = forms.CharField(
            label=_("Texte du courrier"), widget=forms.Textarea(attrs={"rows": 12}),
            help_text=_("Il est mis en page sur le papier à en-tête de la commune. Laissez une ligne vide entre deux "
                        "paragraphes."))
        self.fields["visible_to_resident"] = forms.BooleanField(label=_("Visible par l'usager dans son suivi"),
                                                                required=False)

    def _fields_record_decision(self):
        self.fields["outcome"] = forms.ChoiceField(label=_("Décision"), choices=OUTCOME_CHOICES[1:])

    def _fields_start_timer(self):
        self.fields["days"] = forms.IntegerField(label=_("Après combien de jours dans ce statut"), min_value=1,
                                                 max_value=MAX_TIMER_DAYS)
        choices = [("remind", _("Relancer l'usager par courriel"))]
        choices += [(f"transition:{t['key']}", _("Déclencher la transition « %(label)s »") % {"label": t.get("label")})
                    for t in workflow_ops.transitions(self.workflow)
                    if t.get("system") and self.status_key in (t.get("from") or [])]
        self.fields["then"] = forms.ChoiceField(label=_("Alors"), choices=choices, widget=forms.RadioSelect)
        self._email_fields(required=False)
        self.fields["subject"].help_text = _("Pour une relance seulement.")

    def clean_subject(self):
        return checked_text(self.cleaned_data.get("subject"), one_line=True)

    def clean_body(self):
        return checked_text(self.cleaned_data.get("body"))

    def clean_title(self):
        return checked_text(self.cleaned_data.get("title"), one_line=True)

    def clean_template(self):
        return checked_text(self.cleaned_data.get("template"))

    def clean(self):
        cleaned = super().clean()
        if self.action_type == "start_timer" and cleaned.get("then") == "remind":
            for name in ("subject", "body"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Obligatoire pour une relance."))
        return cleaned

    def to_action(self) -> dict:
        data = self.cleaned_data
        action = {"type": self.action_type}
        if self.action_type == "email_resident":
            action.update(subject=data["subject"], body=data["body"])
        elif self.action_type == "assign":
            action["to"] = data["to"]
        elif self.action_type == "produce_document":
            action.update(title=data["title"], template=data["template"],
                          visible_to_resident=bool(data.get("visible_to_resident")))
        elif self.action_type == "record_decision":
            action["outcome"] = data["outcome"]
        elif self.action_type == "start_timer":
            action.update(days=data["days"], then=data["then"])
            if data["then"] == "remind":
                action.update(subject=data["subject"], body=data["body"])
        return action

    @staticmethod
    def initial_from(action) -> dict:
        return {key: value for key, value in action.items() if key != "type"}
