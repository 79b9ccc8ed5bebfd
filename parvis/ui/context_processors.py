from django.conf import settings
from django.urls import get_script_prefix, reverse

from parvis.organisation.branding import commune_logo_url
from parvis.organisation.models import Commune

# The links of every page's header and footer (base.html), by name in the template.
SITE_URL_NAMES = {
    "home": "ui:home", "catalogue": "procedures:catalogue", "appointments": "appointments:start",
    "reports": "reports:list", "cases": "cases:list", "family": "families:home", "profile": "accounts:profile",
    "agents": "organisation:home", "login": "accounts:login", "logout": "accounts:logout",
    "signup": "accounts:signup", "accessibility": "ui:accessibility", "legal_notice": "ui:legal_notice",
    "privacy": "ui:privacy", "contact": "ui:contact",
}
_site_urls = {}


def site_urls():
    """The header and footer links, reversed once per process (and per script prefix, the only thing they
    depend on at run time): fifteen `{% url %}` tags cost a millisecond on every page."""
    prefix = get_script_prefix()
    urls = _site_urls.get(prefix)
    if urls is None:
        urls = _site_urls[prefix] = {key: reverse(name) for key, name in SITE_URL_NAMES.items()}
    return urls


def site(request):
    """The commune and theme for every page. The commune row is cached on the request."""
    if not hasattr(request, "_parvis_commune"):
        request._parvis_commune = Commune.current()
    commune = request._parvis_commune
    return {
        "commune": commune,
        "site_urls": site_urls(),
        "commune_name": commune.name if commune else settings.COMMUNE_NAME,
        "theme": {
            "primary": settings.THEME_PRIMARY_COLOR,
            "accent": settings.THEME_ACCENT_COLOR,
            "logo_url": commune_logo_url(commune) or settings.THEME_LOGO_URL,
        },
    }
