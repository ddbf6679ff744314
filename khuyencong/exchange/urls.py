from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.exchange_page, name="index"),
    path("export.json", views.exchange_download, name="export"),
    path("import/", views.exchange_upload, name="import"),
]
