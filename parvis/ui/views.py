"""Shared pages: home, legal pages, and error pages in the theme (never a stack trace)."""

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


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


# --- Placeholders, replaced by the catalogue work -----------------------------------------------
def home(request):
    return render(request, "ui/home.html")


def accessibility(request):
    return render(request, "ui/home.html")


def legal_notice(request):
    return render(request, "ui/home.html")


def privacy(request):
    return render(request, "ui/home.html")


def contact(request):
    return render(request, "ui/home.html")
