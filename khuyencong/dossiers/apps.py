from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DossiersConfig(AppConfig):
    name = "khuyencong.dossiers"
    label = "dossiers"
    verbose_name = gettext_lazy("Hồ sơ đề án theo Thông tư 36/2013/TT-BCT")
