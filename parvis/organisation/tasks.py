"""Background work of the organisation: the activation email of a new agent."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from parvis.organisation.models import Commune
from parvis.organisation.tokens import activation_url

logger = logging.getLogger(__name__)


@task()
def send_agent_activation_email(user_id):
    """Sends the link to choose a password. Skipped (idempotent) once the agent has a password or is inactive."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.is_active or not user.email or user.has_usable_password():
        logger.info("activation email for user #%s skipped: nothing to activate", user_id)
        return
    commune = Commune.current()
    context = {
        "user": user,
        "url": activation_url(user),
        "commune_name": commune.name if commune else settings.COMMUNE_NAME,
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    subject = render_to_string("organisation/emails/activation_subject.txt", context).strip()
    body = render_to_string("organisation/emails/activation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    logger.info("activation email sent to user #%s", user_id)
