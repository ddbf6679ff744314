from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("chung-thu-so/", views.certificate, name="certificate"),
    path("<int:pk>/ky-so.pdf", views.form_signed, name="signed"),
    path("<int:pk>/ho-so.zip", views.auditor_file, name="auditor"),
    path("<int:pk>/<str:form>.<str:fmt>", views.form_download, name="form"),
]
