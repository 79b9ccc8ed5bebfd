"""Profile, change of password, change of email, closing the account."""

import datetime
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.accounts import services
from parvis.accounts.models import User
from parvis.accounts.tests.helpers import link_to, only_message_to, subject
from parvis.testing.factories import make_agent, make_resident
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
GOOD = "un mot de passe solide"

VALID = {
    "civility": "mme", "first_name": "Léa", "last_name": "Moreau", "birth_date": "14/07/1985",
    "street": "12 rue des Lilas", "postcode": "99100", "city": "Admiville", "phone": "0612345678",
}


@pytest.fixture
def resident():
    return make_resident(email="lea@example.org", first_name="Léa", last_name="Moreau")


@pytest.fixture
def logged_in(client, resident):
    client.force_login(resident)
    return client


def test_profile_requires_login(client):
    assert client.get(PROFILE).url.startswith(reverse("accounts:login"))


def test_profile_saves_and_formats_the_phone(logged_in, resident):
    response = logged_in.post(PROFILE, {**VALID, "phone": "+33 6 12 34 56 78", "postcode": "99 100"}, follow=True)
    assert response.redirect_chain == [(PROFILE, 302)]
    assert "Vos informations sont enregistrées." in response.content.decode()
    resident.refresh_from_db()
    assert resident.phone == "06 12 34 56 78"
    assert resident.postcode == "99100"
    assert resident.birth_date == datetime.date(1985, 7, 14)
    assert resident.civility == "mme"
    assert resident.postal_address == "12 rue des Lilas, 99100 Admiville"
    page = logged_in.get(PROFILE).content.decode()
    assert 'value="14/07/1985"' in page
    assert 'value="06 12 34 56 78"' in page


