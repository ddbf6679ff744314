"""The đề án the dossier tests build on: Yên Bái's contracted KCĐP đề án of 2022, and the same carried to its end."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from khuyencong.accounts.services import system_user
from khuyencong.organizations.models import Organization
from khuyencong.projects.models import Project
from khuyencong.projects.services import payment_record, payment_void, project_record_event, result_record
from khuyencong.projects.tests.lawful import lawful_advance

NOW = datetime.datetime(2026, 11, 27, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def project(yen_bai: None) -> Project:
    """Yên Bái's contracted KCĐP đề án of 2022 (machinery), advanced lawfully — the invoices attached and 75% of the
    investment done, as Circular 36/2013 Art. 13 asks — and with a voided voucher."""
    with time_machine.travel(NOW, tick=False):
        project = Project.objects.get(code="YB-KCDP22-01")
        last = project.events.order_by("-on").first()
        assert last is not None
        day = last.on + datetime.timedelta(days=3)
        lawful_advance(project, system_user(), day)
        payment_record(
            project=project, actor=system_user(), on=day, kind="advance", amount=Decimal(50_000_000), document="PC-01"
        )
        wrong = payment_record(project=project, actor=system_user(), on=day, kind="payment", amount=Decimal(1_000))
        payment_void(project=project, actor=system_user(), payment=wrong, reason="Nhập nhầm số tiền.")
    return project


@pytest.fixture
def liquidated(project: Project) -> Project:
    """The same đề án (contract 200.000.000 đ, advance 50.000.000 đ) entered from its history: 80% done on 01/06/2022,
    accepted on 01/09/2022 for 190.000.000 đ with 3 machines, paid 130.000.000 đ on 05/09/2022, liquidated on
    10/09/2022 — so 10.000.000 đ remain owed to the implementer."""
    centre = Organization.objects.get(code="TTKC-YB")
    actor = system_user()
    with time_machine.travel(NOW, tick=False):

        def step(action: str, on: datetime.date, **extra: object) -> None:
            project_record_event(project=project, actor=actor, action=action, on=on, transcribed=True,
                                 organization=centre, **extra)  # type: ignore[arg-type]  # fmt: skip

        step("progress", datetime.date(2022, 6, 1), percent=Decimal(80))
        step("accepted", datetime.date(2022, 9, 1), amount=Decimal(190_000_000), document="BB-NT-07")
        result_record(
            project=project, actor=actor, indicator="machines", value=Decimal(3), on=datetime.date(2022, 9, 1)
        )
        payment_record(project=project, actor=actor, on=datetime.date(2022, 9, 5), kind="payment",
                       amount=Decimal(130_000_000), document="PC-02")  # fmt: skip
        step("liquidated", datetime.date(2022, 9, 10), document="TL-07")
    project.refresh_from_db()
    return project
