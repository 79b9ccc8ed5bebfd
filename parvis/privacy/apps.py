from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "parvis.privacy"
    verbose_name = "Données personnelles"

    def ready(self):
        from parvis.organisation.agent_space import AgentLink, register_link
        from parvis.organisation.models import Role

        register_link(AgentLink(
            "access_log", _("Journal des accès aux données"), "privacy:access_log", roles=(Role.DPO,), order=50,
            description=_("Qui a consulté quel dossier, quand : recherche et export pour le DPO.")))
