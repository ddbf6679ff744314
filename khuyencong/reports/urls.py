from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/records/", views.dashboard_records, name="dashboard_records"),
    path("report/", views.report_page, name="page"),
    path("report/records/", views.report_records, name="records"),
    path("map/", views.provinces_map, name="map"),
]
