from django.contrib.auth.backends import ModelBackend

from parvis.accounts.models import UserManager


class EmailBackend(ModelBackend):
    """Authenticates by email, case-insensitively; closed or inactive accounts never log in."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = UserManager.normalize_email_address(email or username)
        if not email or not password:
            return None
        return super().authenticate(request, username=email, password=password, **kwargs)

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.closed_at is None
