from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounterConfig(AppConfig):
    name = "parvis.counter"
    verbose_name = "Guichet, téléphone et courrier"

    def ready(self):
        from parvis.organisation.agent_space import AgentLink, register_link
        from parvis.organisation.models import Role

        roles = (Role.FRONT_DESK, Role.CASE_OFFICER, Role.HEAD)
        register_link(AgentLink(
            "counter", _("Guichet : usagers et dépôt de demandes"), "counter:residents", roles=roles, order=40,
            description=_("Rechercher ou créer la fiche d'un usager, voir ses demandes, déposer une demande pour "
                          "lui au guichet, au téléphone, par courrier ou par courriel.")))
        register_link(AgentLink(
            "counter_mail", _("Courrier reçu"), "counter:mail", roles=roles, order=45,
            description=_("Enregistrer un courrier numérisé et le rattacher à une nouvelle demande ou à un "
                          "dossier existant.")))
