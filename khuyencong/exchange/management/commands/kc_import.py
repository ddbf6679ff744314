from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.services import system_user
from khuyencong.core import conflicts
from khuyencong.exchange.importer import import_file

MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Imports an industrial promotion exchange document (JSON). All or nothing: every error is listed with its "
        "JSON path, a code and a message, and the command exits non-zero; importing the same file again changes "
        "nothing."
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
            raise CommandError(_("Không có tệp %(path)s.") % {"path": path})
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(
                _("Tệp %(path)s lớn hơn %(mb)s MB; hãy chia nhỏ theo tỉnh hoặc năm.")
                % {"path": path, "mb": MAX_BYTES // (1024 * 1024)}
            )
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(
                    _("Không có người dùng «%(username)s» (hoặc tài khoản đã khoá).") % {"username": options["user"]}
                )
        else:
            actor = system_user()
            # Whoever imports, the bodies a file names must hold the authority for each step they took.
            self.stdout.write(
                _("Nhập với tư cách quản trị hệ thống (%(username)s); dùng --user để ghi tên người nhập.")
                % {"username": actor.get_username()}
            )
        try:
            report = import_file(path, actor=actor)
        except OperationalError as conflict:
            if not conflicts.is_conflict(conflict):
                raise
            # Rolled back whole: the file may be imported again as it is.
            code, message = conflicts.refused(conflict, f"kc_import {path}", reading=False)
            raise CommandError(f"{code}: {message}") from conflict
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(_("cảnh báo %(warning)s") % {"warning": warning}))
        if not report.ok:
            for error in report.errors:
                self.stderr.write(_("lỗi %(error)s") % {"error": error})
            raise CommandError(_("%(n)s lỗi; không ghi gì vào cơ sở dữ liệu.") % {"n": len(report.errors)})
        if report.changed_nothing:
            self.stdout.write(self.style.SUCCESS(_("Không có gì thay đổi: dữ liệu trong tệp đã có đầy đủ.")))
            return
        created = ", ".join(f"{n} {k}" for k, n in sorted(report.created.items()))
        updated = ", ".join(f"{n} {k}" for k, n in sorted(report.updated.items())) or "0"
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã nhập. Tạo mới: %(created)s. Cập nhật: %(updated)s.")
                % {"created": created or "0", "updated": updated}
            )
        )
