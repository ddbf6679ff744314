from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "khuyencong.reporting"
    label = "reporting"
    verbose_name = "Chế độ báo cáo định kỳ"
