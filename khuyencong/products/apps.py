from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ProductsConfig(AppConfig):
    name = "khuyencong.products"
    label = "products"
    verbose_name = gettext_lazy("Sản phẩm công nghiệp nông thôn và bình chọn")
