"""The agents' space landing page: what each role may do, and the links other apps add to it.

Another app adds a link from its `AppConfig.ready()`:

    from parvis.organisation.agent_space import AgentLink, register_link
    register_link(AgentLink("inbox", _("Dossiers à traiter"), "cases:inbox",
                            roles=(Role.CASE_OFFICER, Role.HEAD), description=_("...")))

A link shows to active agents holding one of `roles` in any department (every agent when `roles` is
empty), or to platform administrators only when `platform_admin=True`.
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from parvis.organisation.access import is_agent, is_platform_admin, roles_of
from parvis.organisation.models import Role

ROLE_DESCRIPTIONS = {
    Role.FRONT_DESK: _("Reçoit le public au guichet et au téléphone, dépose des demandes pour les usagers "
                       "et voit d'un coup d'œil où en sont leurs démarches, pour tous les services."),
    Role.CASE_OFFICER: _("Traite les dossiers du service : vérifie, demande les pièces manquantes, décide."),
    Role.HEAD: _("Répartit les dossiers du service entre les agents et surveille les délais et les volumes."),
    Role.PROCEDURE_ADMIN: _("Met en ligne et modifie les démarches du service, sans développeur."),
    Role.DPO: _("Tient le registre des traitements et consulte le journal des accès aux données personnelles."),
}


@dataclass(frozen=True)
class AgentLink:
    key: str
    label: str
    url_name: str
    roles: tuple = ()
    platform_admin: bool = False
    description: str = ""
    order: int = 100
    url_kwargs: dict = field(default_factory=dict)

    def visible_to(self, user):
        if self.platform_admin:
            return is_platform_admin(user)
        if not is_agent(user):
            return False
        return not self.roles or any(role in self.roles for _department, role in roles_of(user))

    @property
    def url(self):
        return reverse(self.url_name, kwargs=self.url_kwargs or None)


_links: dict[str, AgentLink] = {}


def register_link(link):
    """Adds (or replaces, by `key`) a link of the agents' space."""
    _links[link.key] = link


def links_for(user, platform_admin=False):
    """The links the user may follow, in order; links whose URL does not resolve yet are skipped."""
    visible = []
    for link in sorted(_links.values(), key=lambda item: (item.order, str(item.label))):
        if link.platform_admin != platform_admin or not link.visible_to(user):
            continue
        try:
            visible.append({"label": link.label, "url": link.url, "description": link.description})
        except NoReverseMatch:
            continue
    return visible


for _link in (
    AgentLink("commune", _("La commune"), "organisation:commune", platform_admin=True, order=10,
              description=_("Coordonnées, logo, responsable de traitement, DPO, accessibilité, mentions légales.")),
    AgentLink("departments", _("Les services"), "organisation:department_list", platform_admin=True, order=20,
              description=_("Créer, modifier et désactiver les services de la commune.")),
    AgentLink("agents", _("Les agents"), "organisation:agent_list", platform_admin=True, order=30,
              description=_("Créer les comptes des agents, leur donner des rôles, les désactiver.")),
):
    register_link(_link)
