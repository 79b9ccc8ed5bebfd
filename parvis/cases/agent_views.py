"""The agent's case page (`casework:detail`, /agents/dossiers/<reference>/) and every action on a case.

Every view reads the case through `parvis.backoffice.access.get_case_for_agent`: the read is written to the
access log; another department's case, or any case for a resident, a procedure administrator or a DPO
without a handling role, answers 404 and the denial is logged. Actions are POST only (CSRF), call the
services of `parvis.cases.handling` and come back to the page: after success with a message (redirect), after
an error with the page and the form's errors (400), after a concurrent change with the fresh state and a
clear message (409), when not allowed with the reason (403 / 409).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from parvis.backoffice.access import get_case_for_agent
from parvis.cases.agent_forms import AgentMessageForm, AssignForm, NoteForm, ReasonsAnswerForm, TransitionForm
from parvis.cases.answers import fallback_groups, formengine_pages
from parvis.cases.handling import (
    ActionNotAllowed,
    InvalidTransitionInput,
    StaleCase,
    TransitionNotAllowed,
    apply_transition,
    assign_case,
    assignable_agents,
    available_transitions,
    can_assign,
)
from parvis.cases.implicit import ReasonsNotAvailable, answer_reasons_request
from parvis.cases.legal import period_in_words
from parvis.cases.models import CaseDocument, DeliveryStatus, ReasonsRequest
from parvis.cases.queries import (
    DEADLINE_ROLES,
    deadline_department_ids,
    due_soon_cases,
    open_reasons_requests,
    overdue_cases,
    recent_implicit_decisions,
)
from parvis.cases.services import add_internal_note, send_agent_message
from parvis.cases.status import agent_status_label, workflow_of
from parvis.files.downloads import file_response
from parvis.files.services import store_upload
from parvis.organisation.access import roles_of
from parvis.privacy.models import AccessAction
from parvis.privacy.services import log_access
from parvis.procedures.models import Regime


def _reverse_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _case(request, reference):
    return get_case_for_agent(request.user, reference, request=request)


def _detail_url(case):
    return reverse("casework:detail", args=[case.reference])


# --- The page -----------------------------------------------------------------------------------------------

def countdown(day, today):
    """The implicit-decision date in words, relative to today."""
    if day is None:
        return ""
    days = (day - today).days
    if days > 1:
        return _("dans %(n)s jours") % {"n": days}
    if days == 1:
        return _("demain")
    if days == 0:
        return _("aujourd'hui (la décision naît ce soir à minuit)")
    if days == -1:
        return _("dépassée depuis hier")
    return _("dépassée depuis %(n)s jours") % {"n": -days}


def _thread(case):
    """Messages and internal notes, in one chronological list of (kind, item)."""
    documents = Prefetch("documents", queryset=CaseDocument.objects.select_related("stored_file"))
    items = [("message", message) for message in case.messages.select_related("author").prefetch_related(documents)]
    items += [("note", note) for note in case.notes.select_related("author")]
    return sorted(items, key=lambda pair: (pair[1].created_at, pair[0] == "note", pair[1].pk))


def _page_context(request, case, forms, notice, kept):
    user = request.user
    today = timezone.localdate()
    workflow = workflow_of(case)
    transitions = available_transitions(case, user)
    transition_forms = []
    for transition in transitions:
        form = forms.get(transition.key)
        if form is None:
            typed = {name: value for name, value in ((kept or {}).get(transition.key) or {}).items()
                     if value not in (None, "")}
            form = TransitionForm(transition, initial={"version": case.version, **typed}, today=today)
        target = workflow.status(transition.to)
        transition_forms.append({"transition": transition, "form": form, "final": target.final,
                                 "target": target.label})
    documents = list(case.documents.select_related("stored_file", "added_by"))
    attachments = {str(document.stored_file_id): document for document in documents
                   if document.kind == "attachment"}

    def file_url(ref):
        document = attachments.get(str(ref.get("file_id")))
        return reverse("casework:document", args=[case.reference, document.pk]) if document else None

    answer_pages = formengine_pages(case, file_url=file_url)
    pieces_requests = list(case.pieces_requests.select_related("requested_by"))
    reasons_request = ReasonsRequest.objects.filter(case=case).select_related("answered_by", "letter").first()
    decisions = list(case.decisions.select_related("decided_by", "letter"))
    assigning = can_assign(user, case)
    return {
        "case": case,
        "status_label": agent_status_label(case),
        "resident_status_label": _resident_label(case),
        "is_final": case.closed_at is not None,
        "regime_label": Regime(case.regime).label if case.regime in Regime.values else case.regime,
        "period_words": period_in_words(case.period_value, case.period_unit),
        "countdown": countdown(case.implicit_decision_on, today) if case.closed_at is None else "",
        "overdue": bool(case.closed_at is None and case.implicit_decision_on and case.implicit_decision_on < today),
        "pending_pieces": any(request.is_pending for request in pieces_requests),
        "transition_forms": transition_forms,
        "assign_form": (forms.get("assign") or AssignForm(assignable_agents(case),
                                                          initial={"version": case.version,
                                                                   "assignee": case.assignee_id})
                        ) if assigning else None,
        "message_form": forms.get("message") or AgentMessageForm(),
        "note_form": forms.get("note") or NoteForm(),
        "reasons_request": reasons_request,
        "reasons_form": (forms.get("reasons") or ReasonsAnswerForm()) if reasons_request and reasons_request.is_open
        else None,
        "events": case.events.select_related("actor").order_by("at", "pk"),
        "documents": documents,
        "pieces_requests": pieces_requests,
        "decisions": decisions,
        "implicitly_decided": any(decision.implicit for decision in decisions),
        "thread": _thread(case),
        "answer_pages": answer_pages,
        "answers": fallback_groups(case) if answer_pages is None else None,
        "failed_deliveries": list(case.email_deliveries.filter(status=DeliveryStatus.FAILED)
                                  .only("to", "subject", "attempts", "last_error", "next_attempt_at", "created_at")),
        "notice": notice,
        "inbox_url": _reverse_or_none("backoffice:inbox"),
        "deadlines_url": reverse("casework:deadlines")
        if any(role in DEADLINE_ROLES for _department, role in roles_of(user)) else None,
    }


def _resident_label(case):
    from parvis.cases.status import status_label

    return status_label(case)


def _render(request, case, *, forms=None, notice=None, status=200, kept=None):
    context = _page_context(request, case, forms or {}, notice, kept)
    response = render(request, "cases/agent/detail.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@never_cache
def detail(request, reference):
    return _render(request, _case(request, reference))


def _stale(request, reference, kept=None):
    """Someone changed the case meanwhile: the fresh case (read again, and logged), a clear message, and
    what the agent typed kept in the form when the action is still possible."""
    fresh = _case(request, reference)
    return _render(request, fresh, status=409, kept=kept, notice=str(StaleCase()))


# --- Actions ------------------------------------------------------------------------------------------------

@login_required
@require_POST
def transition(request, reference, key):
    case = _case(request, reference)
    try:
        transition_ = workflow_of(case).transition(key)
    except KeyError:
        raise Http404("Action inconnue") from None
    form = TransitionForm(transition_, request.POST)
    if not form.is_valid():
        if "version" in form.errors:
            return _stale(request, reference)
        return _render(request, case, forms={key: form}, status=400)
    data = form.cleaned_data
    try:
        case = apply_transition(case, key, actor=request.user, expected_version=data["version"],
                                motivation=data.get("motivation", ""), pieces=data.get("pieces", ""),
                                deadline=data.get("deadline"), comment=data.get("comment", ""))
    except StaleCase:
        kept = {name: value for name, value in data.items() if name != "version"}
        return _stale(request, reference, kept={key: kept})
    except TransitionNotAllowed as error:
        return _render(request, _case(request, reference), notice=str(error),
                       status=403 if error.reason == "role" else 409)
    except InvalidTransitionInput as error:
        for field, field_errors in error.errors.items():
            form.add_error(field if field in form.fields else None, field_errors)
        return _render(request, case, forms={key: form}, status=400)
    messages.success(request, _("« %(action)s » : c'est fait. Le dossier est maintenant « %(status)s ».")
                     % {"action": transition_.label, "status": agent_status_label(case)})
    return redirect(_detail_url(case))


@login_required
@require_POST
def assign(request, reference):
    case = _case(request, reference)
    if not can_assign(request.user, case):
        return _render(request, case, status=403,
                       notice=_("Seuls les instructeurs et chefs du service peuvent affecter ce dossier."))
    form = AssignForm(assignable_agents(case), request.POST)
    if not form.is_valid():
        if "version" in form.errors:
            return _stale(request, reference)
        return _render(request, case, forms={"assign": form}, status=400)
    assignee = form.cleaned_data["assignee"]
    try:
        case = assign_case(case, assignee, actor=request.user, expected_version=form.cleaned_data["version"])
    except StaleCase:
        return _stale(request, reference)
    except InvalidTransitionInput as error:
        form.add_error("assignee", error.errors.get("assignee", [str(error)]))
        return _render(request, case, forms={"assign": form}, status=400)
    except ActionNotAllowed as error:
        return _render(request, case, status=403, notice=str(error))
    if assignee is None:
        messages.success(request, _("Le dossier n'est plus affecté à personne."))
    else:
        messages.success(request, _("Dossier affecté à %(name)s.") % {"name": assignee.full_name or assignee.email})
    return redirect(_detail_url(case))


@login_required
@require_POST
def message(request, reference):
    case = _case(request, reference)
    form = AgentMessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, case, forms={"message": form}, status=400)
    stored = None
    uploaded = form.cleaned_data.get("document")
    if uploaded:
        uploaded.name = form.document_name
        stored = store_upload(uploaded, form.document_type, uploaded_by=request.user)
    send_agent_message(case, body=form.cleaned_data.get("body", ""), author=request.user, stored_file=stored)
    messages.success(request, _("Message envoyé à l'usager, qui en est averti par courriel."))
    return redirect(_detail_url(case) + "#echanges")


@login_required
@require_POST
def note(request, reference):
    case = _case(request, reference)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render(request, case, forms={"note": form}, status=400)
    add_internal_note(case, body=form.cleaned_data["body"], author=request.user)
    messages.success(request, _("Note interne ajoutée."))
    return redirect(_detail_url(case) + "#echanges")


@login_required
@require_POST
def answer_reasons(request, reference):
    case = _case(request, reference)
    reasons_request = ReasonsRequest.objects.filter(case=case).first()
    if reasons_request is None:
        raise Http404("Aucune demande de motifs")
    form = ReasonsAnswerForm(request.POST)
    if not form.is_valid():
        return _render(request, case, forms={"reasons": form}, status=400)
    try:
        answer_reasons_request(reasons_request, actor=request.user, reasons=form.cleaned_data["reasons"])
    except ReasonsNotAvailable as error:
        return _render(request, case, status=409, notice=str(error))
    except ActionNotAllowed as error:
        return _render(request, case, status=403, notice=str(error))
    messages.success(request, _("Les motifs ont été communiqués à l'usager par courrier."))
    return redirect(_detail_url(case))


@login_required
def document(request, reference, document_id):
    case = get_case_for_agent(request.user, reference, request=request, log=False)
    try:
        document_ = case.documents.select_related("stored_file").get(pk=document_id)
    except (ValueError, TypeError, case.documents.model.DoesNotExist):
        raise Http404 from None
    log_access(request.user, AccessAction.DOWNLOAD, case=case, detail=document_.label[:300], request=request)
    return file_response(document_.stored_file, inline=document_.stored_file.content_type == "application/pdf")


# --- Heads: deadlines -----------------------------------------------------------------------------------------

@login_required
@never_cache
def deadlines(request):
    """Overdue cases, cases due soon, implicit decisions and requests for reasons of the agent's departments."""
    department_ids = deadline_department_ids(request.user)
    if not department_ids:
        raise PermissionDenied
    today = timezone.localdate()
    overdue = list(overdue_cases(department_ids, today)[:200])
    due_soon = list(due_soon_cases(department_ids, today)[:200])
    for case in overdue + due_soon:
        case.countdown = countdown(case.implicit_decision_on, today)
        case.agent_label = agent_status_label(case)
    reasons = list(open_reasons_requests(department_ids))
    for item in reasons:
        item.days_left = (item.due_on - today).days
    return render(request, "cases/agent/deadlines.html", {
        "overdue": overdue,
        "due_soon": due_soon,
        "implicit_decisions": list(recent_implicit_decisions(department_ids)[:100]),
        "reasons_requests": reasons,
        "today": today,
    })
