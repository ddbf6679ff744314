"""The background tasks' admin with its columns and fields named in the reader's language: django-tasks-db lists a
model property, `task_name`, that Django can only title "Task name" in English, and describes two fields with plain
English strings ("run after", "traceback") no catalogue reaches. Its module is imported first so that its registration
exists to be replaced, whatever the order of the installed apps."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin
from django.utils.translation import gettext_lazy
from django_tasks_db import admin as tasks_admin
from django_tasks_db.models import DBTaskResult


class TaskResultAdmin(tasks_admin.DBTaskResultAdmin):
    @admin.display(description=gettext_lazy("Tác vụ"))
    def task_name(self, obj: DBTaskResult) -> str:
        return obj.task_name

    # The package's own field names, in its strings the project's Vietnamese catalogue translates.
    @admin.display(description=gettext_lazy("run after"))
    def display_run_after(self, obj: DBTaskResult) -> datetime | str:
        return super().display_run_after(obj)

    @admin.display(description=gettext_lazy("traceback"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
