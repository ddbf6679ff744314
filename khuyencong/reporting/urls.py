from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("export.xlsx", views.calendar_export, name="export"),
    path("open/", views.open_view, name="open"),
    path("compile/", views.compilation_page, name="compilation"),
    path("compile.xlsx", views.compilation_export, name="compilation_export"),
    path("notifications/", views.notifications_page, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("<int:pk>/", views.submission_page, name="submission"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/attach/", views.attach_view, name="attach"),
    path("<int:pk>/attachments/<int:attachment>/remove/", views.detach_view, name="detach"),
    path("<int:pk>/<str:move>/", views.move_view, name="move"),
    path("<int:pk>/download/<str:fmt>/", views.download_view, name="download"),
]
