"""Forgotten password: request, link by email, new password."""

import pytest
from django.urls import reverse

from parvis.accounts.models import LoginFailure, User
from parvis.accounts.tests.helpers import PASSWORD, link_to, only_message_to, subject, without_csrf
from parvis.testing.factories import make_resident
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")


def test_reset_flow(client, mailbox, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    resident = make_resident(email="lea@example.org")
    for _ in range(3):
        client.post(reverse("accounts:login"), {"email": "lea@example.org", "password": "mauvais"})
    assert LoginFailure.objects.filter(email="lea@example.org").count() == 3

    response = client.post(RESET, {"email": "Lea@Example.org"}, follow=True)
    assert response.redirect_chain == [(reverse("accounts:password_reset_sent"), 302)]
    assert "Si un compte utilise l'adresse <strong>lea@example.org</strong>" in response.content.decode()
    message = only_message_to(mailbox, "lea@example.org")
    assert subject(message) == "[Admiville] Choisir un nouveau mot de passe"
    assert "valable 48 heures et ne sert qu'une fois" in body_text(message)
    link = link_to(mailbox, "lea@example.org", "/mot-de-passe-oublie/")
    mailbox.clear()

    page = client.get(link).content.decode()
    assert "Choisir un nouveau mot de passe" in page
    assert "Au moins 12 caractères." in page
    weak = client.post(link, {"password": "court"}).content.decode()
    assert "Ce mot de passe est trop court" in weak

    response = client.post(link, {"password": "une toute nouvelle phrase"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "Votre mot de passe est enregistré" in response.content.decode()
    resident.refresh_from_db()
    assert resident.check_password("une toute nouvelle phrase")
    assert not LoginFailure.objects.filter(email="lea@example.org").exists()
    assert subject(only_message_to(mailbox, "lea@example.org")) == "[Admiville] Votre mot de passe a été modifié"

    login = client.post(reverse("accounts:login"),
                        {"email": "lea@example.org", "password": "une toute nouvelle phrase"})
    assert login.status_code == 302

    # The link served once.
    client.post(reverse("accounts:logout"))
    used = client.get(link).content.decode()
    assert "Ce lien n'est plus valable" in used
    assert client.post(link, {"password": "encore une autre phrase"}).status_code == 200
    resident.refresh_from_db()
    assert resident.check_password("une toute nouvelle phrase")


def test_same_answer_whether_the_account_exists_or_not(client, mailbox):
    make_resident(email="lea@example.org")
    known = client.post(RESET, {"email": "lea@example.org"}, follow=True).content.decode()
    unknown = client.post(RESET, {"email": "personne@example.org"}, follow=True).content.decode()
    assert without_csrf(known).replace("lea@example.org", "X") == \
        without_csrf(unknown).replace("personne@example.org", "X")
    assert [str(m["To"]) for m in mailbox.messages] == ["lea@example.org"]


def test_no_link_for_a_closed_or_inactive_account(client, mailbox):
    make_resident(email="inactif@example.org", is_active=False)
    client.post(RESET, {"email": "inactif@example.org"})
    assert mailbox.messages == []


def test_expired_link_is_refused(client, mailbox, settings):
    make_resident(email="lea@example.org")
    client.post(RESET, {"email": "lea@example.org"})
    link = link_to(mailbox, "lea@example.org", "/mot-de-passe-oublie/")
    settings.PASSWORD_RESET_TIMEOUT = -1  # Every token is now older than the timeout.
    assert "Ce lien n'est plus valable" in client.get(link).content.decode()


@pytest.mark.parametrize("path", ["/compte/mot-de-passe-oublie/MQ/abc-123/", "/compte/mot-de-passe-oublie/%%%/x/",
                                  "/compte/mot-de-passe-oublie/OTk5OTk5/abc-123/"])
def test_tampered_link_is_refused(client, path):
    make_resident()
    response = client.get(path)
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert "Ce lien n'est plus valable" in response.content.decode()


def test_reset_sets_a_first_password_and_verifies_the_address(client, mailbox):
    """An account created at the counter (no password) or never verified: the link proves the address."""
    counter = User.objects.create_user("guichet@example.org", first_name="Jo", last_name="Guichet")
    assert not counter.has_usable_password()
    client.post(RESET, {"email": "guichet@example.org"})
    link = link_to(mailbox, "guichet@example.org", "/mot-de-passe-oublie/")
    client.post(link, {"password": PASSWORD})
    counter.refresh_from_db()
    assert counter.is_email_verified
    login = client.post(reverse("accounts:login"), {"email": "guichet@example.org", "password": PASSWORD})
    assert login.status_code == 302

