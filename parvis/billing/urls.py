from django.urls import path

from parvis.billing import agent_views, views

app_name = "billing"
urlpatterns = [
    path("", views.home, name="home"),
    path("factures/<int:invoice_id>/", views.invoice_detail, name="invoice"),
    path("factures/<int:invoice_id>/pdf/", views.invoice_download, name="invoice_pdf"),
    path("payer/", views.pay, name="pay"),
    path("transactions/<str:order_id>/", views.transaction_detail, name="transaction"),
    path("banque/<slug:code>/retour/", views.bank_return, name="bank_return"),
    path("banque/<slug:code>/notification/", views.bank_notify, name="bank_notify"),
    path("banque-fictive/", views.fake_bank, name="fake_bank"),
    path("agents/", agent_views.agent_home, name="agent_home"),
    path("agents/familles/<int:household_id>/", agent_views.agent_household, name="agent_household"),
    path("agents/factures/<int:invoice_id>/", agent_views.agent_invoice, name="agent_invoice"),
    path("agents/factures/<int:invoice_id>/pdf/", agent_views.agent_invoice_pdf, name="agent_invoice_pdf"),
    path("agents/factures/<int:invoice_id>/annuler/", agent_views.agent_invoice_cancel, name="agent_invoice_cancel"),
    path("agents/factures/<int:invoice_id>/avoir/", agent_views.agent_invoice_credit, name="agent_invoice_credit"),
    path("agents/banque/", agent_views.agent_notifications, name="agent_notifications"),
]
