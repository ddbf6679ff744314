"""kc_calendar: every periodic report due in a year, with its due date and status."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from khuyencong.core.management.base import TranslatedCommand
from khuyencong.geography.models import Level
from khuyencong.geography.resolver import PlaceError, resolve_unit
from khuyencong.reporting.selectors import calendar


class Command(TranslatedCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # argparse renders the lazy text in the active language
        "Lịch báo cáo định kỳ: mọi báo cáo phải gửi trong năm, hạn gửi và tình trạng "
        "(chưa lập, đang soạn, đã gửi, bị trả lại, đã tiếp nhận, quá hạn)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help=gettext("Năm (mặc định: năm nay)."))
        parser.add_argument("--province", help=gettext("Chỉ các cơ quan của một tỉnh (tên hoặc mã, như hiện nay)."))
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--late", action="store_true", help=gettext("Chỉ các báo cáo quá hạn."))

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        year = options["year"] or today.year
        if not 2000 <= year <= 2100:
            raise CommandError(gettext("Năm %(year)s không hợp lệ.") % {"year": year})
        province = None
        if options["province"]:
            try:
                province = resolve_unit(options["province"], on=today, level=Level.PROVINCE)
            except PlaceError as error:
                raise CommandError(f"--province: {error.message}") from error
        entries = calendar(year, today=today, province=province)
        if options["late"]:
            entries = [e for e in entries if e.late]
        if options["format"] == "json":
            self.stdout.write(json.dumps([e.as_json() for e in entries], ensure_ascii=False, indent=2))
            return
        if not entries:
            self.stdout.write(gettext("Không có báo cáo định kỳ nào phải gửi trong năm %(year)s.") % {"year": year})
            return
        for entry in entries:
            self.stdout.write(
                f"{entry.due_on:%d/%m/%Y}  {entry.organization.name}: {entry.duty.label} ({entry.label})"
                f" — {entry.status_label}"
            )
