"""Technical admin of cases. The agents' back-office comes later; this shows failed email deliveries."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from parvis.cases.emails import deliver
from parvis.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseTimer,
    Decision,
    EmailDelivery,
    Message,
    PiecesRequest,
    ReasonsRequest,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "kind", "description", "channel", "actor", "visible_to_resident"]


class CaseDocumentInline(ReadOnlyInline):
    model = CaseDocument
    fields = ["kind", "label", "field_key", "created_at", "visible_to_resident"]


class EmailDeliveryInline(ReadOnlyInline):
    model = EmailDelivery
    fields = ["kind", "to", "status", "attempts", "last_error", "next_attempt_at", "sent_at"]


class PiecesRequestInline(ReadOnlyInline):
    model = PiecesRequest
    fields = ["requested_on", "deadline", "pieces", "completed_on"]


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ["outcome", "implicit", "decided_on", "decided_by", "resident_opened_at"]


class CaseTimerInline(ReadOnlyInline):
    model = CaseTimer
    fields = ["status", "due_at", "state", "result"]


class ReasonsRequestInline(ReadOnlyInline):
    model = ReasonsRequest
    fields = ["requested_at", "due_on", "answered_at"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["reference", "procedure", "department", "status", "received_at", "implicit_decision_on",
                    "failed_emails"]
    list_filter = ["status", "channel", "regime", "department", "is_test"]
    search_fields = ["reference", "contact_email", "applicant__email", "applicant__last_name"]
    list_select_related = ["procedure", "department"]
    readonly_fields = [field.name for field in Case._meta.fields]
    inlines = [EmailDeliveryInline, PiecesRequestInline, DecisionInline, ReasonsRequestInline, CaseTimerInline,
               CaseDocumentInline, CaseEventInline]
    date_hierarchy = "received_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            failed_count=Count("email_deliveries", filter=Q(email_deliveries__status="failed")))

    @admin.display(description=_("courriels en échec"), ordering="failed_count")
    def failed_emails(self, obj):
        return obj.failed_count or ""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "case", "kind", "to", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "case__reference", "subject"]
    list_select_related = ["case"]
    readonly_fields = ["case", "key", "kind", "to", "reply_to", "subject", "body_text", "status", "attempts",
                       "last_error", "last_attempt_at", "next_attempt_at", "sent_at", "created_at"]
    exclude = ["body_html", "attachments"]
    actions = ["retry_now"]

    @admin.action(description=_("Renvoyer maintenant les courriels sélectionnés"))
    def retry_now(self, request, queryset):
        sent = sum(1 for pk in queryset.exclude(status="sent").values_list("pk", flat=True)
                   if deliver(pk, force=True))
        self.message_user(request, _("%(n)s courriel(s) envoyé(s).") % {"n": sent}, messages.SUCCESS)

    def has_add_permission(self, request):
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["case", "created_at", "from_resident", "author"]
    list_select_related = ["case", "author"]
    readonly_fields = ["case", "author", "from_resident", "body", "created_at"]
