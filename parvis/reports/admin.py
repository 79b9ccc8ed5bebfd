"""Administration of reports: categories (with their questions and sector routes), sectors, Open311 API keys.

Reports themselves are read-only here: every change of a report goes through the agents' pages (services
that write the case history).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from parvis.reports.models import ApiKey, Report, ReportCategory, ReportQuestion, ReportSector, SectorRoute


class ReportQuestionInline(admin.TabularInline):
    model = ReportQuestion
    extra = 0
    fields = ["order", "code", "label", "datatype", "required", "help_text", "values"]


class SectorRouteInline(admin.TabularInline):
    model = SectorRoute
    extra = 0


@admin.register(ReportCategory)
class ReportCategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug", "department", "is_active", "sort_order"]
    list_filter = ["is_active", "department"]
    search_fields = ["name", "slug", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ReportQuestionInline, SectorRouteInline]


@admin.register(ReportSector)
class ReportSectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "is_active", "max_posts_per_hour", "last_used_at", "created_at"]
    list_filter = ["is_active"]
    fields = ["name", "contact_email", "is_active", "max_posts_per_hour", "key_prefix", "last_used_at", "created_at"]
    readonly_fields = ["key_prefix", "last_used_at", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created, key = ApiKey.issue(name=obj.name, contact_email=obj.contact_email, created_by=request.user,
                                    max_posts_per_hour=obj.max_posts_per_hour)
        if not obj.is_active:
            ApiKey.objects.filter(pk=created.pk).update(is_active=False)
        obj.pk, obj.key_prefix, obj.key_hash = created.pk, created.key_prefix, created.key_hash
        obj._state.adding = False
        messages.warning(request, _("Clé créée : %(key)s — copiez-la maintenant, elle ne sera plus affichée.")
                         % {"key": key})


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["case", "category", "address", "is_public", "created_at"]
    list_filter = ["category", "is_public"]
    search_fields = ["case__reference", "address"]
    list_select_related = ["case", "category", "category__parent"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
