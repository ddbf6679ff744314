from django.urls import path

from . import views

app_name = "geography"

urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
]
