"""Working days for the complaint window (15) and the answer (10), TT 26/2014 Art. 20: Monday to Friday, less
Vietnam's public holidays and the days the yearly notices give off, plus the Saturdays they ask to be worked."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_for
from khuyencong.products.rules import (
    WEEKDAYS_ONLY,
    DayKind,
    answer_due,
    answered_late,
    load_calendar,
    vietnam_calendar,
    working_days_after,
)
from khuyencong.products.services import complaint_answer, complaint_record
from khuyencong.products.tests.conftest import NOW

D = datetime.date


class TestCalendar:
    def test_every_row_of_the_data_file_is_dated_with_its_source(self) -> None:
        import csv

        from khuyencong.products.rules import HOLIDAYS_FILE

        with HOLIDAYS_FILE.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows
        for row in rows:
            assert DayKind(row["kind"])
            assert "Bộ luật Lao động 2019" in row["basis"] or "thông báo" in row["basis"]
        assert load_calendar().years == {2024, 2025, 2026}

    def test_tet_2026_lengthens_the_complaint_window(self) -> None:
        # decision Tuesday 10/02/2026; Tết 16–20/02/2026 is not counted
        assert working_days_after(D(2026, 2, 10), 15, WEEKDAYS_ONLY) == D(2026, 3, 3)
        assert working_days_after(D(2026, 2, 10), 15) == D(2026, 3, 10)

    def test_a_worked_saturday_counts(self) -> None:
        # Saturday 26/04/2025 was worked in exchange for Friday 02/05/2025
        assert vietnam_calendar().working(D(2025, 4, 26))
        assert not vietnam_calendar().working(D(2025, 5, 2))
        assert working_days_after(D(2025, 4, 24), 2) == D(2025, 4, 26)

    def test_the_answer_is_due_in_10_working_days_and_a_late_one_is_flagged(self) -> None:
        # Wednesday 22/04/2026: 27/04 (Hùng Kings in lieu), 30/04 and 01/05 are off
        assert answer_due(D(2026, 4, 22)) == D(2026, 5, 11)
        assert not answered_late(D(2026, 4, 22), D(2026, 5, 11), D(2026, 6, 1))
        assert answered_late(D(2026, 4, 22), D(2026, 5, 12), D(2026, 6, 1))
        assert answered_late(D(2026, 4, 22), None, D(2026, 5, 12))
        assert not answered_late(D(2026, 4, 22), None, D(2026, 5, 11))

    def test_a_year_the_file_does_not_cover_counts_weekdays(self) -> None:
        assert not vietnam_calendar().covers(D(2027, 1, 1))
        assert working_days_after(D(2027, 1, 1), 1) == D(2027, 1, 4)


@pytest.mark.django_db
class TestComplaints:
    def test_the_window_counts_the_holidays_and_a_late_answer_shows_on_the_round(self, decided: dict[str, Any]) -> None:
        people = decided["people"]
        # decided Monday 05/10/2026: 15 working days end Monday 26/10/2026 (no holiday between)
        with time_machine.travel(NOW, tick=False):
            with pytest.raises(ValidationError) as late:
                complaint_record(actor=people["rep"], entry=decided["tray_entry"], on=D(2026, 10, 27), text="Muộn")
            assert late.value.error_dict["on"][0].code == "complaint_out_of_time"
            complaint = complaint_record(actor=people["rep"], entry=decided["tray_entry"], on=D(2026, 10, 23),
                                         text="Xin chấm lại")  # fmt: skip
            complaint_answer(actor=people["commune"], complaint=complaint, on=D(2026, 11, 9), outcome="dismissed")
            page = client_for(people["commune"]).get(reverse("products:round", args=["BC-XA-2026"])).content.decode()

        # due Friday 06/11/2026; answered Monday 09/11: late, on record
        assert "06/11/2026" in page
        assert "quá hạn trả lời" in page
