from django.urls import path

from . import views

app_name = "products"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("export.xlsx", views.product_export, name="export"),
    path("pick/facilities/", views.pick_facilities, name="pick_facilities"),
    path("pick/products/", views.pick_products, name="pick_products"),
    path("pick/organizers/", views.pick_organizers, name="pick_organizers"),
    path("pick/judges/", views.pick_judges, name="pick_judges"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds.xlsx", views.round_export, name="round_export"),
    path("rounds/<str:code>/", views.round_detail, name="round"),
    path("rounds/<str:code>/entries/", views.entry_add, name="entry_add"),
    path("rounds/<str:code>/sheet/", views.sheet, name="sheet"),
    path("rounds/<str:code>/documents/", views.document_add, name="document_add"),
    path("rounds/<str:code>/decision/", views.decide, name="decide"),
    path("rounds/<str:code>/excel/<str:kind>.xlsx", views.excel_template, name="excel_template"),
    path("rounds/<str:code>/excel/<str:kind>/", views.excel_upload, name="excel_upload"),
    path("rounds/<str:code>/council/", views.council_add, name="council_add"),
    path("rounds/<str:code>/council/<int:pk>/void/", views.council_void, name="council_void"),
    path("rounds/<str:code>/funding/", views.fund, name="fund"),
    path("rounds/<str:code>/complaints/", views.complaint_add, name="complaint_add"),
    path("rounds/<str:code>/complaints/<int:pk>/answer/", views.complaint_reply, name="complaint_answer"),
    path("<str:code>/reports/", views.holder_report_add, name="holder_report_add"),
    path("<str:code>/reports/<int:pk>/void/", views.holder_report_void_view, name="holder_report_void"),
    path("certificates/<path:code>.pdf", views.certificate_pdf, name="certificate"),
    path("<str:code>/", views.product_detail, name="detail"),
]
