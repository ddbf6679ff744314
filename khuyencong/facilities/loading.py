from __future__ import annotations

from pathlib import Path

from khuyencong.core.data import load_dated_list

from .models import Trade

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_trades() -> None:
    load_dated_list(Trade, DATA_DIR / "trades.csv")
