from django.contrib import admin

from parvis.families.models import (
    Activity,
    ActivitySession,
    Child,
    FamilyQuotient,
    Household,
    HouseholdMember,
    Registration,
    School,
    SupportingDocument,
    TariffBracket,
    TariffGrid,
)


class TariffBracketInline(admin.TabularInline):
    model = TariffBracket
    extra = 0


@admin.register(TariffGrid)
class TariffGridAdmin(admin.ModelAdmin):
    list_display = ("activity", "valid_from", "non_resident_price", "council_decision")
    inlines = [TariffBracketInline]


class SessionInline(admin.TabularInline):
    model = ActivitySession
    extra = 0
    fields = ("label", "starts_on", "ends_on", "weekdays", "capacity", "registration_opens_at",
              "registration_closes_at")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "department", "cash_office", "billing_mode", "is_active")
    list_filter = ("kind", "department", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SessionInline]


@admin.register(ActivitySession)
class ActivitySessionAdmin(admin.ModelAdmin):
    list_display = ("activity", "label", "starts_on", "ends_on", "capacity", "registration_closes_at")
    list_filter = ("activity",)
    # Capacity changes that must offer places go through the agents' page (registrations.set_capacity).


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "is_active")


class MemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0
    fields = ("user", "role", "status", "relationship", "invited_email")
    readonly_fields = ("user", "invited_email")


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("__str__", "postal_address", "is_resident")
    search_fields = ("members__user__last_name", "members__user__email", "street")
    inlines = [MemberInline]


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ("full_name", "birth_date", "school", "school_level", "household")
    search_fields = ("last_name", "first_name")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read only: places are taken and freed through `parvis.families.registrations` only."""

    list_display = ("child", "session", "status", "place_number", "priority", "requested_at")
    list_filter = ("status", "session__activity")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(SupportingDocument)
admin.site.register(FamilyQuotient)
