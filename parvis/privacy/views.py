"""The DPO's pages: the access log, searched by agent, case, resident and dates, and its CSV export.

Only agents holding the DPO role (in any department) open them; anyone else gets a 403 (anonymous
visitors the login page). Lines are listed newest first with keyset pagination (the log grows by
millions of lines a year); the export is itself written to the log.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.backoffice.exports import file_response, write_csv
from parvis.backoffice.keyset import SortKey, bounded_count, paginate
from parvis.cases.deadlines import PARIS
from parvis.organisation.access import requires, roles_of
from parvis.organisation.models import Role
from parvis.privacy.models import AccessAction, AccessLog
from parvis.privacy.services import log_access, retention_cutoff
from parvis.ui.forms import DateInput

LOG_KEY = SortKey("at", descending=True, kind="datetime")
MAX_PEOPLE = 500
LIST_FIELDS = ("at", "agent_label", "action", "case_reference", "resident_id", "detail", "count", "ip_address")
EXPORT_HEADERS = ["Date", "Agent", "Action", "Dossier", "Usager concerné", "Nombre", "Détail", "Page", "Adresse IP"]


def is_dpo(user):
    return any(role == Role.DPO for _department, role in roles_of(user))


dpo_required = requires(is_dpo)


class AccessLogFilterForm(forms.Form):
    agent = forms.CharField(label=_("Agent"), required=False, max_length=150,
                            help_text=_("Nom ou adresse électronique de l’agent."))
    dossier = forms.CharField(label=_("Dossier"), required=False, max_length=30,
                              help_text=_("Référence complète ou son début, par exemple ADM-2026-00."))
    usager = forms.CharField(label=_("Usager concerné"), required=False, max_length=150,
                             help_text=_("Nom, adresse électronique ou numéro de l’usager."))
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("Toutes les actions")), *AccessAction.choices])
    du = forms.DateField(label=_("Du"), required=False, widget=DateInput(),
                         error_messages={"invalid": _("Indiquez une date valide.")})
    au = forms.DateField(label=_("Au"), required=False, widget=DateInput(),
                         error_messages={"invalid": _("Indiquez une date valide.")})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("du") and cleaned.get("au") and cleaned["du"] > cleaned["au"]:
            self.add_error("au", _("La date de fin doit suivre la date de début."))
        return cleaned

    def value(self, name):
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        value = self.cleaned_data.get(name)
        return value if value not in (None, "") else ""

    def querystring(self):
        from django.utils.http import urlencode

        params = []
        for name in self.fields:
            value = self.value(name)
            if value:
                params.append((name, value.isoformat() if isinstance(value, dt.date) else value))
        return urlencode(params)

    @property
    def is_filtered(self):
        return any(self.value(name) for name in self.fields)


def _people(text):
    """Ids of the people whose name or email contains each word of `text` (at most MAX_PEOPLE)."""
    people = User.objects.all()
    for word in text.split()[:4]:
        people = people.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(email__icontains=word))
    return list(people.order_by().values_list("pk", flat=True)[:MAX_PEOPLE])


def filtered_log(form):
    lines = AccessLog.objects.all()
    if agent := form.value("agent"):
        lines = lines.filter(agent_id__in=_people(agent))
    if reference := form.value("dossier"):
        lines = lines.filter(case_reference__startswith=reference.strip().upper())
    if resident := form.value("usager"):
        resident = resident.strip()
        ids = [int(resident)] if resident.isdigit() and len(resident) <= 18 else _people(resident)
        lines = lines.filter(resident_id__in=ids)
    if action := form.value("action"):
        lines = lines.filter(action=action)
    if start := form.value("du"):
        lines = lines.filter(at__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min), PARIS))
    if end := form.value("au"):
        lines = lines.filter(at__lt=timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min),
                                                         PARIS))
    return lines


def _resident_names(lines):
    ids = {line.resident_id for line in lines if line.resident_id}
    return {user.pk: (user.full_name or user.email or f"#{user.pk}")
            for user in User.objects.filter(pk__in=ids).only("pk", "first_name", "last_name", "email")}


@dpo_required
def access_log(request):
    form = AccessLogFilterForm(request.GET)
    form.is_valid()
    lines = filtered_log(form)
    limit = settings.BACKOFFICE_COUNT_LIMIT
    count = bounded_count(lines, limit)
    cursor = request.GET.get("apres", "")[:60], request.GET.get("avant", "")[:60]
    page = paginate(lines, LOG_KEY, after=cursor[0], before=cursor[1], size=settings.BACKOFFICE_PAGE_SIZE,
                    fetch=lambda pks: AccessLog.objects.filter(pk__in=pks).only(*LIST_FIELDS))
    names = _resident_names(page.rows)
    for line in page.rows:
        line.resident_label = names.get(line.resident_id, f"#{line.resident_id}" if line.resident_id else "")
    return render(request, "privacy/access_log.html", {
        "form": form, "page": page, "count": count, "count_limit": limit, "count_exceeded": count > limit,
        "querystring": form.querystring(), "retention_months": settings.ACCESS_LOG_RETENTION_MONTHS,
        "cutoff": retention_cutoff(), "nav_current": "access_log",
    })


@dpo_required
def access_log_export(request):
    form = AccessLogFilterForm(request.GET)
    form.is_valid()
    lines = list(filtered_log(form).order_by("-at", "-pk")[: settings.BACKOFFICE_EXPORT_MAX_ROWS * 5])
    names = _resident_names(lines)
    labels = dict(AccessAction.choices)
    rows = [
        [timezone.localtime(line.at, PARIS).strftime("%d/%m/%Y %H:%M:%S"), line.agent_label,
         str(labels.get(line.action, line.action)), line.case_reference,
         names.get(line.resident_id, f"#{line.resident_id}" if line.resident_id else ""),
         "" if line.count is None else line.count, line.detail, line.path, line.ip_address or ""]
        for line in lines
    ]
    querystring = form.querystring()
    log_access(request.user, AccessAction.EXPORT, request=request, count=len(rows),
               detail=f"Export CSV du journal des accès : {len(rows)} ligne(s)"
                      + (f" ({querystring})" if querystring else ""))
    return file_response(write_csv(rows, headers=EXPORT_HEADERS), "csv", "journal-des-acces")
