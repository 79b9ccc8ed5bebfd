"""Django's technical admin for procedures (the no-code builder for administrators comes later)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from parvis.procedures.models import Category, LifeEvent, Procedure, ProcedureRevision


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    list_editable = ["sort_order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    list_editable = ["sort_order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class RevisionInline(admin.TabularInline):
    model = ProcedureRevision
    fields = ["number", "published_at", "created_at", "created_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "department", "family", "regime", "status", "is_featured"]
    list_filter = ["status", "family", "regime", "category", "department", "is_featured"]
    search_fields = ["title", "slug", "summary", "keywords"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category"]
    filter_horizontal = ["life_events"]
    raw_id_fields = ["published_revision"]
    list_select_related = ["category", "department"]
    inlines = [RevisionInline]
    fieldsets = [
        (_("Présentation aux usagers"), {"fields": [
            "title", "slug", "summary", "description", "eligibility", "documents_to_prepare", "cost",
            "usual_delay", "keywords", "category", "life_events", "family", "department",
        ]}),
        (_("Accès et canaux"), {"fields": [
            "account_required", "allow_anonymous", "channel_web", "channel_counter", "channel_phone",
            "channel_mail", "offline_alternative",
        ]}),
        (_("Régime juridique"), {"fields": [
            "regime", "period_value", "period_unit", "legal_basis", "acknowledgement_due",
        ]}),
        (_("Données personnelles"), {"fields": [
            "privacy_purpose", "privacy_legal_basis", "privacy_legal_basis_detail", "privacy_data_categories",
            "privacy_recipients", "retention_months", "retention_detail",
        ]}),
        (_("Publication"), {"fields": ["status", "is_featured", "published_revision"]}),
    ]


@admin.register(ProcedureRevision)
class ProcedureRevisionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "number", "published_at", "created_at"]
    list_select_related = ["procedure"]
    search_fields = ["procedure__title"]
    raw_id_fields = ["procedure", "created_by"]
