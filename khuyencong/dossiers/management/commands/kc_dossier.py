"""kc_dossier CODE --output FILE.zip: the auditor's file of a đề án."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from khuyencong.core.management.base import TranslatedCommand
from khuyencong.dossiers.auditor import dossier_zip
from khuyencong.projects.models import Project


class Command(TranslatedCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # argparse renders the lazy text in the active language
        "Hồ sơ đề án cho kiểm toán: mọi tài liệu, mọi biểu mẫu, diễn biến và chứng từ, kèm bảng kê SHA-256."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help=gettext("Mã đề án."))
        parser.add_argument("--output", required=True, help=gettext("Tệp ZIP ghi ra."))
        parser.add_argument(
            "--as-of", dest="as_of", help=gettext("Số liệu tính đến ngày (YYYY-MM-DD; mặc định hôm nay).")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        project = Project.objects.filter(code=options["code"]).first()
        if project is None:
            raise CommandError(gettext("Không có đề án mã «%(code)s».") % {"code": options["code"]})
        try:
            on = datetime.date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(
                gettext("Ngày «%(day)s» không hợp lệ; viết YYYY-MM-DD.") % {"day": options["as_of"]}
            ) from error
        content = dossier_zip(project, on=on)
        with open(options["output"], "wb") as handle:
            handle.write(content)
        self.stderr.write(
            gettext("Đã ghi %(file)s (%(size)s byte).") % {"file": options["output"], "size": f"{len(content):,}"}
        )
