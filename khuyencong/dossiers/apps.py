from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "khuyencong.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ đề án theo Thông tư 36/2013/TT-BCT"
