"""Other packages' apps under names a Vietnamese administrator reads: django-axes has no name of its own (the admin
showed "Axes") and django-tasks-db names itself in a plain English string no catalogue can translate. The labels,
models and tables are the packages' own; only the shown name changes."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = gettext_lazy("Đăng nhập sai và khoá tài khoản")


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = gettext_lazy("Tác vụ nền")  # type: ignore[assignment]
