"""The 100,000-task figures: whole `focusplan` processes, wall time and peak RSS.

    .venv/bin/python bench/scale.py                        # 10k and 100k, every part
    .venv/bin/python bench/scale.py --sizes 100000 --runs 3 --part rank
    .venv/bin/python bench/scale.py --source /tmp/before   # another checkout (git archive)

Parts (`--part`, repeatable; default all):

- `import`: `focusplan import --format taskwarrior` of a generated `task export` of N
  pending tasks (`compare_taskwarrior.make_tasks`: projects, tags, priorities, due and
  scheduled dates, dependencies, estimate and demand UDAs) into a new database. The
  database it makes is the one the other parts read: the real store, written once.
- `rank`: `focusplan rank --limit 20` (the table, which explains) and `rank --json
  --limit 20` on that database. The full path: no result cache answers, because every
  run starts with a write (`energy 3`) before it, which any cache keyed on the
  change counter must see.
- `ics`: `focusplan import --format ics` of a calendar of 50,000 events (one-off, spread
  over the default import range) into a new database. One-off UTC events without
  parameters are the calendar reader's quickest case (read directly, split without
  icalendar's loop); TZIDs and recurring series cost more.
- `plan`: `focusplan plan` at 10,000 tasks: the first plan of the day (plans and
  stores; each run on a fresh copy of the imported database), then the stored one;
  the same for 10,000 tasks in one dependency chain (each waits on the one before).
- At the end, for two or more sizes: how time and peak RSS grow from the smallest size
  to the largest (per task: linear growth keeps the ratio of RSS per task near 1 or
  below, since the interpreter's own ~60 MB is shared).

Each figure is the median of `--runs` runs (peak RSS: the largest); the peak RSS of
one process comes from `os.wait4`, which reports that child alone. Targets (issue 13):
rank ≤ 1.5 s within 400 MB and import ≤ 10 s at 100,000; the 50,000-event calendar
≤ 15 s; plan at 10,000 ≤ 1 s, in a chain too. On a shared machine, quote the load
average printed beside each part.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_taskwarrior import make_tasks

ZONE_NAME = "Europe/Paris"
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
DEFAULT_SIZES = (10_000, 100_000)
EVENTS = 50_000
PLAN_SIZE = 10_000
TARGETS = {"rank": (1.5, 400.0), "import": (10.0, None), "ics": (15.0, None), "plan": (1.0, None)}


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float
    peak_mb: float


def load() -> str:
    return "load " + " ".join(f"{value:.2f}" for value in os.getloadavg())


class Runner:
    """Runs `python -m focusplan` as a person would, with a fixed clock and zone."""

    def __init__(self, folder: Path, source: str | None) -> None:
        self.folder = folder
        self.env = dict(os.environ, FOCUSPLAN_NOW=NOW.isoformat(), FOCUSPLAN_TZ=ZONE_NAME)
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode cached
        if source:
            self.env["PYTHONPATH"] = str(Path(source).resolve())

    def run(self, *args: str) -> Run:
        argv = [sys.executable, "-m", "focusplan", *args]
        started = time.perf_counter()
        # `python -m` puts the working folder first on sys.path: run from the scratch one.
        child = subprocess.Popen(
            argv,
            cwd=self.folder,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        errors = child.stderr.read().decode() if child.stderr else ""
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed ({child.returncode}): {errors[-500:]}")
        # ru_maxrss is in kilobytes on Linux.
        return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def summary(name: str, runs: Sequence[Run], target: str = "") -> Run:
    median = Run(
        statistics.median(run.seconds for run in runs),
        statistics.median(run.cpu for run in runs),
        max(run.peak_mb for run in runs),
    )
    print(
        f"  {name:<38} {median.seconds:>7.2f} s  cpu {median.cpu:>6.2f} s"
        f"  peak {median.peak_mb:>6.0f} MB  {target}  [{len(runs)} runs, {load()}]"
    )
    return median


def target_text(part: str) -> str:
    seconds, mb = TARGETS[part]
    return f"(target {seconds:g} s" + (f", {mb:.0f} MB)" if mb else ")")


def export_file(folder: Path, size: int) -> Path:
    path = folder / f"tasks-{size}.json"
    if not path.exists():
        path.write_text(json.dumps(make_tasks(size, NOW)))
    return path


def imported(runner: Runner, size: int, runs: int, measure: bool) -> tuple[Path, Run | None]:
    """The database of `size` tasks (made by the first import), and the import figures."""
    export = export_file(runner.folder, size)
    results = []
    database = runner.folder / f"tasks-{size}.sqlite3"
    if not measure and database.exists():
        return database, None
    for run in range(runs if measure else 1):
        target = database if run == 0 else runner.folder / f"again-{size}.sqlite3"
        target.unlink(missing_ok=True)
        results.append(
            runner.run("--db", str(target), "import", "--format", "taskwarrior", str(export))
        )
    if not measure:
        return database, None
    return database, summary(f"import {size:,} tasks", results, target_text("import"))


def rank(runner: Runner, database: Path, size: int, runs: int) -> Run:
    table: list[Run] = []
    as_json: list[Run] = []
    runner.run("--db", str(database), "rank", "--limit", "20")  # warm the OS file cache
    for _ in range(runs):
        for results, extra in ((table, ()), (as_json, ("--json",))):
            # A write first: whatever cache there is, this run must do the full ranking.
            runner.run("--db", str(database), "energy", "3")
            results.append(runner.run("--db", str(database), "rank", "--limit", "20", *extra))
    best = summary(f"rank --limit 20, {size:,} tasks", table, target_text("rank"))
    summary(f"rank --json --limit 20, {size:,} tasks", as_json, target_text("rank"))
    return best


def calendar(folder: Path, count: int) -> Path:
    """`count` one-off timed events, 30-90 minutes, spread over the import range."""
    path = folder / f"calendar-{count}.ics"
    if path.exists():
        return path
    first = NOW - dt.timedelta(days=6)
    span_minutes = 60 * 24 * 60  # inside the default range (7 days back, 60 ahead)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//focusplan bench//EN"]
    for number in range(count):
        start = first + dt.timedelta(minutes=(number * 7919) % span_minutes)
        end = start + dt.timedelta(minutes=30 + number % 4 * 20)
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{number}@focusplan",
            f"DTSTAMP:{NOW:%Y%m%dT%H%M%SZ}",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{end:%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Meeting {number}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n")
    return path


def ics(runner: Runner, runs: int) -> Run:
    source = calendar(runner.folder, EVENTS)
    results = []
    for _ in range(runs):
        database = runner.folder / "calendar.sqlite3"
        database.unlink(missing_ok=True)
        results.append(runner.run("--db", str(database), "import", "--format", "ics", str(source)))
    return summary(f"import a {EVENTS:,}-event .ics", results, target_text("ics"))


def chain_database(runner: Runner) -> Path:
    """`PLAN_SIZE` pending tasks, each depending on the one before (imported once)."""
    from plan import chain_export

    database = runner.folder / f"chain-{PLAN_SIZE}.sqlite3"
    if not database.exists():
        export = runner.folder / f"chain-{PLAN_SIZE}.json"
        export.write_text(json.dumps(chain_export(PLAN_SIZE, NOW)))
        runner.run("--db", str(database), "import", "--format", "taskwarrior", str(export))
    return database


def plan(runner: Runner, database: Path, runs: int, name: str = "") -> None:
    first, stored = [], []
    for run in range(runs):
        copy = runner.folder / f"plan-{run}.sqlite3"
        shutil.copy(database, copy)
        first.append(runner.run("--db", str(copy), "plan"))
        stored.append(runner.run("--db", str(copy), "plan"))
    summary(f"plan, first of the day, {PLAN_SIZE:,}{name}", first, target_text("plan"))
    summary(f"plan, stored plan, {PLAN_SIZE:,}{name}", stored, target_text("plan"))


def growth(name: str, figures: dict[int, Run]) -> None:
    if len(figures) < 2:
        return
    small, large = min(figures), max(figures)
    a, b = figures[small], figures[large]
    factor = large / small
    print(
        f"  {name}: {small:,} → {large:,} tasks (×{factor:g}): time ×{b.seconds / a.seconds:.1f},"
        f" peak RSS ×{b.peak_mb / a.peak_mb:.1f}"
        f" ({a.peak_mb:.0f} → {b.peak_mb:.0f} MB; per task beyond the smaller run:"
        f" {(b.peak_mb - a.peak_mb) * 1024 / (large - small):.2f} KB)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--part", choices=("import", "rank", "ics", "plan"), action="append", dest="parts"
    )
    parser.add_argument("--source", help="run another checkout of focusplan (PYTHONPATH)")
    parser.add_argument("--keep", type=Path, help="keep the databases in this folder")
    args = parser.parse_args(argv)
    parts = set(args.parts or ("import", "rank", "ics", "plan"))
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        runner = Runner(folder, args.source)
        print(f"focusplan at scale: whole processes, median of {args.runs} runs ({load()})")
        imports: dict[int, Run] = {}
        ranks: dict[int, Run] = {}
        for size in sorted(set(args.sizes)):
            database, figures = imported(runner, size, args.runs, "import" in parts)
            if figures is not None:
                imports[size] = figures
            if "rank" in parts:
                ranks[size] = rank(runner, database, size, args.runs)
        if "ics" in parts:
            ics(runner, args.runs)
        if "plan" in parts:
            database, _ = imported(runner, PLAN_SIZE, 1, measure=False)
            plan(runner, database, args.runs)
            plan(runner, chain_database(runner), args.runs, " chained")
        if len(imports) > 1 or len(ranks) > 1:
            print("growth (linear: time and RSS grow at most like the task count)")
            growth("import", imports)
            growth("rank", ranks)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
