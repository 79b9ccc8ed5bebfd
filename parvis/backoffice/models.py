"""Back-office data of its own: the agents' saved filters. Cases live in `parvis.cases`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedFilter(models.Model):
    """A named inbox filter of one agent: the query string of the inbox (filters and sort, no page)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters",
                              verbose_name=_("agent"))
    name = models.CharField(_("nom du filtre"), max_length=80)
    querystring = models.CharField(_("filtres"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("filtre enregistré")
        verbose_name_plural = _("filtres enregistrés")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="unique_saved_filter_name")]

    def __str__(self):
        return self.name

    @property
    def url(self):
        from parvis.backoffice.inbox import saved_filter_url

        return saved_filter_url(self.querystring)
