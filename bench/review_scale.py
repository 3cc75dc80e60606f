"""Does the weekly review scale with the backlog? `review --json` on a big database.

    .venv/bin/python bench/review_scale.py                  # 1,000 open tasks, 8 weeks
    .venv/bin/python bench/review_scale.py --open 3000 --runs 3
    .venv/bin/python bench/review_scale.py --huge           # also 100,000 open tasks

A fixture generator builds the database through the real store (migrations on
open, `tasks.add_many`, energy logs, calendar events) in a second or two: a
backlog of `--open` open tasks (projects, tags, due dates for 45%), and
`--weeks` weeks of history before the reviewed week — about 40 completions a
week, each after the minutes it took, four energy logs and two meetings every
working day. Then `focusplan review --json` runs as a subprocess on that
database with the clock frozen on the Sunday evening of the reviewed week, and
the script prints its wall and CPU time (medians of `--runs`) and its peak RSS
(each run's own, from `os.wait4`; the fixture is built in a child process so that
this one stays small, see `run_review`).

Target (issue 13): ≤ 2 s within 300 MB at 1,000 open tasks and 8 weeks of
history; ≤ 3 s at 100,000 open tasks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ZONE_NAME = "Europe/Paris"
REVIEWED_MONDAY = dt.date(2026, 11, 2)
PROJECTS = ("thesis", "website", "ops", "hiring", "home", "garden", "taxes", "band")
TAGS = ("writing", "dev", "admin", "people", "reading", "errand")
DONE_PER_DAY = 8


def build_database(path: Path, open_tasks: int, weeks: int, seed: int = 1) -> None:
    """A person's database: `open_tasks` open, `weeks` weeks of completions before and in
    the reviewed week, energy and meetings, written through the real store."""
    os.environ["FOCUSPLAN_TZ"] = ZONE_NAME
    from focusplan import clock
    from focusplan.domain import ContextEventDraft, EnergyLogDraft, NewTask
    from focusplan.services.source import DataSource

    zone = clock.local_zone()
    rng = random.Random(seed)
    first_day = REVIEWED_MONDAY - dt.timedelta(weeks=weeks)

    def at(day: dt.date, hour: float) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=zone) + dt.timedelta(
            minutes=round(hour * 60)
        )

    def task(created: dt.datetime, **done: object) -> NewTask:
        demand = rng.choice(("low", "low", "medium", "medium", "high"))
        # What gets done leans to the important and the nearly due, as a person's would.
        picked = bool(done)
        due_share, due_days = (0.7, (0.2, 3.0)) if picked else (0.45, (0.5, 60.0))
        due = (
            created + dt.timedelta(days=rng.uniform(*due_days))
            if rng.random() < due_share
            else None
        )
        importance = (1, 3, 4, 8, 6) if picked else (10, 20, 35, 25, 10)
        return NewTask(
            title=f"task {rng.randrange(10**6)}",
            importance=rng.choices((1, 2, 3, 4, 5), weights=importance)[0],
            demand=demand,
            estimate_minutes=5 * rng.randint(2, 24),
            due=due,
            project=rng.choice(PROJECTS),
            tags=tuple(rng.sample(TAGS, k=rng.choice((0, 1, 1, 2)))),
            created_at=created,
            **done,  # type: ignore[arg-type]
        )

    backlog_start = at(first_day - dt.timedelta(days=3), 9.0)
    new = [task(backlog_start + dt.timedelta(seconds=i)) for i in range(open_tasks)]
    energy: list[EnergyLogDraft] = []
    events: list[ContextEventDraft] = []
    for offset in range(7 * (weeks + 1) - 2):  # up to the reviewed week's Friday
        day = first_day + dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        clock_hour = 9.0
        for _ in range(DONE_PER_DAY):
            minutes = 5 * rng.randint(4, 12)
            start = at(day, clock_hour)
            end = start + dt.timedelta(minutes=minutes)
            created = start - dt.timedelta(days=rng.uniform(0.5, 10))
            new.append(task(created, status="done", completed_at=end, actual_minutes=minutes))
            clock_hour += minutes / 60 + 0.15
        for hour in (9.0, 11.5, 14.0, 16.5):
            energy.append(EnergyLogDraft(at=at(day, hour), level=rng.randint(2, 5)))
        for hour in (10.0, 15.0):
            events.append(
                ContextEventDraft(
                    start=at(day, hour),
                    end=at(day, hour + 0.5),
                    title="meeting",
                    uid=f"scale-{day.isoformat()}-{hour}",
                    source="bench",
                )
            )
    source = DataSource(str(path))
    with source.unit_of_work() as uow:
        uow.tasks.add_many(new)
        for log in energy:
            uow.energy.add(log)
        for event in events:
            uow.events.upsert(event)


def run_review(path: Path, runs: int) -> tuple[float, float, float, dict[str, object]]:
    """Median wall and CPU seconds of `review --json`, the largest peak RSS of its runs
    (MB), and its output. CPU time is the figure to trust on a busy machine.

    Each run's CPU and RSS are its own (`os.wait4`), and this process stays small (the
    fixture is built in a child): a child's peak RSS counts the pages it shares with
    its parent until it execs, so a parent holding the fixture's 100,000 tasks passed
    its own size on as the review's."""
    sunday_evening = dt.datetime.combine(
        REVIEWED_MONDAY + dt.timedelta(days=6), dt.time(20, 0)
    ).isoformat()
    env = {
        **os.environ,
        "FOCUSPLAN_TZ": ZONE_NAME,
        "FOCUSPLAN_NOW": sunday_evening,
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1"),
    }
    command = [sys.executable, "-m", "focusplan", "--db", str(path), "review", "--json"]
    seconds, cpu, peaks = [], [], []
    output = b""
    for _ in range(runs):
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            began = time.perf_counter()
            child = subprocess.Popen(command, env=env, stdout=out, stderr=err)
            _, status, usage = os.wait4(child.pid, 0)
            seconds.append(time.perf_counter() - began)
            child.returncode = os.waitstatus_to_exitcode(status)
            cpu.append(usage.ru_utime + usage.ru_stime)
            peaks.append(usage.ru_maxrss / 1024)
            out.seek(0)
            err.seek(0)
            if child.returncode != 0:
                message = err.read().decode(errors="replace").strip()
                raise SystemExit(f"review failed ({child.returncode}): {message}")
            output = out.read()
    return statistics.median(seconds), statistics.median(cpu), max(peaks), json.loads(output)


