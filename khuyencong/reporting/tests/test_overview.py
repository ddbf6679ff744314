"""The year's overview of the periodic reports, for those who watch other bodies (the Cục, a province's Sở): a row per
period of each duty with how many bodies owe it and where their reports stand, the bodies to chase for what is late,
and one duty at a time as a matrix of bodies × periods — instead of every duty at once (113 bodies × 25 columns,
8,584 px wide, mostly empty)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.organizations.models import Organization
from khuyencong.reporting.models import ReportingDuty, Submission
from khuyencong.reporting.rules import CalendarStatus
from khuyencong.reporting.selectors import calendar, due_rounds, late_by_body, late_list
from khuyencong.reporting.services import submission_edit, submission_open, submission_submit

pytestmark = pytest.mark.django_db

D = datetime.date
# 10:00 in Hà Nội on 25/07/2026: the six-month report was due on 20/07.
AFTER_H1 = datetime.datetime(2026, 7, 25, 3, 0, tzinfo=datetime.UTC)
TODAY = D(2026, 7, 25)


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(AFTER_H1, tick=False):
        yield


@pytest.fixture
def people(clock: None) -> dict[str, User]:
    return {
        "cuc": make_user("cuc", "CUC-CTDP", Role.OFFICER, Role.APPROVER),
        "sct": make_user("sct15", "SCT-15", Role.OFFICER),
        "roleless": make_user("nobody15", "SCT-15"),
        "representative": make_user("rep", "SCT-15", Role.FACILITY_REPRESENTATIVE),
    }


@pytest.fixture
def sent_late(people: dict[str, User]) -> Submission:
    """Lào Cai's Sở sent its six-month report on 23/07, three days after it was due; nobody has taken it in."""
    opened = submission_open(
        actor=people["sct"], duty=ReportingDuty.objects.get(code="sct_half_yearly"),
        organization=Organization.objects.get(code="SCT-15"), year=2026, period_key="h1",
    )  # fmt: skip
    written = submission_edit(actor=people["sct"], submission=opened, signer="Nguyễn Văn A", signer_title="Giám đốc")
    return submission_submit(actor=people["sct"], submission=written, on=D(2026, 7, 23))


class TestRounds:
    def test_each_period_of_each_duty_is_one_row_with_the_bodies_counted_by_status(self, sent_late: Submission) -> None:
        # Given the year's calendar on 25/07/2026, Lào Cai's six-month report sent three days late
        entries = calendar(2026, today=TODAY)
        # When it is summed by round
        rounds = due_rounds(entries)
        # Then there is one row per (duty, period) that some body owes, in the order of their due dates
        assert len(rounds) == len({(e.duty.code, e.period_key) for e in entries})
        assert [r.due_on for r in rounds] == sorted(r.due_on for r in rounds)
        h1 = next(r for r in rounds if (r.duty.code, r.period_key) == ("sct_half_yearly", "h1"))
        owing = [e for e in entries if (e.duty.code, e.period_key) == ("sct_half_yearly", "h1")]
        assert h1.owed == len(owing) > 1
        assert h1.counts[CalendarStatus.SUBMITTED] == 1
        assert h1.counts[CalendarStatus.NOT_STARTED] == h1.owed - 1
        assert sum(h1.counts.values()) == h1.owed
        # Sent after its due date and not yet taken in, Lào Cai's is late with the others
        assert h1.late == h1.owed
        assert [label for label, _count in h1.by_status] == [
            "Chưa lập", "Đang soạn", "Đã gửi, chờ tiếp nhận", "Bị trả lại", "Đã tiếp nhận",
        ]  # fmt: skip
        # and a round not yet due is late for nobody
        q3 = next(r for r in rounds if (r.duty.code, r.period_key) == ("sct_quarterly", "q3"))
        assert (q3.due_on, q3.late) == (D(2026, 10, 20), 0)

    def test_days_late_run_to_the_day_a_report_was_sent_or_to_today(self, sent_late: Submission) -> None:
        late = {
            (entry.organization.code, entry.duty.code, entry.period_key): days
            for entry, days in late_list(calendar(2026, today=TODAY), today=TODAY)
        }
        assert late["SCT-15", "sct_half_yearly", "h1"] == 3
        assert late["SCT-19", "sct_half_yearly", "h1"] == 5
        assert late["SCT-19", "sct_quarterly", "q1"] == (TODAY - D(2026, 4, 20)).days
        assert ("SCT-15", "sct_quarterly", "q3") not in late

    def test_the_bodies_to_chase_come_with_their_oldest_late_report_first(self, sent_late: Submission) -> None:
        bodies = late_by_body(calendar(2026, today=TODAY), today=TODAY)
        # every body at most once, each with its late reports oldest first
        assert len({b.organization.pk for b in bodies}) == len(bodies)
        for body in bodies:
            assert [entry.due_on for entry, _days in body.reports] == sorted(e.due_on for e, _d in body.reports)
        # the bodies by their oldest late report
        firsts = [body.reports[0][0].due_on for body in bodies]
        assert firsts == sorted(firsts)
        lao_cai = next(b for b in bodies if b.organization.code == "SCT-15")
        assert [(e.duty.code, e.period_key) for e, _days in lao_cai.reports] == [
            ("sct_quarterly", "q1"), ("sct_half_yearly", "h1"), ("sct_quarterly", "q2"),
        ]  # fmt: skip


