from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "parvis.billing"
    verbose_name = "Factures et paiements"

    def ready(self):
        from dataclasses import dataclass

        from parvis.organisation.agent_space import AgentLink, register_link

        @dataclass(frozen=True)
        class CashOfficeLink(AgentLink):
            def visible_to(self, user):
                from parvis.billing.access import is_cash_agent

                return is_cash_agent(user)

        register_link(CashOfficeLink(
            "billing", _("Régies : factures et paiements"), "billing:agent_home", order=55,
            description=_("Compte de chaque famille, paiements au guichet (espèces, chèque, carte, CESU), avoirs "
                          "et annulations, réponses de la banque.")))
