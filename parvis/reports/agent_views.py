"""Agents' pages of reports (/signalements/agents/): the list, a report with its actions, filing a report
received by phone or at the counter, and the Open311 API keys (platform administrators).

A report is read only through `services.get_report_for_agent`, i.e. `get_case_for_agent` on its case (the
read is logged; a denial is logged and answered 404). Every action goes through one service function that
writes the case history and tells the filer and followers.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.backoffice.access import HANDLING_ROLES, cases_visible_to
from parvis.cases.handling import (
    CaseHandlingError,
    InvalidTransitionInput,
    StaleCase,
    available_transitions,
)
from parvis.cases.models import CaseEvent
from parvis.files.downloads import file_response
from parvis.organisation.access import require_agent_or_platform_admin, require_platform_admin, roles_of
from parvis.reports import services, workflow
from parvis.reports.forms import ActionForm, AgentFileForm, ApiKeyForm, PublicFilterForm
from parvis.reports.models import ApiKey, Report, ReportPhoto
from parvis.reports.photos import PhotoError
from parvis.reports.views import map_config

PAGE_SIZE = 50


def _crumbs(*items):
    return [(_("Espace agents"), reverse("organisation:home")), (_("Signalements"), reverse("reports:agent_list")),
            *items]


def can_file(user):
    return any(role in HANDLING_ROLES for _department, role in roles_of(user))


@require_GET
@require_agent_or_platform_admin
def agent_list(request):
    form = PublicFilterForm(request.GET or None)
    reports = (Report.objects.filter(case__in=cases_visible_to(request.user))
               .select_related("case", "case__department", "case__assignee", "category", "category__parent"))
    if form.is_valid():
        statut, categorie = form.cleaned_data["statut"], form.cleaned_data["categorie"]
        if statut == "ouverts":
            reports = reports.filter(case__status__in=workflow.OPEN_STATUSES)
        elif statut == "clos":
            reports = reports.filter(case__status__in=workflow.CLOSED_STATUSES)
        elif statut:
            reports = reports.filter(case__status=statut)
        if categorie:
            reports = reports.filter(category__slug=categorie) | reports.filter(category__parent__slug=categorie)
    page = Paginator(reports.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reports/agent/list.html", {
        "form": form, "page": page, "query": query.urlencode(), "breadcrumbs": _crumbs(),
        "status_label": workflow.status_label, "can_file": can_file(request.user),
    })


def _detail_context(request, report, form=None, errors=None):
    case = report.case
    transitions = available_transitions(case, request.user)
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "pk")
    return {
        "report": report, "case": case, "breadcrumbs": _crumbs((case.reference, None)),
        "status_label": workflow.status_label(case.status), "public_status": workflow.public_label(case.status),
        "is_open": workflow.is_open(case.status), "transitions": transitions,
        "can_handle": services.can_handle(request.user, report),
        "answers": services.answers_for_display(report.category, report.answers),
        "photos": list(report.photos.select_related("stored_file")), "events": events,
        "duplicates": Report.objects.filter(merged_into=report).select_related("case"),
        "followers": report.followers.filter(confirmed_at__isnull=False).count(),
        "form": form or ActionForm(initial={"version": case.version, "public_answer": report.public_answer,
                                            "categorie": report.category.slug, "is_public": report.is_public,
                                            "photos_publiees": [p.pk for p in report.photos.all() if p.is_public]},
                                   report=report),
        "errors": errors or [], "map": map_config(), "workflow": workflow,
    }


@never_cache
@require_GET
@require_agent_or_platform_admin
def agent_detail(request, reference):
    report = services.get_report_for_agent(request.user, reference, request=request)
    return render(request, "reports/agent/detail.html", _detail_context(request, report))


@never_cache
@require_POST
@require_agent_or_platform_admin
def agent_action(request, reference):
    report = services.get_report_for_agent(request.user, reference, request=request)
    action = request.POST.get("action", "")
    form = ActionForm(request.POST, request.FILES, report=report)
    errors = []
    if not form.is_valid():
        errors = [message for messages_ in form.errors.values() for message in messages_]
        return render(request, "reports/agent/detail.html", _detail_context(request, report, form, errors), status=400)
    data = form.cleaned_data
    try:
        if action == "qualify":
            category = services.get_leaf_category(data["categorie"]) if data["categorie"] else None
            services.qualify_report(report, actor=request.user, expected_version=data["version"], category=category,
                                    is_public=data["is_public"], published_photo_ids=data["photos_publiees"])
            messages.success(request, _("Signalement mis à jour."))
        elif action == "answer":
            services.answer_report(report, actor=request.user, expected_version=data["version"],
                                   public_answer=data["public_answer"])
            messages.success(request, _("Réponse publiée ; les personnes qui suivent le signalement sont prévenues."))
        elif action:
            duplicate_of = None
            if action == workflow.MARK_DUPLICATE:
                duplicate_of = services.find_report_by_reference(data["duplicate_of"])
                if data["duplicate_of"] and duplicate_of is None:
                    raise services.ReportInputError({"duplicate_of": [
                        _("Aucun signalement ne porte la référence « %(ref)s ».") % {"ref": data["duplicate_of"]}]})
            upload = request.FILES.get("repair_photo")
            repair = (upload.read(), upload.name) if upload is not None and action == workflow.RESOLVE else None
            if upload is not None and upload.size > _max_bytes():
                raise PhotoError(_("La photo dépasse la taille permise."))
            changed = services.change_report_status(
                report, action, actor=request.user, expected_version=data["version"],
                public_answer=data["public_answer"] if data["public_answer"] or action == workflow.REJECT_NOT_OUR_REMIT
                else None,
                expected_at=form.expected_at() if action == workflow.SCHEDULE else None, repair_photo=repair,
                duplicate_of=duplicate_of)
            messages.success(request, _("Statut mis à jour : %(status)s. Les personnes concernées sont prévenues "
                                        "par courriel.") % {"status": workflow.status_label(changed.case.status)})
        else:
            raise Http404
    except StaleCase as error:
        messages.error(request, str(error))
    except (services.ReportInputError, InvalidTransitionInput) as error:
        errors = [message for messages_ in error.errors.values() for message in messages_]
        return render(request, "reports/agent/detail.html", _detail_context(request, report, form, errors), status=400)
    except PhotoError as error:
        return render(request, "reports/agent/detail.html", _detail_context(request, report, form, [str(error)]),
                      status=400)
    except CaseHandlingError as error:  # not allowed: role or status
        return render(request, "reports/agent/detail.html", _detail_context(request, report, form, [str(error)]),
                      status=403)
    return redirect("reports:agent_detail", reference=report.reference)


def _max_bytes():
    from django.conf import settings

    return settings.REPORTS_PHOTO_MAX_BYTES


@require_GET
@require_agent_or_platform_admin
def agent_photo(request, reference, photo_id):
    report = services.get_report_for_agent(request.user, reference, request=request)
    photo = ReportPhoto.objects.filter(report=report, pk=photo_id).select_related("stored_file").first()
    if photo is None:
        raise Http404
    return file_response(photo.stored_file, inline=True)


@never_cache
@require_http_methods(["GET", "POST"])
@require_agent_or_platform_admin
def agent_new(request):
    """A report received by phone or at the counter, filed by the agent for the resident."""
    if not can_file(request.user):
        raise Http404
    slug = request.POST.get("categorie") or request.GET.get("categorie") or ""
    category = services.get_leaf_category(slug) if slug else None
    status = 200
    if request.method == "POST" and request.POST.get("action") != "categorie":
        form = AgentFileForm(request.POST, category=category)
        if form.is_valid() and category is not None:
            data = form.cleaned_data
            uploads = request.FILES.getlist("photos")[:3]
            try:
                too_big = [upload.name for upload in uploads if upload.size > _max_bytes()]
                if too_big:
                    raise PhotoError(_("La photo « %(name)s » dépasse la taille permise.") % {"name": too_big[0]})
                report = services.file_report(
                    category=category, description=data["description"], latitude=data["latitude"] or None,
                    longitude=data["longitude"] or None, address=data["adresse"], answers=form.answers(),
                    contact_email=data["courriel"], contact_name=data["nom"], contact_phone=data["telephone"],
                    channel=data["canal"], filed_by=request.user,
                    photos=[(upload.read(), upload.name) for upload in uploads])
            except services.ReportInputError as error:
                for key, messages_ in error.errors.items():
                    field = {"description": "description", "position": "adresse", "address": "adresse",
                             "contact_email": "courriel", "contact_phone": "telephone", "contact_name": "nom",
                             "category": "categorie"}.get(key)
                    form.add_error(field, messages_)
            except PhotoError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Signalement %(ref)s enregistré et transmis au service %(dept)s.")
                                 % {"ref": report.reference, "dept": report.case.department.name})
                return redirect("reports:agent_detail", reference=report.reference)
        status = 400
    else:
        form = AgentFileForm(initial={"categorie": slug, "canal": "phone"}, category=category)
    return render(request, "reports/agent/new.html", {
        "form": form, "category": category, "breadcrumbs": _crumbs((_("Nouveau signalement"), None)),
        "map": map_config(),
    }, status=status)


# --- Open311 API keys ---------------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
@require_platform_admin
def api_keys(request):
    new_key = None
    if request.method == "POST":
        form = ApiKeyForm(request.POST)
        if form.is_valid():
            api_key, new_key = ApiKey.issue(name=form.cleaned_data["name"],
                                            contact_email=form.cleaned_data["contact_email"],
                                            max_posts_per_hour=form.cleaned_data["max_posts_per_hour"],
                                            created_by=request.user)
            form = ApiKeyForm()
    else:
        form = ApiKeyForm()
    return render(request, "reports/agent/api_keys.html", {
        "form": form, "keys": ApiKey.objects.all(), "new_key": new_key,
        "breadcrumbs": _crumbs((_("Clés d'API Open311"), None)),
    })


@require_POST
@require_platform_admin
def api_key_revoke(request, pk):
    updated = ApiKey.objects.filter(pk=pk, is_active=True).update(is_active=False)
    if updated:
        messages.success(request, _("La clé est révoquée : elle ne permet plus de créer de signalement."))
    return redirect("reports:api_keys")
