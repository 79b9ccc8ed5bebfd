"""Dashboard, CSRF, email branding, Django admin."""

import socket

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import User
from parvis.accounts.tests.helpers import PASSWORD, links_in, only_message_to, subject
from parvis.testing.factories import make_commune, make_resident

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("accounts:dashboard")


def test_dashboard_requires_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={DASHBOARD}"


def test_dashboard_opens_on_my_requests(client):
    client.force_login(make_resident())
    response = client.get(DASHBOARD, follow=True)
    assert response.redirect_chain == [(reverse("cases:list"), 302)]
    page = response.content.decode()
    assert "<h1>Mes demandes</h1>" in page
    assert "pas encore envoyé de demande." in page
    assert f'href="{reverse("procedures:catalogue")}"' in page


def test_post_without_csrf_token_gets_the_themed_page():
    make_resident(email="lea@example.org")
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("accounts:login"), {"email": "lea@example.org", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Le formulaire a expiré" in page
    assert "Traceback" not in page and "CSRF verification failed" not in page


def test_forms_carry_a_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("accounts:login")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_emails_use_site_url_and_commune_name(client, mailbox, settings):
    settings.SITE_URL = "https://demarches.belleville.fr"
    make_commune(name="Belleville")
    client.post(reverse("accounts:signup"), {"first_name": "Jo", "last_name": "Durand",
                                             "email": "jo@example.org", "password": PASSWORD})
    message = only_message_to(mailbox, "jo@example.org")
    assert subject(message) == "[Belleville] Confirmez votre adresse électronique"
    assert links_in(message)[0].startswith("https://demarches.belleville.fr/compte/verification/")
    assert message.get_content_type() == "text/plain"


def test_account_pages_render_for_anonymous_visitors(client):
    for name in ("signup", "login", "password_reset", "resend_verification", "check_email", "password_reset_sent",
                 "logout", "account_closed"):
        assert client.get(reverse(f"accounts:{name}")).status_code == 200, name


def test_account_pages_render_for_residents(client):
    client.force_login(make_resident())
    for name in ("profile", "password_change", "email_change", "close_account"):
        assert client.get(reverse(f"accounts:{name}")).status_code == 200, name
    assert client.get(reverse("accounts:dashboard")).url == reverse("cases:list")


def test_admin_lists_and_edits_users(client):
    admin = make_resident(email="admin@example.org", is_staff=True, is_superuser=True)
    resident = make_resident(email="lea@example.org")
    client.force_login(admin)
    changelist = client.get(reverse("admin:accounts_user_changelist"), {"q": "lea"})
    assert changelist.status_code == 200
    assert "lea@example.org" in changelist.content.decode()
    assert client.get(reverse("admin:accounts_user_change", args=[resident.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert client.get(reverse("admin:accounts_loginfailure_changelist")).status_code == 200


def test_admin_creates_a_user(client):
    client.force_login(make_resident(email="admin@example.org", is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:accounts_user_add"), {
        "email": "Agent.Nouveau@Admiville.fr", "usable_password": "true",
        "password1": "une phrase de passe solide", "password2": "une phrase de passe solide",
    })
    assert response.status_code == 302
    user = User.objects.get(email="agent.nouveau@admiville.fr")
    assert user.check_password("une phrase de passe solide")


def test_signup_still_answers_when_the_mail_server_is_down(client, settings, caplog):
    with socket.socket() as sock:  # A port where nothing listens.
        sock.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = sock.getsockname()[1]
    response = client.post(reverse("accounts:signup"), {"first_name": "Jo", "last_name": "Durand",
                                                        "email": "jo@example.org", "password": PASSWORD})
    assert response.url == reverse("accounts:check_email")
    assert User.objects.filter(email="jo@example.org").exists()
    assert "Courriel « verification » non envoyé" in caplog.text
