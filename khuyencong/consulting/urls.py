from django.urls import path

from . import views

app_name = "consulting"

urlpatterns = [path("", views.consulting_list, name="list")]