def measure(open_tasks: int, weeks: int, runs: int, folder: str) -> None:
    path = Path(folder) / f"review-{open_tasks}-{weeks}w.sqlite3"
    began = time.perf_counter()
    # A kept database is reused as it is (`--keep`): building it again would add its
    # tasks a second time. Built in a child, so this process stays small (`run_review`).
    if not path.exists():
        subprocess.run(
            [sys.executable, __file__, "--build", str(path), "--open", str(open_tasks),
             "--weeks", str(weeks)],
            check=True,
        )  # fmt: skip
    built = time.perf_counter() - began
    seconds, cpu, peak_mb, report = run_review(path, runs)
    learning = report.get("learning") or {}
    suggestion = "yes" if report.get("suggestion") else "no"
    fit = learning.get("fit_choices") if isinstance(learning, dict) else None
    print(
        f"{open_tasks:>7} open, {weeks} weeks: review --json {seconds:6.2f} s wall,"
        f" {cpu:6.2f} s CPU (medians of {runs}), peak RSS {peak_mb:6.0f} MB;"
        f" {fit} choices, suggestion: {suggestion}"
        f"  (fixture {built:.1f} s)",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--open", type=int, default=1000, help="open tasks (default 1000)")
    parser.add_argument("--weeks", type=int, default=8, help="weeks of history before the review")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--huge", action="store_true", help="also 100,000 open tasks")
    parser.add_argument(
        "--keep", metavar="DIR", help="build the databases in DIR and keep them (reused if there)"
    )
    parser.add_argument("--build", metavar="PATH", help=argparse.SUPPRESS)  # the fixture's child
    args = parser.parse_args()
    if args.build:
        build_database(Path(args.build), args.open, args.weeks)
        return 0
    sizes = [args.open] + ([100_000] if args.huge else [])
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
    for size in sizes:
        if args.keep:
            measure(size, args.weeks, args.runs, args.keep)
            continue
        scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
        with tempfile.TemporaryDirectory(prefix="focusplan-review-", dir=scratch) as folder:
            measure(size, args.weeks, args.runs, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