def test_optional_fields_may_stay_empty(logged_in, resident):
    data = {**VALID, "civility": "", "birth_date": "", "street": "", "postcode": "", "city": "", "phone": ""}
    assert logged_in.post(PROFILE, data).status_code == 302
    resident.refresh_from_db()
    assert (resident.phone, resident.birth_date, resident.street) == ("", None, "")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("phone", "12345", "Indiquez un numéro de téléphone français valide"),
    ("phone", "+44 7911 123456", "Indiquez un numéro de téléphone français valide"),
    ("phone", "06 12 34", "Indiquez un numéro de téléphone français valide"),
    ("postcode", "9910", "Le code postal doit comporter 5 chiffres"),
    ("postcode", "ABCDE", "Le code postal doit comporter 5 chiffres"),
    ("birth_date", (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y"),
     "La date de naissance ne peut pas être dans le futur."),
    ("birth_date", "31/12/1899", "Indiquez une date de naissance à partir du 01/01/1900."),
    ("birth_date", "31/02/1985", "Indiquez une date réelle"),
    ("first_name", "", "Indiquez votre prénom."),
])
def test_profile_errors_keep_what_was_typed(logged_in, resident, field, value, message):
    data = {**VALID, field: value}
    response = logged_in.post(PROFILE, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'id="erreurs"' in page
    assert f'href="#id_{field}"' in page  # The summary links to the field.
    assert f'aria-describedby="id_{field}-' in page and f'id_{field}-erreur"' in page
    for name, typed in data.items():
        if name != "civility" and typed:
            assert f'value="{typed}"' in page, name
    assert '<option value="mme" selected>' in page
    resident.refresh_from_db()
    assert resident.phone == "" and resident.birth_date is None  # Nothing saved.


def test_partial_address_says_what_is_missing(logged_in):
    page = logged_in.post(PROFILE, {**VALID, "postcode": "", "city": ""}).content.decode()
    assert "Indiquez le code postal, ou laissez l&#x27;adresse vide." in page
    assert "Indiquez la commune, ou laissez l&#x27;adresse vide." in page


# --- Password ------------------------------------------------------------------------------------
def test_change_password_needs_the_current_one(logged_in, resident, mailbox):
    url = reverse("accounts:password_change")
    wrong = logged_in.post(url, {"current_password": "pas le bon", "password": "une nouvelle phrase"})
    assert "Le mot de passe actuel est incorrect." in wrong.content.decode()
    weak = logged_in.post(url, {"current_password": GOOD, "password": "123456789012"})
    assert "Ce mot de passe est entièrement numérique." in weak.content.decode()
    resident.refresh_from_db()
    assert resident.check_password(GOOD)

    response = logged_in.post(url, {"current_password": GOOD, "password": "une nouvelle phrase"})
    assert response.url == PROFILE
    resident.refresh_from_db()
    assert resident.check_password("une nouvelle phrase")
    assert logged_in.get(PROFILE).status_code == 200  # Still logged in on this browser.
    assert subject(only_message_to(mailbox, "lea@example.org")) == "[Admiville] Votre mot de passe a été modifié"


def test_change_password_ends_other_sessions(resident):
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        browser.post(reverse("accounts:login"), {"email": "lea@example.org", "password": GOOD})
    here.post(reverse("accounts:password_change"), {"current_password": GOOD, "password": "une nouvelle phrase"})
    assert elsewhere.get(PROFILE).status_code == 302
    assert here.get(PROFILE).status_code == 200


# --- Email --------------------------------------------------------------------------------------
EMAIL_CHANGE = reverse("accounts:email_change")


def test_change_of_email_round_trip(logged_in, resident, mailbox):
    response = logged_in.post(EMAIL_CHANGE, {"new_email": "Lea.Nouvelle@Example.org", "current_password": GOOD},
                              follow=True)
    assert response.redirect_chain == [(PROFILE, 302)]
    assert "Nous avons envoyé un lien de confirmation à lea.nouvelle@example.org" in response.content.decode()
    resident.refresh_from_db()
    assert resident.email == "lea@example.org"  # Not before the link is followed.
    message = only_message_to(mailbox, "lea.nouvelle@example.org")
    assert subject(message) == "[Admiville] Confirmez votre nouvelle adresse électronique"
    link = link_to(mailbox, "lea.nouvelle@example.org", "/adresse-electronique/")
    assert mailbox.to("lea@example.org") == []
    mailbox.clear()

    response = logged_in.get(link, follow=True)
    assert "Votre adresse électronique est maintenant lea.nouvelle@example.org." in response.content.decode()
    resident.refresh_from_db()
    assert resident.email == "lea.nouvelle@example.org"
    assert resident.is_email_verified
    notice = only_message_to(mailbox, "lea@example.org")
    assert subject(notice) == "[Admiville] Votre adresse électronique a été modifiée"
    assert "lea.nouvelle@example.org" in body_text(notice)

    assert "Ce lien a déjà été utilisé" in logged_in.get(link).content.decode()
    logged_in.post(reverse("accounts:logout"))
    login = logged_in.post(reverse("accounts:login"), {"email": "lea.nouvelle@example.org", "password": GOOD})
    assert login.status_code == 302


def test_change_of_email_link_needs_the_account_logged_in(client, resident, mailbox):
    client.force_login(resident)
    client.post(EMAIL_CHANGE, {"new_email": "nouvelle@example.org", "current_password": GOOD})
    link = link_to(mailbox, "nouvelle@example.org", "/adresse-electronique/")

    stranger = Client()
    response = stranger.get(link)
    assert response.url.startswith(reverse("accounts:login"))
    stranger.force_login(make_resident())
    assert "Ce lien n'est pas valable" in stranger.get(link).content.decode()
    resident.refresh_from_db()
    assert resident.email == "lea@example.org"


def test_change_of_email_to_a_used_address_answers_the_same(logged_in, resident, mailbox):
    make_resident(email="deja@example.org")
    response = logged_in.post(EMAIL_CHANGE, {"new_email": "deja@example.org", "current_password": GOOD}, follow=True)
    assert "Nous avons envoyé un lien de confirmation à deja@example.org" in response.content.decode()
    notice = only_message_to(mailbox, "deja@example.org")
    assert subject(notice) == "[Admiville] Tentative d'utilisation de votre adresse"
    assert "/adresse-electronique/" not in body_text(notice)
    resident.refresh_from_db()
    assert resident.email == "lea@example.org"


def test_change_of_email_needs_the_password_and_a_new_address(logged_in, mailbox):
    wrong = logged_in.post(EMAIL_CHANGE, {"new_email": "nouvelle@example.org", "current_password": "non"})
    assert "Le mot de passe actuel est incorrect." in wrong.content.decode()
    same = logged_in.post(EMAIL_CHANGE, {"new_email": "LEA@example.org", "current_password": GOOD})
    assert "C&#x27;est déjà votre adresse électronique actuelle." in same.content.decode()
    bad = logged_in.post(EMAIL_CHANGE, {"new_email": "pas-une-adresse", "current_password": GOOD})
    assert "Indiquez une adresse électronique valide" in bad.content.decode()
    assert mailbox.messages == []


def test_expired_change_of_email_link(logged_in, resident, settings):
    issued_at = timezone.now() - timedelta(hours=settings.EMAIL_LINK_MAX_AGE_HOURS + 1)
    token = services.email_change_token(resident, "nouvelle@example.org", issued_at=issued_at)
    page = logged_in.get(reverse("accounts:email_change_confirm", args=[token])).content.decode()
    assert "Ce lien a expiré" in page
    resident.refresh_from_db()
    assert resident.email == "lea@example.org"


def test_change_of_email_link_when_the_address_was_taken_meanwhile(logged_in, resident, mailbox):
    logged_in.post(EMAIL_CHANGE, {"new_email": "nouvelle@example.org", "current_password": GOOD})
    link = link_to(mailbox, "nouvelle@example.org", "/adresse-electronique/")
    make_resident(email="nouvelle@example.org")
    assert "Cette adresse est déjà utilisée" in logged_in.get(link).content.decode()
    resident.refresh_from_db()
    assert resident.email == "lea@example.org"


# --- Closing the account ------------------------------------------------------------------------
CLOSE = reverse("accounts:close_account")


def test_closing_the_account(logged_in, resident, mailbox):
    logged_in.post(PROFILE, VALID)
    page = logged_in.get(CLOSE).content.decode()
    assert "Vos demandes déjà déposées restent traitées et conservées selon les durées légales" in page

    wrong = logged_in.post(CLOSE, {"current_password": "pas le bon"})
    assert "Le mot de passe actuel est incorrect." in wrong.content.decode()
    resident.refresh_from_db()
    assert resident.closed_at is None

    response = logged_in.post(CLOSE, {"current_password": GOOD}, follow=True)
    assert response.redirect_chain == [(reverse("accounts:account_closed"), 302)]
    assert "Votre compte est clôturé" in response.content.decode()
    assert "_auth_user_id" not in logged_in.session

    resident.refresh_from_db()
    assert resident.closed_at is not None
    assert resident.is_active is False
    assert not resident.has_usable_password()
    assert (resident.first_name, resident.last_name, resident.civility) == ("Léa", "Moreau", "mme")
    assert resident.email is None and resident.email_verified_at is None
    assert (resident.phone, resident.street, resident.postcode, resident.city) == ("", "", "", "")
    assert resident.birth_date is None
    assert subject(only_message_to(mailbox, "lea@example.org")) == "[Admiville] Votre compte est clôturé"

    login = logged_in.post(reverse("accounts:login"), {"email": "lea@example.org", "password": GOOD})
    assert "Adresse électronique ou mot de passe incorrect." in login.content.decode()
    assert logged_in.get(reverse("accounts:dashboard")).status_code == 302

    # The address is free again: a new account can use it.
    mailbox.clear()
    logged_in.post(reverse("accounts:signup"), {"first_name": "Léa", "last_name": "Moreau",
                                                "email": "lea@example.org", "password": "une autre phrase solide"})
    assert User.objects.filter(email="lea@example.org").exclude(pk=resident.pk).exists()
    assert subject(only_message_to(mailbox, "lea@example.org")) == "[Admiville] Confirmez votre adresse électronique"


def test_closing_ends_the_other_sessions(resident):
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        browser.post(reverse("accounts:login"), {"email": "lea@example.org", "password": GOOD})
    here.post(CLOSE, {"current_password": GOOD})
    assert elsewhere.get(PROFILE).status_code == 302


def test_an_agent_cannot_close_their_account_here(client):
    agent = make_agent()
    client.force_login(agent)
    page = client.get(CLOSE).content.decode()
    assert "compte d&#x27;agent" in page or "compte d'agent" in page
    client.post(CLOSE, {"current_password": GOOD})
    agent.refresh_from_db()
    assert agent.closed_at is None
