"""The commune's logo as the theme shows it.

Uploaded files are never served from MEDIA_URL (settings.py), so the logo has its own public view,
`organisation:commune_logo`. Each upload gets a new file name, which versions the address for caches.
"""

import posixpath

from django.urls import reverse


def commune_logo_url(commune):
    """The public address of the commune's logo, or "" when it has none."""
    if commune is None or not commune.logo:
        return ""
    return f"{reverse('organisation:commune_logo')}?v={posixpath.basename(commune.logo.name)}"
