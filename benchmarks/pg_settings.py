"""The PostgreSQL connection settings in config/settings/environment.py, measured: JIT on vs off for the reports' kind
of query (a GROUP BY over ~1.5 million periods joined to 200,000 đề án), and a new connection vs a kept one.

Usage: .venv/bin/python benchmarks/pg_settings.py [--projects N] [--repeat R]
Database: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kc_wt_replica_bench); the first run builds
the tables in their own schema (about a minute), later runs reuse them."""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import time
from collections.abc import Callable

import psycopg

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kc_wt_replica_bench")

# The shape of projects_projectperiod joined to projects_project, as the national and programme reports read it:
# one row per đề án and interval of days, the state and the amounts in force.
BUILD = """
CREATE SCHEMA bench;
CREATE TABLE bench.project (id bigint PRIMARY KEY, province_id int NOT NULL, plan_year int NOT NULL,
                            content int NOT NULL, funding_source text NOT NULL);
INSERT INTO bench.project
SELECT g, 1 + (g * 7919) % 34, 2016 + g % 10, g % 12, CASE WHEN g % 3 = 0 THEN 'national' ELSE 'provincial' END
FROM generate_series(1, %(projects)s) g;
CREATE TABLE bench.period (id bigserial PRIMARY KEY, project_id bigint NOT NULL REFERENCES bench.project,
                           valid_from date NOT NULL, valid_to date, state text NOT NULL,
                           support numeric(18, 0) NOT NULL, disbursed numeric(18, 0) NOT NULL);
INSERT INTO bench.period (project_id, valid_from, valid_to, state, support, disbursed)
SELECT p.id, d.valid_from, d.valid_to, d.state, 100000000 + (p.id % 97) * 1000000, d.step * 10000000
FROM bench.project p
CROSS JOIN LATERAL (
  SELECT s AS step, make_date(p.plan_year, 1, 1) + (s * 40) AS valid_from,
         CASE WHEN s < 7 THEN make_date(p.plan_year, 1, 1) + ((s + 1) * 40) END AS valid_to,
         (ARRAY['registered','submitted','appraised','approved','contracted','in_progress','accepted','settled'])[s + 1]
           AS state
  FROM generate_series(0, 7) s
) d;
CREATE INDEX ON bench.period (project_id, valid_from);
CREATE INDEX ON bench.project (plan_year);
ANALYZE bench.project;
ANALYZE bench.period;
"""

QUERIES = {
    "figures by province and state as of a date, one plan year": """
        SELECT p.province_id, per.state, count(*), sum(per.support), sum(per.disbursed)
        FROM bench.period per JOIN bench.project p ON p.id = per.project_id
        WHERE p.plan_year = 2022 AND per.valid_from <= DATE '2022-09-30'
          AND (per.valid_to IS NULL OR per.valid_to > DATE '2022-09-30')
        GROUP BY 1, 2""",
    "figures by province, funding source and content, every year": """
        SELECT p.province_id, p.funding_source, p.content, count(DISTINCT p.id), sum(per.disbursed)
        FROM bench.period per JOIN bench.project p ON p.id = per.project_id
        WHERE per.valid_to IS NULL
        GROUP BY 1, 2, 3""",
    "all periods by state (scan of every row)": """
        SELECT per.state, p.plan_year, count(*), sum(per.support - per.disbursed)
        FROM bench.period per JOIN bench.project p ON p.id = per.project_id
        GROUP BY 1, 2""",
}


def ensure_database() -> None:
    name = URL.rsplit("/", 1)[1]
    with psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def build(conn: psycopg.Connection, projects: int) -> None:
    found = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'bench'").fetchone()
    if found and found[0] == 2:
        count = conn.execute("SELECT count(*) FROM bench.project").fetchone()
        if count and count[0] == projects:
            return
    conn.execute("DROP SCHEMA IF EXISTS bench CASCADE")
    start = time.perf_counter()
    conn.execute(BUILD.replace("%(projects)s", str(int(projects))))
    print(f"built {projects:,} projects in {time.perf_counter() - start:.0f} s")


def run(conn: psycopg.Connection, sql: str) -> object:
    return conn.execute(sql).fetchall()


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
    args = parser.parse_args()
    ensure_database()
    with psycopg.connect(URL, autocommit=True) as conn:
        build(conn, args.projects)
        rows = conn.execute("SELECT count(*) FROM bench.period").fetchone()
        print(f"{args.projects:,} đề án, {rows[0] if rows else 0:,} periods; median of {args.repeat} runs\n")
        print("| query | jit on | jit off | on / off |\n|---|---:|---:|---:|")
        for name, sql in QUERIES.items():
            conn.execute(sql)  # warm the cache: both settings then read the same pages from memory
            timings: dict[str, float] = {}
            for jit in ("on", "off"):
                conn.execute(f"SET jit = {jit}")
                timings[jit] = median_ms(functools.partial(run, conn, sql), args.repeat)
            print(
                f"| {name} | {timings['on']:.0f} ms | {timings['off']:.0f} ms | {timings['on'] / timings['off']:.2f} |"
            )
        conn.execute("RESET jit")

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
