"""The PostgreSQL connection settings in config/settings/environment.py, measured: JIT on vs off for the reports' kind
of query (a GROUP BY over ~1.5 million periods joined to 200,000 đề án), work_mem for the sort under a report's
breakdown (its đề án of several years grouped, each group listing its codes), and a new connection vs a kept one.

Usage: .venv/bin/python benchmarks/pg_settings.py [--projects N] [--repeat R] [--serial]
Database: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kc_wt_replica_bench); the first run builds
the tables in their own schema (about a minute), later runs reuse them."""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from collections.abc import Callable

import psycopg

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kc_wt_replica_bench")

# The shape of projects_projectperiod joined to projects_project, as the national and programme reports read it:
# one row per đề án and interval of days, the state and the amounts in force.
BUILD = """
CREATE SCHEMA bench;
CREATE TABLE bench.project (id bigint PRIMARY KEY, code text NOT NULL, province_id int NOT NULL, plan_year int NOT NULL,
                            content int NOT NULL, funding_source text NOT NULL);
INSERT INTO bench.project
SELECT g, 'DA-' || g, 1 + (g * 7919) % 34, 2016 + g % 10, g % 12,
       CASE WHEN g % 3 = 0 THEN 'national' ELSE 'provincial' END
FROM generate_series(1, %(projects)s) g;
CREATE TABLE bench.period (
  id bigserial PRIMARY KEY, project_id bigint NOT NULL REFERENCES bench.project,
  valid_from date NOT NULL, valid_to date, state varchar(24) NOT NULL, percent numeric(5, 2),
  support_appraised numeric(18, 0), support numeric(18, 0), support_contracted numeric(18, 0),
  support_settled numeric(18, 0), disbursed numeric(18, 0) NOT NULL, contract_amount numeric(18, 0),
  appraised_on date, approved_on date, assigned_on date, contracted_on date, accepted_on date, completed_on date);
INSERT INTO bench.period (project_id, valid_from, valid_to, state, percent, support_appraised, support,
                          support_contracted, support_settled, disbursed, contract_amount, appraised_on, approved_on,
                          assigned_on, contracted_on, accepted_on, completed_on)
SELECT p.id, d.valid_from, d.valid_to, d.state, d.step * 12.5, a.amount, a.amount,
       CASE WHEN d.step >= 4 THEN a.amount END, CASE WHEN d.step = 7 THEN a.amount END, d.step * 10000000,
       CASE WHEN d.step >= 4 THEN a.amount * 2 END,
       CASE WHEN d.step >= 2 THEN y.jan1 + 80 END, CASE WHEN d.step >= 3 THEN y.jan1 + 120 END,
       CASE WHEN d.step >= 3 THEN y.jan1 + 125 END, CASE WHEN d.step >= 4 THEN y.jan1 + 160 END,
       CASE WHEN d.step >= 6 THEN y.jan1 + 240 END, CASE WHEN d.step >= 7 THEN y.jan1 + 280 END
FROM bench.project p
CROSS JOIN LATERAL (SELECT make_date(p.plan_year, 1, 1) AS jan1) y
CROSS JOIN LATERAL (SELECT 100000000 + (p.id % 97) * 1000000 AS amount) a
CROSS JOIN LATERAL (
  SELECT s AS step, y.jan1 + (s * 40) AS valid_from, CASE WHEN s < 7 THEN y.jan1 + ((s + 1) * 40) END AS valid_to,
         (ARRAY['registered','submitted','appraised','approved','contracted','in_progress','accepted','settled'])[s + 1]
           AS state
  FROM generate_series(0, 7) s
) d;
CREATE INDEX ON bench.period (project_id, valid_from);
CREATE INDEX ON bench.period (valid_from, valid_to);
CREATE INDEX ON bench.project (plan_year);
ANALYZE bench.project;
ANALYZE bench.period;
"""

