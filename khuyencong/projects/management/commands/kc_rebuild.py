from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from khuyencong.projects.models import Project
from khuyencong.projects.periods import check, rebuild
from khuyencong.projects.recorded import check_recorded_provinces, refresh_recorded_provinces


class Command(BaseCommand):
    help = (
        "Recomputes every derived table (the periods of each đề án, and the province it is reported under as "
        "recorded) from the events, payments, places and territories, after a restore, a migration or a bulk load. "
        "With --check, changes nothing and exits non-zero where derived ≠ replay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="compare only; exit 1 on any difference")
        parser.add_argument("--project", help="one đề án, by its code")

    def handle(self, *args: Any, **options: Any) -> None:
        projects = Project.objects.all()
        if options["project"]:
            projects = projects.filter(code=options["project"])
            if not projects.exists():
                raise CommandError(f"Không có đề án mã «{options['project']}».")
        if options["check"]:
            problems = check(projects) + check_recorded_provinces(projects)
            for line in problems:
                self.stderr.write(line)
            if problems:
                raise CommandError(f"{len(problems)} đề án có dữ liệu dẫn xuất khác với tính lại từ sự kiện.")
            self.stdout.write(self.style.SUCCESS(f"Dữ liệu dẫn xuất khớp với sự kiện ({projects.count()} đề án)."))
            return
        # One transaction: readers never see a half-rebuilt table.
        with transaction.atomic():
            count = rebuild(projects)
            placed = refresh_recorded_provinces(projects)
        self.stdout.write(
            self.style.SUCCESS(f"Đã tính lại {count} đề án từ sự kiện; {placed} đề án đổi tỉnh khi ghi nhận.")
        )
