from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khuyencong.accounts.models import User
from khuyencong.accounts.services import system_user
from khuyencong.exchange.importer import import_file

MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Imports a khuyến công exchange document (JSON). All or nothing: every error is listed with its JSON path, "
        "a code and a message, and the command exits non-zero; importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user",
            help="the person who imports: every row written names them, and their territory and rights apply "
            "(default: the system administrator)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"Tệp {path} lớn hơn {MAX_BYTES // (1024 * 1024)} MB; hãy chia nhỏ theo tỉnh hoặc năm.")
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"Không có người dùng «{options['user']}» (hoặc tài khoản đã khoá).")
        else:
            actor = system_user()
            # Whoever imports, the bodies a file names must hold the authority for each step they took.
            self.stdout.write(
                f"Nhập với tư cách quản trị hệ thống ({actor.get_username()}); dùng --user để ghi tên người nhập."
            )
        report = import_file(path, actor=actor)
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"cảnh báo {warning}"))
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"lỗi {error}")
            raise CommandError(f"{len(report.errors)} lỗi; không ghi gì vào cơ sở dữ liệu.")
        if report.changed_nothing:
            self.stdout.write(self.style.SUCCESS("Không có gì thay đổi: dữ liệu trong tệp đã có đầy đủ."))
            return
        created = ", ".join(f"{n} {k}" for k, n in sorted(report.created.items()))
        updated = ", ".join(f"{n} {k}" for k, n in sorted(report.updated.items())) or "0"
        self.stdout.write(self.style.SUCCESS(f"Đã nhập. Tạo mới: {created or '0'}. Cập nhật: {updated}."))
