from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from parvis.accounts.models import User, UserManager


class EmailBackend(ModelBackend):
    """Authenticates by email, case-insensitively; closed or inactive accounts never log in."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = UserManager.normalize_email_address(email or username)
        if not email or not password:
            return None
        return super().authenticate(request, username=email, password=password, **kwargs)

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.closed_at is None

    def get_user(self, user_id):
        """The signed-in user of each request, with whether they hold an agent role (the menu shows it on every
        page) read by the same query."""
        from parvis.organisation.models import AgentRole

        try:
            user = (User._default_manager
                    .annotate(has_agent_role=Exists(AgentRole.objects.filter(user=OuterRef("pk"))))
                    .get(pk=user_id))
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
