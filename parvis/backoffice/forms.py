"""Forms of the inbox that change something: bulk assignment and saved filters."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parvis.accounts.models import User
from parvis.backoffice.access import cases_visible_to
from parvis.backoffice.inbox import InboxContext
from parvis.backoffice.models import SavedFilter
from parvis.organisation.models import AgentRole, Role

MAX_BULK_CASES = 200
ASSIGNABLE_ROLES = (Role.CASE_OFFICER, Role.HEAD)


class ReferenceListField(forms.Field):
    """The references ticked in the list (several `dossiers=` values)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        references = []
        for item in value:
            item = str(item).strip().upper()
            if item and item not in references:
                references.append(item[:40])
        return references



class BulkAssignForm(forms.Form):
    """Assign the ticked cases to one agent.

    A head of department assigns the cases of their departments to any case officer or head of the case's
    department; a case officer may only take cases for themselves. Everything is checked here — cases the
    agent may not see or not assign, an assignee who does not handle the case's department, a forged id —
    and reported as form errors; nothing is assigned unless every case can be.
    """

    use_required_attribute = False  # the server validates (error summary), no browser bubbles
    prefix = "attribution"  # the filters' form on the same page has its own "agent" field

    dossiers = ReferenceListField(label=_("Dossiers sélectionnés"), required=False)
    agent = forms.ChoiceField(label=_("Attribuer à"),
                              error_messages={"required": _("Choisissez l’agent à qui attribuer les dossiers."),
                                              "invalid_choice": _("Choisissez un agent de la liste.")})

    def __init__(self, data, context: InboxContext, **kwargs):
        super().__init__(data, **kwargs)
        self.context = context
        self.cases = []
        self.assignee = None
        self.fields["agent"].choices = [("", _("— Choisissez un agent —"))] + [
            (str(user.pk), user.full_name or user.email) for user in self.assignable_agents()]

    def assignable_agents(self):
        """Heads: every case officer and head of the departments they head. Case officers: themselves."""
        context = self.context
        agents = []
        if context.head_department_ids:
            eligible = set(AgentRole.objects.filter(department_id__in=context.head_department_ids,
                                                    role__in=ASSIGNABLE_ROLES).values_list("user_id", flat=True))
            agents = [user for user in context.colleagues if user.pk in eligible]
        if context.officer_department_ids and context.user.pk not in {user.pk for user in agents}:
            agents.insert(0, context.user)
        return agents

    def clean(self):
        cleaned = super().clean()
        references, agent_id = cleaned.get("dossiers"), cleaned.get("agent")
        if not references:
            raise forms.ValidationError(_("Cochez au moins un dossier dans la liste."))
        if len(references) > MAX_BULK_CASES:
            raise forms.ValidationError(_("Sélectionnez au plus %(n)s dossiers à la fois.") % {"n": MAX_BULK_CASES})
        if not agent_id:
            return cleaned
        context = self.context
        cases = list(cases_visible_to(context.user).filter(reference__in=references)
                     .select_related("department", "assignee"))
        if len(cases) != len(references):
            missing = len(references) - len(cases)
            message = ngettext("%(n)s dossier sélectionné n’existe pas ou ne vous est pas accessible.",
                               "%(n)s dossiers sélectionnés n’existent pas ou ne vous sont pas accessibles.", missing)
            raise forms.ValidationError(message % {"n": missing})
        assignee = User.objects.filter(pk=int(agent_id), is_active=True).first()
        if assignee is None:
            raise forms.ValidationError(_("Cet agent n’existe pas ou n’est plus actif."))
        assignee_departments = set(AgentRole.objects.filter(user=assignee, role__in=ASSIGNABLE_ROLES)
                                   .values_list("department_id", flat=True))
        errors = []
        for case in sorted(cases, key=lambda item: item.reference):
            department_id = case.department_id
            if department_id in context.head_department_ids:
                pass
            elif department_id in context.officer_department_ids and assignee.pk == context.user.pk:
                pass
            else:
                errors.append(_("Vous ne pouvez pas attribuer le dossier %(reference)s (service %(department)s).")
                              % {"reference": case.reference, "department": case.department.name})
                continue
            if department_id not in assignee_departments:
                errors.append(_("%(agent)s n’instruit pas les dossiers du service %(department)s (dossier "
                                "%(reference)s).") % {"agent": assignee.full_name or assignee.email,
                                                      "department": case.department.name,
                                                      "reference": case.reference})
        if errors:
            raise forms.ValidationError(errors)
        self.cases = cases
        self.assignee = assignee
        return cleaned


class SavedFilterForm(forms.Form):
    use_required_attribute = False
    name = forms.CharField(label=_("Nom du filtre"), max_length=80,
                           help_text=_("Par exemple : « Mes dossiers à échéance proche »."),
                           error_messages={"required": _("Donnez un nom au filtre.")})
    querystring = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, data=None, *, owner, **kwargs):
        super().__init__(data, **kwargs)
        self.owner = owner

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Donnez un nom au filtre."))
        if SavedFilter.objects.filter(owner=self.owner, name=name).exists():
            raise forms.ValidationError(_("Vous avez déjà un filtre de ce nom."))
        if SavedFilter.objects.filter(owner=self.owner).count() >= settings.BACKOFFICE_MAX_SAVED_FILTERS:
            raise forms.ValidationError(_("Vous avez atteint le nombre maximal de filtres enregistrés (%(n)s) : "
                                          "supprimez-en un d’abord.") % {"n": settings.BACKOFFICE_MAX_SAVED_FILTERS})
        return name
