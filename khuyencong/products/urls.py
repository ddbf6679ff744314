from django.urls import path

from . import views

app_name = "products"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/<str:code>/", views.round_detail, name="round"),
    path("rounds/<str:code>/entries/", views.entry_add, name="entry_add"),
    path("rounds/<str:code>/sheet/", views.sheet, name="sheet"),
    path("rounds/<str:code>/documents/", views.document_add, name="document_add"),
    path("rounds/<str:code>/decision/", views.decide, name="decide"),
    path("certificates/<path:code>.pdf", views.certificate_pdf, name="certificate"),
    path("<str:code>/", views.product_detail, name="detail"),
]
