"""Procedure-level pages: list, creation, overview, settings, publication, closure, export and import,
the library of ready-made procedures."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parvis import library
from parvis.builder import access, diff, exchange, services
from parvis.builder.forms import (
    AccessForm,
    CloseForm,
    CreateProcedureForm,
    ImportForm,
    InformationForm,
    InstallForm,
    LegalForm,
    PrivacyForm,
    PublishForm,
)
from parvis.builder.models import ProcedureDraft, PublicationEvent
from parvis.builder.schema_ops import field_count, pages
from parvis.builder.views.common import linked_problems, procedure_context, status_label
from parvis.builder.workflow_ops import statuses, transitions
from parvis.procedures.models import ProcedureStatus


def _crumbs(*items):
    return [(_("Espace agents"), reverse("organisation:home")), *items]


@access.procedure_admin_required
def procedure_list(request):
    procedures = list(access.procedures_for_admin(request.user).select_related("department", "category")
                      .order_by("department__name", "title"))
    drafts = {draft.procedure_id: draft for draft in ProcedureDraft.objects.filter(procedure__in=procedures)}
    rows = [{"procedure": procedure, "draft": drafts.get(procedure.pk), "status": status_label(procedure),
             "title": (drafts[procedure.pk].settings.get("title") if procedure.pk in drafts else None)
             or procedure.title}
            for procedure in procedures]
    return render(request, "builder/list.html", {
        "rows": rows, "breadcrumbs": _crumbs((_("Démarches"), None)),
    })


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def create(request):
    departments = access.admin_departments(request.user).filter(is_active=True)
    form = CreateProcedureForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        procedure = services.create_procedure(user=request.user, **form.cleaned_data)
        messages.success(request, _("La démarche « %(title)s » est créée. Complétez ses informations, son formulaire "
                                    "et ses réglages, puis testez-la et publiez-la.") % {"title": procedure.title})
        return redirect("builder:overview", procedure.pk)
    return render(request, "builder/create.html", {
        "form": form,
        "breadcrumbs": _crumbs((_("Démarches"), reverse("builder:list")), (_("Créer une démarche"), None)),
    })


@access.procedure_admin_required
def overview(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    problems = services.problems(procedure)
    return render(request, "builder/overview.html", procedure_context(
        procedure, "overview", current=current,
        problems=linked_problems(procedure, problems),
        page_count=len(pages(current.schema)), field_count=field_count(current.schema),
        status_count=len(statuses(current.workflow)), transition_count=len(transitions(current.workflow)),
        test_case_count=services.cases_filed_in_test(procedure).count(),
        events=PublicationEvent.objects.filter(procedure=procedure).select_related("actor", "revision")[:10],
        closure=getattr(procedure, "closure", None) if procedure.status == ProcedureStatus.CLOSED else None,
    ))


def _settings_page(request, pk, form_class, section, title, intro):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    form = form_class(request.POST or None, settings=current.settings, procedure=procedure, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.edit_settings(procedure, request.user, form.to_settings())
        messages.success(request, _("Enregistré dans le brouillon. La version en ligne ne change qu'à la "
                                    "publication."))
        return redirect(request.path)
    return render(request, "builder/settings_form.html", procedure_context(
        procedure, section, current=current, title=title, form=form, intro=intro))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def information(request, pk):
    return _settings_page(request, pk, InformationForm, "informations", _("Informations pour les usagers"),
                          _("Ce que les usagers lisent sur la page de la démarche, avant de commencer."))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def access_settings(request, pk):
    return _settings_page(request, pk, AccessForm, "acces", _("Accès, canaux et service"),
                          _("Qui traite les demandes, comment les déposer, et comment faire sans internet."))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def legal(request, pk):
    return _settings_page(request, pk, LegalForm, "regime", _("Régime juridique"),
                          _("Ce que vaut le silence de la mairie, dans quel délai, sur quel fondement, et si un accusé "
                            "de réception est dû. Ces mentions figurent sur l'accusé de réception."))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def privacy(request, pk):
    return _settings_page(request, pk, PrivacyForm, "donnees", _("Données personnelles"),
                          _("La notice d'information affichée au bas du formulaire et la fiche du registre des "
                            "traitements. Finalité, base légale et durée de conservation sont obligatoires pour "
                            "publier."))


# --- Publication ------------------------------------------------------------------------------------------

@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def publish(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and current.has_draft and form.is_valid():
        try:
            revision = services.publish(procedure, request.user, message=form.cleaned_data["message"])
        except services.PublishRefused:
            messages.error(request, _("La démarche n'a pas été publiée : corrigez d'abord les points ci-dessous."))
            return redirect(request.path)
        messages.success(request, _("La démarche est publiée (version %(number)s). Les demandes déjà déposées "
                                    "gardent la version sous laquelle elles l'ont été.") % {"number": revision.number})
        return redirect("builder:overview", procedure.pk)
    problems = services.problems(procedure) if current.has_draft else []
    changes = (diff.compare(procedure, current.settings, current.schema, current.workflow)
               if current.has_draft else None)
    return render(request, "builder/publish.html", procedure_context(
        procedure, "publish", current=current, title=_("Vérifier et publier"), form=form,
        problems=linked_problems(procedure, problems), changes=changes,
        test_case_count=services.cases_filed_in_test(procedure).count()))


@access.procedure_admin_required
@require_POST
def republish(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    try:
        services.republish(procedure, request.user)
    except services.NothingToPublish:
        raise Http404 from None
    except services.PublishRefused as refused:
        for problem in refused.problems:
            messages.error(request, str(problem))
        return redirect("builder:overview", procedure.pk)
    messages.success(request, _("La démarche est de nouveau en ligne."))
    return redirect("builder:overview", procedure.pk)


def _confirm(request, procedure, template, title, action, **extra):
    if request.method == "POST":
        action()
        return redirect("builder:overview", procedure.pk)
    return render(request, template, procedure_context(procedure, "overview", title=title, **extra))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def unpublish(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    if procedure.status != ProcedureStatus.PUBLISHED:
        return redirect("builder:overview", procedure.pk)

    def action():
        services.unpublish(procedure, request.user)
        messages.success(request, _("La démarche est hors ligne : elle n'apparaît plus dans le catalogue et ne peut "
                                    "plus être déposée en ligne. Les demandes en cours continuent d'être traitées."))

    return _confirm(request, procedure, "builder/unpublish.html", _("Mettre hors ligne"), action)


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def close(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    form = CloseForm(request.POST or None, procedure=procedure)
    if request.method == "POST" and form.is_valid():
        services.close(procedure, request.user, message=form.cleaned_data["message"],
                       replacement=form.cleaned_data["replacement"])
        messages.success(request, _("La démarche est fermée. Les demandes en cours continuent d'être traitées."))
        return redirect("builder:overview", procedure.pk)
    return render(request, "builder/close.html", procedure_context(procedure, "overview", title=_("Fermer la démarche"),
                                                                   form=form))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def discard(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    if not current.has_draft or not procedure.published_revision_id:
        return redirect("builder:overview", procedure.pk)

    def action():
        services.discard_draft(procedure, request.user)
        messages.success(request, _("Le brouillon est abandonné : la démarche reste telle qu'elle est en ligne."))

    return _confirm(request, procedure, "builder/discard.html", _("Abandonner le brouillon"), action,
                    current=current, test_case_count=services.cases_filed_in_test(procedure).count())


@access.procedure_admin_required
def history(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    return render(request, "builder/history.html", procedure_context(
        procedure, "overview", title=_("Historique des publications"),
        events=PublicationEvent.objects.filter(procedure=procedure).select_related("actor", "revision"),
        revisions=procedure.revisions.filter(published_at__isnull=False).order_by("-number")))


# --- Export and import ------------------------------------------------------------------------------------

@access.procedure_admin_required
def export(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    document = exchange.export_document(procedure)
    response = HttpResponse(exchange.dumps(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="demarche-{document["procedure"]["slug"]}.json"'
    return response


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def import_procedure(request):
    departments = access.admin_departments(request.user).filter(is_active=True)
    form = ImportForm(request.POST or None, request.FILES or None, departments=departments)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        raw = upload.read(exchange.MAX_FILE_BYTES + 1)
        result = exchange.read_document(raw)
        if result.ok:
            procedure = exchange.import_procedure(result, user=request.user, department=form.cleaned_data["department"],
                                                  category=form.cleaned_data["category"])
            messages.success(request, _("La démarche « %(title)s » est importée, en brouillon.")
                             % {"title": procedure.title})
            for warning in result.warnings:
                messages.warning(request, _("À compléter avant de publier : %(warning)s") % {"warning": warning})
            return redirect("builder:overview", procedure.pk)
    return render(request, "builder/import.html", {
        "form": form, "result": result,
        "breadcrumbs": _crumbs((_("Démarches"), reverse("builder:list")), (_("Importer une démarche"), None)),
    }, status=400 if result is not None and not result.ok else 200)


# --- Library -------------------------------------------------------------------------------------------------

@access.procedure_admin_required
def library_list(request):
    models = library.list_models()
    families = {}
    for model in models:
        families.setdefault(model.family_label, []).append(model)
    return render(request, "builder/library.html", {
        "families": sorted(families.items()), "count": len(models),
        "breadcrumbs": _crumbs((_("Démarches"), reverse("builder:list")), (_("Bibliothèque de modèles"), None)),
    })


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def library_detail(request, slug):
    model = library.get_model(slug)
    if model is None:
        raise Http404
    departments = access.admin_departments(request.user).filter(is_active=True)
    initial = {}
    hinted = departments.filter(slug=model.department_slug).first() if model.department_slug else None
    if hinted is not None:
        initial["department"] = hinted.pk
    form = InstallForm(request.POST or None, departments=departments, initial=initial)
    if request.method == "POST" and form.is_valid():
        procedure = library.install_model(slug, form.cleaned_data["department"], request.user)
        messages.success(request, _("Le modèle « %(title)s » est installé, en brouillon : adaptez-le, testez-le et "
                                    "publiez-le.") % {"title": model.title})
        return redirect("builder:overview", procedure.pk)
    document = library.read_model(slug)
    return render(request, "builder/library_detail.html", {
        "model": model, "form": form, "document": document,
        "breadcrumbs": _crumbs((_("Démarches"), reverse("builder:list")),
                               (_("Bibliothèque de modèles"), reverse("builder:library")), (model.title, None)),
    })


# --- Test mode, for the department's agents ---------------------------------------------------------------

@access.agent_required
def to_test(request):
    drafts = (ProcedureDraft.objects.select_related("procedure", "procedure__department")
              .filter(procedure__department__in=[d for d, _role in access.roles_of(request.user)])
              .order_by("procedure__title"))
    return render(request, "builder/to_test.html", {
        "drafts": drafts, "breadcrumbs": _crumbs((_("Démarches à tester"), None)),
    })
