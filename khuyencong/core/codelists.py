"""Lists of codes typed in one box (a đề án's beneficiaries): one separator everywhere — the form, its label, the
Excel template and the files the system writes say ";" — while "," is still read, as people type it out of habit and
no code contains either (facility codes are letters, digits and hyphens)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

SEPARATOR = ";"
SEPARATOR_NAME = _("dấu chấm phẩy (;)")
_SPLIT = re.compile(r"[;,]")


def split_codes(text: str | None) -> list[str]:
    """The codes in the order written, each once: "A; B, A;" -> ["A", "B"]."""
    return list(dict.fromkeys(code.strip() for code in _SPLIT.split(text or "") if code.strip()))


def join_codes(codes: list[str]) -> str:
    return f"{SEPARATOR} ".join(codes)
