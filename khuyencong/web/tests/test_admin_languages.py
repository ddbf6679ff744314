"""The administration pages (Django admin) read in the administrator's language: the site's own header, the names of
other packages' apps, models and fields (django-axes, DRF tokens, django-tasks) and the admin strings Django's
Vietnamese lacks are Vietnamese to a Vietnamese reader (`locale/vi`), and every field of the project's models has a
name of its own rather than its code."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Permission

from conftest import chose_english, client_for
from khuyencong.accounts.admin import permission_label
from khuyencong.accounts.models import User
from khuyencong.core.wording import visible_text

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/",
    "/admin/accounts/user/",
    "/admin/accounts/user/add/",
    "/admin/auth/group/add/",
    "/admin/axes/accessattempt/",
    "/admin/axes/accesslog/",
    "/admin/authtoken/tokenproxy/",
    "/admin/django_tasks_database/dbtaskresult/",
    "/admin/geography/succession/",
    "/admin/organizations/region/add/",
    "/admin/audit/auditentry/",
]
# What these pages said in English to a Vietnamese administrator before.
ENGLISH = [
    "Skip to main content", "Toggle theme", "Models in the", "Các mô models", "Auth Token", "Access attempts",
    "Access logs", "Task Results", "Tasks Database Backend", "Axes", "Can add", "Can change", "Predecessor",
    "Successor", "Province", "Breadcrumbs", "Sidebar", "Select this object", "Show counts", "Password-based",
    "Whether the user", "Attempt Time", "User Agent", "round criterion", "product photo", "complaint",
]  # fmt: skip


@pytest.fixture
def administrator() -> User:
    return User.objects.create_superuser("quantri", password="x", first_name="Quản trị")


def test_the_admin_pages_read_in_vietnamese(administrator: User) -> None:
    client = client_for(administrator)
    found = {}
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, page
        text = visible_text(response.content.decode())
        if english := [words for words in ENGLISH if words in text]:
            found[page] = english

    assert found == {}
    index = client.get("/admin/").content.decode()
    assert "Khuyến công — Quản trị" in index
    for name in ("Đăng nhập sai và khoá tài khoản", "Mã API", "Tác vụ nền", "lần đăng nhập sai", "Kết quả tác vụ nền"):
        assert name.lower() in visible_text(index).lower(), name


def test_the_admins_scripts_read_in_vietnamese(administrator: User) -> None:
    # The two-list chooser of a group's permissions said "Choose all cho phép" (Django's Vietnamese lacks its words)
    script = client_for(administrator).get("/admin/jsi18n/").content.decode()

    assert '"Choose all %s": "Ch\\u1ecdn t\\u1ea5t c\\u1ea3 %s"' in script  # "Chọn tất cả %s", JSON-escaped
    page = client_for(administrator).get("/admin/auth/group/add/").content.decode()
    assert "cho phép" not in visible_text(page)


def test_the_admin_reads_in_english_to_an_english_reader(administrator: User) -> None:
    index = client_for(chose_english(administrator)).get("/admin/").content.decode()

    assert "Industrial promotion — Administration" in index
    assert "Failed logins and locked accounts" in index
    assert "Background tasks" in index


def test_a_permission_is_named_in_the_readers_language() -> None:
    add_facility = Permission.objects.get(codename="add_facility")
    view_log = Permission.objects.get(codename="view_accesslog")
    own = Permission.objects.get(codename="import_for_named_organizations")

    assert permission_label(add_facility) == "Cơ sở công nghiệp nông thôn | cơ sở | Thêm cơ sở"
    assert permission_label(view_log).endswith("| Xem nhật ký đăng nhập")
    # a permission of the project's own keeps the name it was given
    assert permission_label(own).endswith("| Nhập tệp trao đổi thay mặt các tổ chức có tên trong tệp")


def test_every_field_of_the_projects_models_has_a_name_of_its_own() -> None:
    unnamed = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("khuyencong.")
        for field in model._meta.get_fields()
        if not getattr(field, "auto_created", False)
        and hasattr(field, "verbose_name")
        and str(field.verbose_name) == field.name.replace("_", " ")
    ]
    models_unnamed = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("khuyencong.")
        and str(model._meta.verbose_name) == re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
    ]

    assert unnamed == []
    assert models_unnamed == []


def test_the_background_tasks_list_names_its_columns_in_the_readers_language(administrator: User) -> None:
    # Given a background task on record (an Excel import waiting for the worker)
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        task_path="khuyencong.exchange.tasks.run_import", args_kwargs={"args": [], "kwargs": {}},
        backend_name="default", run_after=timezone.now(), exception_class_path="", traceback="",
    )  # fmt: skip
    # When the administrator lists the tasks, then the task's column is named "Tác vụ", not Django's "Task name"
    text = visible_text(client_for(administrator).get("/admin/django_tasks_database/dbtaskresult/").content.decode())
    assert "Task name" not in text
    assert "Tác vụ" in text
    assert "run_import" in text
    english = visible_text(
        client_for(chose_english(administrator)).get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    )
    assert "Task name" not in english
    assert "Task" in english


def test_a_background_tasks_page_says_what_it_runs_and_with_what(administrator: User) -> None:
    # Given an Excel import queued on 29/11/2026 at 14:05, Hà Nội time, for job 12
    import datetime

    from django_tasks_db.models import DBTaskResult

    queued = datetime.datetime(2026, 11, 29, 7, 5, tzinfo=datetime.UTC)
    with time_machine.travel(queued, tick=False):
        task = DBTaskResult.objects.create(
            task_path="khuyencong.exchange.tasks.run_import", args_kwargs={"args": [12], "kwargs": {"dry_run": False}},
            backend_name="default", run_after=queued, exception_class_path="", traceback="",
        )  # fmt: skip
    # When the administrator opens it
    html = client_for(administrator).get(f"/admin/django_tasks_database/dbtaskresult/{task.pk}/change/").content
    text = visible_text(html.decode())
    # Then its title and its trail name the task and when it was queued, not the model
    assert "DBTaskResult object" not in text
    assert text.count("Tác vụ run_import · 29/11/2026 14:05") >= 2
    # and its arguments are one per line, a keyword one with its name, not the stored JSON
    assert "Tham số" in text
    assert "dry_run: False" in text
    assert '"kwargs"' not in text
    # and when it may run is written as the other times are, in Hà Nội's time
    assert "Chạy sau:\n29/11/2026 14:05" in text
