"""Excel upload at scale: time and peak memory to check and import N facility rows (default 20,000) through the
same path as the background job. Usage: .venv/bin/python benchmarks/excel_import.py [--rows N]"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/khuyencong-bench-excel.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from khuyencong.accounts.models import Role, User, UserRole  # noqa: E402
from khuyencong.exchange.excel import FACILITY_COLUMNS, excel_import  # noqa: E402
from khuyencong.facilities.models import Facility  # noqa: E402
from khuyencong.organizations.models import Organization  # noqa: E402

COMMUNES = ["Bảo Yên", "Sa Pa", "Bắc Hà", "Mường Khương", "Văn Bàn", "Bát Xát"]


def workbook(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Cơ sở")
    sheet.append([c.header for c in FACILITY_COLUMNS])
    for n in range(rows):
        sheet.append([f"BENCH-{n:06d}", f"Cơ sở chế biến {n}", "Hộ kinh doanh", None, "Lào Cai", None,
                      COMMUNES[n % len(COMMUNES)], "01/08/2025", "Thôn 1", "Chè", None, "Không", None])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        call_command("load_reference_data", verbosity=0)
    officer, created = User.objects.get_or_create(
        username="bench.laocai", organization=Organization.objects.get(code="SCT-15")
    )
    if created:
        UserRole.objects.create(user=officer, role=Role.OFFICER)
    Facility.objects.filter(code__startswith="BENCH-").delete()
    data = workbook(args.rows)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = excel_import(data, kind="facilities", actor=officer)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert result.report.ok, [str(e) for e in result.report.errors[:5]]
    print(f"rows {args.rows:,}  file {len(data) / 1e6:.1f} MB  time {seconds:.1f} s  "
          f"{args.rows / seconds:,.0f} rows/s  peak RSS {peak / 1024:.0f} MB (before {before / 1024:.0f} MB)")  # fmt: skip


if __name__ == "__main__":
    main()
