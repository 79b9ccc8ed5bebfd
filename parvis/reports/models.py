"""Reports (signalements) of problems in public space.

A `Report` is the public face of one case (`parvis.cases.Case`, 1–1) filed under the reports procedure: its
category, position, description, public answer, photos and followers. The case carries the department, the
status (the reports workflow, `parvis.reports.workflow`), the history and the filer's contact. Every change
goes through `parvis.reports.services`, which writes the case history.

Categories are a two-level tree (category → sub-categories); the leaves are what residents choose and what
Open311 calls services (`service_code` = slug). Each leaf belongs to a department, directly or through its
parent, and may be routed elsewhere by geographic sector (`SectorRoute`).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_token():
    return secrets.token_urlsafe(24)


class ReportCategory(models.Model):
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("catégorie parente"))
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("code"), max_length=60, unique=True,
                            help_text=_("Code du service pour l'API Open311 (service_code)."))
    description = models.CharField(_("description"), max_length=300, blank=True)
    keywords = models.CharField(_("mots-clés"), max_length=300, blank=True,
                                help_text=_("Séparés par des virgules."))
    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="report_categories", verbose_name=_("service responsable"),
                                   help_text=_("Vide pour une sous-catégorie : le service de la catégorie parente."))
    service_notice = models.CharField(_("délai annoncé"), max_length=300, blank=True,
                                      help_text=_("Par exemple : « Mise en sécurité sous 48 heures »."))
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("catégorie de signalement")
        verbose_name_plural = _("catégories de signalement")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Deux niveaux au plus : une catégorie et ses sous-catégories.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Une catégorie ne peut pas être sa propre parente.")})
        if not self.parent_id and not self.department_id:
            raise ValidationError({"department": _("Une catégorie principale doit avoir un service responsable.")})

    @property
    def service_code(self):
        return self.slug

    @property
    def group_name(self):
        return self.parent.name if self.parent_id else self.name

    @property
    def effective_department(self):
        if self.department_id:
            return self.department
        return self.parent.department if self.parent_id else None

    def lineage(self):
        """The parent (if any) then the category itself: questions and routes are read in this order."""
        return [self.parent, self] if self.parent_id else [self]


class Datatype(models.TextChoices):
    STRING = "string", _("Texte court")
    TEXT = "text", _("Texte long")
    NUMBER = "number", _("Nombre")
    DATETIME = "datetime", _("Date et heure")
    SINGLE = "singlevaluelist", _("Choix unique")
    MULTI = "multivaluelist", _("Choix multiple")


class ReportQuestion(models.Model):
    """An extra question of a category (Open311 service attribute). A sub-category also asks its parent's."""

    category = models.ForeignKey(ReportCategory, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=40, help_text=_("Identifiant de l'attribut Open311."))
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("aide"), max_length=300, blank=True)
    datatype = models.CharField(_("type de réponse"), max_length=20, choices=Datatype.choices,
                                default=Datatype.STRING)
    required = models.BooleanField(_("obligatoire"), default=False)
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    values = models.JSONField(_("choix possibles"), default=list, blank=True,
                              help_text=_('Pour un choix : [{"key": "oui", "name": "Oui"}, ...]'))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("question complémentaire")
        verbose_name_plural = _("questions complémentaires")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="unique_report_question_code")]

    def __str__(self):
        return self.label

    def clean(self):
        if self.datatype in (Datatype.SINGLE, Datatype.MULTI):
            ok = (isinstance(self.values, list) and self.values
                  and all(isinstance(v, dict) and str(v.get("key", "")).strip() and str(v.get("name", "")).strip()
                          for v in self.values))
            if not ok:
                raise ValidationError({"values": _("Donnez au moins un choix, chacun avec une clé et un nom.")})
            keys = [str(v["key"]) for v in self.values]
            if len(set(keys)) != len(keys):
                raise ValidationError({"values": _("Deux choix ont la même clé.")})

    @property
    def choices(self):
        return [(str(value["key"]), str(value["name"])) for value in self.values or []]


class ReportSector(models.Model):
    """A geographic sector (GeoJSON Polygon or MultiPolygon) used to route reports to a department."""

    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    geometry = models.JSONField(_("contour (GeoJSON)"),
                                help_text=_("Un Polygon ou MultiPolygon GeoJSON, coordonnées [longitude, latitude]."))
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=100)

    class Meta:
        verbose_name = _("secteur")
        verbose_name_plural = _("secteurs")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        from parvis.reports.geo import GeometryError, parse_area

        try:
            parse_area(self.geometry)
        except GeometryError as error:
            raise ValidationError({"geometry": str(error)}) from None

    @property
    def area(self):
        from parvis.reports.geo import parse_area

        return parse_area(self.geometry)


