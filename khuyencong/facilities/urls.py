from django.urls import path

from . import views

app_name = "facilities"

urlpatterns = [
    path("", views.facility_list, name="list"),
    path("export.csv", views.facility_export, name="export"),
    path("export.xlsx", views.facility_export_xlsx, name="export_xlsx"),
    path("new/", views.facility_create, name="create"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/edit/", views.facility_edit, name="edit"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals.xlsx", views.proposal_export, name="proposal_export"),
    path("<int:pk>/propose/", views.facility_propose, name="propose"),
    path("<int:pk>/proposals/<int:proposal_pk>/apply/", views.proposal_apply, name="proposal_apply"),
    path("<int:pk>/proposals/<int:proposal_pk>/reject/", views.proposal_reject, name="proposal_reject"),
]
