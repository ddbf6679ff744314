from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "khuyencong.programs"
    label = "programs"
    verbose_name = _("Chương trình, kế hoạch và kinh phí")
