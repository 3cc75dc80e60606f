"""What a PostgreSQL server adds: cold `rank --json` and `add` on SQLite and PostgreSQL.

    .venv/bin/python bench/postgres.py [--tasks 1000] [--runs 11] [--url postgresql://…]

Without --url it starts a throwaway cluster of its own (.ci/postgres-cluster, unix
socket, no port) and removes it at the end. The same database (--tasks open tasks with
tags, dependencies, energy logs) is made in an SQLite file and copied to a fresh
PostgreSQL database with `focusplan db copy`. Then, each the median of --runs fresh
processes:

1. `focusplan rank --json` and `focusplan add` (a write: one unit of work) on each;
2. inside one process, the read a ranking needs: the psycopg-only snapshot
   (focusplan/store/snapshot.py) against the same read through the SQLAlchemy store,
   cold (first in the process: imports and connecting) — the reason the snapshot reader
   has a PostgreSQL form.

Targets (issue 14): rank on PostgreSQL ≤ 1.5 × its SQLite time, a write ≤ 300 ms.
On a shared machine the figures are noisy; the ratios are what to quote.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FOCUSPLAN = Path(sys.executable).with_name("focusplan")

FILL = r"""
import datetime as dt, sys
from focusplan.domain import EnergyLogDraft, NewTask
from focusplan.store import open_database
path, count = sys.argv[1], int(sys.argv[2])
now = dt.datetime.now(dt.UTC)
with open_database(path) as db, db.unit_of_work() as uow:
    for i in range(count):
        uow.tasks.add(NewTask(
            title=f"task {i}", importance=1 + i % 5, demand=("low", "medium", "high")[i % 3],
            estimate_minutes=15 + (i % 8) * 15, project=f"p{i % 12}", tags=(f"t{i % 7}",),
            depends_on=(i,) if i % 10 == 9 else (), created_at=now - dt.timedelta(days=i % 30),
        ))
    for hour in range(0, 24 * 14, 5):
        uow.energy.add(EnergyLogDraft(at=now - dt.timedelta(hours=hour), level=1 + hour % 5))
"""

READ = r"""
import json, sys, time
start = time.perf_counter()
if sys.argv[2] == "snapshot":
    from focusplan.store.snapshot import read_server_snapshot
    tasks = len(read_server_snapshot(sys.argv[1]).tasks)
else:
    from focusplan.store import open_database
    with open_database(sys.argv[1]) as db, db.unit_of_work(read_only=True) as uow:
        tasks = len(uow.tasks.list()); uow.energy.list(); uow.weights.active()
print(json.dumps({"seconds": time.perf_counter() - start, "tasks": tasks}))
"""


def run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--url", help="a server database to use (it is emptied first)")
    options = parser.parse_args()

    cluster: str | None = None
    with tempfile.TemporaryDirectory(prefix="focusplan-bench-") as folder:
        env = {**os.environ, "HOME": folder, "XDG_DATA_HOME": folder}
        env.pop("FOCUSPLAN_DB", None)
        try:
            url = options.url
            if url is None:
                # Its own temporary folder: the server's user must be able to reach it.
                out = subprocess.run(
                    [str(ROOT / ".ci" / "postgres-cluster"), "start"],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                server, cluster = out.split("'")[1], out.split("'")[3]
                subprocess.run(
                    ["psql", server, "-qc", "CREATE DATABASE focusplan_bench"], check=True
                )
                url = server.replace("/postgres?", "/focusplan_bench?")
            sqlite = str(Path(folder) / "bench.sqlite3")
            subprocess.run([sys.executable, "-c", FILL, sqlite, str(options.tasks)], check=True)
            subprocess.run(
                [str(FOCUSPLAN), "--db", sqlite, "db", "copy", "--to", url, "--replace"],
                check=True,
                env=env,
                capture_output=True,
            )
            print(f"{options.tasks} tasks; median of {options.runs} fresh processes, ms")
            figures: dict[str, dict[str, float]] = {}
            for name, location in (("sqlite", sqlite), ("postgresql", url)):
                rank = [
                    run([str(FOCUSPLAN), "--db", location, "rank", "--json"], env)
                    for _ in range(options.runs)
                ]
                add = [
                    run([str(FOCUSPLAN), "--db", location, "add", "bench write"], env)
                    for _ in range(options.runs)
                ]
                figures[name] = {"rank": median_ms(rank), "add": median_ms(add)}
            print(f"{'':12}{'rank --json':>14}{'add':>10}")
            for name, row in figures.items():
                print(f"{name:12}{row['rank']:14.0f}{row['add']:10.0f}")
            ratio = figures["postgresql"]["rank"] / figures["sqlite"]["rank"]
            print(f"rank: PostgreSQL / SQLite = {ratio:.2f} (target ≤ 1.5)")
            print("the read a ranking needs, first in a process (ms, median):")
            for how in ("snapshot", "store"):
                seconds = []
                for _ in range(options.runs):
                    result = subprocess.run(
                        [sys.executable, "-c", READ, url, how],
                        check=True,
                        capture_output=True,
                        text=True,
                        cwd=ROOT,
                        env=env,
                    )
                    seconds.append(json.loads(result.stdout)["seconds"])
                print(f"  {how:9} {median_ms(seconds):6.0f}")
        finally:
            if cluster is not None:
                subprocess.run([str(ROOT / ".ci" / "postgres-cluster"), "stop", cluster])


if __name__ == "__main__":
    main()