# What the national and programme reports ask of the periods: per province, the đề án in force on a day and how many
# reached each milestone within the period, with the amounts.
QUERIES = {
    "national report figures: one year, as of a date, by province": """
        SELECT p.province_id, p.funding_source, count(*),
               count(*) FILTER (WHERE per.approved_on BETWEEN DATE '2022-01-01' AND DATE '2022-09-30'),
               count(*) FILTER (WHERE per.contracted_on BETWEEN DATE '2022-01-01' AND DATE '2022-09-30'),
               count(*) FILTER (WHERE per.accepted_on BETWEEN DATE '2022-01-01' AND DATE '2022-09-30'),
               sum(per.support), sum(per.support_contracted), sum(per.disbursed), sum(per.contract_amount),
               avg(per.percent)
        FROM bench.period per JOIN bench.project p ON p.id = per.project_id
        WHERE p.plan_year = 2022 AND per.valid_from <= DATE '2022-09-30'
          AND (per.valid_to IS NULL OR per.valid_to > DATE '2022-09-30')
        GROUP BY 1, 2""",
    "programme progress: every year, by province, funding source and content": """
        SELECT p.province_id, p.funding_source, p.content, count(DISTINCT p.id), sum(per.disbursed),
               sum(per.support_settled), count(*) FILTER (WHERE per.completed_on IS NOT NULL)
        FROM bench.period per JOIN bench.project p ON p.id = per.project_id
        WHERE per.valid_to IS NULL
        GROUP BY 1, 2, 3""",
    "all periods by state and year (scan of every row)": """
        SELECT per.state, p.plan_year, count(*), sum(per.support - per.disbursed), sum(per.contract_amount),
               max(per.percent)
        FROM bench.period per JOIN bench.project p ON p.id = per.project_id
        GROUP BY 1, 2""",
}


# The shape of the breakdown every report carries (reports/figures.py), on this schema: the đề án of five plan years
# in force at the end of the last, grouped, each group with its đề án's codes in order. Its sort of ~100,000 rows is
# what work_mem decides: in memory or on disk. Indicative only: the application groups by source, content, kind and
# priority groups and gathers each group's reach too (wider rows); benchmarks/README.md "Stop 30" also measures the
# application's own query on the national dataset.
BREAKDOWN = """
    SELECT per.approved_on IS NOT NULL, p.funding_source, p.content, per.state, count(*), sum(per.support::bigint),
           sum(per.disbursed::bigint), array_agg(p.code ORDER BY p.code COLLATE "C")
    FROM bench.project p JOIN bench.period per ON per.project_id = p.id
         AND per.valid_from <= DATE '2025-12-31' AND (per.valid_to IS NULL OR per.valid_to > DATE '2025-12-31')
    WHERE p.plan_year BETWEEN 2021 AND 2025
    GROUP BY 1, 2, 3, 4"""
WORK_MEM = ("4MB", "16MB", "32MB", "64MB")


def spilled_kb(conn: psycopg.Connection, sql: str) -> int:
    """What the plan's sorts wrote to disk (EXPLAIN ANALYZE), in kB: 0 when they ran in memory."""
    text = "\n".join(str(row[0]) for row in conn.execute(f"EXPLAIN (ANALYZE) {sql}").fetchall())
    return sum(int(kb) for kb in re.findall(r"Disk: (\d+)kB", text))


def work_mem_table(conn: psycopg.Connection, repeat: int) -> None:
    conn.execute("SET jit = off")  # as every connection of the application
    print("\n| work_mem | breakdown of five years (median) | ratio to 4MB | sorted on disk |\n|---|---:|---:|---:|")
    conn.execute(BREAKDOWN)
    timings: dict[str, list[float]] = {size: [] for size in WORK_MEM}
    for _ in range(repeat):
        # Alternating, so that other load on the machine weighs on every setting alike.
        for size in WORK_MEM:
            conn.execute(f"SET work_mem = '{size}'")
            start = time.perf_counter()
            run(conn, BREAKDOWN)
            timings[size].append((time.perf_counter() - start) * 1000)
    base = statistics.median(timings[WORK_MEM[0]])
    for size in WORK_MEM:
        conn.execute(f"SET work_mem = '{size}'")
        median = statistics.median(timings[size])
        print(f"| {size} | {median:.0f} ms | {median / base:.2f} | {spilled_kb(conn, BREAKDOWN):,} kB |")
    conn.execute("RESET work_mem")


