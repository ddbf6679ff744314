from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ConsultingConfig(AppConfig):
    name = "khuyencong.consulting"
    label = "consulting"
    verbose_name = gettext_lazy("Tư vấn phát triển công nghiệp")
