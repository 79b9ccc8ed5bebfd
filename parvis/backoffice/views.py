"""Back-office pages: the inbox (filters, search, pages, saved filters, bulk assignment, exports), and the
heads of department's workload and overdue lists."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parvis.backoffice.exports import FORMATS, WRITERS, assignee_name, case_rows, file_response, resident_name
from parvis.backoffice.forms import BulkAssignForm, SavedFilterForm
from parvis.backoffice.inbox import (
    FILED_BY_ME,
    SORT_DEADLINE,
    SORT_KEYS,
    InboxContext,
    InboxFilterForm,
    filtered_cases,
    has_assignee,
    rows_queryset,
    today,
)
from parvis.backoffice.keyset import bounded_count, ordered_for_export, paginate
from parvis.backoffice.models import SavedFilter
from parvis.backoffice.services import AssignmentError, assign_cases, delete_filter, department_workload, save_filter
from parvis.backoffice.statuses import status_catalogue
from parvis.cases.deadlines import PARIS
from parvis.cases.models import Case, Channel
from parvis.organisation.access import is_agent, requires, roles_of
from parvis.organisation.models import Department, Role
from parvis.privacy.models import AccessAction
from parvis.privacy.services import log_access

# --- Access ------------------------------------------------------------------------------------------


def head_department_ids(user):
    return sorted({department_id for department_id, role in roles_of(user) if role == Role.HEAD})


# Agents only (a role in at least one department); anonymous → login page, others → 403.
agent_required = requires(is_agent)
# Heads of department only.
head_required = requires(head_department_ids)


# --- Rows ----------------------------------------------------------------------------------------------

def _case_url_builder():
    try:
        reverse("casework:detail", kwargs={"reference": "ADM-2000-000001"})
    except NoReverseMatch:
        return lambda reference: None
    return lambda reference: reverse("casework:detail", kwargs={"reference": reference})


def countdown(deadline, day, is_open):
    """The badge of an implicit-decision date: text, words for screen readers, level (for the colour)."""
    if deadline is None or not is_open:
        return None
    days = (deadline - day).days
    if days < 0:
        late = -days
        text = ngettext("Dépassée de %(n)s jour", "Dépassée de %(n)s jours", late) % {"n": late}
        return {"text": text, "spoken": "", "level": "overdue"}
    if days == 0:
        return {"text": _("Aujourd’hui"), "spoken": _("Décision implicite ce soir"), "level": "soon"}
    spoken = ngettext("Décision implicite dans %(n)s jour", "Décision implicite dans %(n)s jours", days) % {"n": days}
    level = "soon" if days <= settings.BACKOFFICE_DUE_SOON_DAYS else "later"
    return {"text": f"J-{days}", "spoken": spoken, "level": level}


def decorate(cases, catalogue):
    """Adds what the table shows to each case: status label, countdown, link, resident, assignee."""
    day = today()
    url = _case_url_builder()
    channels = dict(Channel.choices)
    for case in cases:
        is_open = case.closed_at is None
        received = timezone.localtime(case.received_at, PARIS)
        case.received_iso = received.isoformat()
        case.received_text = received.strftime("%d/%m/%Y")
        if case.implicit_decision_on:
            case.deadline_iso = case.implicit_decision_on.isoformat()
            case.deadline_text = case.implicit_decision_on.strftime("%d/%m/%Y")
        case.channel_label = channels.get(case.channel, case.channel)
        case.status_label = catalogue.label(case.status)
        case.is_open_status = is_open
        case.countdown = countdown(case.implicit_decision_on, day, is_open)
        case.detail_url = url(case.reference)
        case.resident_label = resident_name(case)
        case.assignee_label = assignee_name(case)
    return cases


# --- Inbox -------------------------------------------------------------------------------------------

def _fetch_rows(pks):
    """The rows of a page, with what the table shows, by primary key."""
    return rows_queryset(Case.objects.filter(pk__in=pks))


def _cursor(params, name):
    value = params.get(name, "")
    return value if isinstance(value, str) and len(value) <= 60 else ""


def _render_inbox(request, params, *, assign_form=None, save_form=None, status=200):
    context = InboxContext.for_user(request.user)
    form = InboxFilterForm(params, context)
    form.is_valid()
    cases, notes = filtered_cases(context, form)
    limit = settings.BACKOFFICE_COUNT_LIMIT
    count = bounded_count(cases, limit)
    page = paginate(cases, form.sort_key, after=_cursor(params, "apres"), before=_cursor(params, "avant"),
                    size=settings.BACKOFFICE_PAGE_SIZE, fetch=_fetch_rows)
    decorate(page.rows, context.statuses)
    querystring = form.querystring()
    if assign_form is None and context.can_assign:
        assign_form = BulkAssignForm(None, context)
    selected = set()
    if assign_form is not None and assign_form.is_bound:
        selected = set(assign_form.data.getlist(assign_form.add_prefix("dossiers")))
    return render(request, "backoffice/inbox.html", {
        "context": context, "form": form, "page": page, "count": count, "count_limit": limit,
        "count_exceeded": count > limit, "notes": notes, "querystring": querystring,
        "current_querystring": _with_cursor(querystring, params),
        "saved_filters": SavedFilter.objects.filter(owner=request.user),
        "save_form": save_form or SavedFilterForm(owner=request.user, initial={"querystring": querystring}),
        "assign_form": assign_form, "selected": selected,
        "show_department": context.multi_department or form.value("service") == FILED_BY_ME or not context.departments,
        "show_assignee": has_assignee(), "export_formats": [("csv", "CSV"), ("xlsx", "Excel (XLSX)"),
                                                             ("ods", "OpenDocument (ODS)")],
        "sorted_by_deadline": form.sort == SORT_DEADLINE, "nav_current": "inbox",
    }, status=status)


def _with_cursor(querystring, params):
    """The list's query string with the cursor of the page being shown (to come back to it)."""
    extra = QueryDict(mutable=True)
    for name in ("apres", "avant"):
        if cursor := _cursor(params, name):
            extra[name] = cursor
    return "&".join(part for part in (querystring, extra.urlencode()) if part)