class TestPage:
    def test_the_cuc_sees_the_rounds_and_the_late_bodies_not_a_matrix_of_every_duty(
        self, sent_late: Submission, people: dict[str, User]
    ) -> None:
        page = client_for(people["cuc"]).get(reverse("reporting:calendar"), {"year": "2026"})
        assert page.status_code == 200
        assert page.context["matrix"] is None
        text = page.content.decode()
        assert "Theo kỳ báo cáo" in text
        assert "Báo cáo quá hạn, chưa được tiếp nhận" in text
        assert 'class="data matrix"' not in text
        # each round's duty opens its matrix
        assert "?year=2026&amp;duty=sct_half_yearly" in text
        # the badge counts every late report, the list names each late body once
        late = page.context["late"]
        assert page.context["late_count"] == sum(len(body.reports) for body in late)
        assert text.count("Sở Công Thương tỉnh Lào Cai</td>") == 1
        # the duties offered are those some body owes in the year, each named with whose it is
        offered = dict(page.context["form"].fields["duty"].choices)
        assert (
            offered["sct_quarterly"]
            == "Báo cáo quý tình hình thực hiện khuyến công quốc gia và địa phương (Sở Công Thương)"
        )
        assert "ubnd_quarterly" in offered
        assert "ttkcqg_monthly" in offered

    def test_one_duty_is_a_matrix_of_its_bodies_and_its_periods(self, sent_late: Submission,
                                                                people: dict[str, User]) -> None:  # fmt: skip
        page = client_for(people["cuc"]).get(reverse("reporting:calendar"), {"year": "2026", "duty": "sct_half_yearly"})
        assert page.status_code == 200
        matrix = page.context["matrix"]
        # (the second half-year is reported in the yearly report: no column of its own)
        assert [column["label"] for column in matrix["columns"]] == ["6 tháng đầu năm 2026"]
        kinds = {row["organization"].kind for row in matrix["rows"]}
        assert kinds == {"provincial_department"}
        names = [row["organization"].name for row in matrix["rows"]]
        assert len(names) == len(set(names)) > 1
        lao_cai = next(row for row in matrix["rows"] if row["organization"].code == "SCT-15")
        assert lao_cai["cells"][0].status == CalendarStatus.SUBMITTED
        text = page.content.decode()
        assert "Tình hình gửi báo cáo: Báo cáo 6 tháng tình hình thực hiện khuyến công (Sở Công Thương)" in text
        # the late list is that duty's only
        assert {e.duty.code for body in page.context["late"] for e, _days in body.reports} == {"sct_half_yearly"}

    def test_a_province_sees_its_own_bodies_and_their_duties_only(self, sent_late: Submission,
                                                                  people: dict[str, User]) -> None:  # fmt: skip
        page = client_for(people["sct"]).get(reverse("reporting:calendar"), {"year": "2026"})
        assert page.status_code == 200
        bodies = {body.organization.code for body in page.context["late"]}
        assert bodies
        assert bodies <= {"SCT-15", "UBND-15"}
        offered = dict(page.context["form"].fields["duty"].choices)
        assert "ttkcqg_monthly" not in offered
        assert "sct_quarterly" in offered
        # a duty of bodies it does not see is refused on the form
        refused = client_for(people["sct"]).get(
            reverse("reporting:calendar"), {"year": "2026", "duty": "ttkcqg_monthly"}
        )
        assert refused.status_code == 400
        assert refused.context["form"].errors["duty"]
        assert refused.context["matrix"] is None

    @pytest.mark.parametrize("who", ["roleless", "representative"])
    def test_who_watches_no_body_sees_no_overview(self, who: str, sent_late: Submission,
                                                  people: dict[str, User]) -> None:  # fmt: skip
        page = client_for(people[who]).get(reverse("reporting:calendar"), {"year": "2026", "duty": "sct_half_yearly"})
        assert page.status_code == 200
        main = page.content.decode().split("<main", 1)[1]
        assert "Tình hình gửi báo cáo" not in main
        assert "Sở Công Thương tỉnh Lào Cai" not in main
        assert page.context["late"] == []
        assert page.context["rounds"] == []
        assert page.context["matrix"] is None

    @pytest.mark.parametrize(
        "query", [{"year": "abc"}, {"year": "1999"}, {"duty": "x" * 5000}, {"year": "2026", "duty": "<b>"}]
    )
    def test_bad_input_is_said_on_the_form_never_a_500(self, query: dict[str, str], people: dict[str, User]) -> None:
        page = client_for(people["cuc"]).get(reverse("reporting:calendar"), query)
        assert page.status_code == 400
        assert page.context["form"].errors
        assert "<b>" not in page.content.decode().split("<main", 1)[-1].split("</form>", 1)[0]


