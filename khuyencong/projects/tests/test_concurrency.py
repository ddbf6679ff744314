"""Two people acting on the same đề án at once cannot both succeed: the second waits for the row lock, then the
workflow refuses a move the first has already made. PostgreSQL only (SQLite serialises writers on its own)."""

from __future__ import annotations

import datetime
import os
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from khuyencong.accounts.models import User
from khuyencong.organizations.models import Organization
from khuyencong.programs.models import Plan
from khuyencong.projects.models import Project, ProjectContent, ProjectEvent
from khuyencong.projects.services import project_create, project_record_event

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="row locks are tested on PostgreSQL"),
]


def test_two_approvals_at_once_one_wins(reference_data: None) -> None:
    assert connection.vendor == "postgresql"
    root = User.objects.create_superuser("root", None, None, organization=Organization.objects.get(code="CUC-CTDP"))
    plan = Plan.objects.create(
        code="P", year=2026, funding_source="national", owner=Organization.objects.get(code="CUC-CTDP")
    )
    project = project_create(actor=root, code="RACE", title="Đua", plan=plan,
                             content=ProjectContent.objects.get(code="information"), kind="general",
                             implementer=Organization.objects.get(code="TTKC1"))  # fmt: skip
    project_record_event(project=project, actor=root, action="submitted_for_appraisal", on=datetime.date(2026, 1, 5))
    project_record_event(project=project, actor=root, action="appraisal_passed", on=datetime.date(2026, 1, 6))

    second_started = threading.Event()
    outcome: dict[str, object] = {}

    def second() -> None:
        try:
            second_started.set()
            project_record_event(project=project, actor=root, action="approved", on=datetime.date(2026, 1, 8),
                                 amount=Decimal(90_000_000))  # fmt: skip
            outcome["second"] = "approved"
        except ValidationError as refused:
            outcome["second"] = refused
        finally:
            outcome["second_done_at"] = time.monotonic()
            connection.close()

    with transaction.atomic():
        Project.objects.select_for_update().get(pk=project.pk)
        thread = threading.Thread(target=second)
        thread.start()
        second_started.wait()
        time.sleep(0.5)  # the second connection is now waiting for our lock
        assert "second" not in outcome
        project_record_event(project=project, actor=root, action="approved", on=datetime.date(2026, 1, 7),
                             amount=Decimal(100_000_000))  # fmt: skip
        committed_at = time.monotonic()
    thread.join(timeout=30)

    assert isinstance(outcome["second"], ValidationError)
    assert "«Phê duyệt»" in str(outcome["second"])
    assert outcome["second_done_at"] >= committed_at  # type: ignore[operator]
    approvals = ProjectEvent.objects.filter(project=project, action="approved")
    assert [e.amount for e in approvals] == [Decimal(100_000_000)]


def test_steps_on_two_đề_án_of_one_plan_go_at_once(reference_data: None) -> None:
    """An event write locks its đề án row only, not the plan: a national plan with thousands of đề án is not
    serialised behind one slow write."""
    root = User.objects.create_superuser("root", None, None, organization=Organization.objects.get(code="CUC-CTDP"))
    plan = Plan.objects.create(
        code="P", year=2026, funding_source="national", owner=Organization.objects.get(code="CUC-CTDP")
    )
    projects = [
        project_create(
            actor=root,
            code=f"ONE-PLAN-{n}",
            title="Cùng kế hoạch",
            plan=plan,
            content=ProjectContent.objects.get(code="information"),
            kind="general",
            implementer=Organization.objects.get(code="TTKC1"),
        )
        for n in (1, 2)
    ]
    outcome: dict[str, float] = {}

    def other() -> None:
        try:
            project_record_event(project=projects[1], actor=root, action="submitted_for_appraisal",
                                 on=datetime.date(2026, 1, 5))  # fmt: skip
            outcome["other_done_at"] = time.monotonic()
        finally:
            connection.close()

    with transaction.atomic():
        project_record_event(project=projects[0], actor=root, action="submitted_for_appraisal",
                             on=datetime.date(2026, 1, 5))  # fmt: skip
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=10)
        still_open_at = time.monotonic()
    # The second write finished while the first transaction still held its row lock.
    assert outcome["other_done_at"] <= still_open_at
    assert ProjectEvent.objects.filter(project__plan=plan).count() == 2
