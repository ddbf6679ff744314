"""The national benchmark of issue 10, on the dataset of `benchmarks/national_dataset.py`: for each report, dashboard,
list, queue, search and export, the median of R warm runs and its ratio to a hand-written SQL floor for the same
figures, measured in the same run; then each report as a whole command with its peak memory.

Usage: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/khuyencong_national \\
           .venv/bin/python benchmarks/national.py [--repeat R] [--only WORD]
Without BENCH_DATABASE_URL: sqlite:////tmp/khuyencong-national.sqlite3 (build it first)."""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/khuyencong-national.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Pages link their stylesheet; the manifest storage needs collectstatic, which a benchmark need not run.
settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from khuyencong.accounts.models import User  # noqa: E402
from khuyencong.projects.models import Project  # noqa: E402
from khuyencong.reports.periods import Period  # noqa: E402
from khuyencong.reports.render import to_pdf, to_xlsx  # noqa: E402
from khuyencong.reports.scope import Geography, ReportScope, resolve_scope  # noqa: E402
from khuyencong.reports.selectors import report_build  # noqa: E402

Run = Callable[[], object]


def median_ms(run: Run, repeat: int) -> float:
    run()  # warm: templates compiled, connection open, pages cached by the database
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def sql(statements: list[tuple[str, list[Any]]]) -> Run:
    """A floor: the statements that give the same figures, written by hand, their rows fetched."""

    def run() -> object:
        with connection.cursor() as cursor:
            rows = []
            for statement, params in statements:
                cursor.execute(statement, params)
                rows.append(cursor.fetchall())
            return rows

    return run


