"""The processing register (GDPR art. 30) for the DPO and the platform administrators: a page and its
exports (ODS, XLSX, PDF). Anyone else gets a 403 (anonymous visitors the login page)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.organisation.access import is_platform_admin, requires, roles_of
from parvis.organisation.models import Role
from parvis.privacy import register

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "pdf": "application/pdf",
}


def can_read_register(user):
    return is_platform_admin(user) or any(role == Role.DPO for _department, role in roles_of(user))


register_reader_required = requires(can_read_register)


@register_reader_required
def index(request):
    entries = register.register_entries()
    return render(request, "privacy/register/index.html", {
        "entries": entries, **register.controller(),
        "breadcrumbs": [(_("Espace agents"), reverse("organisation:home")), (_("Registre des traitements"), None)],
    })


@register_reader_required
def export(request, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404
    entries = register.register_entries()
    content = register.render_register_pdf(entries) if fmt == "pdf" else register.write_spreadsheet(fmt, entries)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="registre-des-traitements-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
