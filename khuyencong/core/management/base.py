"""The base of the project's commands whose help is translated."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class TranslatedCommand(BaseCommand):
    """A command whose `help` is a lazy translation: argparse formats the description with `re`, which a lazy string
    is not (`manage.py kc_report --help` failed with a TypeError); it is rendered when the parser is made, in the
    language active then."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
