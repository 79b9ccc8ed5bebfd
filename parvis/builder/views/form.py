"""The form editor: pages, sections and fields (add, edit, reorder, remove) and display conditions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from parvis.builder import access, checks, schema_ops, services
from parvis.builder.field_forms import (
    ConditionClauseForm,
    ConditionFieldForm,
    FieldEditForm,
    FieldTypeForm,
    NewPageForm,
    PageEditForm,
    SectionEditForm,
)
from parvis.builder.presentation import FIELD_TYPE_LABELS, PREFILL_LABELS, clauses, combine, describe_condition
from parvis.builder.views.common import linked_problems, procedure_context
from parvis.formengine.schema import FIELD_TYPES

KINDS = {"page": "page", "partie": "section", "champ": "field"}
KIND_SLUGS = {value: key for key, value in KINDS.items()}
KIND_NAMES = {"page": gettext_lazy("la page"), "section": gettext_lazy("la partie"), "field": gettext_lazy("le champ")}
KIND_OF = {"page": gettext_lazy("de la page"), "section": gettext_lazy("de la partie"),
           "field": gettext_lazy("du champ")}


def _form_url(procedure, anchor=""):
    url = reverse("builder:form", args=[procedure.pk])
    return f"{url}#element-{anchor}" if anchor else url


def _structure(schema):
    """The form as the editor lists it: pages → sections → fields, with their conditions in words and the
    first/last flags the move buttons need."""
    all_sections = [section for page in schema_ops.pages(schema) for section in page.get("sections") or []]
    all_fields = [field for section in all_sections for field in section.get("fields") or []]
    result = []
    page_list = schema_ops.pages(schema)
    for page_index, page in enumerate(page_list):
        sections = []
        for section in page.get("sections") or []:
            fields = []
            for field in section.get("fields") or []:
                fields.append({
                    "field": field, "key": field.get("key"),
                    "type_label": FIELD_TYPE_LABELS.get(field.get("type"), field.get("type")),
                    "condition": describe_condition(schema, field["condition"]) if field.get("condition") else "",
                    "prefill": PREFILL_LABELS.get(field.get("prefill"), "") if field.get("prefill") else "",
                    "first": field is all_fields[0], "last": field is all_fields[-1],
                })
            sections.append({
                "section": section, "key": section.get("key"), "fields": fields,
                "condition": describe_condition(schema, section["condition"]) if section.get("condition") else "",
                "first": section is all_sections[0], "last": section is all_sections[-1],
            })
        result.append({
            "page": page, "key": page.get("key"), "number": page_index + 1, "sections": sections,
            "condition": describe_condition(schema, page["condition"]) if page.get("condition") else "",
            "first": page_index == 0, "last": page_index == len(page_list) - 1,
        })
    return result


@access.procedure_admin_required
def form_overview(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    return render(request, "builder/form.html", procedure_context(
        procedure, "formulaire", current=current, title=_("Formulaire"),
        structure=_structure(current.schema),
        type_choices=[(name, FIELD_TYPE_LABELS[name]) for name in FIELD_TYPES],
        problems=linked_problems(procedure, checks.form_problems(current.schema))))


def _edit(request, procedure, change, success, anchor=""):
    try:
        result = services.edit_form(procedure, request.user, change)
    except KeyError:
        raise Http404 from None
    messages.success(request, success)
    return redirect(_form_url(procedure, anchor if isinstance(anchor, str) else anchor(result)))


# --- Pages and sections ------------------------------------------------------------------------------------

@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def page_add(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    form = NewPageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _edit(request, procedure, lambda schema: schema_ops.add_page(
            schema, title=data["title"], help_text=data["help"], section_title=data["section_title"]),
            _("Page « %(title)s » ajoutée.") % {"title": data["title"]}, anchor=lambda key: key)
    return render(request, "builder/element_form.html", procedure_context(
        procedure, "formulaire", title=_("Ajouter une page"), form=form, cancel_url=_form_url(procedure)))


def _element_page(request, pk, kind, key, form_class, finder, updater, title_text):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        item = finder(current.schema, key)
    except KeyError:
        raise Http404 from None
    form = form_class(request.POST or None, initial={"title": item.get("title"), "help": item.get("help", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _edit(request, procedure, lambda schema: updater(schema, key, title=data["title"],
                                                                 help_text=data["help"]),
                     _("Modifications enregistrées."), anchor=key)
    return render(request, "builder/element_form.html", procedure_context(
        procedure, "formulaire", current=current, title=title_text % {"title": item.get("title")}, form=form,
        cancel_url=_form_url(procedure, key), element=item, kind=kind, kind_slug=KIND_SLUGS[kind],
        condition=describe_condition(current.schema, item["condition"]) if item.get("condition") else ""))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def page_edit(request, pk, key):
    return _element_page(request, pk, "page", key, PageEditForm, lambda schema, k: schema_ops.find_page(schema, k)[1],
                         schema_ops.update_page, _("Page « %(title)s »"))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def section_add(request, pk, key):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        _index, page = schema_ops.find_page(current.schema, key)
    except KeyError:
        raise Http404 from None
    form = SectionEditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _edit(request, procedure, lambda schema: schema_ops.add_section(
            schema, key, title=data["title"], help_text=data["help"]),
            _("Partie « %(title)s » ajoutée.") % {"title": data["title"]}, anchor=lambda section_key: section_key)
    return render(request, "builder/element_form.html", procedure_context(
        procedure, "formulaire", current=current,
        title=_("Ajouter une partie à la page « %(title)s »") % {"title": page.get("title")}, form=form,
        cancel_url=_form_url(procedure, key)))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def section_edit(request, pk, key):
    return _element_page(request, pk, "section", key, SectionEditForm,
                         lambda schema, k: schema_ops.find_section(schema, k)[2], schema_ops.update_section,
                         _("Partie « %(title)s »"))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def element_delete(request, pk, kind, key):
    kind = KINDS.get(kind)
    if kind is None:
        raise Http404
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        item = schema_ops.find(current.schema, kind, key)
    except KeyError:
        raise Http404 from None
    contained = []
    if kind == "page":
        contained = [f for s in item.get("sections") or [] for f in s.get("fields") or []]
    elif kind == "section":
        contained = list(item.get("fields") or [])
    elif kind == "field":
        contained = [item]
    removed_keys = {f.get("key") for f in contained}
    users = []
    for field_key in removed_keys:
        users += [(other_kind, other) for other_kind, other in schema_ops.references_to(current.schema, field_key)
                  if other.get("key") not in removed_keys]
    if request.method == "POST":
        deleter = {"page": schema_ops.delete_page, "section": schema_ops.delete_section,
                   "field": schema_ops.delete_field}[kind]
        title = item.get("label") or item.get("title")
        text = _("%(what)s « %(title)s » supprimé(e).") % {"what": str(KIND_NAMES[kind]).capitalize(), "title": title}
        if users:
            text += " " + _("Attention : des conditions utilisaient ses réponses ; corrigez-les (voir les problèmes "
                            "signalés).")
        return _edit(request, procedure, lambda schema: deleter(schema, key), text)
    return render(request, "builder/element_delete.html", procedure_context(
        procedure, "formulaire", current=current,
        title=_("Supprimer %(what)s « %(title)s »") % {"what": KIND_NAMES[kind],
                                                         "title": item.get("label") or item.get("title")},
        item=item, kind=kind, contained=contained if kind != "field" else [],
        users=[{"kind": KIND_NAMES[k], "title": other.get("label") or other.get("title")} for k, other in users],
        cancel_url=_form_url(procedure, key)))


@access.procedure_admin_required
@require_POST
def move(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    kind, key, direction = KINDS.get(request.POST.get("kind")), request.POST.get("key"), request.POST.get("direction")
    if kind is None or direction not in (schema_ops.UP, schema_ops.DOWN) or not key:
        raise Http404
    mover = {"page": schema_ops.move_page, "section": schema_ops.move_section, "field": schema_ops.move_field}[kind]
    try:
        moved = services.edit_form(procedure, request.user, lambda schema: mover(schema, key, direction))
    except KeyError:
        raise Http404 from None
    if moved:
        messages.success(request, _("Déplacé vers le haut.") if direction == schema_ops.UP else
                         _("Déplacé vers le bas."))
    return redirect(_form_url(procedure, key))


# --- Fields ---------------------------------------------------------------------------------------------------

@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def field_add(request, pk, key):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        page, _index, section = schema_ops.find_section(current.schema, key)
    except KeyError:
        raise Http404 from None
    field_type = request.POST.get("type") or request.GET.get("type")
    context = procedure_context(procedure, "formulaire", current=current,
                                title=_("Ajouter un champ à la partie « %(title)s »") % {"title": section.get("title")},
                                cancel_url=_form_url(procedure, key), section_item=section, page_item=page)
    if field_type not in FIELD_TYPES:
        type_form = FieldTypeForm(request.GET if "type" in request.GET else None)
        return render(request, "builder/field_type.html", {**context, "form": type_form})
    form = FieldEditForm(request.POST if "label" in request.POST else None, field_type=field_type,
                         schema=current.schema, auto_id="reglage_%s")
    if "label" in request.POST and form.is_valid():
        new_field = form.to_field()
        return _edit(request, procedure, lambda schema: schema_ops.add_field(schema, key, _rekeyed(schema, new_field)),
                     _("Champ « %(label)s » ajouté.") % {"label": new_field["label"]}, anchor=lambda k: k)
    return render(request, "builder/field_form.html", {
        **context, "form": form, "field_type": field_type, "type_label": FIELD_TYPE_LABELS[field_type],
        "creating": True, "preview": None})


def _rekeyed(schema, field):
    """The field with a key still free in the schema as it is now (another administrator may have taken it)."""
    if field["key"] in schema_ops.keys(schema)["field"]:
        field = {**field, "key": schema_ops.new_field_key(schema, field["label"])}
    return field


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def field_edit(request, pk, key):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        page, section, _index, field = schema_ops.find_field(current.schema, key)
    except KeyError:
        raise Http404 from None
    form = FieldEditForm(request.POST or None, field_type=field.get("type"), schema=current.schema, existing=field,
                         auto_id="reglage_%s")
    if request.method == "POST" and form.is_valid():
        new_field = form.to_field()
        return _edit(request, procedure, lambda schema: schema_ops.replace_field(schema, key, new_field),
                     _("Champ « %(label)s » enregistré.") % {"label": new_field["label"]}, anchor=new_field["key"])
    return render(request, "builder/field_form.html", procedure_context(
        procedure, "formulaire", current=current, title=_("Champ « %(label)s »") % {"label": field.get("label")},
        form=form, field_type=field.get("type"), type_label=FIELD_TYPE_LABELS.get(field.get("type")), element=field,
        cancel_url=_form_url(procedure, key), page_item=page, section_item=section, kind="field", kind_slug="champ",
        condition=describe_condition(current.schema, field["condition"]) if field.get("condition") else "",
        preview=_field_preview(current.schema, field)))


@access.procedure_admin_required
@require_POST
def field_preview(request, pk):
    """The field being edited, as residents will see it, from the unsaved form (live preview, see preview.js)."""
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    field_type = request.POST.get("type")
    if field_type not in FIELD_TYPES:
        raise Http404
    existing = None
    if request.POST.get("existing"):
        try:
            existing = schema_ops.find_field(current.schema, request.POST["existing"])[3]
        except KeyError:
            existing = None
    form = FieldEditForm(request.POST, field_type=field_type, schema=current.schema, existing=existing,
                         auto_id="reglage_%s")
    preview = _field_preview(current.schema, form.to_field()) if form.is_valid() else None
    return render(request, "builder/_field_preview.html", {"preview": preview})


def _field_preview(schema, field):
    """The field as residents will see it (a one-field form rendered by the form engine), or None."""
    from parvis.formengine import FormDefinition, SchemaError

    single = {"version": 1, "pages": [{"key": "apercu", "title": "Aperçu", "sections": [
        {"key": "apercu_partie", "title": "Aperçu", "fields": [{k: v for k, v in field.items() if k != "condition"}]},
    ]}]}
    try:
        return FormDefinition(single).page_form("apercu", {})
    except (SchemaError, KeyError, ValueError):
        return None


# --- Conditions -------------------------------------------------------------------------------------------------

@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def condition(request, pk, kind, key):
    kind_name = KINDS.get(kind)
    if kind_name is None:
        raise Http404
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    try:
        item = schema_ops.find(current.schema, kind_name, key)
    except KeyError:
        raise Http404 from None
    existing = item.get("condition")
    editable = clauses(existing)
    candidates = schema_ops.fields_before(current.schema, kind_name, key)
    chosen_key = request.POST.get("champ") or request.GET.get("champ")
    chosen = next((field for _page, field in candidates if field.get("key") == chosen_key), None)
    clause_form = ConditionClauseForm(request.POST if request.POST.get("action") == "add" else None,
                                      field=chosen) if chosen else None
    here = reverse("builder:condition", args=[procedure.pk, kind, key])

    if request.method == "POST":
        action = request.POST.get("action")
        combinator, items = editable if editable is not None else ("all", [])
        if action == "clear":
            new = None
        elif action == "remove" and editable is not None:
            try:
                del items[int(request.POST.get("index", ""))]
            except (ValueError, IndexError):
                raise Http404 from None
            new = combine(combinator, items)
        elif action == "combine" and editable is not None and request.POST.get("combinator") in ("all", "any"):
            new = combine(request.POST["combinator"], items)
        elif action == "add" and clause_form is not None and editable is not None:
            if not clause_form.is_valid():
                return _condition_page(request, procedure, current, kind, key, item, editable, candidates, chosen,
                                       clause_form, status=400)
            new = combine(combinator, items + [clause_form.cleaned_data["condition"]])
        else:
            raise Http404
        services.edit_form(procedure, request.user,
                           lambda schema: schema_ops.set_condition(schema, kind_name, key, new))
        messages.success(request, _("Condition enregistrée.") if new else _("Condition retirée : l'élément est "
                                                                             "toujours affiché."))
        return redirect(here)
    return _condition_page(request, procedure, current, kind, key, item, editable, candidates, chosen, clause_form)


def _condition_page(request, procedure, current, kind, key, item, editable, candidates, chosen, clause_form,
                    status=200):
    kind_name = KINDS[kind]
    field_form = ConditionFieldForm(initial={"champ": chosen.get("key") if chosen else None}, candidates=candidates)
    combinator, items = editable if editable is not None else ("all", [])
    return render(request, "builder/condition.html", procedure_context(
        procedure, "formulaire", current=current,
        title=_("Condition d'affichage %(of_what)s « %(title)s »") % {
            "of_what": KIND_OF[kind_name], "title": item.get("label") or item.get("title")},
        item=item, kind=kind, key=key, editable=editable is not None, combinator=combinator,
        clauses=[describe_condition(current.schema, clause) for clause in items],
        whole=describe_condition(current.schema, item["condition"]) if item.get("condition") else "",
        candidates=candidates, field_form=field_form, chosen=chosen, clause_form=clause_form,
        cancel_url=_form_url(procedure, key)), status=status)