def ensure_database() -> None:
    name = URL.rsplit("/", 1)[1]
    with psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def build(conn: psycopg.Connection, projects: int) -> None:
    found = conn.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'bench' AND column_name = 'completed_on'"
    ).fetchone()
    if found and found[0] == 1:
        count = conn.execute("SELECT count(*) FROM bench.project").fetchone()
        if count and count[0] == projects:
            return
    conn.execute("DROP SCHEMA IF EXISTS bench CASCADE")
    start = time.perf_counter()
    conn.execute(BUILD.replace("%(projects)s", str(int(projects))))
    print(f"built {projects:,} projects in {time.perf_counter() - start:.0f} s")


def run(conn: psycopg.Connection, sql: str) -> object:
    return conn.execute(sql).fetchall()


def jit_compile_ms(conn: psycopg.Connection, sql: str) -> float:
    row = conn.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}").fetchone()
    plan = row[0][0] if row else {}
    return float(plan.get("JIT", {}).get("Timing", {}).get("Total", 0.0))


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument(
        "--serial",
        action="store_true",
        help="plan without parallel workers (max_parallel_workers_per_gather = 0), as a server that has given its "
        "parallel workers to other requests would: the plans' costs then pass jit_above_cost and JIT compiles",
    )
    args = parser.parse_args()
    ensure_database()
    with psycopg.connect(URL, autocommit=True) as conn:
        build(conn, args.projects)
        if args.serial:
            conn.execute("SET max_parallel_workers_per_gather = 0")
        rows = conn.execute("SELECT count(*) FROM bench.period").fetchone()
        print(f"{args.projects:,} đề án, {rows[0] if rows else 0:,} periods; median of {args.repeat} runs\n")
        print("| query | jit on | jit off | on / off | JIT compile (EXPLAIN ANALYZE) |\n|---|---:|---:|---:|---:|")
        for name, sql in QUERIES.items():
            conn.execute(sql)  # warm the cache: both settings then read the same pages from memory
            timings: dict[str, list[float]] = {"on": [], "off": []}
            # Alternating, so that other load on the machine weighs on both settings alike.
            for _ in range(args.repeat):
                for jit in ("on", "off"):
                    conn.execute(f"SET jit = {jit}")
                    start = time.perf_counter()
                    run(conn, sql)
                    timings[jit].append((time.perf_counter() - start) * 1000)
            on, off = statistics.median(timings["on"]), statistics.median(timings["off"])
            conn.execute("SET jit = on")
            print(f"| {name} | {on:.0f} ms | {off:.0f} ms | {on / off:.2f} | {jit_compile_ms(conn, sql):.0f} ms |")
        conn.execute("RESET jit")
        work_mem_table(conn, args.repeat)

    def fresh() -> None:
        with psycopg.connect(URL) as new:
            new.execute("SELECT 1").fetchone()

    with psycopg.connect(URL) as kept:
        per_query = median_ms(lambda: kept.execute("SELECT 1").fetchone(), args.repeat * 20)
    per_connect = median_ms(fresh, args.repeat * 5)
    print("\n| connection | median |\n|---|---:|")
    print(f"| new connection + SELECT 1 (CONN_MAX_AGE=0) | {per_connect:.2f} ms |")
    print(f"| kept connection, SELECT 1 (CONN_MAX_AGE>0) | {per_query:.2f} ms |")


if __name__ == "__main__":
    main()