def page(client: Client, url: str) -> Run:
    def get() -> object:
        response = client.get(url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, (url, response.status_code)
        return response

    return get


# The period in force on a day, written once for every floor.
IN_FORCE = "{t}.valid_from <= %s AND ({t}.valid_to IS NULL OR {t}.valid_to > %s)"


def in_force(alias: str) -> str:
    return IN_FORCE.format(t=alias)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", help="only the cases whose label contains this word")
    parser.add_argument("--no-commands", action="store_true", help="skip the whole-command memory measurements")
    args = parser.parse_args()
    cuc, laocai = Client(), Client()
    cuc.force_login(User.objects.get(username="bench.cuc"))
    laocai.force_login(User.objects.get(username="bench.laocai"))
    nation = ReportScope(Geography.RECORDED, (), None)
    y2022, h1 = Period.year(2022), Period.year(2022, months=6)
    north = resolve_scope(region="north", on=h1.as_of)
    lao_cai = resolve_scope(provinces=["Lào Cai"], geography=Geography.CURRENT, on=h1.as_of)
    programme = "NAT-CTKCQG-2021-2025"
    p2025 = Period.year(2025)
    july = datetime.date(2022, 7, 31)
    some = Project.objects.filter(plan__year=2022).order_by("pk").values_list("pk", flat=True)[100]
    cuc_id = User.objects.get(username="bench.cuc").organization_id
    lao_cai_id = lao_cai.provinces[0].pk

    # Since issue 13 the national report carries each plan's breakdown (by source, content and kind, with distinct
    # facilities and facility-times): the floor computes the same, as GROUP BYs by hand over the year ends.
    approved_2022 = """FROM projects_project p JOIN programs_plan pl ON pl.id = p.plan_id
            JOIN projects_projectyearend e ON e.project_id = p.id AND e.year_from <= 2022
                 AND (e.year_to IS NULL OR e.year_to >= 2022)
            WHERE pl.year = 2022 AND pl.owner_id = %s AND e.approved_on IS NOT NULL"""
    national_floor = sql([
        (f"""SELECT p.implementer_id, count(*), sum(coalesce(e.support, 0)),
                   sum(coalesce(e.disbursed, 0) - coalesce(b.disbursed, 0)), count(DISTINCT p.recorded_province_id)
            FROM projects_project p JOIN programs_plan pl ON pl.id = p.plan_id
            JOIN projects_projectperiod e ON e.project_id = p.id AND {in_force("e")}
            LEFT JOIN projects_projectperiod b ON b.project_id = p.id AND {in_force("b")}
            WHERE pl.year = %s AND pl.owner_id = %s AND e.approved_on IS NOT NULL GROUP BY p.implementer_id""",
         [y2022.as_of, y2022.as_of, datetime.date(2021, 12, 31), datetime.date(2021, 12, 31), 2022, cuc_id]),
        (f"""SELECT pl.funding_source, p.content_id, p.kind, count(*), sum(p.total_cost), sum(p.counterpart),
                    sum(e.support), sum(e.disbursed) {approved_2022} GROUP BY pl.funding_source, p.content_id, p.kind""",
         [cuc_id]),
        (f"""SELECT pl.funding_source, p.content_id, count(DISTINCT b.facility_id), count(*)
             {approved_2022.replace("WHERE", "JOIN projects_project_beneficiaries b ON b.project_id = p.id WHERE")}
             GROUP BY pl.funding_source, p.content_id""", [cuc_id]),
    ])  # fmt: skip

    def breakdown_floor(where: str, params: list[Any], day: datetime.date) -> list[tuple[str, list[Any]]]:
        """The breakdown's figures (by source, content and kind; distinct facilities and facility-times) of the
        đề án approved by `day`, as GROUP BYs by hand: what the regional and provincial reports carry since issue 13."""
        approved = f"""FROM projects_project p JOIN programs_plan pl ON pl.id = p.plan_id
            JOIN projects_projectperiod e ON e.project_id = p.id AND {in_force("e")}
            WHERE {where} AND e.approved_on IS NOT NULL"""
        return [
            (f"""SELECT pl.funding_source, p.content_id, p.kind, count(*), sum(p.total_cost), sum(p.counterpart),
                        sum(e.support), sum(e.disbursed) {approved} GROUP BY pl.funding_source, p.content_id, p.kind""",
             [day, day, *params]),
            (f"""SELECT pl.funding_source, p.content_id, count(DISTINCT b.facility_id), count(*)
                 {approved.replace("WHERE", "JOIN projects_project_beneficiaries b ON b.project_id = p.id WHERE")}
                 GROUP BY pl.funding_source, p.content_id""", [day, day, *params]),
        ]  # fmt: skip

    north_ids = ",".join(str(u.pk) for u in north.provinces)
    regional_floor = sql([
        (f"""SELECT p.recorded_province_id, count(*), sum(coalesce(e.disbursed, 0) - coalesce(b.disbursed, 0))
            FROM projects_project p JOIN programs_plan pl ON pl.id = p.plan_id
            JOIN projects_projectperiod e ON e.project_id = p.id AND {in_force("e")}
            LEFT JOIN projects_projectperiod b ON b.project_id = p.id AND {in_force("b")}
            WHERE pl.year = %s AND p.recorded_province_id IN ({north_ids})
            GROUP BY p.recorded_province_id""",
         [h1.until, h1.until, datetime.date(2021, 12, 31), datetime.date(2021, 12, 31), 2022]),
        # the report compares with the same months a year earlier
        *breakdown_floor(f"pl.year = %s AND p.recorded_province_id IN ({north_ids})", [2022], h1.until),
        *breakdown_floor(f"pl.year = %s AND p.recorded_province_id IN ({north_ids})", [2021],
                         datetime.date(2021, 6, 30)),
    ])  # fmt: skip
    # Since issue 13 the programme report covers every đề án of its territory and years, of every source, with the
    # breakdown's distinct facilities: the floor counts the same, each as a GROUP BY by hand, reading the year ends
    # (the report's day is 31/12/2025) as the report does.
    approved_2025 = """FROM projects_project p JOIN programs_plan pl ON pl.id = p.plan_id
            JOIN projects_projectyearend e ON e.project_id = p.id AND e.year_from <= 2025
                 AND (e.year_to IS NULL OR e.year_to >= 2025)
            WHERE pl.year BETWEEN 2021 AND 2025 AND e.approved_on IS NOT NULL"""
    programme_floor = sql([
        (f"""SELECT pl.funding_source, p.content_id, p.kind, count(*), sum(p.total_cost), sum(p.counterpart),
                    sum(e.support), sum(e.disbursed) {approved_2025} GROUP BY pl.funding_source, p.content_id, p.kind""",
         []),
        (f"""SELECT pl.funding_source, p.content_id, count(DISTINCT b.facility_id), count(*)
             {approved_2025.replace("WHERE", "JOIN projects_project_beneficiaries b ON b.project_id = p.id WHERE")}
             GROUP BY pl.funding_source, p.content_id""", []),
    ])  # fmt: skip
    provincial_floor = sql([
        (f"""SELECT pl.funding_source, e.state, count(*), sum(coalesce(e.support, 0)), sum(e.disbursed)
             FROM projects_project p JOIN programs_plan pl ON pl.id = p.plan_id
             JOIN projects_projectperiod e ON e.project_id = p.id AND {in_force("e")}
             WHERE p.province_id = %s AND pl.year <= 2023 GROUP BY pl.funding_source, pl.year, e.state""",
         [h1.as_of, h1.as_of, lao_cai_id]),
        ("""SELECT pl.funding_source, ev.action, count(DISTINCT p.id), sum(coalesce(ev.amount, 0))
            FROM projects_projectevent ev JOIN projects_project p ON p.id = ev.project_id
            JOIN programs_plan pl ON pl.id = p.plan_id
            WHERE p.province_id = %s AND pl.year IN (2022, 2023) AND ev.voided_at IS NULL
              AND ev.on BETWEEN %s AND %s GROUP BY pl.funding_source, ev.action""".replace("ev.on", 'ev."on"'),
         [lao_cai_id, h1.start, h1.until]),
        *breakdown_floor("pl.year = %s AND p.province_id = %s", [2022, lao_cai_id], h1.as_of),
    ])  # fmt: skip
    today = timezone.localdate()

    def dashboard_floor(province: int | None) -> Run:
        where = "AND p.province_id = %s" if province else ""
        return sql([(
            f"""SELECT p.content_id, p.province_id, count(*) FILTER (WHERE e.contracted_on IS NOT NULL),
                       sum(e.contract_amount) FILTER (WHERE e.contracted_on IS NOT NULL),
                       count(*) FILTER (WHERE e.disbursed <> 0), sum(e.disbursed),
                       count(*) FILTER (WHERE e.approved_on IS NOT NULL), sum(e.support),
                       count(*) FILTER (WHERE e.assigned_on IS NOT NULL), count(e.state), count(e.appraised_on),
                       count(e.completed_on)
                FROM projects_project p JOIN programs_plan pl ON pl.id = p.plan_id
                LEFT JOIN projects_projectperiod e ON e.project_id = p.id AND {in_force("e")}
                WHERE pl.year = %s {where} GROUP BY p.content_id, p.province_id""",
            [today, today, 2026, *([province] if province else [])],
        )])  # fmt: skip

    def list_floor(year: int | None) -> Run:
        where = "WHERE pl.year = %s" if year else ""
        extra = [year] if year else []
        keys = f"FROM projects_project p JOIN programs_plan pl ON pl.id = p.plan_id {where}"
        return sql([
            (f"SELECT count(*) {keys}", extra),
            (f"""SELECT p.id, p.code, p.title, e.state, e.percent, e.support FROM projects_project p
                 LEFT JOIN projects_projectperiod e ON e.project_id = p.id AND {in_force("e")}
                 WHERE p.id IN (SELECT p.id {keys} ORDER BY pl.year, p.code LIMIT 50)""", [july, july, *extra]),
        ])  # fmt: skip

    queue_floor = sql([(
        "SELECT p.state, count(*) FROM projects_project p WHERE p.state IN ('forwarded', 'adjustment_requested', "
        "'stop_requested') GROUP BY p.state", [],
    )])  # fmt: skip
    detail_floor = sql([
        ("SELECT * FROM projects_project WHERE id = %s", [some]),
        ('SELECT * FROM projects_projectevent WHERE project_id = %s ORDER BY seq', [some]),
        ('SELECT * FROM projects_payment WHERE project_id = %s ORDER BY "on"', [some]),
        ("SELECT * FROM projects_projectperiod WHERE project_id = %s ORDER BY valid_from", [some]),
    ])  # fmt: skip
    like = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
    search_floor = sql([
        (f"SELECT count(*) FROM facilities_facility WHERE search_text {like} %s", ["%che%"]),
        (f"SELECT id, code, name FROM facilities_facility WHERE search_text {like} %s ORDER BY name LIMIT 50",
         ["%che%"]),
    ])  # fmt: skip

    def export(kind: str, scope: ReportScope, period: Period, render: Callable[..., object]) -> Run:
        def run() -> object:
            # As the report page builds a document: only its JSON lists the figures' đề án.
            built = report_build(kind, scope, period, codes=False)
            return render(built.data, built.sections, built.document)

        return run

    report_url = "/reports/report/?kind={kind}&year={year}&period=12&geography=recorded"
    cases: list[tuple[str, Run, Run]] = [
        ("national plan execution 2022 (report)", lambda: report_build("national", nation, y2022), national_floor),
        ("regional report, North, 6 months", lambda: report_build("regional", north, h1), regional_floor),
        # The report as its JSON carries it, every figure with its đề án's codes, and as its page builds it (the
        # breakdown's lists are asked when a figure is opened); then the page itself.
        ("programme report 2021–2025 (report, JSON)", lambda: report_build("programme", nation, p2025,
                                                                           program=programme), programme_floor),
        ("programme report 2021–2025 (report, for a page)", lambda: report_build("programme", nation, p2025,
                                                                                 program=programme, codes=False),
         programme_floor),
        ("programme report page 2021–2025 (page)",
         page(cuc, report_url.format(kind="programme", year=2025) + f"&program={programme}"), programme_floor),
        ("provincial report Lào Cai, 6 months 2022", lambda: report_build("provincial", lao_cai, h1),
         provincial_floor),
        ("landing dashboard, Cục (page)", page(cuc, "/reports/"), dashboard_floor(None)),
        ("landing dashboard, Sở Lào Cai (page)", page(laocai, "/reports/"), dashboard_floor(lao_cai_id)),
        ("đề án list 2022 as of 31/07/2022, Cục (page)", page(cuc, "/projects/?year=2022&as_of=2022-07-31"),
         list_floor(2022)),
        ("đề án list as of 31/07/2022, all years, Cục (page)", page(cuc, "/projects/?as_of=2022-07-31"),
         list_floor(None)),
        ("đề án list today, all years, Cục (page)", page(cuc, "/projects/"), list_floor(None)),
        ("work queue, Cục (page)", page(cuc, "/projects/queue/"), queue_floor),
        ("work queue, Sở Lào Cai (page)", page(laocai, "/projects/queue/"), queue_floor),
        ("đề án detail (page)", page(cuc, f"/projects/{some}/"), detail_floor),
        ("facility search 'che', Cục (page)", page(cuc, "/facilities/?q=che"), search_floor),
        # Typed with its mark: the names holding «chè» as typed are ranked first (facilities.selectors.marked_words);
        # the floor is the same answer without the ranking.
        ("facility search 'chè', Cục (page)", page(cuc, "/facilities/?q=ch%C3%A8"), search_floor),
        ("national report page 2022 (page)", page(cuc, report_url.format(kind="national", year=2022)),
         national_floor),
        ("national report 2022 as Excel", export("national", nation, y2022, to_xlsx), national_floor),
        ("national report 2022 as PDF", export("national", nation, y2022, to_pdf), national_floor),
    ]  # fmt: skip
    print(f"{Project.objects.count():,} đề án on {connection.vendor}, {args.repeat} runs each")
    print(f"{'case':<52}{'median ms':>11}{'floor ms':>10}{'ratio':>8}")
    for label, run, floor in cases:
        if args.only and args.only.lower() not in label.lower():
            continue
        measured, base = median_ms(run, args.repeat), median_ms(floor, args.repeat)
        print(f"{label:<52}{measured:>11.1f}{base:>10.1f}{measured / base:>8.1f}", flush=True)
    if not args.no_commands:
        commands(programme)


def commands(programme: str) -> None:
    """Each report as its whole command, as an operator runs it: wall time and the process's peak memory."""
    runs = [
        ("kc_report national 2022", ["national", "--year", "2022"]),
        ("kc_report regional north H1 2022", ["regional", "--region", "north", "--year", "2022", "--months", "6"]),
        ("kc_report programme 2021–2025", ["programme", "--program", programme, "--year", "2025"]),
        ("kc_report provincial Lào Cai 2022", ["provincial", "--province", "Lào Cai", "--year", "2022",
                                               "--geography", "current"]),
    ]  # fmt: skip
    print(f"\n{'whole command (json)':<52}{'seconds':>11}{'peak MB':>10}")
    for label, argv in runs:
        start = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", sys.executable, str(ROOT / "manage.py"), "kc_report", *argv,
             "--format", "json", "--output", os.devnull],
            capture_output=True, text=True, env=os.environ.copy(), check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            print(f"{label:<52} failed: {done.stderr.strip().splitlines()[-2:]}")
            continue
        peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
        print(f"{label:<52}{seconds:>11.2f}{peak_mb:>10.0f}", flush=True)


if __name__ == "__main__":
    main()