def _back_params(request):
    """The list's query string posted back with a form (a query string only: it cannot change the page)."""
    return QueryDict(request.POST.get("retour", "")[:2000])


def _inbox_url(params):
    query = params.urlencode() if isinstance(params, QueryDict) else params
    return f"{reverse('backoffice:inbox')}?{query}" if query else reverse("backoffice:inbox")


@agent_required
def inbox(request):
    return _render_inbox(request, request.GET)


@require_POST
@agent_required
def assign(request):
    context = InboxContext.for_user(request.user)
    if not context.can_assign:
        raise PermissionDenied
    params = _back_params(request)
    form = BulkAssignForm(request.POST, context)
    if form.is_valid():
        try:
            changed = assign_cases(form.cases, form.assignee, actor=request.user)
        except AssignmentError as error:
            form.add_error(None, _("L’attribution n’a pas été enregistrée : %(error)s") % {"error": error})
        else:
            name = form.assignee.full_name or form.assignee.email
            if changed:
                text = ngettext("%(n)s dossier attribué à %(name)s.", "%(n)s dossiers attribués à %(name)s.",
                                changed) % {"n": changed, "name": name}
            else:
                text = _("Ces dossiers étaient déjà attribués à %(name)s.") % {"name": name}
            messages.success(request, text)
            return redirect(_inbox_url(params))
    return _render_inbox(request, params, assign_form=form, status=400)


