from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.xlsx", views.project_export, name="export"),
    path("queue/", views.project_queue, name="queue"),
    path("queue.xlsx", views.project_queue_export, name="queue_export"),
    path("new/", views.project_create, name="create"),
    path("pick/facilities/", views.pick_facilities, name="pick_facilities"),
    path("pick/organizations/", views.pick_organizations, name="pick_organizations"),
    path("pick/plans/", views.pick_plans, name="pick_plans"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/act/", views.project_act, name="act"),
    path("<int:pk>/pay/", views.project_pay, name="pay"),
    path("<int:pk>/attach/", views.project_attach, name="attach"),
    path("<int:pk>/counterpart/", views.project_counterpart, name="counterpart"),
    path("<int:pk>/results/", views.project_result, name="result"),
    path("<int:pk>/documents/<int:document_pk>/", views.project_document, name="document"),
    path("<int:pk>/history/", views.project_history, name="history"),
    path("<int:pk>/<str:kind>/<int:entry_pk>/void/", views.project_void, name="void"),
    path("<int:pk>/events/<int:entry_pk>/correct/", views.project_correct, name="correct"),
]
