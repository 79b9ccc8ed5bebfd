"""Configuration of the agendas in the technical administration (places, desks, opening hours, meeting
types, closures). Every save regenerates the place's slots, so a change shows at once to residents."""

from django.contrib import admin, messages
from django.db import transaction

from parvis.appointments import models
from parvis.appointments.slots import generate_slots


class RegeneratingAdmin(admin.ModelAdmin):
    def place_of(self, obj):
        return obj.place

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        place = self.place_of(form.instance)
        transaction.on_commit(lambda: messages.info(request, f"Créneaux de « {place} » : {generate_slots(place)}"))


class DeskInline(admin.TabularInline):
    model = models.Desk
    extra = 0
    fields = ["name", "meeting_types", "is_active", "order"]
    filter_horizontal = ["meeting_types"]


@admin.register(models.Place)
class PlaceAdmin(RegeneratingAdmin):
    list_display = ["name", "department", "city", "is_active", "ants_enabled"]
    list_filter = ["department", "is_active", "ants_enabled"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DeskInline]
    fieldsets = [
        (None, {"fields": ["department", "name", "slug", "is_active"]}),
        ("Adresse et accès", {"fields": ["street", "postcode", "city", "latitude", "longitude", "phone", "website",
                                         "accessibility", "instructions"]}),
        ("Règles de réservation", {"fields": ["slot_minutes", "min_delay_hours", "max_delay_days", "reserved_share",
                                              "closed_on_public_holidays"]}),
        ("Ouverture des créneaux", {"fields": ["release_mode", "release_day", "release_time",
                                               "release_months_ahead"]}),
        ("ANTS", {"fields": ["ants_enabled"]}),
    ]

    def place_of(self, obj):
        return obj


class OpeningHoursInline(admin.TabularInline):
    model = models.OpeningHours
    extra = 1


@admin.register(models.Desk)
class DeskAdmin(RegeneratingAdmin):
    list_display = ["name", "place", "is_active"]
    list_filter = ["place"]
    inlines = [OpeningHoursInline]
    filter_horizontal = ["meeting_types"]


@admin.register(models.MeetingType)
class MeetingTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "duration_minutes", "requires_ants_number", "documents_max", "is_active"]
    list_filter = ["department", "kind", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Closure)
class ClosureAdmin(RegeneratingAdmin):
    list_display = ["place", "desk", "kind", "start", "end", "reason", "is_active"]
    list_filter = ["place", "kind", "is_active"]
    date_hierarchy = "start"


class EventInline(admin.TabularInline):
    model = models.AppointmentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "channel", "kind", "description"]


@admin.register(models.Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Read-only: appointments change through the agents' pages, which keep slots, emails and ANTS in step."""

    list_display = ["start", "place", "desk", "meeting_type", "status", "channel", "last_name"]
    list_filter = ["place", "status", "channel", "meeting_type"]
    date_hierarchy = "start"
    search_fields = ["last_name", "email", "applications__application_id"]
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(models.AntsOperation)
class AntsOperationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "application_id", "appointment_date", "state", "attempts"]
    list_filter = ["state", "action"]
    readonly_fields = [field.name for field in models.AntsOperation._meta.fields]

    def has_add_permission(self, request):
        return False
