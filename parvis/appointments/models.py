"""Agendas and appointments.

The scarce resource is concrete: `Slot` rows, one per desk and per base unit of time (for instance 10
minutes), generated from the desks' weekly opening hours minus the closures (`parvis.appointments.slots`).
An appointment takes the run of consecutive units its meeting type lasts (20 min = 2 units of 10 min):
each unit names its holder in `Slot.taken_by`, so a unit can never belong to two appointments, and taking
units is one locked transaction in `parvis.appointments.services` (see its docstring for why).

Every state change of an appointment goes through `services.py`, which writes `AppointmentEvent`.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ANTS_REASONS = ("CNI", "PASSPORT", "CNI-PASSPORT")


class ReleaseMode(models.TextChoices):
    ROLLING = "rolling", _("Au fil de l'eau (jusqu'au délai maximal)")
    MONTHLY = "monthly", _("Par mois, ouverts à date fixe")


class Place(models.Model):
    """A place where residents are received (town hall, annex); its department administers its agenda."""

    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT, related_name="places",
                                   verbose_name=_("service responsable"))
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    street = models.CharField(_("adresse"), max_length=250)
    postcode = models.CharField(_("code postal"), max_length=5)
    city = models.CharField(_("ville"), max_length=120)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    website = models.URLField(_("site internet"), blank=True)
    accessibility = models.TextField(
        _("accessibilité"), blank=True,
        help_text=_("Accès en fauteuil roulant, boucle magnétique, stationnement réservé, transports..."))
    instructions = models.TextField(_("informations pratiques"), blank=True,
                                    help_text=_("Montrées avant la réservation et rappelées dans les courriels."))
    is_active = models.BooleanField(_("ouvert à la réservation"), default=True)
    ants_enabled = models.BooleanField(
        _("visible dans la recherche nationale ANTS"), default=False,
        help_text=_("Le lieu est déclaré à l'ANTS ; ses créneaux de titres d'identité y sont publiés."))
    slot_minutes = models.PositiveSmallIntegerField(
        _("unité de créneau (minutes)"), default=10, validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text=_("Les durées des motifs sont des multiples de cette unité."))
    min_delay_hours = models.PositiveSmallIntegerField(
        _("délai minimal de réservation (heures)"), default=24,
        help_text=_("En ligne, on ne réserve pas un créneau qui commence avant ce délai."))
    max_delay_days = models.PositiveSmallIntegerField(
        _("délai maximal de réservation (jours)"), default=60, validators=[MinValueValidator(1)])
    reserved_share = models.PositiveSmallIntegerField(
        _("part gardée pour le guichet et le téléphone (%)"), default=20, validators=[MaxValueValidator(100)],
        help_text=_("La fin de chaque plage d'ouverture est réservée aux agents, pour les personnes sans internet."))
    closed_on_public_holidays = models.BooleanField(_("fermé les jours fériés"), default=True)
    release_mode = models.CharField(_("ouverture des créneaux"), max_length=10, choices=ReleaseMode.choices,
                                    default=ReleaseMode.ROLLING)
    release_day = models.PositiveSmallIntegerField(
        _("jour d'ouverture du mois suivant"), default=15, validators=[MinValueValidator(1), MaxValueValidator(28)])
    release_time = models.TimeField(_("heure d'ouverture"), default="08:00")
    release_months_ahead = models.PositiveSmallIntegerField(
        _("mois ouverts d'avance"), default=1, validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("1 : le jour dit, les créneaux du mois suivant s'ouvrent."))

    class Meta:
        verbose_name = _("lieu d'accueil")
        verbose_name_plural = _("lieux d'accueil")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def postal_address(self):
        return f"{self.street}, {self.postcode} {self.city}"

    @property
    def ants_meeting_point_id(self):
        return str(self.pk)


class MeetingType(models.Model):
    """What the appointment is for (« Dépôt CNI — 20 min »). `kind` groups types for the rule
    "one future appointment of a kind per resident and per pre-application number"."""

    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT,
                                   related_name="meeting_types", verbose_name=_("service"))
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    kind = models.SlugField(
        _("famille de motif"), max_length=40,
        help_text=_("Un usager ne peut avoir qu'un rendez-vous à venir par famille (ex. « depot-titre »)."))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), validators=[MinValueValidator(5)])
    description = models.TextField(_("description"), blank=True)
    documents_to_bring = models.TextField(_("pièces à apporter"), blank=True)
    requires_ants_number = models.BooleanField(
        _("numéro de pré-demande ANTS demandé"), default=False,
        help_text=_("Pour les titres d'identité : chaque numéro est vérifié auprès de l'ANTS."))
    documents_max = models.PositiveSmallIntegerField(
        _("nombre de titres (personnes) au plus"), default=1, validators=[MinValueValidator(1)])
    ants_reasons = models.JSONField(
        _("motifs ANTS couverts"), default=list, blank=True,
        help_text=_("Parmi CNI, PASSPORT, CNI-PASSPORT : publie ce motif dans la recherche nationale."))
    is_active = models.BooleanField(_("proposé"), default=True)
    order = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    class Meta:
        verbose_name = _("motif de rendez-vous")
        verbose_name_plural = _("motifs de rendez-vous")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        unknown = [reason for reason in self.ants_reasons or [] if reason not in ANTS_REASONS]
        if unknown:
            message = _("Motifs ANTS inconnus : %(list)s.") % {"list": ", ".join(unknown)}
            raise ValidationError({"ants_reasons": message})


class Desk(models.Model):
    """A desk (or an agent) receiving in parallel with the others of the place."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="desks", verbose_name=_("lieu"))
    name = models.CharField(_("nom"), max_length=120)
    meeting_types = models.ManyToManyField(MeetingType, related_name="desks", verbose_name=_("motifs reçus"))
    is_active = models.BooleanField(_("actif"), default=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("guichet")
        verbose_name_plural = _("guichets")
        ordering = ["place_id", "order", "pk"]  # ids, not the place's own ordering: no join when locking

    def __str__(self):
        return f"{self.place} — {self.name}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class OpeningHours(models.Model):
    """A weekly opening period of a desk (Paris local time), valid between two dates."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("guichet"))
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    start_time = models.TimeField(_("début"))
    end_time = models.TimeField(_("fin"))
    valid_from = models.DateField(_("valable à partir du"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("plage d'ouverture")
        verbose_name_plural = _("plages d'ouverture")
        ordering = ["desk", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="opening_hours_order"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class ClosureKind(models.TextChoices):
    CLOSURE = "closure", _("Fermeture")
    PUBLIC_HOLIDAY = "holiday", _("Jour férié")
    ABSENCE = "absence", _("Absence")


class Closure(models.Model):
    """An exception to the opening hours: the whole place (desk empty) or one desk, between two instants.

    Public holidays are imported as rows of kind `holiday` (one per place and day); deactivating one
    opens the place that day and the import does not bring it back.
    """

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="closures", verbose_name=_("lieu"))
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="closures", null=True, blank=True,
                             verbose_name=_("guichet"), help_text=_("Vide : tout le lieu."))
    kind = models.CharField(_("type"), max_length=10, choices=ClosureKind.choices, default=ClosureKind.CLOSURE)
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    reason = models.CharField(_("motif"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fermeture")
        verbose_name_plural = _("fermetures")
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="closure_order")]
        indexes = [models.Index(fields=["place", "start"], name="closure_place_start_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reason}".strip()


class Channel(models.TextChoices):
    WEB = "web", _("En ligne")
    PHONE = "phone", _("Par téléphone")
    COUNTER = "counter", _("Au guichet")


AGENT_CHANNELS = (Channel.PHONE, Channel.COUNTER)


class Status(models.TextChoices):
    HELD = "held", _("En attente de confirmation")
    BOOKED = "booked", _("Confirmé")
    CANCELLED = "cancelled", _("Annulé")
    PRESENT = "present", _("Honoré")
    ABSENT = "absent", _("Non honoré (absent)")
    EXPIRED = "expired", _("Réservation expirée")


class Appointment(models.Model):
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("lieu"))
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("guichet"))
    meeting_type = models.ForeignKey(MeetingType, on_delete=models.PROTECT, related_name="appointments",
                                     verbose_name=_("motif"))
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.HELD)
    held_until = models.DateTimeField(_("réservé jusqu'à"), null=True, blank=True)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="appointments", verbose_name=_("usager"))
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("réservé par (agent)"))
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    sms_reminder = models.BooleanField(_("rappel par SMS"), default=False)
    # The meeting type's kind while the appointment is held or booked and still to come; NULL otherwise.
    # Unique per applicant: the database's last word on "one future appointment of a kind".
    future_claim = models.CharField(max_length=40, null=True, blank=True, editable=False)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("version (iCalendar SEQUENCE)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    booked_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    agent_note = models.TextField(_("note interne"), blank=True)

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "future_claim"], name="one_future_appointment_per_kind",
                                    condition=Q(future_claim__isnull=False, applicant__isnull=False)),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appointment_order"),
        ]
        indexes = [
            models.Index(fields=["place", "start"], name="appointment_place_start_idx"),
            models.Index(fields=["status", "start"], name="appointment_status_start_idx"),
        ]

    def __str__(self):
        return f"{self.meeting_type} — {self.start:%Y-%m-%d %H:%M}"

    @property
    def display_name(self):
        name = " ".join(part for part in (self.first_name, self.last_name.upper()) if part)
        return name or (self.applicant.full_name if self.applicant_id else "")

    @property
    def application_ids(self):
        return [row.application_id for row in self.applications.all()]


class ApplicationId(models.Model):
    """An ANTS pre-application number given for an appointment (one per person for a family)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="applications")
    application_id = models.CharField(_("numéro de pré-demande"), max_length=10, db_index=True)
    # Same meaning as Appointment.future_claim, for the number: one future appointment of a kind per number.
    future_claim = models.CharField(max_length=40, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("numéro de pré-demande ANTS")
        verbose_name_plural = _("numéros de pré-demande ANTS")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["application_id", "future_claim"], name="one_future_appointment_per_number",
                                    condition=Q(future_claim__isnull=False)),
        ]

    def __str__(self):
        return self.application_id


