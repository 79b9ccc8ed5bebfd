"""The commune, its departments and the roles its agents hold in them."""

import copy
import threading
import time

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class Commune(models.Model):
    """The commune running Parvis. One row; `Commune.current()` returns it."""

    name = models.CharField(_("nom"), max_length=200)
    street = models.CharField(_("adresse"), max_length=250)
    postcode = models.CharField(_("code postal"), max_length=5)
    city = models.CharField(_("ville"), max_length=120)
    phone = models.CharField(_("téléphone"), max_length=30)
    email = models.EmailField(_("courriel"))
    website = models.URLField(_("site internet"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="commune/", blank=True)
    mayor_name = models.CharField(_("nom du maire (responsable de traitement)"), max_length=200)
    dpo_name = models.CharField(_("délégué à la protection des données"), max_length=200)
    dpo_email = models.EmailField(_("courriel du DPO"))
    dpo_postal_address = models.CharField(_("adresse postale du DPO"), max_length=300, blank=True)
    accessibility_status = models.CharField(
        _("état de conformité RGAA"),
        max_length=20,
        choices=[("total", _("totalement conforme")), ("partial", _("partiellement conforme")),
                 ("none", _("non conforme"))],
        default="partial",
    )
    accessibility_audit_date = models.DateField(_("date du dernier audit d'accessibilité"), null=True, blank=True)
    publication_director = models.CharField(_("directeur de la publication"), max_length=200, blank=True)
    host_details = models.TextField(_("hébergeur"), blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        """The commune, read at most once per `COMMUNE_CACHE_SECONDS` by each process (every page shows it).

        Saving or deleting it through the ORM forgets the copy at once in the process that did it; the other
        processes see the change within the delay. Callers get their own copy, which they may modify.
        """
        now = time.monotonic()
        with _current_lock:
            if _current["expires"] <= now:
                _current["commune"] = cls.objects.order_by("pk").first()
                _current["expires"] = now + settings.COMMUNE_CACHE_SECONDS
            commune = _current["commune"]
        return copy.copy(commune) if commune is not None else None

    @classmethod
    def forget_current(cls, **_signal_kwargs):
        with _current_lock:
            _current["expires"] = 0.0

    @property
    def postal_address(self):
        return f"{self.street}, {self.postcode} {self.city}"


_current = {"commune": None, "expires": 0.0}
_current_lock = threading.Lock()
post_save.connect(Commune.forget_current, sender=Commune, dispatch_uid="commune-forget-current-save")
post_delete.connect(Commune.forget_current, sender=Commune, dispatch_uid="commune-forget-current-delete")


class Department(models.Model):
    """A department (service) of the commune; it owns procedures and handles their cases."""

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    pole = models.CharField(_("pôle / direction"), max_length=200, blank=True)
    street = models.CharField(_("adresse"), max_length=250)
    postcode = models.CharField(_("code postal"), max_length=5)
    city = models.CharField(_("ville"), max_length=120)
    email = models.EmailField(_("courriel"))
    phone = models.CharField(_("téléphone"), max_length=30)
    opening_hours = models.TextField(_("horaires d'ouverture"), help_text=_("Une ligne par jour ou plage."))
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def postal_address(self):
        return f"{self.street}, {self.postcode} {self.city}"


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", _("Agent d'accueil")
    CASE_OFFICER = "case_officer", _("Instructeur")
    HEAD = "head", _("Chef de service")
    PROCEDURE_ADMIN = "procedure_admin", _("Administrateur fonctionnel")
    DPO = "dpo", _("Délégué à la protection des données")


class AgentRole(models.Model):
    """An agent's role in one department. An agent may hold roles in several departments."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_roles")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="agent_roles")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rôle d'agent")
        verbose_name_plural = _("rôles d'agents")
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "role"], name="unique_agent_role"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.department}"
