from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "khuyencong.programs"
    label = "programs"
    verbose_name = "Chương trình, kế hoạch và kinh phí"
