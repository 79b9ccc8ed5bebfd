"""Django's technical admin for the organisation: a fallback for the technical team.

The commune's administrators use the pages under /administration/ (views.py), which apply the rules
of services.py (activation emails, at least one role, no deletion of a department with procedures).
"""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from parvis.organisation.models import AgentRole, Commune, Department


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "phone", "email", "accessibility_status"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (_("Coordonnées"), {"fields": ["name", "street", "postcode", "city", "phone", "email", "website", "logo"]}),
        (_("Données personnelles"), {"fields": ["mayor_name", "dpo_name", "dpo_email", "dpo_postal_address"]}),
        (_("Accessibilité"), {"fields": ["accessibility_status", "accessibility_audit_date"]}),
        (_("Mentions légales"), {"fields": ["publication_director", "host_details"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Commune.objects.exists()


class AgentRoleInline(admin.TabularInline):
    model = AgentRole
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "pole", "phone", "email", "is_active", "agent_count"]
    list_filter = ["is_active", "pole"]
    search_fields = ["name", "slug", "pole", "email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AgentRoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_agent_count=Count("agent_roles__user", distinct=True))

    @admin.display(description=_("agents"), ordering="_agent_count")
    def agent_count(self, department):
        return department._agent_count


@admin.register(AgentRole)
class AgentRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "role", "created_at"]
    list_filter = ["role", "department"]
    search_fields = ["user__email", "user__last_name", "user__first_name", "department__name"]
    list_select_related = ["user", "department"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["department"]
    readonly_fields = ["created_at"]
