from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "parvis.appointments"
    verbose_name = "Rendez-vous"

    def ready(self):
        from parvis.appointments import memory  # noqa: F401 (connects the signals that forget remembered agendas)
        from parvis.appointments.access import AGENDA_ROLES
        from parvis.organisation.agent_space import AgentLink, register_link

        register_link(AgentLink(
            "appointments", _("Rendez-vous"), "appointments:agent_home", order=40, roles=AGENDA_ROLES,
            description=_("Planning du jour et de la semaine, prise de rendez-vous au guichet et au téléphone, "
                          "présences, fermetures et absences.")))
