from django.contrib import admin

from parvis.billing.models import CashOffice, Invoice, Payment, PaymentNotification, PaymentTransaction


@admin.register(CashOffice)
class CashOfficeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "department", "payment_backend", "is_active")


class ReadOnly(admin.ModelAdmin):
    """Invoices, payments and the bank's answers are never edited by hand (credit notes correct invoices)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly):
    list_display = ("number", "kind", "payer_name", "total", "status", "issued_on")
    list_filter = ("cash_office", "kind", "status")
    search_fields = ("number", "payer_name")


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("received_at", "cash_office", "payer_name", "amount", "method")
    list_filter = ("cash_office", "method")


@admin.register(PaymentTransaction)
class PaymentTransactionAdmin(ReadOnly):
    list_display = ("order_id", "cash_office", "amount", "status", "created_at")
    list_filter = ("cash_office", "status")


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(ReadOnly):
    list_display = ("received_at", "cash_office", "channel", "result", "accepted", "outcome")
    list_filter = ("cash_office", "accepted", "channel")
