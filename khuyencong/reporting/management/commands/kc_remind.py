"""kc_remind: reminders of the reports due soon or late (run daily, e.g. by cron or the worker's scheduler)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from khuyencong.core.management.base import TranslatedCommand
from khuyencong.reporting.notify import REMINDER_DAYS, send_reminders


class Command(TranslatedCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # argparse renders the lazy text in the active language
        "Nhắc báo cáo định kỳ sắp đến hạn hoặc quá hạn (trong ứng dụng và qua thư điện tử); "
        "chạy hằng ngày, chạy lại không gửi trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=REMINDER_DAYS, help=gettext("Nhắc trước hạn bao nhiêu ngày."))

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            sent = send_reminders(today=timezone.localdate(), days=max(0, options["days"]))
        self.stdout.write(gettext("Đã gửi %(count)d lời nhắc.") % {"count": sent})
