from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "khuyencong.facilities"
    label = "facilities"
    verbose_name = _("Cơ sở công nghiệp nông thôn")
