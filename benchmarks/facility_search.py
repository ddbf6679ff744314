"""Facility search at national scale: median time of the list page's queries on N facilities, and its ratio to a
primary-key lookup on the same database. Usage: .venv/bin/python benchmarks/facility_search.py [--rows N]"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/khuyencong-bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from khuyencong.accounts.models import Role, User, UserRole  # noqa: E402
from khuyencong.core.text import compact_key, fold  # noqa: E402
from khuyencong.facilities.models import Facility, LegalForm  # noqa: E402
from khuyencong.facilities.selectors import FacilityFilters, facility_list_for_user  # noqa: E402
from khuyencong.geography.models import AdminUnit, Era, Level  # noqa: E402
from khuyencong.organizations.models import Organization  # noqa: E402

WORDS = ["Chè", "Gỗ", "Mây tre", "Gốm", "Thổ cẩm", "Cơ khí", "Nước mắm", "Gạch", "May", "Đồ mộc", "Miến", "Rượu"]
FORMS = ["Hộ kinh doanh", "HTX", "Công ty TNHH", "Tổ hợp tác", "Cơ sở"]


def build(rows: int) -> None:
    existing = Facility.objects.count()
    if existing >= rows:
        return
    rng = random.Random(7)
    communes = list(
        AdminUnit.objects.filter(era=Era.FROM_2025, level=Level.COMMUNE).values_list("pk", "parent_id", "name")
    )
    today = timezone.localdate()
    batch: list[Facility] = []
    for i in range(existing, rows):
        commune_id, province_id, commune_name = rng.choice(communes)
        name = f"{rng.choice(FORMS)} {rng.choice(WORDS)} {commune_name} {i}"
        batch.append(
            Facility(
                code=f"B{i:08d}", name=name, legal_form=LegalForm.HOUSEHOLD_BUSINESS, place_recorded_on=today,
                province_id=province_id, commune_id=commune_id, current_province_id=province_id,
                current_commune_id=commune_id, name_key=compact_key(name), search_text=fold(f"{name} | B{i:08d}"),
            )
        )  # fmt: skip
        if len(batch) == 20_000:
            Facility.objects.bulk_create(batch)
            batch.clear()
            print(f"  {i + 1:,} rows", end="\r", flush=True)
    Facility.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE facilities_facility")
    print()


def person(username: str, org: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"organization": Organization.objects.get(code=org)}
    )
    if created:
        UserRole.objects.create(user=user, role=Role.OFFICER)
    return user


def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm the caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not AdminUnit.objects.exists():
        call_command("load_reference_data", verbosity=0)
    build(args.rows)
    national, provincial = person("bench.cuc", "CUC-CTDP"), person("bench.laocai", "SCT-15")
    some_pk = Facility.objects.order_by("pk").values_list("pk", flat=True)[args.rows // 2]

    def page(user: User, query: str) -> Callable[[], object]:
        def run() -> object:
            facilities = facility_list_for_user(user, FacilityFilters(query=query))
            return facilities.count(), list(facilities[:50])

        return run

    baseline = median_ms(lambda: Facility.objects.get(pk=some_pk), args.repeat)
    cases = [
        ("national, rare commune 'viet hong'", page(national, "viet hong")),
        ("national, common word 'go'", page(national, "go")),
        ("national, common word 'che'", page(national, "che")),
        ("national, code 'b00500000'", page(national, "b00500000")),
        ("provincial (Lào Cai), 'che'", page(provincial, "che")),
        ("provincial (Lào Cai), no query", page(provincial, "")),
    ]
    print(f"{Facility.objects.count():,} facilities on {connection.vendor}; pk lookup median {baseline:.2f} ms")
    print(f"{'query (count + first page of 50)':<44}{'median ms':>12}{'× pk lookup':>14}")
    for label, run in cases:
        ms = median_ms(run, args.repeat)
        print(f"{label:<44}{ms:>12.1f}{ms / baseline:>14.0f}")


if __name__ == "__main__":
    main()
