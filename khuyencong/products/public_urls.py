from django.urls import path

from . import views

app_name = "public_products"

urlpatterns = [path("", views.public_list, name="list")]
