"""Live preview of the draft form as residents will see it, and test mode (test cases on the draft).

The preview keeps its answers in the session and stores nothing: uploads are checked, then forgotten. Test
mode files real test cases (`Case.is_test`) through the same page forms, with `parvis.builder.testmode`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parvis.builder import access, services, testmode
from parvis.builder.procedure_settings import normalise
from parvis.builder.views.common import procedure_context
from parvis.cases.models import Case
from parvis.filing.services import SubmissionRefused
from parvis.formengine import FormDefinition, SchemaError
from parvis.procedures.models import Procedure

SESSION_KEY = "builder_preview"


def _draft_procedure(procedure, settings):
    """An unsaved copy of the procedure carrying the draft's settings (for the privacy notice)."""
    copy = Procedure(pk=procedure.pk)
    values = normalise(settings)
    for name, value in values.items():
        if name in ("category", "department"):
            setattr(copy, f"{name}_id", value)
        elif name != "life_events":
            setattr(copy, name, value if value is not None or name in ("period_value", "retention_months") else "")
    return copy


def _progress(definition, answers, page_key=None):
    visible = definition.visible_pages(answers)
    total = len(visible) + 1
    if page_key is None:
        return {"step": total, "total": total}
    keys = [page.key for page in visible]
    return {"step": keys.index(page_key) + 1 if page_key in keys else 1, "total": total}


def _definition_or_none(schema):
    try:
        return FormDefinition(schema), []
    except SchemaError as error:
        return None, error.problems


# --- Preview ----------------------------------------------------------------------------------------------------

def _preview_answers(request, procedure):
    return dict(request.session.get(SESSION_KEY, {}).get(str(procedure.pk), {}))


