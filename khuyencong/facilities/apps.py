from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "khuyencong.facilities"
    label = "facilities"
    verbose_name = "Cơ sở công nghiệp nông thôn"
