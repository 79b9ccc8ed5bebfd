"""The inbox: which cases an agent's list shows, filtered, searched and sorted.

`InboxContext.for_user(user)` reads once what the filters need (the agent's departments, their
procedures, colleagues, statuses); `InboxFilterForm` validates the query string against it (a forged
value — another department, a stranger as assignee — is a form error, never a 500, and the filter is
left out); `filtered_cases(context, form)` builds the queryset. Lists, exports and saved filters all go
through these, so they always agree.

A case is *open* while `closed_at` is empty (set when it enters a final status of its workflow): the same
definition as the case part's deadlines (`parvis.cases.queries`), so "overdue" means the same everywhere.

The cases are always within `cases_visible_to(user)` (the agent's handling departments, plus the cases
they filed themselves in other departments), in two parts the agent chooses between: the cases of their
departments (the default: "each agent sees the cases of their departments"), or the cases they filed in
other departments. Never both in one query: `department IN (…) OR filed_by = …` would defeat the indexes
(a bitmap of the whole department, then a sort), whereas `department_id IN (…)` alone is read in the order
of an index. Which index serves which list, and the figures at 1,000,000 cases: docs/performance-inbox.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.backoffice.access import HANDLING_ROLES, handled_department_ids
from parvis.backoffice.keyset import SortKey
from parvis.backoffice.search import SCOPE_ANSWERS, SCOPE_REFERENCE, SCOPE_RESIDENT, apply_search
from parvis.backoffice.statuses import StatusCatalogue, status_catalogue
from parvis.cases.deadlines import PARIS
from parvis.cases.models import Case, Channel
from parvis.organisation.access import roles_of
from parvis.organisation.models import Department, Role
from parvis.procedures.models import Procedure
from parvis.ui.forms import DateInput

FILED_BY_ME = "deposees"
STATUS_OPEN = ""
STATUS_ALL = "tous"
STATUS_FINAL = "termines"
ASSIGNEE_ME = "moi"
ASSIGNEE_NONE = "aucun"
DEADLINE_OVERDUE = "depassee"
DEADLINE_SOON = "proche"
DEADLINE_NONE = "sans"
SORT_DEADLINE = "echeance"
SORT_RECENT = "recentes"
SORT_OLDEST = "anciennes"

SORT_KEYS = {
    SORT_DEADLINE: SortKey("implicit_decision_on", descending=False, nullable=True, kind="date"),
    SORT_RECENT: SortKey("received_at", descending=True, kind="datetime"),
    SORT_OLDEST: SortKey("received_at", descending=False, kind="datetime"),
}
# The query-string parameters that make a filter (saved filters and exports keep exactly these).
FILTER_PARAMS = ("q", "dans", "service", "statut", "demarche", "agent", "canal", "echeance", "recu_du", "recu_au",
                 "tri", "tests")
# Columns read for a list row (the answers and the tracking token stay in the database).
ROW_FIELDS = (
    "reference", "status", "channel", "received_at", "implicit_decision_on", "closed_at", "is_test", "contact_email",
    "department__name", "procedure__title", "applicant__first_name", "applicant__last_name", "applicant__email",
)


def has_assignee():
    """Whether `Case.assignee` exists (added by the case-handling part of the back-office)."""
    try:
        Case._meta.get_field("assignee")
    except FieldDoesNotExist:
        return False
    return True


def today():
    return timezone.localdate(timezone=PARIS)


@dataclass
class InboxContext:
    """What the agent's filters may offer; read once per request (a handful of small queries)."""

    user: object
    departments: list  # [(id, name)] the agent handles
    other_department_ids: list
    procedures: list  # [(id, title)]
    colleagues: list  # [User]
    statuses: StatusCatalogue
    head_department_ids: set = field(default_factory=set)
    officer_department_ids: set = field(default_factory=set)

    @classmethod
    def for_user(cls, user):
        handled = set(handled_department_ids(user))
        departments, others = [], []
        for pk, name in Department.objects.order_by("name").values_list("pk", "name"):
            if pk in handled:
                departments.append((pk, name))
            else:
                others.append(pk)
        procedures = list(Procedure.objects.filter(department_id__in=handled).order_by("title", "pk")
                          .values_list("pk", "title")) if handled else []
        colleagues = []
        if has_assignee() and handled:
            colleagues = list(
                User.objects.filter(is_active=True, agent_roles__department_id__in=handled,
                                    agent_roles__role__in=(Role.CASE_OFFICER, Role.HEAD))
                .distinct().order_by("last_name", "first_name", "pk")
                .only("pk", "first_name", "last_name", "email")
            )
        roles = roles_of(user)
        return cls(
            user=user, departments=departments, other_department_ids=others, procedures=procedures,
            colleagues=colleagues, statuses=status_catalogue(),
            head_department_ids={d for d, role in roles if role == Role.HEAD},
            officer_department_ids={d for d, role in roles if role == Role.CASE_OFFICER},
        )

    @property
    def handled_ids(self):
        return [pk for pk, _name in self.departments]

    @property
    def multi_department(self):
        return len(self.departments) > 1

    @property
    def can_assign(self):
        return has_assignee() and bool(self.head_department_ids | self.officer_department_ids)

    def base_queryset(self, service=""):
        """The cases of the list before filters: the agent's departments (all of them, or the one chosen), or
        the cases the agent filed in other departments (`FILED_BY_ME`; by default for an agent without a
        handling role). Always within `cases_visible_to(user)`."""
        cases = Case.objects.all()
        if service == FILED_BY_ME or not self.departments:
            return cases.filter(filed_by=self.user, department_id__in=self.other_department_ids)
        if service:
            return cases.filter(department_id=int(service))
        return cases.filter(department_id__in=self.handled_ids)


