"""Shared pages: home, legal pages, and error pages in the theme (never a stack trace)."""

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

from parvis.organisation.models import Department
from parvis.procedures import services as catalogue


def _error(request, template, status):
    return render(request, template, status=status)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error(request, "ui/errors/404.html", 404)


@requires_csrf_token
def server_error(request):
    return _error(request, "ui/errors/500.html", 500)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error(request, "ui/errors/403.html", 403)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error(request, "ui/errors/400.html", 400)


def csrf_failure(request, reason=""):
    return _error(request, "ui/errors/csrf.html", 403)


# --- Home and legal pages ------------------------------------------------------------------------
# They read the commune from the context processor (`commune`, `commune_name`) and work without a
# Commune row: the name then comes from settings.COMMUNE_NAME.

HOME_MOST_REQUESTED = 6


def home(request):
    return render(request, "ui/home.html", {
        "most_requested": catalogue.most_requested_procedures(HOME_MOST_REQUESTED),
        "categories": catalogue.categories_with_procedures(),
        "life_events": catalogue.life_events_with_procedures(),
    })


def accessibility(request):
    return render(request, "ui/accessibility.html")


def legal_notice(request):
    return render(request, "ui/legal_notice.html")


def privacy(request):
    procedures = catalogue.published_procedures().order_by("title").only(
        "title", "slug", "privacy_purpose", "retention_months", "retention_detail"
    )
    return render(request, "ui/privacy.html", {"procedures": procedures})


def contact(request):
    departments = Department.objects.filter(is_active=True).order_by("name")
    return render(request, "ui/contact.html", {"departments": departments})
