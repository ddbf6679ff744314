from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "khuyencong.organizations"
    label = "organizations"
    verbose_name = "Tổ chức khuyến công"
