"""Sign-up and verification of the email address, through HTTP and the real SMTP server."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.accounts import services
from parvis.accounts.models import User
from parvis.accounts.tests.helpers import ARGON2, PASSWORD, link_to, only_message_to, subject, without_csrf
from parvis.testing.factories import make_resident
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")


def test_signup_page_shows_the_password_rules_before_typing(client):
    page = client.get(SIGNUP).content.decode()
    assert "Au moins 12 caractères." in page
    assert "À éviter : un mot de passe courant, uniquement des chiffres, votre nom ou votre adresse électronique." \
        in page
    assert 'aria-describedby="id_password-aide"' in page
    assert 'autocomplete="new-password"' in page


def test_signup_then_verification_then_login(client, mailbox, settings, signup_data):
    settings.PASSWORD_HASHERS = ARGON2  # As configured in production.
    response = client.post(SIGNUP, signup_data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:check_email")
    page = response.content.decode()
    assert "Consultez votre messagerie" in page
    assert "camille.martin@example.org" in page

    user = User.objects.get(email="camille.martin@example.org")
    assert (user.first_name, user.last_name) == ("Camille", "Martin")
    assert user.email_verified_at is None
    assert user.check_password(PASSWORD)
    assert user.password.startswith("argon2")

    message = only_message_to(mailbox, "camille.martin@example.org")
    assert subject(message) == "[Admiville] Confirmez votre adresse électronique"
    assert "Bonjour Camille" in body_text(message)
    assert "valable 48 heures" in body_text(message)
    link = link_to(mailbox, "camille.martin@example.org", "/verification/")

    response = client.get(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "Votre adresse électronique est confirmée" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is not None

    response = client.post(reverse("accounts:login"), {"email": "Camille.Martin@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("cases:list")


def test_email_is_stored_lower_case(client, signup_data):
    client.post(SIGNUP, {**signup_data, "email": "  Camille.MARTIN@Example.ORG "})
    assert User.objects.filter(email="camille.martin@example.org").exists()


@pytest.mark.parametrize("email", ["camille", "camille@", "@example.org", "camille martin@example.org",
                                   "camille@example", "camille@@example.org"])
def test_malformed_email_is_refused(client, mailbox, signup_data, email):
    response = client.post(SIGNUP, {**signup_data, "email": email})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Indiquez une adresse électronique valide" in page
    assert 'id="erreurs"' in page
    assert 'aria-describedby="id_email-aide id_email-erreur"' in page
    assert 'aria-invalid="true"' in page
    assert not User.objects.exists()
    assert mailbox.messages == []


@pytest.mark.parametrize(("password", "message"), [
    ("court mdp", "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."),
    ("qwertyuiop123", "Ce mot de passe est trop courant."),
    ("481516234271", "Ce mot de passe est entièrement numérique."),
    ("camille.martin@example", "Le mot de passe est trop semblable au champ"),
    ("CamilleMartin", "Le mot de passe est trop semblable au champ"),
])
def test_weak_password_is_refused_with_the_rule_it_breaks(client, mailbox, signup_data, password, message):
    response = client.post(SIGNUP, {**signup_data, "password": password})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'id="erreurs"' in page
    # What was typed is kept, except the password.
    assert 'value="Camille"' in page and 'value="camille.martin@example.org"' in page
    assert password not in page.replace("camille.martin@example.org", "")
    assert not User.objects.exists()
    assert mailbox.messages == []


def test_missing_fields_say_what_to_fill(client):
    page = client.post(SIGNUP, {}).content.decode()
    for message in ("Indiquez votre prénom.", "Indiquez votre nom.", "Indiquez votre adresse électronique.",
                    "Choisissez un mot de passe."):
        assert message in page
    assert "Il y a 4 erreurs dans le formulaire" in page


def test_used_email_gets_the_same_answer_and_its_owner_a_notice(client, mailbox, signup_data):
    owner = make_resident(email="camille.martin@example.org", first_name="Camille", last_name="Propriétaire")
    fresh = client.post(SIGNUP, {**signup_data, "email": "autre.personne@example.org"}, follow=True)
    mailbox.clear()

    response = client.post(SIGNUP, {**signup_data, "email": "CAMILLE.martin@example.org"}, follow=True)

    assert response.redirect_chain == [(reverse("accounts:check_email"), 302)]
    assert fresh.redirect_chain == response.redirect_chain
    assert without_csrf(response.content.decode()).replace("camille.martin", "X") == \
        without_csrf(fresh.content.decode()).replace("autre.personne", "X")
    assert User.objects.filter(email="camille.martin@example.org").count() == 1
    owner.refresh_from_db()
    assert owner.last_name == "Propriétaire"
    assert owner.check_password("un mot de passe solide")

    notice = only_message_to(mailbox, "camille.martin@example.org")
    assert subject(notice) == "[Admiville] Tentative de création de compte avec votre adresse"
    body = body_text(notice)
    assert "Un compte utilise déjà cette adresse" in body
    assert "/compte/connexion/" in body
    assert "/compte/mot-de-passe-oublie/" in body
    assert "/verification/" not in body


def test_verification_link_works_once(client, mailbox, signup_data):
    client.post(SIGNUP, signup_data)
    link = link_to(mailbox, signup_data["email"], "/verification/")
    assert client.get(link).status_code == 302

    response = client.get(link)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce lien a déjà été utilisé" in page
    assert "Votre adresse électronique est déjà confirmée" in page


def test_expired_link_offers_a_new_one(client, mailbox, settings, signup_data):
    client.post(SIGNUP, signup_data)
    user = User.objects.get(email=signup_data["email"])
    mailbox.clear()
    issued_at = timezone.now() - timedelta(hours=settings.EMAIL_LINK_MAX_AGE_HOURS, minutes=1)
    expired = reverse("accounts:verify_email", args=[services.verification_token(user, issued_at=issued_at)])

    page = client.get(expired).content.decode()
    assert "Ce lien a expiré" in page
    assert "Recevoir un nouveau lien" in page
    user.refresh_from_db()
    assert user.email_verified_at is None

    token = services.verification_token(user, issued_at=issued_at)
    response = client.post(reverse("accounts:resend_verification"), {"token": token})
    assert response.url == reverse("accounts:check_email")
    fresh_link = link_to(mailbox, signup_data["email"], "/verification/")
    assert client.get(fresh_link).status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_link_still_valid_just_before_expiry(client, settings, signup_data):
    client.post(SIGNUP, signup_data)
    user = User.objects.get(email=signup_data["email"])
    issued_at = timezone.now() - timedelta(hours=settings.EMAIL_LINK_MAX_AGE_HOURS) + timedelta(minutes=5)
    token = services.verification_token(user, issued_at=issued_at)
    response = client.get(reverse("accounts:verify_email", args=[token]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_email_verified


@pytest.mark.parametrize("token", ["nimporte-quoi", "eyJ1IjoxfQ:1abc:fausse-signature"])
def test_tampered_link_is_refused(client, token):
    response = client.get(reverse("accounts:verify_email", args=[token]))
    assert response.status_code == 200
    assert "Ce lien n'est pas valable" in response.content.decode()


def test_resend_form_answers_the_same_for_any_address(client, mailbox):
    make_resident(email="verifiee@example.org")
    pending = make_resident(email="en-attente@example.org", verified=False)
    url = reverse("accounts:resend_verification")
    answers = [client.post(url, {"email": email}) for email in
               ("inconnue@example.org", "verifiee@example.org", "en-attente@example.org")]
    assert {answer.url for answer in answers} == {reverse("accounts:check_email")}
    assert [str(m["To"]) for m in mailbox.messages] == ["en-attente@example.org"]
    link = link_to(mailbox, "en-attente@example.org", "/verification/")
    client.get(link)
    pending.refresh_from_db()
    assert pending.is_email_verified


def test_logged_in_resident_is_sent_from_signup_to_my_requests(client):
    client.force_login(make_resident())
    assert client.get(SIGNUP).url == reverse("cases:list")
