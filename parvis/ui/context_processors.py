from django.conf import settings

from parvis.organisation.branding import commune_logo_url
from parvis.organisation.models import Commune


def site(request):
    """The commune and theme for every page. The commune row is cached on the request."""
    if not hasattr(request, "_parvis_commune"):
        request._parvis_commune = Commune.current()
    commune = request._parvis_commune
    return {
        "commune": commune,
        "commune_name": commune.name if commune else settings.COMMUNE_NAME,
        "theme": {
            "primary": settings.THEME_PRIMARY_COLOR,
            "accent": settings.THEME_ACCENT_COLOR,
            "logo_url": commune_logo_url(commune) or settings.THEME_LOGO_URL,
        },
    }
