"""The header and footer links of every page are reversed once per process and per script prefix."""

import pytest
from django.urls import reverse, set_script_prefix

from parvis.ui.context_processors import SITE_URL_NAMES, site_urls


def test_every_link_is_the_reversed_name():
    assert site_urls() == {key: reverse(name) for key, name in SITE_URL_NAMES.items()}


def test_a_script_prefix_gets_its_own_links():
    plain = site_urls()["home"]
    set_script_prefix("/mairie/")
    try:
        assert site_urls()["home"] == "/mairie" + plain
        assert site_urls()["contact"].startswith("/mairie/")
    finally:
        set_script_prefix("/")
    assert site_urls()["home"] == plain


@pytest.mark.django_db
def test_the_page_shows_the_links(client):
    page = client.get(reverse("ui:home")).content.decode()
    for key in ("catalogue", "appointments", "login", "signup", "legal_notice", "contact"):
        assert f'href="{site_urls()[key]}"' in page
