from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "parvis.backoffice"
    verbose_name = "Back-office"

    def ready(self):
        from parvis.organisation.agent_space import AgentLink, register_link
        from parvis.organisation.models import Role

        register_link(AgentLink(
            "inbox", _("Dossiers à traiter"), "backoffice:inbox",
            roles=(Role.FRONT_DESK, Role.CASE_OFFICER, Role.HEAD), order=1,
            description=_("Les demandes de vos services : filtres, recherche, échéances, attribution, export.")))
        register_link(AgentLink(
            "workload", _("Charge du service"), "backoffice:workload", roles=(Role.HEAD,), order=2,
            description=_("Les dossiers en cours par agent et par statut, et les délais dépassés.")))
        register_link(AgentLink(
            "overdue", _("Dossiers en retard"), "backoffice:overdue", roles=(Role.HEAD,), order=3,
            description=_("Les dossiers en cours dont la date de décision implicite est passée.")))