class InboxFilterForm(forms.Form):
    """The filters of the inbox, read from the query string (GET form). Every field is optional."""

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200,
                        help_text=_("Référence (ADM-2026-000123, ou son numéro), nom ou courriel de l’usager, "
                                    "ou mot du formulaire."),
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    dans = forms.ChoiceField(label=_("Rechercher dans"), required=False, choices=[
        ("", _("Partout")), (SCOPE_REFERENCE, _("Référence")), (SCOPE_RESIDENT, _("Nom ou courriel de l’usager")),
        (SCOPE_ANSWERS, _("Contenu de la demande")),
    ])
    service = forms.ChoiceField(label=_("Service"), required=False)
    statut = forms.ChoiceField(label=_("Statut"), required=False)
    demarche = forms.ChoiceField(label=_("Démarche"), required=False)
    agent = forms.ChoiceField(label=_("Attribution"), required=False)
    canal = forms.ChoiceField(label=_("Canal"), required=False,
                              choices=[("", _("Tous les canaux")), *Channel.choices])
    echeance = forms.ChoiceField(label=_("Décision implicite"), required=False)
    recu_du = forms.DateField(label=_("Reçues à partir du"), required=False, widget=DateInput(),
                              error_messages={"invalid": _("Indiquez une date valide.")})
    recu_au = forms.DateField(label=_("Reçues jusqu’au"), required=False, widget=DateInput(),
                              error_messages={"invalid": _("Indiquez une date valide.")})
    tri = forms.ChoiceField(label=_("Trier par"), required=False, choices=[
        (SORT_DEADLINE, _("Décision implicite la plus proche")),
        (SORT_RECENT, _("Reçues le plus récemment")),
        (SORT_OLDEST, _("Reçues le plus anciennement")),
    ])
    tests = forms.BooleanField(label=_("Inclure les dossiers de test"), required=False)

    def __init__(self, data, context: InboxContext, **kwargs):
        # Without a chosen sort: the nearest implicit decision first for open cases (what needs doing), the
        # latest received first when the list holds closed cases (a deadline past long ago means nothing
        # there, and that order is the archive's index).
        status = data.get("statut", "") if data is not None else ""
        open_list = status == STATUS_OPEN or (status not in (STATUS_ALL, STATUS_FINAL)
                                              and context.statuses.is_open(status))
        self.default_sort = SORT_DEADLINE if open_list else SORT_RECENT
        if data is not None and not data.get("tri"):
            data = data.copy()
            data["tri"] = self.default_sort
        super().__init__(data, **kwargs)
        self.context = context
        if context.departments:
            service_choices = [("", _("Tous mes services"))] if context.multi_department else []
            service_choices += [(str(pk), name) for pk, name in context.departments]
            if context.other_department_ids:
                service_choices.append((FILED_BY_ME, _("Demandes déposées par moi dans d’autres services")))
        else:
            service_choices = [("", _("Demandes que j’ai déposées pour des usagers"))]
        self.fields["service"].choices = service_choices
        self.fields["statut"].choices = [
            (STATUS_OPEN, _("En cours (non terminés)")), (STATUS_ALL, _("Tous les statuts")),
            (STATUS_FINAL, _("Terminés")),
            (_("Un statut précis"), [(key, label) for key, label in context.statuses.choices()]),
        ]
        self.fields["demarche"].choices = [("", _("Toutes les démarches"))] + [
            (str(pk), title) for pk, title in context.procedures]
        if has_assignee():
            self.fields["agent"].choices = [
                ("", _("Tous les dossiers")), (ASSIGNEE_ME, _("Mes dossiers")),
                (ASSIGNEE_NONE, _("Non attribués")),
                (_("Attribués à"), [(str(user.pk), user.full_name or user.email) for user in context.colleagues]),
            ]
        else:
            del self.fields["agent"]
        days = settings.BACKOFFICE_DUE_SOON_DAYS
        self.fields["echeance"].choices = [
            ("", _("Toutes les dates")), (DEADLINE_OVERDUE, _("Dépassée (dossiers en cours)")),
            (DEADLINE_SOON, _("Dans les %(days)s jours (dossiers en cours)") % {"days": days}),
            (DEADLINE_NONE, _("Sans décision implicite")),
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("recu_du"), cleaned.get("recu_au")
        if start and end and start > end:
            self.add_error("recu_au", _("La date de fin doit suivre la date de début."))
        return cleaned

    def value(self, name, default=""):
        """The cleaned value of a filter, or `default` when it is absent or invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    @property
    def sort(self):
        return self.value("tri", SORT_DEADLINE)

    @property
    def sort_key(self):
        return SORT_KEYS[self.sort]

    @property
    def is_filtered(self):
        return any(self.value(name) for name in FILTER_PARAMS if name != "tri")

    def querystring(self, **overrides):
        """The valid filters as a query string (for pagination links, exports and saved filters)."""
        params = []
        for name in FILTER_PARAMS:
            if name in overrides:
                value = overrides[name]
            elif name not in self.fields:
                continue
            else:
                value = self.value(name)
            if value in (None, "", False) or (name == "tri" and value == self.default_sort):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif value is True:
                value = "1"
            params.append((name, value))
        return urlencode(params)


def _paris_midnight(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), PARIS)


def filtered_cases(context: InboxContext, form: InboxFilterForm, *, force_open=False):
    """(queryset, notes): the agent's cases with the valid filters of `form` applied, not yet ordered."""
    cases = context.base_queryset(form.value("service"))
    status = STATUS_OPEN if force_open else form.value("statut")
    if status == STATUS_OPEN:
        cases = cases.filter(closed_at__isnull=True)
    elif status == STATUS_FINAL:
        cases = cases.filter(closed_at__isnull=False)
    elif status != STATUS_ALL:
        cases = cases.filter(status=status)
    if procedure := form.value("demarche"):
        cases = cases.filter(procedure_id=int(procedure))
    if "agent" in form.fields and (assignee := form.value("agent")):
        if assignee == ASSIGNEE_ME:
            cases = cases.filter(assignee=context.user)
        elif assignee == ASSIGNEE_NONE:
            cases = cases.filter(assignee__isnull=True)
        else:
            cases = cases.filter(assignee_id=int(assignee))
    if channel := form.value("canal"):
        cases = cases.filter(channel=channel)
    deadline = form.value("echeance")
    if deadline in (DEADLINE_OVERDUE, DEADLINE_SOON):
        # A deadline only matters while the case is open.
        if status != STATUS_OPEN:
            cases = cases.filter(closed_at__isnull=True)
        day = today()
        if deadline == DEADLINE_OVERDUE:
            cases = cases.filter(implicit_decision_on__lt=day)
        else:
            cases = cases.filter(implicit_decision_on__gte=day,
                                 implicit_decision_on__lte=day + dt.timedelta(days=settings.BACKOFFICE_DUE_SOON_DAYS))
    elif deadline == DEADLINE_NONE:
        cases = cases.filter(implicit_decision_on__isnull=True)
    if start := form.value("recu_du"):
        cases = cases.filter(received_at__gte=_paris_midnight(start))
    if end := form.value("recu_au"):
        cases = cases.filter(received_at__lt=_paris_midnight(end + dt.timedelta(days=1)))
    if not form.value("tests", False):
        cases = cases.filter(is_test=False)
    return apply_search(cases, form.value("q"), form.value("dans"))


def rows_queryset(cases):
    """The list's columns only, with their related rows in the same query."""
    related = ["procedure", "department", "applicant"]
    fields = list(ROW_FIELDS)
    if has_assignee():
        related.append("assignee")
        fields += ["assignee__first_name", "assignee__last_name", "assignee__email"]
    return cases.select_related(*related).only(*fields)


def saved_filter_url(querystring):
    from django.urls import reverse

    return f"{reverse('backoffice:inbox')}?{querystring}" if querystring else reverse("backoffice:inbox")


__all__ = ["HANDLING_ROLES", "InboxContext", "InboxFilterForm", "filtered_cases", "rows_queryset"]
