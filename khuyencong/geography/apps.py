from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "khuyencong.geography"
    label = "geography"
    verbose_name = "Địa giới hành chính"
