"""Excel upload at scale: time and peak memory to check and import N facility rows (default 20,000) through the
same path as the background job, against a floor measured in the same run: a plain bulk_create of the same N
facilities (search column filled, no check, no audit entry). Usage:
.venv/bin/python benchmarks/excel_import.py [--rows N] [--repeat R]"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/khuyencong-bench-excel.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
# As in production: with DEBUG, Django keeps the text of every statement, each multi-row insert written out in full.
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from khuyencong.accounts.models import Role, User, UserRole  # noqa: E402
from khuyencong.core.text import compact_key, fold  # noqa: E402
from khuyencong.exchange.excel import FACILITY_COLUMNS, excel_import  # noqa: E402
from khuyencong.facilities.models import Facility  # noqa: E402
from khuyencong.geography.resolver import resolve_place  # noqa: E402
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


def floor(rows: int) -> float:
    """Seconds to insert the same facilities with one bulk_create and nothing else (rolled back)."""
    place = resolve_place(province="Lào Cai", commune=COMMUNES[0], on=datetime.date(2025, 8, 1))
    facilities = [
        Facility(
            code=f"BENCH-{n:06d}", name=f"Cơ sở chế biến {n}", legal_form="household_business",
            place_recorded_on=place.as_of, province=place.province, commune=place.commune,
            current_province=place.province, current_commune=place.commune, address="Thôn 1", trade_description="Chè",
            name_key=compact_key(f"Cơ sở chế biến {n}"),
            search_text=fold(f"Cơ sở chế biến {n} | BENCH-{n:06d} | Chè | Thôn 1 | Bảo Yên | Lào Cai | Bảo Yên | Lào Cai"),
        )
        for n in range(rows)
    ]  # fmt: skip
    with transaction.atomic():
        start = time.perf_counter()
        Facility.objects.bulk_create(facilities, batch_size=500)
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        call_command("load_reference_data", verbosity=0)
    officer, created = User.objects.get_or_create(
        username="bench.laocai", organization=Organization.objects.get(code="SCT-15")
    )
    if created:
        UserRole.objects.create(user=officer, role=Role.OFFICER)
    data = workbook(args.rows)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, floors = [], []
    for _ in range(args.repeat):
        Facility.objects.filter(code__startswith="BENCH-").delete()
        floors.append(floor(args.rows))
        start = time.perf_counter()
        result = excel_import(data, kind="facilities", actor=officer)
        times.append(time.perf_counter() - start)
        assert result.report.ok, [str(e) for e in result.report.errors[:5]]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    median, floor_median = statistics.median(times), statistics.median(floors)
    print(f"{connection.vendor}: rows {args.rows:,}  file {len(data) / 1e6:.1f} MB  runs {args.repeat}  "
          f"median {median:.1f} s ({', '.join(f'{t:.1f}' for t in times)})  {args.rows / median:,.0f} rows/s  "
          f"peak RSS {peak / 1024:.0f} MB (before {before / 1024:.0f} MB)  "
          f"floor (bulk_create only) {floor_median:.1f} s  ratio {median / floor_median:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
