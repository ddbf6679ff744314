from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.exchange_page, name="index"),
    path("export.json", views.exchange_download, name="export"),
    path("import/", views.exchange_upload, name="import"),
    path("templates/<str:kind>.xlsx", views.excel_template, name="template"),
    path("excel/", views.excel_upload, name="excel"),
    path("jobs/", views.my_jobs, name="jobs"),
    path("jobs.xlsx", views.my_jobs_export, name="jobs_export"),
    path("jobs/<int:pk>/", views.excel_job, name="job"),
    path("jobs/<int:pk>/errors.xlsx", views.excel_job_errors, name="job_errors"),
]
