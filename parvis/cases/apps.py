from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "parvis.cases"
    verbose_name = "Demandes"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from parvis.organisation.agent_space import AgentLink, register_link
        from parvis.organisation.models import Role

        register_link(AgentLink(
            "case-deadlines", _("Délais et décisions implicites"), "casework:deadlines",
            roles=(Role.HEAD, Role.CASE_OFFICER), order=45,
            description=_("Dossiers en retard ou proches de leur décision implicite, demandes de motifs à traiter "
                          "dans le mois.")))
