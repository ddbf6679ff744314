"""The background tasks' admin with its columns and fields named in the reader's language: django-tasks-db lists a
model property, `task_name`, that Django can only title "Task name" in English, and describes two fields with plain
English strings ("run after", "traceback") no catalogue reaches, and would title a task's page "DBTaskResult object
(…)" (the model has no name of its own) with its arguments as raw JSON. Its module is imported first so that its
registration exists to be replaced, whatever the order of the installed apps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy
from django_tasks_db import admin as tasks_admin
from django_tasks_db.models import DBTaskResult


def task_title(task: DBTaskResult) -> str:
    """A task as its page names it: what it runs and when it was queued ("run_import · 29/11/2026 14:05")."""
    queued = formats.date_format(timezone.localtime(task.enqueued_at), "d/m/Y H:i") if task.enqueued_at else ""
    return gettext("Tác vụ %(task)s · %(queued)s") % {"task": task.task_name, "queued": queued}


class TaskResultAdmin(tasks_admin.DBTaskResultAdmin):
    change_form_template = "core/task_change_form.html"

    def get_readonly_fields(self, request: HttpRequest, obj: DBTaskResult | None = None) -> list[str]:
        fields = super().get_readonly_fields(request, obj)
        fields[fields.index("args_kwargs")] = "display_arguments"
        return fields

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: DBTaskResult | None = None,
    ) -> HttpResponse:
        if obj is not None:
            context["subtitle"] = task_title(obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    @admin.display(description=gettext_lazy("Tham số"))
    def display_arguments(self, obj: DBTaskResult) -> SafeString | str:
        """One line per argument, a keyword one with its name ("job_id: 12"), instead of {"args": [], "kwargs": …}."""
        stored = obj.args_kwargs if isinstance(obj.args_kwargs, dict) else {}
        lines = [("", value) for value in stored.get("args") or []]
        lines += [(f"{name}: ", value) for name, value in (stored.get("kwargs") or {}).items()]
        if not lines:
            return self.get_empty_value_display()
        return format_html_join("", "<div>{}{}</div>", lines)

    @admin.display(description=gettext_lazy("Tác vụ"))
    def task_name(self, obj: DBTaskResult) -> str:
        return obj.task_name

    # The package's own field names, in its strings the project's Vietnamese catalogue translates.
    @admin.display(description=gettext_lazy("run after"))
    def display_run_after(self, obj: DBTaskResult) -> str:
        # The admin writes a method's value with str() ("2026-11-29 07:05:00+00:00"), not as it writes a field's.
        value = super().display_run_after(obj)
        return formats.localize(timezone.localtime(value)) if isinstance(value, datetime) else value

    @admin.display(description=gettext_lazy("traceback"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
