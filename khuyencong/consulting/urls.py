from django.urls import path

from . import views

app_name = "consulting"

urlpatterns = [
    path("", views.consulting_list, name="list"),
    path("export.xlsx", views.consulting_export, name="export"),
    path("<int:pk>/void/", views.consulting_void_view, name="void"),
]
