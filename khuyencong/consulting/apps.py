from django.apps import AppConfig


class ConsultingConfig(AppConfig):
    name = "khuyencong.consulting"
    label = "consulting"
    verbose_name = "Tư vấn phát triển công nghiệp"