def _store_preview_answers(request, procedure, answers):
    data = dict(request.session.get(SESSION_KEY, {}))
    data[str(procedure.pk)] = answers
    request.session[SESSION_KEY] = data


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def preview(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    definition, problems = _definition_or_none(current.schema)
    if request.method == "POST":  # start again
        _store_preview_answers(request, procedure, {})
        messages.success(request, _("Réponses de l'aperçu effacées."))
        return redirect("builder:preview", procedure.pk)
    first = definition.visible_pages(_preview_answers(request, procedure)) if definition else []
    return render(request, "builder/preview_start.html", procedure_context(
        procedure, "preview", current=current, title=_("Aperçu du formulaire"), problems=problems,
        pages=definition.pages if definition else [],
        first_url=reverse("builder:preview_page", args=[procedure.pk, first[0].key]) if first else None))


@access.procedure_admin_required
@require_http_methods(["GET", "POST"])
def preview_page(request, pk, page_key):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    definition, _problems = _definition_or_none(current.schema)
    if definition is None:
        return redirect("builder:preview", procedure.pk)
    try:
        page = definition.page(page_key)
    except KeyError:
        raise Http404 from None
    answers = _preview_answers(request, procedure)
    prefill = definition.prefill_values(request.user)
    if request.method == "POST":
        form = definition.page_form(page_key, answers, data=request.POST, files=request.FILES, prefill=prefill)
        valid = form.is_valid()
        answers.update(form.valid_answers(lambda key, upload: {"file_id": "", "name": upload.name,
                                                                "size": upload.size,
                                                                "content_type": upload.content_type}))
        _store_preview_answers(request, procedure, answers)
        if request.POST.get("action") == "previous":
            previous = definition.previous_page(page_key, answers)
            return redirect(reverse("builder:preview_page", args=[procedure.pk, previous.key]) if previous
                            else reverse("builder:preview", args=[procedure.pk]))
        if valid:
            following = definition.next_page(page_key, answers)
            return redirect(reverse("builder:preview_page", args=[procedure.pk, following.key]) if following
                            else reverse("builder:preview_review", args=[procedure.pk]))
    else:
        form = definition.page_form(page_key, answers, prefill=prefill)
    previous = definition.previous_page(page_key, answers)
    return render(request, "builder/preview_page.html", procedure_context(
        procedure, "preview", current=current, title=_("Aperçu : %(title)s") % {"title": page.title},
        page=page, form=form, has_previous=previous is not None, mode="preview",
        form_action=reverse("builder:preview_page", args=[procedure.pk, page_key]),
        **_progress(definition, answers, page_key)))


@access.procedure_admin_required
def preview_review(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    definition, _problems = _definition_or_none(current.schema)
    if definition is None:
        return redirect("builder:preview", procedure.pk)
    answers = _preview_answers(request, procedure)
    pages = definition.display(answers)
    for shown in pages:
        shown.edit_url = reverse("builder:preview_page", args=[procedure.pk, shown.key])
    _answers, errors = definition.clean_for_submission(answers)
    return render(request, "builder/preview_review.html", procedure_context(
        procedure, "preview", current=current, title=_("Aperçu : vérification"), pages=pages, errors=errors,
        notice_procedure=_draft_procedure(procedure, current.settings), **_progress(definition, answers)))


# --- Test mode ------------------------------------------------------------------------------------------------

def _is_admin(user, procedure):
    return access.procedures_for_admin(user).filter(pk=procedure.pk).exists()


def _tester_context(request, procedure, section_title, **extra):
    current = services.state(procedure)
    if _is_admin(request.user, procedure):
        return procedure_context(procedure, "test", current=current, title=section_title, is_admin=True, **extra)
    crumbs = [(_("Espace agents"), reverse("organisation:home")), (_("Démarches à tester"), reverse("builder:to_test")),
              (section_title, None)]
    return {"procedure": procedure, "current": current, "breadcrumbs": crumbs, "page_title": section_title,
            "is_admin": False, **extra}


@access.agent_required
@require_http_methods(["GET", "POST"])
def test_home(request, pk):
    procedure = access.get_procedure_for_tester(request.user, pk)
    current = services.state(procedure)
    if request.method == "POST":
        if not current.has_draft and _is_admin(request.user, procedure):
            services.ensure_draft(procedure, request.user)
        try:
            test_draft = testmode.start(procedure, request.user)
        except Http404:
            messages.error(request, _("Il n'y a pas de brouillon à tester : modifiez d'abord la démarche."))
            return redirect("builder:test_home", procedure.pk)
        definition, problems = _definition_or_none(test_draft.revision.form_schema)
        if definition is None:
            test_draft.delete()
            messages.error(request, _("Le formulaire du brouillon n'est pas encore utilisable : corrigez les problèmes "
                                      "signalés dans l'onglet Formulaire."))
            return redirect("builder:test_home", procedure.pk)
        first = definition.visible_pages({})
        return redirect("builder:test_page", procedure.pk, test_draft.pk, first[0].key)
    cases = list(services.cases_filed_in_test(procedure).select_related("applicant")[:50])
    return render(request, "builder/test_home.html", _tester_context(
        request, procedure, _("Tester la démarche"), cases=cases))


@access.agent_required
@require_http_methods(["GET", "POST"])
def test_page(request, pk, test_id, page_key):
    procedure = access.get_procedure_for_tester(request.user, pk)
    test_draft = testmode.get_test_draft(request.user, procedure, test_id)
    definition, _problems = _definition_or_none(test_draft.revision.form_schema)
    if definition is None:
        return redirect("builder:test_home", procedure.pk)
    try:
        page = definition.page(page_key)
    except KeyError:
        raise Http404 from None
    prefill = definition.prefill_values(request.user)
    if request.method == "POST":
        form = definition.page_form(page_key, test_draft.answers, data=request.POST, files=request.FILES,
                                    prefill=prefill)
        valid = form.is_valid()
        testmode.save_page(test_draft, form, request.user)
        if request.POST.get("action") == "previous":
            previous = definition.previous_page(page_key, test_draft.answers)
            return redirect(reverse("builder:test_page", args=[procedure.pk, test_draft.pk, previous.key]) if previous
                            else reverse("builder:test_home", args=[procedure.pk]))
        if valid:
            following = definition.next_page(page_key, test_draft.answers)
            return redirect(reverse("builder:test_page", args=[procedure.pk, test_draft.pk, following.key])
                            if following else reverse("builder:test_review", args=[procedure.pk, test_draft.pk]))
    elif request.GET.get("verifier"):
        form = definition.stored_page_form(page_key, test_draft.answers)
    else:
        form = definition.page_form(page_key, test_draft.answers, prefill=prefill)
    previous = definition.previous_page(page_key, test_draft.answers)
    return render(request, "builder/preview_page.html", _tester_context(
        request, procedure, _("Test : %(title)s") % {"title": page.title}, page=page, form=form, mode="test",
        has_previous=previous is not None,
        form_action=reverse("builder:test_page", args=[procedure.pk, test_draft.pk, page_key]),
        **_progress(definition, test_draft.answers, page_key)))


@access.agent_required
@require_http_methods(["GET", "POST"])
def test_review(request, pk, test_id):
    procedure = access.get_procedure_for_tester(request.user, pk)
    test_draft = testmode.get_test_draft(request.user, procedure, test_id)
    definition, _problems = _definition_or_none(test_draft.revision.form_schema)
    if definition is None:
        return redirect("builder:test_home", procedure.pk)
    if request.method == "POST":
        try:
            case = testmode.submit(test_draft)
        except SubmissionRefused as refused:
            messages.error(request, _("Le dossier de test n'a pas été déposé : %(message)s")
                           % {"message": refused.message})
            if refused.first_page_key:
                return redirect(reverse("builder:test_page", args=[procedure.pk, test_draft.pk,
                                                                   refused.first_page_key]) + "?verifier=1")
            return redirect(request.path)
        messages.success(request, _("Dossier de test %(reference)s déposé. Il ne compte dans aucune statistique et "
                                    "sera supprimé à la publication.") % {"reference": case.reference})
        return redirect("builder:test_case", procedure.pk, case.reference)
    pages = definition.display(test_draft.answers)
    for shown in pages:
        shown.edit_url = reverse("builder:test_page", args=[procedure.pk, test_draft.pk, shown.key])
    _answers, errors = definition.clean_for_submission(test_draft.answers)
    current = services.state(procedure)
    return render(request, "builder/test_review.html", _tester_context(
        request, procedure, _("Test : vérification"), pages=pages, errors=errors, test_draft=test_draft,
        notice_procedure=_draft_procedure(procedure, current.settings), **_progress(definition, test_draft.answers)))


@access.agent_required
def test_case(request, pk, reference):
    procedure = access.get_procedure_for_tester(request.user, pk)
    case = (Case.objects.select_related("revision", "department").filter(
        procedure=procedure, reference=reference, is_test=True).first())
    if case is None:
        raise Http404
    try:
        pages = FormDefinition(case.revision.form_schema).display(case.answers)
    except SchemaError:
        pages = []
    try:
        casework_url = reverse("casework:detail", args=[case.reference])
    except NoReverseMatch:  # the agents' case page may not be wired yet
        casework_url = None
    return render(request, "builder/test_case.html", _tester_context(
        request, procedure, _("Dossier de test %(reference)s") % {"reference": case.reference}, case=case, pages=pages,
        events=case.events.order_by("at", "pk"), casework_url=casework_url))


@access.procedure_admin_required
@require_POST
def test_cases_delete(request, pk):
    procedure = access.get_procedure_for_admin(request.user, pk)
    current = services.state(procedure)
    if current.has_draft:
        count = services.purge_test_cases(current.draft.revision)
        messages.success(request, _("%(count)s dossier(s) de test supprimé(s).") % {"count": count})
    return redirect("builder:test_home", procedure.pk)
