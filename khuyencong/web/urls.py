from django.contrib.auth import views as auth_views
from django.urls import path

from . import language, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", language.language_set, name="language"),
    path("favicon.ico", views.favicon, name="favicon"),
]
