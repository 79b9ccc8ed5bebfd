"""The workflow editor: statuses, transitions, who may trigger them, actions with their texts."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parvis.builder import access, checks, services, workflow_ops
from parvis.builder.views.common import linked_problems, procedure_context
from parvis.builder.workflow_forms import (
    ACTION_LABELS,
    REQUIREMENT_CHOICES,
    ROLE_CHOICES,
    ActionForm,
    ActionTypeForm,
    InitialStatusForm,
    StatusForm,
    TransitionForm,
)
from parvis.workflows import describe_action
from parvis.workflows.definition import OUTCOME_LABELS
from parvis.workflows.placeholders import placeholder_help

ROLE_LABELS = dict(ROLE_CHOICES)
REQUIREMENT_LABELS = {key: label.split(" (")[0] for key, label in ((k, str(v)) for k, v in REQUIREMENT_CHOICES)}


def _workflow_url(procedure, anchor=""):
    url = reverse("builder:workflow", args=[procedure.pk])
    return f"{url}#{anchor}" if anchor else url


def _edit(request, procedure, change, success, target):
    try:
        result = services.edit_workflow(procedure, request.user, change)
    except KeyError:
        raise Http404 from None
    messages.success(request, success)
    return redirect(target(result) if callable(target) else target)


def _status_rows(workflow):
    labels = {s.get("key"): s.get("label") for s in workflow_ops.statuses(workflow)}
    rows = []
    items = workflow_ops.statuses(workflow)
    for index, status in enumerate(items):
        rows.append({
            "status": status, "key": status.get("key"), "initial": status.get("key") == workflow.get("initial"),
            "outcome": str(OUTCOME_LABELS.get(status.get("outcome"), "")) if status.get("outcome") else "",
            "actions": [describe_action(action) for action in status.get("on_enter") or [] if isinstance(action, dict)],
            "leaving": [t.get("label") for t in workflow_ops.transitions(workflow)
                        if status.get("key") in (t.get("from") or [])],
            "first": index == 0, "last": index == len(items) - 1,
        })
    transitions = []
    items = workflow_ops.transitions(workflow)
    for index, transition in enumerate(items):
        transitions.append({
            "transition": transition, "key": transition.get("key"),
            "sources": [labels.get(key, key) for key in transition.get("from") or []],
            "target": labels.get(transition.get("to"), transition.get("to")),
            "roles": [str(ROLE_LABELS.get(role, role)) for role in transition.get("roles") or []],
            "requires": [REQUIREMENT_LABELS.get(item, item) for item in transition.get("requires") or []],
            "first": index == 0, "last": index == len(items) - 1,
        })
    return rows, transitions


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def workflow_overview(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    initial_form = InitialStatusForm(request.POST if request.POST.get("action") == "initial" else None,
                                     workflow=current.workflow, initial={"initial": current.workflow.get("initial")})
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            return _edit(request, procedure, lambda workflow: workflow.clear() or workflow.update(
                workflow_ops.new_workflow()), _("Le circuit par défaut est rétabli."), _workflow_url(procedure))
        if request.POST.get("action") == "initial" and initial_form.is_valid():
            key = initial_form.cleaned_data["initial"]
            return _edit(request, procedure, lambda workflow: workflow_ops.set_initial(workflow, key),
                         _("Statut initial enregistré."), _workflow_url(procedure))
    rows, transitions = _status_rows(current.workflow)
    regime = current.settings.get("regime")
    return render(request, "builder/workflow.html", procedure_context(
        procedure, "circuit", current=current, title=_("Circuit de traitement"), statuses=rows,
        transitions=transitions, initial_form=initial_form,
        problems=linked_problems(procedure, checks.workflow_problems(current.workflow, regime=regime))))


# --- Statuses -----------------------------------------------------------------------------------------------

@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def status_add(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _edit(request, procedure, lambda workflow: workflow_ops.add_status(workflow, data),
                     _("Statut « %(label)s » ajouté.") % {"label": data["label"]},
                     lambda key: reverse("builder:status_edit", args=[procedure.pk, key]))
    return render(request, "builder/status_form.html", procedure_context(
        procedure, "circuit", title=_("Ajouter un statut"), form=form, placeholders=placeholder_help(),
        cancel_url=_workflow_url(procedure)))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def status_edit(request, pk, key):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        _index, status = workflow_ops.find_status(current.workflow, key)
    except KeyError:
        raise Http404 from None
    form = StatusForm(request.POST or None, initial={**status, "outcome": status.get("outcome") or ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _edit(request, procedure, lambda workflow: workflow_ops.update_status(workflow, key, data),
                     _("Statut « %(label)s » enregistré.") % {"label": data["label"]}, _workflow_url(procedure, key))
    actions = [{"index": index, "text": describe_action(action), "type": action.get("type"),
                "type_label": ACTION_LABELS.get(action.get("type"), action.get("type")),
                "first": index == 0, "last": index == len(status.get("on_enter") or []) - 1}
               for index, action in enumerate(status.get("on_enter") or []) if isinstance(action, dict)]
    problems = [problem for problem in checks.workflow_problems(current.workflow, current.settings.get("regime"))
                if problem.target == f"status:{key}"]
    return render(request, "builder/status_form.html", procedure_context(
        procedure, "circuit", current=current, title=_("Statut « %(label)s »") % {"label": status.get("label")},
        form=form, status=status, actions=actions, action_type_form=ActionTypeForm(), placeholders=placeholder_help(),
        problems=linked_problems(procedure, problems), cancel_url=_workflow_url(procedure, key)))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def status_delete(request, pk, key):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        _index, status = workflow_ops.find_status(current.workflow, key)
    except KeyError:
        raise Http404 from None
    if request.method == "POST":
        return _edit(request, procedure, lambda workflow: workflow_ops.delete_status(workflow, key),
                     _("Statut « %(label)s » supprimé.") % {"label": status.get("label")}, _workflow_url(procedure))
    effects = workflow_ops.status_removal_effects(current.workflow, key)
    return render(request, "builder/status_delete.html", procedure_context(
        procedure, "circuit", current=current,
        title=_("Supprimer le statut « %(label)s »") % {"label": status.get("label")},
        status=status, deleted=[t.get("label") for t in effects["deleted"]],
        shortened=[t.get("label") for t in effects["shortened"]],
        initial=current.workflow.get("initial") == key, cancel_url=_workflow_url(procedure, key)))


# --- Transitions ------------------------------------------------------------------------------------------

@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def transition_add(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    form = TransitionForm(request.POST or None, workflow=current.workflow, initial={"roles": ["case_officer", "head"]})
    if request.method == "POST" and form.is_valid():
        values = form.values()
        return _edit(request, procedure, lambda workflow: workflow_ops.add_transition(workflow, values),
                     _("Transition « %(label)s » ajoutée.") % {"label": values["label"]},
                     lambda key: _workflow_url(procedure, f"transition-{key}"))
    return render(request, "builder/transition_form.html", procedure_context(
        procedure, "circuit", current=current, title=_("Ajouter une transition"), form=form,
        cancel_url=_workflow_url(procedure)))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def transition_edit(request, pk, key):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        _index, transition = workflow_ops.find_transition(current.workflow, key)
    except KeyError:
        raise Http404 from None
    form = TransitionForm(request.POST or None, workflow=current.workflow, initial={
        "label": transition.get("label"), "sources": transition.get("from"), "to": transition.get("to"),
        "roles": transition.get("roles"), "system": transition.get("system"), "requires": transition.get("requires")})
    if request.method == "POST" and form.is_valid():
        values = form.values()
        return _edit(request, procedure, lambda workflow: workflow_ops.update_transition(workflow, key, values),
                     _("Transition « %(label)s » enregistrée.") % {"label": values["label"]},
                     _workflow_url(procedure, f"transition-{key}"))
    problems = [problem for problem in checks.workflow_problems(current.workflow, current.settings.get("regime"))
                if problem.target == f"transition:{key}"]
    return render(request, "builder/transition_form.html", procedure_context(
        procedure, "circuit", current=current, title=_("Transition « %(label)s »") % {"label": transition.get("label")},
        form=form, transition=transition, problems=linked_problems(procedure, problems),
        cancel_url=_workflow_url(procedure, f"transition-{key}")))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def transition_delete(request, pk, key):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        _index, transition = workflow_ops.find_transition(current.workflow, key)
    except KeyError:
        raise Http404 from None
    if request.method == "POST":
        return _edit(request, procedure, lambda workflow: workflow_ops.delete_transition(workflow, key),
                     _("Transition « %(label)s » supprimée.") % {"label": transition.get("label")},
                     _workflow_url(procedure))
    return render(request, "builder/confirm_delete.html", procedure_context(
        procedure, "circuit", current=current,
        title=_("Supprimer la transition « %(label)s »") % {"label": transition.get("label")},
        warning=_("Les agents n'auront plus ce bouton. Le circuit est vérifié ensuite : un statut qui ne serait plus "
                  "atteint, ou dont on ne pourrait plus sortir, vous est signalé."),
        cancel_url=_workflow_url(procedure, f"transition-{key}")))


# --- Actions --------------------------------------------------------------------------------------------------

def _action_page(request, procedure, current, key, status, form, title, index=None):
    return render(request, "builder/action_form.html", procedure_context(
        procedure, "circuit", current=current, title=title, form=form, status=status, index=index,
        action_type=form.action_type, action_label=ACTION_LABELS.get(form.action_type),
        placeholders=placeholder_help(),
        cancel_url=reverse("builder:status_edit", args=[procedure.pk, key])),
        status=400 if form.errors else 200)


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def action_add(request, pk, key):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        _index, status = workflow_ops.find_status(current.workflow, key)
    except KeyError:
        raise Http404 from None
    action_type = request.POST.get("type") or request.GET.get("type")
    if action_type not in ACTION_LABELS:
        raise Http404
    bound = request.method == "POST" and "save" in request.POST
    form = ActionForm(request.POST if bound else None, action_type=action_type, workflow=current.workflow,
                      status_key=key, initial={"visible_to_resident": True, "then": "remind"})
    status_url = reverse("builder:status_edit", args=[procedure.pk, key])
    if action_type == "request_pieces" and request.method == "POST" or bound and form.is_valid():
        action = form.to_action() if action_type != "request_pieces" else {"type": "request_pieces"}
        return _edit(request, procedure, lambda workflow: workflow_ops.add_action(workflow, key, action),
                     _("Action ajoutée : %(text)s.") % {"text": describe_action(action)}, status_url)
    return _action_page(request, procedure, current, key, status, form,
                        _("%(action)s — statut « %(label)s »") % {"action": ACTION_LABELS[action_type],
                                                                  "label": status.get("label")})


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk, key, index):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        _position, status = workflow_ops.find_status(current.workflow, key)
        action = workflow_ops.find_action(current.workflow, key, index)
    except KeyError:
        raise Http404 from None
    if action.get("type") not in ACTION_LABELS:
        raise Http404
    form = ActionForm(request.POST or None, action_type=action["type"], workflow=current.workflow, status_key=key,
                      initial=ActionForm.initial_from(action))
    status_url = reverse("builder:status_edit", args=[procedure.pk, key])
    if request.method == "POST" and form.is_valid():
        new = form.to_action()
        return _edit(request, procedure, lambda workflow: workflow_ops.update_action(workflow, key, index, new),
                     _("Action enregistrée : %(text)s.") % {"text": describe_action(new)}, status_url)
    return _action_page(request, procedure, current, key, status, form,
                        _("%(action)s — statut « %(label)s »") % {"action": ACTION_LABELS[action["type"]],
                                                                  "label": status.get("label")}, index=index)


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def action_delete(request, pk, key, index):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        action = workflow_ops.find_action(current.workflow, key, index)
    except KeyError:
        raise Http404 from None
    status_url = reverse("builder:status_edit", args=[procedure.pk, key])
    if request.method == "POST":
        return _edit(request, procedure, lambda workflow: workflow_ops.delete_action(workflow, key, index),
                     _("Action supprimée."), status_url)
    return render(request, "builder/confirm_delete.html", procedure_context(
        procedure, "circuit", current=current, title=_("Supprimer l'action « %(text)s »") % {
            "text": describe_action(action)}, warning="", cancel_url=status_url))


@access.procedure_admin_required
@require_POST
def workflow_move(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    kind, key, direction = request.POST.get("kind"), request.POST.get("key"), request.POST.get("direction")
    if direction not in (workflow_ops.UP, workflow_ops.DOWN) or not key:
        raise Http404
    if kind == "status":
        change, target = (lambda workflow: workflow_ops.move_status(workflow, key, direction)), _workflow_url(
            procedure, key)
    elif kind == "transition":
        change, target = (lambda workflow: workflow_ops.move_transition(workflow, key, direction)), _workflow_url(
            procedure, f"transition-{key}")
    elif kind == "action":
        try:
            index = int(request.POST.get("index", ""))
        except ValueError:
            raise Http404 from None
        change = lambda workflow: workflow_ops.move_action(workflow, key, index, direction)  # noqa: E731
        target = reverse("builder:status_edit", args=[procedure.pk, key])
    else:
        raise Http404
    return _edit(request, procedure, change, _("Ordre enregistré."), target)
