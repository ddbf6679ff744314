from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from khuyencong.exchange.exporter import exchange_export
from khuyencong.geography.models import Level
from khuyencong.geography.resolver import PlaceError, resolve_unit


class Command(BaseCommand):
    help = (
        "Exports records in the industrial promotion exchange format, for one province (today's), one plan year, "
        "or all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province", help="Today's province, by name or code (e.g. 'Lào Cai' or 15)."
        )  # vi-only: a place name
        parser.add_argument("--year", type=int, help="Plan year.")
        parser.add_argument("--output", type=Path, help="File to write; standard output if left out.")

    def handle(self, *args: Any, **options: Any) -> None:
        province = None
        if options["province"]:
            try:
                province = resolve_unit(options["province"], level=Level.PROVINCE)
            except PlaceError as error:
                raise CommandError(error.message) from error
        document = exchange_export(province=province, year=options["year"])
        text = json.dumps(document, ensure_ascii=False, indent=1)
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
            self.stderr.write(_("Đã ghi %(path)s.") % {"path": options["output"]})
        else:
            self.stdout.write(text)
