"""Cases (demandes / dossiers): one resident's request under a procedure, with its whole history.

State changes go through service functions in `parvis.cases.services`, which write `CaseEvent` rows;
nothing here changes state by itself.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("En ligne")
    COUNTER = "counter", _("Guichet")
    PHONE = "phone", _("Téléphone")
    MAIL = "mail", _("Courrier")
    EMAIL = "email", _("Courriel")


def new_tracking_token():
    return secrets.token_urlsafe(32)


class ReferenceSequence(models.Model):
    """The last number given to a case, per year: references are ADM-2026-000123."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_value}"


class Case(models.Model):
    reference = models.CharField(_("référence"), max_length=30, unique=True)
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.PROTECT, related_name="cases")
    revision = models.ForeignKey("procedures.ProcedureRevision", on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT, related_name="cases")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="cases")
    # Anonymous filings: the email to write to, and the secret of the tracking link.
    contact_email = models.EmailField(_("courriel de contact"), blank=True)
    tracking_token = models.CharField(max_length=64, unique=True, default=new_tracking_token, editable=False)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("déposée par (agent)"))
    # The agent in charge; changed by `parvis.cases.handling.assign_case` and the workflow's `assign` action.
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="assigned_cases", verbose_name=_("agent chargé du dossier"))
    received_at = models.DateTimeField(_("reçue le"))
    status = models.CharField(_("statut"), max_length=40, default="received")
    answers = models.JSONField(_("réponses"), default=dict)
    # The legal regime as it stood when the case was filed (a procedure's later edits do not change it).
    regime = models.CharField(max_length=4)
    period_value = models.PositiveSmallIntegerField(null=True, blank=True)
    period_unit = models.CharField(max_length=6, blank=True)
    implicit_decision_on = models.DateField(_("date de décision implicite"), null=True, blank=True)
    is_test = models.BooleanField(_("dossier de test"), default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Optimistic concurrency: every change made through `parvis.cases.handling` adds one (UPDATE ... WHERE
    # version = expected); a form carries the version it was read at.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["applicant", "-received_at"], name="case_applicant_idx"),
            # The inbox (docs/performance-inbox.md): open cases of a department by deadline; a status by
            # deadline; by receipt date; the email of an anonymous filing.
            models.Index(fields=["department", "implicit_decision_on", "id"], name="case_open_idx",
                         condition=models.Q(closed_at__isnull=True)),
            models.Index(fields=["department", "status", "implicit_decision_on", "id"],
                         name="case_status_deadline_idx"),
            models.Index(fields=["department", "received_at", "id"], name="case_dept_received_idx"),
            models.Index(Upper("contact_email"), name="case_contact_email_idx", condition=~models.Q(contact_email="")),
            models.Index(fields=["assignee", "status"], name="case_assignee_idx"),
            models.Index(fields=["closed_at", "implicit_decision_on"], name="case_implicit_due_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self):
        return self.closed_at is None

    @property
    def notification_email(self):
        """Where emails about the case go: the applicant's address, else the contact given when filing."""
        if self.applicant_id and self.applicant.email:
            return self.applicant.email
        return self.contact_email

    @property
    def period(self):
        """The period as the deadlines engine takes it, e.g. (2, "months"), or None."""
        if self.regime not in ("SVA", "SVR") or not self.period_value:
            return None
        return (self.period_value, self.period_unit)

    @property
    def resident_name(self):
        if self.applicant_id:
            return self.applicant.full_name or self.applicant.email or ""
        return self.contact_email

    @property
    def failed_email_deliveries(self):
        """Emails about this case that could not be delivered yet (shown to agents)."""
        return self.email_deliveries.filter(status="failed")


class CaseEvent(models.Model):
    """One line of a case's history: who, when, what, from which channel."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    kind = models.CharField(max_length=40)
    # What agents read; residents read `data["resident_description"]` when there is one (status changes
    # are described with the agents' labels and, for residents, with theirs).
    description = models.TextField()
    visible_to_resident = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at_idx")]

    def __str__(self):
        return f"{self.case} — {self.description}"

    @property
    def channel_label(self):
        """The channel as agents read it: an agent's action without one was made in the agents' space."""
        if self.channel:
            return self.get_channel_display()
        return _("Espace agents") if self.actor_id else _("Automatique")


class DocumentKind(models.TextChoices):
    ATTACHMENT = "attachment", _("Pièce jointe")
    RECEIPT = "receipt", _("Accusé d'enregistrement")
    ACKNOWLEDGEMENT = "acknowledgement", _("Accusé de réception")
    LETTER = "letter", _("Courrier")
    MESSAGE = "message", _("Pièce jointe à un message")
    PIECE = "piece", _("Pièce demandée")
    ATTESTATION = "attestation", _("Attestation d'acceptation implicite")


class CaseDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    stored_file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices, default=DocumentKind.ATTACHMENT)
    field_key = models.CharField(max_length=80, blank=True)
    label = models.CharField(max_length=255, blank=True)
    message = models.ForeignKey("Message", on_delete=models.CASCADE, null=True, blank=True, related_name="documents")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    visible_to_resident = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.label or str(self.stored_file)


class PiecesRequest(models.Model):
    """A request for missing pieces (CRPA L114-5): what is missing, by when, and when it arrived.

    While a request is pending (`completed_on` is empty) an SVA period has not started and an SVR
    period is suspended; `parvis.cases.services.recompute_implicit_decision` takes them into account.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pieces_requests")
    requested_on = models.DateField(_("demandées le"))
    deadline = models.DateField(_("à fournir avant le"))
    pieces = models.JSONField(_("pièces demandées"), default=list, help_text=_("Une pièce par élément de la liste."))
    completed_on = models.DateField(_("reçues le"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demande de pièces")
        verbose_name_plural = _("demandes de pièces")
        ordering = ["requested_on", "pk"]

    def __str__(self):
        return f"{self.case} — {self.requested_on}"

    @property
    def is_pending(self):
        return self.completed_on is None


class Message(models.Model):
    """A message between the resident and the department, with its attached documents."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    from_resident = models.BooleanField(_("envoyé par l'usager"), default=True)
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("envoyé le"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case} — {self.created_at:%Y-%m-%d %H:%M}"


class EmailKind(models.TextChoices):
    RECEIPT = "receipt", _("Accusé d'enregistrement")
    ACKNOWLEDGEMENT = "acknowledgement", _("Accusé de réception")
    WORKFLOW = "workflow", _("Courriel du circuit de traitement")
    MESSAGE_NOTICE = "message", _("Avis de nouveau message")
    AGENTS = "agents", _("Avis aux agents")
    OTHER = "other", _("Autre")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")


class EmailDelivery(models.Model):
    """One email Parvis must deliver, kept with its content so that a failed delivery is retried as is.

    `key` makes queuing idempotent (a retried task finds the delivery it created). Deliveries are
    sent by `parvis.cases.emails.deliver` and retried by the `send_pending_emails` command.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="email_deliveries")
    key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=EmailKind.choices, default=EmailKind.OTHER)
    to = models.EmailField(_("destinataire"))
    reply_to = models.EmailField(_("répondre à"), blank=True)
    subject = models.CharField(_("objet"), max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachments = models.ManyToManyField("files.StoredFile", blank=True, related_name="+")
    status = models.CharField(_("état"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    last_attempt_at = models.DateTimeField(_("dernière tentative"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("envoi de courriel")
        verbose_name_plural = _("envois de courriels")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="emaildelivery_due_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to} ({self.get_status_display()})"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    CLOSED = "closed", _("Classée sans suite")


class Decision(models.Model):
    """A decision on a case, explicit (an agent's transition) or implicit (silence, CRPA L231-1 and L231-4).

    Recorded by the workflow's `record_decision` action. `case_version` is the version the transition gave
    the case: two decisions can never come from the same state of a case (a unique constraint, on top of the
    optimistic concurrency of `parvis.cases.handling`).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    status = models.CharField(_("statut"), max_length=40)
    outcome = models.CharField(_("décision"), max_length=10, choices=Outcome.choices)
    motivation = models.TextField(_("motifs"), blank=True)
    # The legal date: the day of the decision, or for an implicit one the day at the end of which it arose.
    decided_on = models.DateField(_("date de la décision"))
    decided_at = models.DateTimeField(_("enregistrée le"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("décidée par"))
    implicit = models.BooleanField(_("décision implicite"), default=False)
    letter = models.ForeignKey(CaseDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("courrier"))
    resident_opened_at = models.DateTimeField(_("consultée par l'usager le"), null=True, blank=True)
    case_version = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "case_version"], name="unique_decision_per_case_version"),
        ]

    def __str__(self):
        return f"{self.case} — {self.get_outcome_display()}"


class TimerState(models.TextChoices):
    PENDING = "pending", _("En attente")
    DONE = "done", _("Exécuté")
    CANCELLED = "cancelled", _("Annulé")
    SKIPPED = "skipped", _("Sans objet")


class CaseTimer(models.Model):
    """A `start_timer` action waiting to fire: a reminder to the resident or a transition by the system.

    Started when the case enters `status`, cancelled when it leaves it, fired by `manage.py run_case_timers`.
    `action` is a copy of the workflow's action (a published revision's workflow never changes anyway).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timers")
    status = models.CharField(max_length=40)
    action = models.JSONField()
    due_at = models.DateTimeField(_("échéance"))
    state = models.CharField(_("état"), max_length=10, choices=TimerState.choices, default=TimerState.PENDING)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("minuteur")
        verbose_name_plural = _("minuteurs")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["state", "due_at"], name="casetimer_due_idx")]

    def __str__(self):
        return f"{self.case} — {self.status} — {self.due_at:%Y-%m-%d %H:%M}"


class ReasonsRequest(models.Model):
    """A resident's request for the reasons of an implicit rejection (CRPA L232-4): answered within a month.

    A task for the case's department, listed for its heads; one per case.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="reasons_request")
    requested_at = models.DateTimeField(_("demandés le"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    due_on = models.DateField(_("à communiquer avant le"))
    answered_at = models.DateTimeField(_("communiqués le"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    answer = models.TextField(_("motifs communiqués"), blank=True)
    letter = models.ForeignKey(CaseDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("demande de motifs")
        verbose_name_plural = _("demandes de motifs")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["answered_at", "due_on"], name="reasonsrequest_open_idx")]

    def __str__(self):
        return f"{self.case} — {self.due_on}"

    @property
    def is_open(self):
        return self.answered_at is None


class CaseNote(models.Model):
    """An internal note on a case: agents only, never shown to the resident."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("note interne")
        verbose_name_plural = _("notes internes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case} — {self.created_at:%Y-%m-%d %H:%M}"