@agent_required
def export(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    context = InboxContext.for_user(request.user)
    form = InboxFilterForm(request.GET, context)
    form.is_valid()
    cases, _notes = filtered_cases(context, form)
    maximum = settings.BACKOFFICE_EXPORT_MAX_ROWS
    if bounded_count(cases, maximum) > maximum:
        messages.error(request, _("L’export est limité à %(n)s dossiers : précisez les filtres (statut, dates, "
                                  "démarche…) puis recommencez.") % {"n": f"{maximum:,}".replace(",", "\u202f")})
        return redirect(_inbox_url(form.querystring()))
    written = [0]

    def rows():
        for row in case_rows(ordered_for_export(rows_queryset(cases), form.sort_key).iterator(chunk_size=2000),
                             context.statuses):
            written[0] += 1
            yield row

    content = WRITERS[fmt](rows())
    querystring = form.querystring()
    log_access(request.user, AccessAction.EXPORT, count=written[0], request=request,
               detail=f"Export {fmt.upper()} de {written[0]} dossier(s) de la liste"
                      + (f" ({querystring})" if querystring else ""))
    return file_response(content, fmt, "dossiers")


# --- Saved filters -----------------------------------------------------------------------------------

@agent_required
def saved_filters(request):
    return render(request, "backoffice/saved_filters.html", {
        "saved_filters": SavedFilter.objects.filter(owner=request.user), "nav_current": "saved_filters",
    })


@require_POST
@agent_required
def saved_filter_create(request):
    context = InboxContext.for_user(request.user)
    filters = InboxFilterForm(QueryDict(request.POST.get("querystring", "")[:1000]), context)
    filters.is_valid()
    querystring = filters.querystring()
    data = request.POST.copy()
    data["querystring"] = querystring
    form = SavedFilterForm(data, owner=request.user)
    if form.is_valid():
        saved = save_filter(request.user, form.cleaned_data["name"], querystring)
        messages.success(request, _("Le filtre « %(name)s » est enregistré.") % {"name": saved.name})
        return redirect(saved.url)
    return _render_inbox(request, QueryDict(querystring), save_form=form, status=400)


@require_POST
@agent_required
def saved_filter_delete(request, pk):
    saved = SavedFilter.objects.filter(owner=request.user, pk=pk).first()
    if saved is None or not delete_filter(request.user, pk):
        raise Http404
    messages.success(request, _("Le filtre « %(name)s » est supprimé.") % {"name": saved.name})
    return redirect("backoffice:saved_filters")


# --- Heads of department -----------------------------------------------------------------------------

def _head_department(request):
    """(chosen department, the departments the user heads); 403 for a department they do not head."""
    head_ids = head_department_ids(request.user)
    departments = list(Department.objects.filter(pk__in=head_ids).order_by("name"))
    wanted = request.GET.get("service", "")
    if wanted:
        chosen = next((department for department in departments if str(department.pk) == wanted), None)
        if chosen is None:
            raise PermissionDenied
        return chosen, departments
    return (departments[0] if departments else None), departments


@head_required
def workload(request):
    department, departments = _head_department(request)
    if department is None:
        raise PermissionDenied
    catalogue = status_catalogue([department.pk])
    figures = department_workload(department, catalogue, with_assignee=has_assignee())
    return render(request, "backoffice/workload.html", {
        "department": department, "departments": departments, "workload": figures,
        "due_soon_days": settings.BACKOFFICE_DUE_SOON_DAYS, "nav_current": "workload",
    })


@head_required
def overdue(request):
    department, departments = _head_department(request)
    ids = [department.pk] if request.GET.get("service") else [item.pk for item in departments]
    catalogue = status_catalogue(ids)
    cases = Case.objects.filter(department_id__in=ids, closed_at__isnull=True, is_test=False,
                                implicit_decision_on__lt=today())
    limit = settings.BACKOFFICE_COUNT_LIMIT
    count = bounded_count(cases, limit)
    page = paginate(cases, SORT_KEYS[SORT_DEADLINE], after=_cursor(request.GET, "apres"),
                    before=_cursor(request.GET, "avant"), size=settings.BACKOFFICE_PAGE_SIZE, fetch=_fetch_rows)
    decorate(page.rows, catalogue)
    querystring = f"service={department.pk}" if request.GET.get("service") else ""
    return render(request, "backoffice/overdue.html", {
        "department": department if request.GET.get("service") else None, "departments": departments,
        "page": page, "count": count, "count_limit": limit, "count_exceeded": count > limit,
        "querystring": querystring, "show_department": len(ids) > 1, "show_assignee": has_assignee(),
        "nav_current": "overdue",
    })
