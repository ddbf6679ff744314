from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "khuyencong.web"
    label = "web"
    verbose_name = "Giao diện"
