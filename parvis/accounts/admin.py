"""Technical administration of accounts (Django admin). Residents manage their own accounts online."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import LoginFailure, User, UserManager


class _LowerCaseEmailMixin:
    """Emails are stored lower-cased (uniqueness is case-insensitive); the admin does the same."""

    def clean_email(self):
        return UserManager.normalize_email_address(self.cleaned_data.get("email"))


class UserCreationAdminForm(_LowerCaseEmailMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)
        field_classes = {"email": forms.EmailField}


class UserChangeAdminForm(_LowerCaseEmailMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("email", "last_name", "first_name", "email_verified_at", "is_staff", "is_active", "closed_at")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "last_name", "first_name")
    ordering = ("last_name", "first_name", "email")
    readonly_fields = ("last_login", "date_joined", "closed_at")
    fieldsets = (
        (None, {"fields": ("email", "email_verified_at", "password")}),
        (_("Identité et coordonnées"), {"fields": (
            "civility", "first_name", "last_name", "birth_date", "street", "postcode", "city", "phone",
        )}),
        (_("Droits"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "closed_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),
    )


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ("created_at", "email", "ip_address")
    search_fields = ("email", "ip_address")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
