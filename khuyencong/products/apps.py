from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "khuyencong.products"
    label = "products"
    verbose_name = "Sản phẩm công nghiệp nông thôn và bình chọn"
