from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuilderConfig(AppConfig):
    name = "parvis.builder"
    verbose_name = "Constructeur de démarches"

    def ready(self):
        from parvis.organisation.agent_space import AgentLink, register_link
        from parvis.organisation.models import Role

        register_link(AgentLink(
            "builder", _("Démarches en ligne : créer, tester, publier"), "builder:list",
            roles=(Role.PROCEDURE_ADMIN,), order=60,
            description=_("Le constructeur de démarches : formulaire, circuit de traitement, régime juridique, données "
                          "personnelles ; bibliothèque de modèles, import et export.")))
        register_link(AgentLink(
            "builder_tests", _("Démarches à tester"), "builder:to_test",
            roles=(Role.FRONT_DESK, Role.CASE_OFFICER, Role.HEAD), order=65,
            description=_("Déposer des dossiers de test sur les démarches de vos services en préparation.")))
        # The processing register is a page of the privacy app (parvis/privacy/register_*.py, written with the
        # builder); its links are registered here until the privacy app's own `ready()` takes them over.
        register_link(AgentLink(
            "processing_register", _("Registre des traitements"), "register:index", roles=(Role.DPO,), order=55,
            description=_("Le registre RGPD (article 30) tiré des démarches publiées : consultation et export ODS, "
                          "XLSX et PDF.")))
        register_link(AgentLink(
            "processing_register_admin", _("Registre des traitements"), "register:index", platform_admin=True,
            order=40, description=_("Le registre RGPD (article 30) tiré des démarches publiées.")))