class SectorRoute(models.Model):
    """In `sector`, reports of `category` (and of its sub-categories) go to `department`."""

    category = models.ForeignKey(ReportCategory, on_delete=models.CASCADE, related_name="routes",
                                 verbose_name=_("catégorie"))
    sector = models.ForeignKey(ReportSector, on_delete=models.CASCADE, related_name="routes",
                               verbose_name=_("secteur"))
    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("service"))

    class Meta:
        verbose_name = _("routage par secteur")
        verbose_name_plural = _("routages par secteur")
        constraints = [models.UniqueConstraint(fields=["category", "sector"], name="unique_sector_route")]

    def __str__(self):
        return f"{self.category} / {self.sector} → {self.department}"


class ApiKey(models.Model):
    """An Open311 API key of an integrator. Only its SHA-256 is kept; the key is shown once, at creation."""

    name = models.CharField(_("application"), max_length=120)
    contact_email = models.EmailField(_("courriel de l'intégrateur"), blank=True)
    key_prefix = models.CharField(_("début de la clé"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    max_posts_per_hour = models.PositiveIntegerField(
        _("signalements par heure au plus"), null=True, blank=True,
        help_text=_("Vide : la limite générale (OPEN311_MAX_POSTS_PER_KEY_PER_HOUR)."))
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    class Meta:
        verbose_name = _("clé d'API Open311")
        verbose_name_plural = _("clés d'API Open311")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, *, name, contact_email="", created_by=None, max_posts_per_hour=None):
        """Creates a key and returns (ApiKey, the key in clear): show it once, it is not kept."""
        key = secrets.token_urlsafe(30)
        api_key = cls.objects.create(name=name, contact_email=contact_email, key_prefix=key[:8],
                                     key_hash=cls.hash_key(key), created_by=created_by,
                                     max_posts_per_hour=max_posts_per_hour)
        return api_key, key

    @classmethod
    def find_active(cls, key: str):
        if not key or len(key) > 200:
            return None
        return cls.objects.filter(key_hash=cls.hash_key(key), is_active=True).first()


class Report(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="report")
    category = models.ForeignKey(ReportCategory, on_delete=models.PROTECT, related_name="reports",
                                 verbose_name=_("catégorie"))
    sector = models.ForeignKey(ReportSector, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("secteur"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    description = models.TextField(_("description"))
    answers = models.JSONField(_("réponses aux questions"), default=dict, blank=True)
    # Never public: shown to the department's agents only.
    contact_name = models.CharField(_("nom"), max_length=150, blank=True)
    contact_phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    public_answer = models.TextField(_("réponse publique"), blank=True)
    expected_at = models.DateTimeField(_("intervention prévue le"), null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged",
                                    verbose_name=_("doublon de"))
    is_public = models.BooleanField(_("visible publiquement"), default=True)
    # Open311 filings
    api_key = models.ForeignKey(ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    device_id = models.CharField(max_length=100, blank=True)
    external_account_id = models.CharField(max_length=100, blank=True)
    media_url = models.URLField(_("lien vers un média (Open311)"), max_length=500, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("signalé le"))
    updated_at = models.DateTimeField(_("mis à jour le"))

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="report_position_idx"),
            models.Index(fields=["category", "-created_at"], name="report_category_idx"),
            models.Index(fields=["-created_at"], name="report_created_idx"),
        ]

    def __str__(self):
        return f"{self.case.reference} — {self.category}"

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.case.reference])

    @property
    def reference(self):
        return self.case.reference

    @property
    def status(self):
        return self.case.status

    @property
    def has_position(self):
        return self.latitude is not None and self.longitude is not None


class PhotoKind(models.TextChoices):
    REPORT = "report", _("Photo du signalement")
    REPAIR = "repair", _("Photo de l'intervention")


class ReportPhoto(models.Model):
    """A photo of a report, already cleaned (`parvis.reports.photos`). `report` is empty while the resident is
    still filing (`draft_key` ties it to their session); `manage.py purge_report_drafts` removes forgotten ones.
    Public only when an agent publishes it (repair photos are published with the answer)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, null=True, blank=True, related_name="photos")
    draft_key = models.CharField(max_length=64, blank=True, db_index=True)
    stored_file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=PhotoKind.choices, default=PhotoKind.REPORT)
    is_public = models.BooleanField(_("publiée"), default=False)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"


class Follower(models.Model):
    """Someone who follows a report and gets its status changes by email, once they confirmed their address."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField(_("courriel"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="followed_reports")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("abonné")
        verbose_name_plural = _("abonnés")
        constraints = [models.UniqueConstraint(fields=["report", "email"], name="unique_report_follower")]

    def __str__(self):
        return f"{self.email} → {self.report_id}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class RateLimitHit(models.Model):
    """One counted action (a report filed) of a client, for the sliding-window limits of `ratelimit.py`."""

    scope = models.CharField(max_length=40)
    identifier = models.CharField(max_length=128)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["scope", "identifier", "at"], name="ratelimit_window_idx")]

    def __str__(self):
        return f"{self.scope}:{self.identifier}@{self.at:%Y-%m-%d %H:%M:%S}"