class Slot(models.Model):
    """One base unit of a desk's agenda. `taken_by` is its single holder; a held unit is free again once
    `held_until` has passed (no sweeper needed). `reserved` units are for agents (counter, phone)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="slots")
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reserved = models.BooleanField(default=False)
    taken_by = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="slots")
    held_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("créneau")
        verbose_name_plural = _("créneaux")
        ordering = ["desk_id", "start"]  # ids, not the desk's own ordering: no join when locking
        constraints = [models.UniqueConstraint(fields=["desk", "start"], name="one_slot_per_desk_and_start")]
        indexes = [models.Index(fields=["place", "start"], name="slot_place_start_idx")]

    def __str__(self):
        return f"{self.desk} {self.start:%Y-%m-%d %H:%M}"


class AppointmentEvent(models.Model):
    """One line of an appointment's history (who, when, what, from which channel)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    channel = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=30)
    description = models.CharField(max_length=500)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return self.description


class WaitingListEntry(models.Model):
    """The resident of a booked appointment would take an earlier slot if one is freed."""

    appointment = models.OneToOneField(Appointment, on_delete=models.CASCADE, related_name="waiting_list_entry")
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("inscription en liste d'attente")
        verbose_name_plural = _("liste d'attente")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Liste d'attente — {self.appointment}"


