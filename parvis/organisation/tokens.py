"""Activation links sent to new agents: a password-reset token of its own kind, valid PASSWORD_RESET_TIMEOUT."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class AgentActivationTokenGenerator(PasswordResetTokenGenerator):
    # A salt of its own: a token made for the residents' password reset never activates an agent account,
    # and the other way round. The token dies as soon as a password is set (the hash changes).
    key_salt = "parvis.organisation.tokens.AgentActivationTokenGenerator"


activation_token = AgentActivationTokenGenerator()


def activation_url(user):
    """The absolute link of the set-password page for `user` (sent by email, so built from SITE_URL)."""
    path = reverse("organisation:activate", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": activation_token.make_token(user),
    })
    return f"{settings.SITE_URL}{path}"
