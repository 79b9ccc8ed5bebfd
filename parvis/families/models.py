"""The family desk (guichet unique d'inscription): households, children, supporting documents, family
quotients, activities with their sessions and places, registrations and attendance.

Places are scarce: they are taken only through `parvis.families.registrations` (transaction, lock on the
session row, re-count, write). A holding registration carries a place number, unique per session: the
database itself refuses two holders of the same place.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Household(models.Model):
    """A foyer: the adults responsible for some children, and the address the commune writes to."""

    street = models.CharField(_("adresse"), max_length=250)
    postcode = models.CharField(_("code postal"), max_length=5)
    city = models.CharField(_("commune"), max_length=120)
    # Domiciled in the commune: the resident rate applies (set from the postcode, corrected by an agent).
    is_resident = models.BooleanField(_("domicilié dans la commune"), default=True)
    # Kept to ask API Particulier again next year ("say it once"); never shown to other people.
    caf_number = models.CharField(_("numéro d'allocataire"), max_length=13, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("foyer")
        verbose_name_plural = _("foyers")

    def __str__(self):
        names = ", ".join(member.display_name for member in self.active_members)
        return names or f"Foyer n° {self.pk}"

    @property
    def postal_address(self):
        return f"{self.street}, {self.postcode} {self.city}"

    @property
    def active_members(self):
        return [member for member in self.members.all() if member.status == MemberStatus.ACTIVE]

    @property
    def primary_user(self):
        for member in self.active_members:
            if member.role == MemberRole.PRIMARY:
                return member.user
        members = self.active_members
        return members[0].user if members else None


class MemberRole(models.TextChoices):
    PRIMARY = "primary", _("Responsable du foyer")
    CO_GUARDIAN = "co_guardian", _("Second responsable (accès partagé)")


class MemberStatus(models.TextChoices):
    INVITED = "invited", _("Invitation envoyée")
    ACTIVE = "active", _("Accès actif")
    ENDED = "ended", _("Accès terminé")


class HouseholdMember(models.Model):
    """An adult with access to a household. A second parent gets access when both agree: the first one
    invites (by email), the second accepts while logged in with that address. Either may end it."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="household_memberships")
    role = models.CharField(_("rôle"), max_length=12, choices=MemberRole.choices, default=MemberRole.PRIMARY)
    relationship = models.CharField(_("lien avec les enfants"), max_length=60, blank=True,
                                    help_text=_("Par exemple : mère, père, tutrice."))
    status = models.CharField(_("état"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    invited_email = models.EmailField(_("adresse invitée"), blank=True)
    token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    joined_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("responsable du foyer")
        verbose_name_plural = _("responsables des foyers")
        constraints = [
            # One household at a time per person.
            models.UniqueConstraint(fields=["user"], condition=Q(status="active"), name="one_active_household"),
        ]

    def __str__(self):
        return f"{self.display_name} — {self.get_role_display()}"

    @property
    def display_name(self):
        if self.user_id:
            return self.user.full_name or self.user.email or ""
        return self.invited_email


class SchoolLevel(models.TextChoices):
    NONE = "", _("Pas encore scolarisé")
    PS = "PS", _("Petite section")
    MS = "MS", _("Moyenne section")
    GS = "GS", _("Grande section")
    CP = "CP", _("CP")
    CE1 = "CE1", _("CE1")
    CE2 = "CE2", _("CE2")
    CM1 = "CM1", _("CM1")
    CM2 = "CM2", _("CM2")


class Menu(models.TextChoices):
    """What the child eats at the canteen: a menu, never a belief (GDPR: no religious data)."""

    STANDARD = "standard", _("Menu standard")
    WITHOUT_PORK = "sans_porc", _("Menu sans porc")
    WITHOUT_MEAT = "sans_viande", _("Menu sans viande")


class School(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    sector = models.CharField(_("secteur scolaire"), max_length=100, blank=True)
    street = models.CharField(_("adresse"), max_length=250, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("école")
        verbose_name_plural = _("écoles")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Child(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    birth_date = models.DateField(_("date de naissance"))
    school = models.ForeignKey(School, on_delete=models.SET_NULL, null=True, blank=True, related_name="children",
                               verbose_name=_("école"))
    school_level = models.CharField(_("classe"), max_length=3, choices=SchoolLevel.choices, blank=True)
    menu = models.CharField(_("menu à la cantine"), max_length=12, choices=Menu.choices, default=Menu.STANDARD)
    # Health: only what the activity needs, as yes/no. Details stay with the family and the PAI.
    has_food_allergy = models.BooleanField(_("allergie alimentaire"), default=False)
    has_care_plan = models.BooleanField(_("projet d'accueil individualisé (PAI)"), default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enfant")
        verbose_name_plural = _("enfants")
        ordering = ["birth_date", "first_name"]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name.upper()}"


class ChildContact(models.Model):
    """An adult who may pick the child up and/or is called in an emergency."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom et prénom"), max_length=200)
    phone = models.CharField(_("téléphone"), max_length=30)
    relationship = models.CharField(_("lien avec l'enfant"), max_length=60, blank=True)
    can_pick_up = models.BooleanField(_("autorisé à venir chercher l'enfant"), default=True)
    is_emergency_contact = models.BooleanField(_("à prévenir en cas d'urgence"), default=True)

    class Meta:
        verbose_name = _("personne autorisée ou à prévenir")
        verbose_name_plural = _("personnes autorisées ou à prévenir")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class DocumentKind(models.TextChoices):
    PROOF_OF_ADDRESS = "proof_of_address", _("Justificatif de domicile")
    FAMILY_RECORD_BOOK = "family_record_book", _("Livret de famille (pages parents et enfants)")
    QUOTIENT_CERTIFICATE = "quotient_certificate", _("Attestation de quotient familial (CAF ou MSA)")
    CUSTODY_JUDGMENT = "custody_judgment", _("Jugement fixant la résidence des enfants")
    OTHER = "other", _("Autre justificatif")


# How long a document stays usable after the date printed on it (months); None: no expiry.
DOCUMENT_VALIDITY_MONTHS = {
    DocumentKind.PROOF_OF_ADDRESS: 3,
    DocumentKind.FAMILY_RECORD_BOOK: None,
    DocumentKind.QUOTIENT_CERTIFICATE: 3,
    DocumentKind.CUSTODY_JUDGMENT: None,
    DocumentKind.OTHER: 12,
}


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("À vérifier")
    VALID = "valid", _("Vérifié")
    REJECTED = "rejected", _("Refusé")


class SupportingDocument(models.Model):
    """A document sent once and reused by every registration until it expires."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("pièce"), max_length=30, choices=DocumentKind.choices)
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    document_date = models.DateField(_("date du document"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=DocumentStatus.choices,
                              default=DocumentStatus.PENDING)
    rejection_reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pièce justificative")
        verbose_name_plural = _("pièces justificatives")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["status", "uploaded_at"], name="familydoc_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.document_date:%d/%m/%Y})"

    def is_expired(self, today=None):
        today = today or timezone.localdate()
        return self.valid_until is not None and self.valid_until < today

    def is_usable(self, today=None):
        """Counts for a registration: not refused and not expired (a pending one counts: agents check later)."""
        return self.status != DocumentStatus.REJECTED and not self.is_expired(today)


class QuotientSource(models.TextChoices):
    API_PARTICULIER = "api_particulier", _("CAF/MSA via API Particulier")
    DOCUMENT = "document", _("Attestation vérifiée par un agent")


class FamilyQuotient(models.Model):
    """A family quotient with its source and date, shown to the family and to agents."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="quotients")
    value = models.PositiveIntegerField(_("quotient familial"))
    source = models.CharField(_("source"), max_length=20, choices=QuotientSource.choices)
    provider = models.CharField(_("organisme"), max_length=10, default="CAF")
    # The month the value refers to (first day of that month), as given by the CAF.
    reference_month = models.DateField(_("mois de référence"))
    obtained_at = models.DateTimeField(_("obtenu le"), default=timezone.now)
    valid_until = models.DateField(_("appliqué jusqu'au"))
    document = models.ForeignKey(SupportingDocument, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("quotient familial")
        verbose_name_plural = _("quotients familiaux")
        ordering = ["-obtained_at", "-pk"]

    def __str__(self):
        return f"QF {self.value} ({self.get_source_display()}, {self.reference_month:%m/%Y})"

    @property
    def source_label(self):
        if self.source == QuotientSource.API_PARTICULIER:
            return _("%(provider)s via API Particulier") % {"provider": self.provider}
        return self.get_source_display()


class ActivityKind(models.TextChoices):
    SCHOOL = "school", _("Inscription scolaire")
    CANTEEN = "canteen", _("Restauration scolaire")
    MORNING_CARE = "morning_care", _("Accueil périscolaire du matin")
    EVENING_CARE = "evening_care", _("Accueil périscolaire du soir")
    WEDNESDAY = "wednesday", _("Accueil de loisirs du mercredi")
    HOLIDAY = "holiday", _("Centre de loisirs des vacances")
    CRECHE = "creche", _("Crèche")


class BillingMode(models.TextChoices):
    FREE = "free", _("Gratuit")
    PER_ATTENDANCE = "per_attendance", _("À la présence (par jour)")
    MONTHLY = "monthly", _("Forfait mensuel")
    PER_SESSION = "per_session", _("Forfait par période (semaine)")


class Activity(models.Model):
    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT, related_name="activities",
                                   verbose_name=_("service"))
    cash_office = models.ForeignKey("billing.CashOffice", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="activities", verbose_name=_("régie"))
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=ActivityKind.choices)
    description = models.TextField(_("présentation"), blank=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True, related_name="activities",
                               verbose_name=_("école"), help_text=_("Réservé aux élèves de cette école."))
    min_age_months = models.PositiveSmallIntegerField(_("âge minimum (mois)"), null=True, blank=True)
    max_age_months = models.PositiveSmallIntegerField(_("âge maximum (mois)"), null=True, blank=True)
    school_levels = models.JSONField(_("classes admises"), default=list, blank=True)
    residents_only = models.BooleanField(_("réservé aux familles domiciliées dans la commune"), default=False)
    required_documents = models.JSONField(_("pièces demandées"), default=list, blank=True)
    billing_mode = models.CharField(_("facturation"), max_length=20, choices=BillingMode.choices,
                                    default=BillingMode.FREE)
    offer_hold_hours = models.PositiveSmallIntegerField(
        _("délai pour accepter une place libérée (heures)"), default=72)
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    @property
    def required_document_labels(self):
        labels = dict(DocumentKind.choices)
        return [labels.get(kind, kind) for kind in self.required_documents]


class ActivitySession(models.Model):
    """One period of an activity with its places: a school year, a holiday week... The capacity holder:
    every registration that takes or frees a place locks this row first."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    label = models.CharField(_("période"), max_length=120)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    # Days of the week the activity runs (0 = Monday), for attendance sheets.
    weekdays = models.JSONField(_("jours d'ouverture"), default=list)
    capacity = models.PositiveIntegerField(_("nombre de places"))
    registration_opens_at = models.DateTimeField(_("ouverture des inscriptions"))
    registration_closes_at = models.DateTimeField(_("clôture des inscriptions"))

    class Meta:
        verbose_name = _("période d'activité")
        verbose_name_plural = _("périodes d'activité")
        ordering = ["activity__sort_order", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="session_dates_ordered"),
            models.CheckConstraint(condition=Q(registration_closes_at__gt=models.F("registration_opens_at")),
                                   name="session_registration_window"),
        ]

    def __str__(self):
        return f"{self.activity.name} — {self.label}"

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.registration_opens_at <= now <= self.registration_closes_at


class TariffGrid(models.Model):
    """The prices of an activity from a date, by family-quotient bracket, set by the council."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="tariff_grids")
    valid_from = models.DateField(_("applicable à partir du"))
    non_resident_price = models.DecimalField(_("tarif hors commune"), max_digits=8, decimal_places=2)
    council_decision = models.CharField(_("délibération"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("grille tarifaire")
        verbose_name_plural = _("grilles tarifaires")
        ordering = ["activity", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["activity", "valid_from"], name="one_grid_per_date")]

    def __str__(self):
        return f"{self.activity} — {self.valid_from:%d/%m/%Y}"


class TariffBracket(models.Model):
    grid = models.ForeignKey(TariffGrid, on_delete=models.CASCADE, related_name="brackets")
    qf_min = models.PositiveIntegerField(_("QF de"))
    qf_max = models.PositiveIntegerField(_("QF jusqu'à (inclus)"), null=True, blank=True)
    price = models.DecimalField(_("tarif"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("tranche de quotient")
        verbose_name_plural = _("tranches de quotient")
        ordering = ["grid", "qf_min"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        if self.qf_max is None:
            return f"QF ≥ {self.qf_min}"
        return f"QF {self.qf_min} à {self.qf_max}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Inscrit")
    OFFERED = "offered", _("Place proposée (à accepter)")
    WAITING = "waiting", _("Sur liste d'attente")
    DECLINED = "declined", _("Place refusée")
    EXPIRED = "expired", _("Proposition expirée")
    CANCELLED = "cancelled", _("Annulée")


HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)
OPEN = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED, RegistrationStatus.WAITING)


class Channel(models.TextChoices):
    WEB = "web", _("En ligne")
    COUNTER = "counter", _("Au guichet")


class Registration(models.Model):
    session = models.ForeignKey(ActivitySession, on_delete=models.PROTECT, related_name="registrations")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="registrations")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(_("état"), max_length=10, choices=RegistrationStatus.choices)
    # 1..capacity while the registration holds a place (confirmed or offered), else empty.
    place_number = models.PositiveIntegerField(_("place"), null=True, blank=True)
    # Waiting-list rank: priority points first (higher first), then the time of the request.
    priority = models.PositiveSmallIntegerField(_("points de priorité"), default=0)
    priority_reasons = models.JSONField(default=list, blank=True)
    requested_at = models.DateTimeField(_("demandée le"))
    confirmed_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("à accepter avant le"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["session", "-priority", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "place_number"], condition=Q(place_number__isnull=False),
                                    name="one_holder_per_place"),
            models.CheckConstraint(condition=Q(place_number__isnull=True) | Q(place_number__gte=1),
                                   name="place_number_positive"),
            models.UniqueConstraint(fields=["session", "child"],
                                    condition=Q(status__in=["confirmed", "offered", "waiting"]),
                                    name="one_open_registration_per_child"),
        ]
        indexes = [models.Index(fields=["session", "status"], name="registration_session_idx")]

    def __str__(self):
        return f"{self.child} — {self.session} ({self.get_status_display()})"

    @property
    def holds_place(self):
        return self.status in HOLDING


class Attendance(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    day = models.DateField(_("jour"))
    present = models.BooleanField(_("présent"), default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [models.UniqueConstraint(fields=["registration", "day"], name="one_attendance_per_day")]

    def __str__(self):
        return f"{self.registration.child} — {self.day:%d/%m/%Y}"


class FamilyEvent(models.Model):
    """The history of a household: who did what, when, through which channel."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="events")
    registration = models.ForeignKey(Registration, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="events")
    kind = models.CharField(max_length=40)
    description = models.CharField(max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    channel = models.CharField(max_length=10, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("événement du foyer")
        verbose_name_plural = _("historique des foyers")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return self.description