class WaitingListOffer(models.Model):
    entry = models.ForeignKey(WaitingListEntry, on_delete=models.CASCADE, related_name="offers")
    start = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "start"], name="one_offer_per_entry_and_start")]

    def __str__(self):
        return f"Offre {self.start:%Y-%m-%d %H:%M}"


class NotificationStatus(models.TextChoices):
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")


class Notification(models.Model):
    """An email or SMS about an appointment. `key` makes sending idempotent (a retried task sends nothing)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=120, unique=True)
    medium = models.CharField(max_length=10)  # email | sms
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.SENT)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.key


class AntsAction(models.TextChoices):
    DECLARE = "declare", _("Déclaration")
    DELETE = "delete", _("Suppression")


class AntsState(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENDING = "sending", _("En cours d'envoi")
    DONE = "done", _("Envoyée")
    FAILED = "failed", _("En échec (nouvel essai prévu)")
    ABANDONED = "abandoned", _("Abandonnée (à reprendre)")


class AntsOperation(models.Model):
    """One call to make to the ANTS coordination API, kept until it succeeds (an outbox).

    A change of appointment is a deletion then a declaration; the operations of an appointment are sent in
    order, so a declaration never overtakes the deletion before it.
    """

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="ants_operations")
    action = models.CharField(max_length=10, choices=AntsAction.choices)
    application_id = models.CharField(max_length=10)
    meeting_point = models.CharField(max_length=200)
    meeting_point_id = models.CharField(max_length=40)
    appointment_date = models.CharField(max_length=19)  # Paris wall-clock, "YYYY-MM-DD HH:MM:SS"
    management_url = models.URLField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=AntsState.choices, default=AntsState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("opération ANTS")
        verbose_name_plural = _("opérations ANTS")
        ordering = ["pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="ants_operation_due_idx")]

    def __str__(self):
        return f"{self.get_action_display()} {self.application_id} {self.appointment_date}"
