from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AuditConfig(AppConfig):
    name = "khuyencong.audit"
    label = "audit"
    verbose_name = gettext_lazy("Nhật ký thay đổi")
