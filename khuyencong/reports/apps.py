from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "khuyencong.reports"
    label = "reports"
    verbose_name = "Báo cáo"
