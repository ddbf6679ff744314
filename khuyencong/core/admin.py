"""The background tasks' admin list with its columns named in the reader's language: django-tasks-db lists a model
property, `task_name`, that Django can only title "Task name" in English. Its module is imported first so that its
registration exists to be replaced, whatever the order of the installed apps."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy
from django_tasks_db import admin as tasks_admin
from django_tasks_db.models import DBTaskResult


class TaskResultAdmin(tasks_admin.DBTaskResultAdmin):
    @admin.display(description=gettext_lazy("Tác vụ"))
    def task_name(self, obj: DBTaskResult) -> str:
        return obj.task_name


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
