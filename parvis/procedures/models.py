"""Procedures (démarches): what a resident can ask the commune, and how.

A procedure carries its information page, channels, legal regime and privacy metadata. Its form is
stored as a versioned JSON schema in `ProcedureRevision` rows: cases keep the revision they were
filed under, and the no-code builder edits a draft revision while the published one stays live.
The schema format is documented in docs/dev/form-schema.md and validated by
`parvis.procedures.schema.validate_schema`.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=100)

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("procedures:category", args=[self.slug])


class LifeEvent(models.Model):
    """A moment of life ("je déménage") that gathers the procedures a resident may need."""

    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=100)

    class Meta:
        verbose_name = _("événement de vie")
        verbose_name_plural = _("événements de vie")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("procedures:life_event", args=[self.slug])


class Family(models.TextChoices):
    """The families of procedures of domain.md §3: each is one engine in Parvis."""

    DECISION = "decision", _("Demande avec décision")
    DOCUMENT = "document", _("Demande de document")
    APPOINTMENT = "appointment", _("Rendez-vous")
    REGISTRATION = "registration", _("Inscription")
    PAYMENT = "payment", _("Paiement")
    REPORT = "report", _("Signalement")
    DECLARATION = "declaration", _("Déclaration")


class Regime(models.TextChoices):
    SVA = "SVA", _("Silence vaut acceptation")
    SVR = "SVR", _("Silence vaut rejet")
    NONE = "none", _("Pas de décision implicite")


class PeriodUnit(models.TextChoices):
    MONTHS = "months", _("mois")
    DAYS = "days", _("jours")


class PrivacyLegalBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", _("Mission d'intérêt public (art. 6.1.e RGPD)")
    LEGAL_OBLIGATION = "legal_obligation", _("Obligation légale (art. 6.1.c RGPD)")
    CONTRACT = "contract", _("Exécution d'un contrat (art. 6.1.b RGPD)")
    CONSENT = "consent", _("Consentement (art. 6.1.a RGPD)")


class ProcedureStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    CLOSED = "closed", _("Fermée")


class Procedure(models.Model):
    # What residents read before starting
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    summary = models.CharField(_("résumé"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    eligibility = models.TextField(_("qui peut faire la demande"), blank=True)
    documents_to_prepare = models.TextField(_("pièces à préparer"), blank=True)
    cost = models.CharField(_("coût"), max_length=200, blank=True, default="Gratuit")
    usual_delay = models.CharField(_("délai habituel"), max_length=200, blank=True)
    keywords = models.CharField(_("mots-clés"), max_length=300, blank=True,
                                help_text=_("Mots que les usagers peuvent chercher, séparés par des virgules."))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="procedures",
                                 verbose_name=_("catégorie"))
    life_events = models.ManyToManyField(LifeEvent, blank=True, related_name="procedures",
                                         verbose_name=_("événements de vie"))
    family = models.CharField(_("famille"), max_length=20, choices=Family.choices, default=Family.DECISION)
    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT,
                                   related_name="procedures", verbose_name=_("service instructeur"))

    # Access and channels
    account_required = models.BooleanField(_("compte requis"), default=True)
    allow_anonymous = models.BooleanField(
        _("dépôt sans compte possible"), default=False,
        help_text=_("Un lien de suivi est alors envoyé par courriel."))
    channel_web = models.BooleanField(_("en ligne"), default=True)
    channel_counter = models.BooleanField(_("au guichet"), default=True)
    channel_phone = models.BooleanField(_("par téléphone"), default=False)
    channel_mail = models.BooleanField(_("par courrier"), default=True)
    offline_alternative = models.TextField(
        _("alternative non numérique"),
        help_text=_("Comment faire la démarche sans internet : guichet, téléphone, courrier."))

    # Legal regime (CRPA L231-1, L231-4)
    regime = models.CharField(_("régime"), max_length=4, choices=Regime.choices, default=Regime.SVA)
    period_value = models.PositiveSmallIntegerField(_("délai"), null=True, blank=True)
    period_unit = models.CharField(_("unité du délai"), max_length=6, choices=PeriodUnit.choices,
                                   default=PeriodUnit.MONTHS)
    legal_basis = models.CharField(_("fondement juridique"), max_length=300, blank=True)
    acknowledgement_due = models.BooleanField(
        _("accusé de réception dû"), default=True,
        help_text=_("Non dû si la réponse intervient sous 15 jours ou pour une simple délivrance de document "
                    "(CRPA R112-4)."))

    # Privacy (GDPR art. 13 notice and art. 30 register)
    privacy_purpose = models.TextField(_("finalité du traitement"), blank=True)
    privacy_legal_basis = models.CharField(_("base légale du traitement"), max_length=20,
                                           choices=PrivacyLegalBasis.choices, default=PrivacyLegalBasis.PUBLIC_TASK)
    privacy_legal_basis_detail = models.CharField(_("texte fondant le traitement"), max_length=300, blank=True)
    privacy_data_categories = models.TextField(_("catégories de données"), blank=True)
    privacy_recipients = models.TextField(_("destinataires"), blank=True)
    retention_months = models.PositiveSmallIntegerField(_("durée de conservation (mois)"), null=True, blank=True)
    retention_detail = models.CharField(_("précision sur la conservation"), max_length=300, blank=True)

    # Publication
    status = models.CharField(_("état"), max_length=10, choices=ProcedureStatus.choices,
                              default=ProcedureStatus.DRAFT)
    is_featured = models.BooleanField(_("mise en avant"), default=False)
    published_revision = models.ForeignKey("ProcedureRevision", on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("révision publiée"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("démarche")
        verbose_name_plural = _("démarches")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(regime="none") | models.Q(period_value__isnull=False),
                name="procedure_regime_has_period",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("procedures:detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == ProcedureStatus.PUBLISHED

    @property
    def period(self):
        """The period as the deadlines engine takes it, e.g. (2, "months"), or None."""
        if self.regime == Regime.NONE or not self.period_value:
            return None
        return (self.period_value, self.period_unit)

    @property
    def channels(self):
        return [label for flag, label in (
            (self.channel_web, _("en ligne")), (self.channel_counter, _("au guichet")),
            (self.channel_phone, _("par téléphone")), (self.channel_mail, _("par courrier")),
        ) if flag]


class ProcedureRevision(models.Model):
    """One version of a procedure's form (and, later, workflow). Published revisions never change."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("numéro"))
    form_schema = models.JSONField(_("formulaire"), default=dict)
    workflow = models.JSONField(_("circuit de traitement"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("révision")
        verbose_name_plural = _("révisions")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_revision_number"),
        ]

    def __str__(self):
        return f"{self.procedure} — v{self.number}"
