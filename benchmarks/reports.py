"""Reports and dashboards on the demo data: median time of each page or report over R runs, and its ratio to the
plain home page on the same database. Usage: .venv/bin/python benchmarks/reports.py [--repeat R]"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/khuyencong-bench-reports.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Pages link their stylesheet; the manifest storage needs collectstatic, which a benchmark need not run.
settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from khuyencong.accounts.models import User  # noqa: E402
from khuyencong.reports.periods import Period  # noqa: E402
from khuyencong.reports.scope import resolve_scope  # noqa: E402
from khuyencong.reports.selectors import report_build  # noqa: E402


def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm: templates compiled, connections open
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def page(client: Client, url: str) -> Callable[[], object]:
    def get() -> object:
        response = client.get(url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, (url, response.status_code)
        return response

    return get


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="laocai.canbo").exists():
        call_command("load_demo_data", verbosity=0)
    national = Client()
    national.force_login(User.objects.get(username="cuc.chuyenvien"))
    province = Client()
    province.force_login(User.objects.get(username="laocai.canbo"))
    h1 = Period.year(2022, months=6)
    yen_bai = resolve_scope(provinces=["Yên Bái"], on=h1.as_of)
    cases: list[tuple[str, Callable[[], object]]] = [
        ("home page (baseline)", page(province, "/")),
        ("landing dashboard, Cục (nation)", page(national, "/reports/")),
        ("landing dashboard, Sở Lào Cai", page(province, "/reports/")),
        ("provincial report Yên Bái H1 2022 (figures)", lambda: report_build("provincial", yen_bai, h1)),
        (
            "provincial report page, on screen",
            page(
                province,
                "/reports/report/?kind=provincial&year=2022&period=6"
                "&geography=current&provinces=" + str(yen_bai.provinces[0].current_province_id),
            ),
        ),
        ("national plan execution 2022 (figures)", lambda: report_build("national", resolve_scope(on=h1.as_of), h1)),
    ]
    baseline = None
    print(f"{'case':<48} {'median':>10} {'ratio':>7}")
    for name, run in cases:
        ms = median_ms(run, args.repeat)
        baseline = baseline or ms
        print(f"{name:<48} {ms:>8.1f} ms {ms / baseline:>6.1f}×")


if __name__ == "__main__":
    main()
