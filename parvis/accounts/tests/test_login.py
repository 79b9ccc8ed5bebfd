"""Login, throttling, logout."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.accounts import services
from parvis.accounts.models import LoginFailure
from parvis.accounts.tests.helpers import link_to, without_csrf
from parvis.testing.factories import make_resident

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
GOOD = "un mot de passe solide"  # The factories' password.
GENERIC_ERROR = "Adresse électronique ou mot de passe incorrect."


def login(client, email, password, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


def test_login_with_right_password(client):
    resident = make_resident(email="lea@example.org")
    response = login(client, "LEA@example.org ", GOOD)
    assert response.status_code == 302
    assert response.url == reverse("cases:list")
    assert client.session["_auth_user_id"] == str(resident.pk)
    dashboard = client.get(reverse("cases:list")).content.decode()
    assert "Se déconnecter" in dashboard


def test_login_rotates_the_session_key(client):
    make_resident(email="lea@example.org")
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    login(client, "lea@example.org", GOOD)
    assert client.session.session_key != before


def test_wrong_password_and_unknown_email_get_the_same_error(client):
    make_resident(email="lea@example.org")
    wrong_password = login(client, "lea@example.org", "pas le bon mot de passe").content.decode()
    unknown_email = login(client, "personne@example.org", "pas le bon mot de passe").content.decode()
    assert GENERIC_ERROR in wrong_password
    assert without_csrf(wrong_password).replace("lea@example.org", "X") == \
        without_csrf(unknown_email).replace("personne@example.org", "X")
    assert "_auth_user_id" not in client.session


def test_unverified_account_cannot_log_in_and_can_ask_for_the_email_again(client, mailbox):
    resident = make_resident(email="lea@example.org", verified=False)
    page = login(client, "lea@example.org", GOOD).content.decode()
    assert "est pas encore confirmée" in page
    assert "Renvoyer le courriel de confirmation" in page
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("accounts:resend_verification"))
    assert response.url == reverse("accounts:check_email")
    client.get(link_to(mailbox, "lea@example.org", "/verification/"))
    resident.refresh_from_db()
    assert resident.is_email_verified
    assert login(client, "lea@example.org", GOOD).status_code == 302


def test_unverified_message_only_with_the_right_password(client):
    make_resident(email="lea@example.org", verified=False)
    page = login(client, "lea@example.org", "pas le bon mot de passe").content.decode()
    assert GENERIC_ERROR in page
    assert "pas encore confirmée" not in page


def test_closed_or_inactive_accounts_cannot_log_in(client):
    make_resident(email="inactif@example.org", is_active=False)
    assert GENERIC_ERROR in login(client, "inactif@example.org", GOOD).content.decode()


def test_throttling_per_account(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    settings.LOGIN_THROTTLE_WINDOW_MINUTES = 15
    make_resident(email="lea@example.org")
    for _ in range(2):
        assert GENERIC_ERROR in login(client, "lea@example.org", "mauvais").content.decode()
    third = login(client, "lea@example.org", "mauvais").content.decode()
    assert "Trop de tentatives de connexion ont échoué" in third
    assert "réessayez dans 15 minutes" in third

    # Even the right password is refused while blocked, and the message says how long to wait.
    blocked = login(client, "lea@example.org", GOOD)
    assert blocked.status_code == 200
    assert "réessayez dans 15 minutes" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account, from another address, is not affected.
    make_resident(email="paul@example.org")
    assert login(client, "paul@example.org", GOOD, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_throttling_is_the_same_for_an_unknown_address(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 2
    login(client, "personne@example.org", "mauvais")
    assert "Trop de tentatives" in login(client, "personne@example.org", "mauvais").content.decode()


def test_block_lifts_when_failures_leave_the_window(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 2
    settings.LOGIN_THROTTLE_WINDOW_MINUTES = 15
    make_resident(email="lea@example.org")
    now = timezone.now()
    services.record_login_failure("lea@example.org", "10.0.0.1", now=now - timedelta(minutes=12))
    services.record_login_failure("lea@example.org", "10.0.0.1", now=now - timedelta(minutes=5))
    # Blocked until the older failure is 15 minutes old.
    assert "réessayez dans 3 minutes" in login(client, "lea@example.org", GOOD).content.decode()

    LoginFailure.objects.update(created_at=now - timedelta(minutes=16))
    assert login(client, "lea@example.org", GOOD).status_code == 302


def test_one_minute_is_singular(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 1
    settings.LOGIN_THROTTLE_WINDOW_MINUTES = 15
    services.record_login_failure("lea@example.org", None, now=timezone.now() - timedelta(minutes=14, seconds=30))
    assert "réessayez dans 1 minute." in login(client, "lea@example.org", GOOD).content.decode()


def test_throttling_per_ip(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 100
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    settings.LOGIN_THROTTLE_WINDOW_MINUTES = 10
    make_resident(email="lea@example.org")
    for n in range(3):
        login(client, f"essai{n}@example.org", "mauvais", REMOTE_ADDR="203.0.113.9")
    page = login(client, "lea@example.org", GOOD, REMOTE_ADDR="203.0.113.9").content.decode()
    assert "réessayez dans 10 minutes" in page
    # The same account from another address logs in.
    assert login(client, "lea@example.org", GOOD, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_ip_from_x_forwarded_for_only_when_trusted(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 100
    settings.LOGIN_MAX_FAILURES_PER_IP = 2
    settings.USE_X_FORWARDED_FOR = True
    for n in range(2):
        login(client, f"essai{n}@example.org", "mauvais", REMOTE_ADDR="10.0.0.1",
              HTTP_X_FORWARDED_FOR=f"203.0.113.9, 10.0.0.{n + 5}")
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    blocked = login(client, "autre@example.org", "x", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert "Trop de tentatives" in blocked.content.decode()
    other_client = login(client, "autre@example.org", "x", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert "Trop de tentatives" not in other_client.content.decode()

    settings.USE_X_FORWARDED_FOR = False
    LoginFailure.objects.all().delete()
    login(client, "x@example.org", "mauvais", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert list(LoginFailure.objects.values_list("ip_address", flat=True)) == ["10.0.0.1"]


def test_garbage_x_forwarded_for_falls_back_to_remote_addr(client, settings):
    settings.USE_X_FORWARDED_FOR = True
    login(client, "x@example.org", "mauvais", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="pas-une-ip")
    assert list(LoginFailure.objects.values_list("ip_address", flat=True)) == ["10.0.0.1"]


def test_successful_login_clears_the_account_failures(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    make_resident(email="lea@example.org")
    for _ in range(2):
        login(client, "lea@example.org", "mauvais")
    assert login(client, "lea@example.org", GOOD).status_code == 302
    assert not LoginFailure.objects.filter(email="lea@example.org").exists()
    client.post(reverse("accounts:logout"))
    for _ in range(2):
        login(client, "lea@example.org", "mauvais")
    assert login(client, "lea@example.org", GOOD).status_code == 302


@pytest.mark.parametrize(("next_url", "expected"), [
    ("/compte/profil/", "/compte/profil/"),
    ("/demarches/?q=naissance", "/demarches/?q=naissance"),
    ("https://pirate.example.com/", "/mes-demandes/"),
    ("//pirate.example.com/", "/mes-demandes/"),
    ("javascript:alert(1)", "/mes-demandes/"),
])
def test_next_only_for_safe_urls(client, next_url, expected):
    make_resident(email="lea@example.org")
    page = client.get(LOGIN, {"next": next_url}).content.decode()
    assert ('name="next"' in page) == (expected == next_url)
    response = client.post(LOGIN, {"email": "lea@example.org", "password": GOOD, "next": next_url})
    assert response.url == expected


def test_login_required_pages_come_back_after_login(client):
    make_resident(email="lea@example.org")
    response = client.get(reverse("accounts:profile"))
    assert response.url == f"{LOGIN}?next=/compte/profil/"
    response = client.post(response.url, {"email": "lea@example.org", "password": GOOD})
    assert response.url == "/compte/profil/"


def test_logout_by_post_only(client):
    client.force_login(make_resident())
    page = client.get(reverse("accounts:logout"))
    assert page.status_code == 200
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "_auth_user_id" not in client.session
    assert "Vous êtes déconnecté." in response.content.decode()
    assert client.get(reverse("accounts:dashboard")).status_code == 302
