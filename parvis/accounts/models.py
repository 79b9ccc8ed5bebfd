"""People: residents (usagers) and agents share one user model, keyed by email.

A resident filed for at the counter may have no email (and no password): `email` is then NULL.
Emails are stored lower-cased so that uniqueness is case-insensitive.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    @staticmethod
    def normalize_email_address(email):
        return (email or "").strip().lower() or None

    def create_user(self, email=None, password=None, **fields):
        user = self.model(email=self.normalize_email_address(email), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email=self.normalize_email_address(email))


class Civility(models.TextChoices):
    MADAME = "mme", _("Madame")
    MONSIEUR = "m", _("Monsieur")
    NONE = "", _("Non précisée")


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse électronique"), unique=True, null=True, blank=True)
    email_verified_at = models.DateTimeField(_("adresse vérifiée le"), null=True, blank=True)
    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices, blank=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    street = models.CharField(_("adresse"), max_length=250, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_staff = models.BooleanField(_("accès à l'administration technique"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    closed_at = models.DateTimeField(_("compte clôturé le"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        indexes = [models.Index(fields=["last_name", "first_name"], name="user_name_idx")]

    def __str__(self):
        return self.full_name or self.email or f"#{self.pk}"

    @property
    def full_name(self):
        return " ".join(part for part in (self.first_name, self.last_name.upper()) if part)

    @property
    def is_email_verified(self):
        return self.email_verified_at is not None

    @property
    def postal_address(self):
        if not self.street:
            return ""
        return f"{self.street}, {self.postcode} {self.city}".strip()

    @property
    def is_agent(self):
        known = getattr(self, "has_agent_role", None)  # annotated by the authentication backend
        return known if known is not None else self.agent_roles.exists()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.first_name or self.email or ""


class LoginFailure(models.Model):
    """One failed login attempt, kept for throttling (in the database so that every process sees it).

    `email` is the address typed, normalised, whether or not an account uses it: throttling then
    behaves the same for known and unknown addresses and reveals nothing.
    """

    email = models.CharField(_("adresse saisie"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("échec de connexion")
        verbose_name_plural = _("échecs de connexion")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["email", "created_at"], name="login_failure_email_idx"),
            models.Index(fields=["ip_address", "created_at"], name="login_failure_ip_idx"),
        ]

    def __str__(self):
        return f"{self.email or '?'} / {self.ip_address or '?'} ({self.created_at:%Y-%m-%d %H:%M})"
