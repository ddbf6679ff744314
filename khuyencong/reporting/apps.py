from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ReportingConfig(AppConfig):
    name = "khuyencong.reporting"
    label = "reporting"
    verbose_name = gettext_lazy("Chế độ báo cáo định kỳ")
