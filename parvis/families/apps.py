from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "parvis.families"
    verbose_name = "Guichet unique (familles)"

    def ready(self):
        from dataclasses import dataclass

        from parvis.organisation.agent_space import AgentLink, register_link

        @dataclass(frozen=True)
        class FamilyDeskLink(AgentLink):
            def visible_to(self, user):
                from parvis.families.access import is_family_agent

                return is_family_agent(user)

        register_link(FamilyDeskLink(
            "families", _("Guichet unique d'inscription"), "families:agent_home", order=50,
            description=_("Inscriptions par activité avec places et listes d'attente, feuilles de présence, "
                          "exports, pièces justificatives à vérifier, dossiers des familles.")))
