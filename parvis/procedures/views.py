"""Catalogue pages for residents. Thin: the rules live in services.py and search.py."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from parvis.procedures import services
from parvis.procedures.models import Category, Family, LifeEvent
from parvis.procedures.search import MAX_QUERY_LENGTH, search_procedures


def _crumbs(*items):
    """Breadcrumb trail starting at the home page: pairs of (label, url); the current page has no url."""
    return [(_("Accueil"), reverse("ui:home")), *items]


def catalogue(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context = {"query": query}
    if query:
        context["results"] = search_procedures(query)
        context["categories"] = services.categories_with_procedures()
        context["breadcrumbs"] = _crumbs((_("Démarches"), reverse("procedures:catalogue")), (_("Recherche"), None))
    else:
        context["catalogue"] = services.published_catalogue()
        context["breadcrumbs"] = _crumbs((_("Démarches"), None))
    return render(request, "procedures/catalogue.html", context)


def category(request, slug):
    category = get_object_or_404(Category, slug=slug)
    return render(request, "procedures/category.html", {
        "category": category,
        "procedures": services.procedures_of_category(category),
        "breadcrumbs": _crumbs((_("Démarches"), reverse("procedures:catalogue")), (category.name, None)),
    })


def life_event(request, slug):
    life_event = get_object_or_404(LifeEvent, slug=slug)
    return render(request, "procedures/life_event.html", {
        "life_event": life_event,
        "procedures": services.procedures_of_life_event(life_event),
        "breadcrumbs": _crumbs((_("Démarches"), reverse("procedures:catalogue")), (life_event.name, None)),
    })


def detail(request, slug):
    try:
        procedure = services.get_published_procedure(slug)
    except Http404:
        closed = services.get_closed_procedure(slug)
        if closed is None:
            raise
        from parvis.builder.services import closure_notice

        return render(request, "procedures/closed.html", {
            "procedure": closed, "closure": closure_notice(closed),
            "breadcrumbs": _crumbs((_("Démarches"), reverse("procedures:catalogue")), (closed.title, None)),
        }, status=410)
    return render(request, "procedures/detail.html", {
        "procedure": procedure,
        "regime": services.explain_regime(procedure),
        # The filing view arrives with the case engine; the address is fixed already.
        # Reports have their own filing pages (map, photos, duplicates); every other family uses the form.
        "start_url": (reverse("reports:new") if procedure.family == Family.REPORT
                      else f"{procedure.get_absolute_url()}deposer/"),
        "breadcrumbs": _crumbs(
            (_("Démarches"), reverse("procedures:catalogue")),
            (procedure.category.name, procedure.category.get_absolute_url()),
            (procedure.title, None),
        ),
    })
