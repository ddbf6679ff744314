from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "khuyencong.exchange"
    label = "exchange"
    verbose_name = "Trao đổi dữ liệu"