class TestExcel:
    def test_the_calendar_as_excel_is_the_page_s_reports_with_their_state(
        self, sent_late: Submission, people: dict[str, User]
    ) -> None:
        # Given Lào Cai's half-year report sent late, when the Sở takes the calendar of the half-year duty as Excel
        client = client_for(people["sct"])
        page = client.get(reverse("reporting:calendar"), {"year": "2026", "duty": "sct_half_yearly"})
        assert f'href="{reverse("reporting:export")}?year=2026&amp;duty=sct_half_yearly"' in page.content.decode()
        response: Any = client.get(reverse("reporting:export"), {"year": "2026", "duty": "sct_half_yearly"})
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        # Then it lists that duty's reports of Lào Cai's bodies only, each with its due date and where it stands
        assert rows[0] == ["Báo cáo", "Cơ quan", "Kỳ", "Hạn gửi", "Tình trạng", "Gửi lần đầu ngày"]
        assert {row[1] for row in rows[1:]} == {"Sở Công Thương tỉnh Lào Cai"}
        lao_cai = rows[1]
        assert lao_cai[2] == "6 tháng đầu năm 2026"
        assert lao_cai[3].date() == sent_late.due_on
        assert lao_cai[5].date() == sent_late.first_submitted_on
        assert lao_cai[4] == page.context["matrix"]["rows"][0]["cells"][0].status_label
        # And a facility's representative may not take it
        rep = make_user("cs-calendar", None, Role.FACILITY_REPRESENTATIVE)
        assert client_for(rep).get(reverse("reporting:export")).status_code == 403
