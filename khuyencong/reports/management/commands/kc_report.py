"""kc_report KIND: a report from the records, as JSON on standard output by default."""

from __future__ import annotations

import datetime
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.management.base import TranslatedCommand
from khuyencong.geography.resolver import PlaceError
from khuyencong.reports.periods import Period
from khuyencong.reports.programme import programme_named, programme_period
from khuyencong.reports.render import FORMATS, render
from khuyencong.reports.scope import Geography, resolve_scope
from khuyencong.reports.selectors import KINDS, report_build


def _date(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise CommandError(_("Ngày «%(text)s» không hợp lệ; viết năm-tháng-ngày hoặc ngày/tháng/năm.") % {"text": text})


class Command(TranslatedCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # argparse renders the lazy text in the active language
        "Lập báo cáo khuyến công từ dữ liệu: provincial, national, regional, programme."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("--province", action="append", default=[], help=_("Tỉnh (tên hoặc mã); lặp lại để gộp."))
        parser.add_argument("--region", help=_("Vùng khuyến công (mã, ví dụ north, south)."))
        parser.add_argument("--program", help=_("Mã chương trình khuyến công (báo cáo programme)."))
        parser.add_argument("--level", help=_("Cấp bình chọn (báo cáo products): commune, provincial, regional, …"))
        parser.add_argument(
            "--plan", help=_("Mã kế hoạch (báo cáo national; mặc định: các kế hoạch trung ương của năm).")
        )
        parser.add_argument(
            "--year",
            type=int,
            help=_(
                "Năm báo cáo (cả năm, hoặc --months đầu năm). Báo cáo programme: bỏ trống để lấy từ đầu chương "
                "trình đến --as-of."
            ),
        )
        parser.add_argument("--months", type=int, help=_("Số tháng đầu năm: 6, 9 … (cùng --year)."))
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help=_("Quý (cùng --year)."))
        parser.add_argument("--from", dest="start", help=_("Từ ngày (năm-tháng-ngày hoặc ngày/tháng/năm)."))
        parser.add_argument("--to", dest="end", help=_("Đến ngày."))
        parser.add_argument("--as-of", dest="as_of", help=_("Số liệu tính đến ngày (mặc định: ngày cuối kỳ)."))
        parser.add_argument("--geography", choices=[g.value for g in Geography], default=Geography.RECORDED.value)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", help=_("Ghi ra tệp thay vì màn hình."))

    def handle(self, *args: Any, **options: Any) -> None:
        period = self._period(options)
        # The report written is an official document (Decree 30/2020/NĐ-CP Art. 8): built and written in Vietnamese.
        with translation.override("vi"):
            try:
                scope = resolve_scope(
                    provinces=options["province"],
                    region=options["region"],
                    geography=Geography(options["geography"]),
                    on=period.as_of,
                )
                # Only JSON carries the figures' lists of đề án: the documents show none.
                built = report_build(
                    options["kind"], scope, period, program=options["program"], plan=options["plan"],
                    level=options["level"], codes=options["format"] == "json",
                )  # fmt: skip
            except PlaceError as error:
                raise CommandError(f"--province: {error.message}") from error
            except ValueError as error:
                raise CommandError(str(error)) from error
            content = render(options["format"], built.data, built.sections, built.document)
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(content)
            self.stderr.write(
                _("Đã ghi %(path)s (%(size)s byte).") % {"path": options["output"], "size": f"{len(content):,}"}
            )
        elif options["format"] in ("xlsx", "pdf"):
            raise CommandError(
                _("Định dạng %(format)s là tệp nhị phân: hãy ghi --output TỆP.") % {"format": options["format"]}
            )
        else:
            sys.stdout.flush()
            self.stdout.write(content.decode(), ending="")

    def _period(self, options: dict[str, Any]) -> Period:
        as_of = _date(options["as_of"]) if options["as_of"] else None
        try:
            if options["start"] or options["end"]:
                if not (options["start"] and options["end"]):
                    raise CommandError(_("--from và --to phải đi cùng nhau."))
                if options["year"]:
                    raise CommandError(_("Chọn --year hoặc --from/--to, không cả hai."))
                return Period.of(_date(options["start"]), _date(options["end"]), as_of=as_of)
            if not options["year"]:
                if options["kind"] == "programme" and options["program"]:
                    # "After three years": from the programme's start to the as-of day.
                    return programme_period(programme_named(options["program"]), as_of=as_of,
                                            today=timezone.localdate())  # fmt: skip
                raise CommandError(_("Cần kỳ báo cáo: --year Y [--months M | --quarter Q] hoặc --from D --to D."))
            if options["quarter"]:
                return Period.quarter(options["year"], options["quarter"], as_of=as_of)
            return Period.year(options["year"], months=options["months"] or 12, as_of=as_of)
        except ValueError as error:
            raise CommandError(str(error)) from error
