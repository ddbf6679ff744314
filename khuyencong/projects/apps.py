from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ProjectsConfig(AppConfig):
    name = "khuyencong.projects"
    label = "projects"
    verbose_name = gettext_lazy("Đề án khuyến công")
