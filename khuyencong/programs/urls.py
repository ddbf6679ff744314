from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("export.xlsx", views.plan_export, name="export"),
    path("programmes/", views.program_list, name="programs"),
    path("programmes.xlsx", views.program_export, name="program_export"),
    path("programmes/targets/<int:pk>/void/", views.program_target_void, name="target_void"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/budget/", views.plan_budget, name="budget"),
    path("<int:pk>/allocate/", views.plan_allocate, name="allocate"),
    path("<int:pk>/<str:kind>/<int:entry_pk>/void/", views.plan_void, name="void"),
]
