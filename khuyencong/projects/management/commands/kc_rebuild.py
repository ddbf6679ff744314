from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from khuyencong.projects.models import Project
from khuyencong.projects.periods import check, rebuild
from khuyencong.projects.reach import check_reach, refresh_reach
from khuyencong.projects.recorded import check_recorded_provinces, refresh_recorded_provinces


class Command(BaseCommand):
    help = (
        "Recomputes every derived table (the periods of each project and its state, the province it is reported "
        "under as recorded, and its beneficiaries as reports count them) from the events, payments, places, "
        "territories and beneficiaries, after a restore, a migration or a bulk load. "
        "With --check, changes nothing and exits non-zero where derived ≠ replay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="compare only; exit 1 on any difference")
        parser.add_argument("--project", help="one project, by its code")

    def handle(self, *args: Any, **options: Any) -> None:
        projects = Project.objects.all()
        if options["project"]:
            projects = projects.filter(code=options["project"])
            if not projects.exists():
                raise CommandError(_("Không có đề án mã «%(code)s».") % {"code": options["project"]})
        if options["check"]:
            problems = check(projects) + check_recorded_provinces(projects) + check_reach(projects)
            for line in problems:
                self.stderr.write(line)
            if problems:
                raise CommandError(
                    ngettext(
                        "%(n)s đề án có dữ liệu dẫn xuất khác với tính lại từ sự kiện.",
                        "%(n)s đề án có dữ liệu dẫn xuất khác với tính lại từ sự kiện.",
                        len(problems),
                    )
                    % {"n": len(problems)}
                )
            total = projects.count()
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext(
                        "Dữ liệu dẫn xuất khớp với sự kiện (%(n)s đề án).",
                        "Dữ liệu dẫn xuất khớp với sự kiện (%(n)s đề án).",
                        total,
                    )
                    % {"n": total}
                )
            )
            return
        # One transaction: readers never see a half-rebuilt table.
        with transaction.atomic():
            count = rebuild(projects)
            placed = refresh_recorded_provinces(projects)
            reached = refresh_reach(projects)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Đã tính lại %(count)s đề án từ sự kiện; %(placed)s đề án đổi tỉnh khi ghi nhận; %(reached)s đề án "
                    "đổi cơ sở thụ hưởng tính cho báo cáo."
                )
                % {"count": count, "placed": placed, "reached": reached}
            )
        )
