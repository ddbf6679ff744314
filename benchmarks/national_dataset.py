"""Builds the national dataset of issue 10 in its own database: ~1,000,000 facilities and ~200,000 đề án over ten
years on PostgreSQL (20,000 đề án and 100,000 facilities on SQLite), then `kc_rebuild` for the periods.

Usage: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/khuyencong_national \\
           .venv/bin/python benchmarks/national_dataset.py [--projects N] [--facilities M]
Without BENCH_DATABASE_URL: sqlite:////tmp/khuyencong-national.sqlite3. A second run adds only what is missing."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/khuyencong-national.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
# Not DEBUG: it would keep every statement of the load in memory.
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from khuyencong.accounts.models import Role, User, UserRole  # noqa: E402
from khuyencong.demo.national import build  # noqa: E402
from khuyencong.geography.models import AdminUnit  # noqa: E402
from khuyencong.organizations.models import Organization  # noqa: E402

# The people the benchmark acts as: the Cục's officer (the whole country) and a provincial officer (Lào Cai).
PEOPLE = {"bench.cuc": "CUC-CTDP", "bench.laocai": "SCT-15"}


def people() -> None:
    for username, org in PEOPLE.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"organization": Organization.objects.get(code=org)}
        )
        if created:
            UserRole.objects.create(user=user, role=Role.OFFICER)


def main() -> None:
    big = connection.vendor == "postgresql"
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=200_000 if big else 20_000)
    parser.add_argument("--facilities", type=int, default=1_000_000 if big else 100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not AdminUnit.objects.exists():
        call_command("load_reference_data", verbosity=0)
    people()
    build(projects=args.projects, facilities=args.facilities, say=lambda line: print(line, flush=True))
    loaded = time.perf_counter()
    print(f"rows inserted in {loaded - started:.0f} s; kc_rebuild …", flush=True)
    call_command("kc_rebuild")
    if big:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"built in {time.perf_counter() - started:.0f} s on {connection.vendor}")


if __name__ == "__main__":
    main()
