"""Benchmark the day planner: median time of planning a full working day.

    /work/venv/bin/python bench/plan.py                   # 100, 1,000, 5,000 open tasks
    /work/venv/bin/python bench/plan.py --sizes 1000 --runs 21
    /work/venv/bin/python bench/plan.py --part cli         # `focusplan plan`, 10,000 tasks
    /work/venv/bin/python bench/plan.py --part cli --source /tmp/before   # another checkout

`planning` times the whole `plan_day` call (pure, in-process) for a Monday
09:00-17:30 with lunch, two meetings, two weeks of energy logs and synthetic
open tasks (projects, tags, due dates some of them today, dependencies, and a
share of finished tasks the planner must skip). The target is 200 ms for 1,000
open tasks. Each part is a function in `PARTS`, selected by `--part`; a part
that times something else (an import, a database) receives the same parsed
arguments and adds itself to `PARTS`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.domain import DEMANDS, ContextEvent, DayPlan, EnergyLog, Task
from focusplan.planner import WorkingDay, plan_day

ZONE_NAME = "Europe/Paris"
ZONE = ZoneInfo(ZONE_NAME)
DAY = dt.date(2026, 3, 2)  # a Monday
DEFAULT_SIZES = (100, 1_000, 5_000)
TARGETS_MS = {1_000: 200.0}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def synthetic_tasks(n_open: int, seed: int = 0, day: dt.date = DAY) -> list[Task]:
    """`n_open` tasks open on `day` plus ~20% finished ones; some due that day."""
    rng = random.Random(seed)
    start = _at(day, 9)
    projects = [f"project-{k}" for k in range(max(3, n_open // 40))]
    tags = ["email", "code", "write", "call", "review", "admin", "read", "plan"]
    windows = (None, None, None, "morning", "afternoon", "evening")
    tasks: list[Task] = []
    for task_id in range(1, n_open + n_open // 5 + 1):
        roll = rng.random()
        if roll < 0.03:
            due: dt.datetime | None = start + dt.timedelta(minutes=rng.randrange(60, 510, 5))
        elif roll < 0.4:
            due = start + dt.timedelta(hours=rng.uniform(-200, 2000))
        else:
            due = None
        depends: tuple[int, ...] = ()
        if task_id > 10 and rng.random() < 0.1:
            depends = tuple(rng.sample(range(1, task_id), k=rng.randint(1, 2)))
        finished = task_id > n_open
        tasks.append(
            Task(
                id=task_id,
                title=f"task {task_id}",
                importance=rng.randint(1, 5),
                demand=rng.choice(DEMANDS),
                estimate_minutes=rng.choice((10, 15, 25, 30, 45, 60, 90, 120, 240)),
                due=due,
                project=rng.choice(projects) if rng.random() < 0.8 else None,
                tags=tuple(rng.sample(tags, k=rng.randint(0, 2))),
                window=rng.choice(windows),
                depends_on=depends,
                created_at=start - dt.timedelta(days=rng.uniform(0.5, 400)),
                status="done" if finished else "open",
                completed_at=start - dt.timedelta(hours=20) if finished else None,
            )
        )
    rng.shuffle(tasks)
    return tasks


def synthetic_events(day: dt.date = DAY) -> list[ContextEvent]:
    return [
        ContextEvent(id=1, start=_at(day, 10), end=_at(day, 10, 30), title="Standup"),
        ContextEvent(id=2, start=_at(day, 15), end=_at(day, 16), title="Review"),
        ContextEvent(
            id=3,
            start=_at(day, 0),
            end=_at(day + dt.timedelta(days=1), 0),
            all_day=True,
            title="Sprint",
        ),
    ]


def synthetic_logs(day: dt.date = DAY, days: int = 14) -> list[EnergyLog]:
    """A morning person: fresh at 9-11, a dip after lunch, a small rise at 16."""
    pattern = ((9, 30, 4), (11, 0, 5), (13, 45, 2), (15, 0, 2), (16, 30, 3))
    logs: list[EnergyLog] = []
    for back in range(1, days + 1):
        when = day - dt.timedelta(days=back)
        for hour, minute, level in pattern:
            logs.append(EnergyLog(id=len(logs) + 1, at=_at(when, hour, minute), level=level))
    return logs


@dataclass(frozen=True)
class PlanTiming:
    open_tasks: int
    median_ms: float
    median_cpu_ms: float
    focus_blocks: int
    notes: int


def plan_once(tasks: Sequence[Task]) -> DayPlan:
    return plan_day(
        DAY,
        tasks,
        synthetic_events(),
        synthetic_logs(),
        DEFAULT_WEIGHTS,
        WorkingDay(zone=ZONE_NAME),
    )


def time_planning(n_open: int, runs: int) -> PlanTiming:
    """Median wall time (ms) of `plan_day` for a full day with `n_open` open tasks."""
    tasks = synthetic_tasks(n_open)
    result = plan_once(tasks)  # warm caches (imports, signature table)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        plan_once(tasks)
        cpu.append((time.process_time() - start_cpu) * 1e3)
        wall.append((time.perf_counter() - start) * 1e3)
    focus = sum(1 for block in result.blocks if block.kind == "focus")
    return PlanTiming(
        n_open, statistics.median(wall), statistics.median(cpu), focus, len(result.notes)
    )


def run_planning(args: argparse.Namespace) -> None:
    # CPU time next to wall time: on a busy machine the wall clock mostly measures the
    # other processes.
    print(f"plan_day, full working day, median of {args.runs} runs")
    print(
        f"{'open tasks':>10} {'median ms':>10} {'cpu ms':>7} {'target ms':>10}"
        f" {'focus blocks':>13} {'notes':>6}"
    )
    for size in args.sizes:
        runs = args.runs if size <= 1_000 else max(3, args.runs // 3)
        timing = time_planning(size, runs)
        target = TARGETS_MS.get(size)
        target_text = f"{target:.0f}" if target is not None else "-"
        print(
            f"{timing.open_tasks:>10,} {timing.median_ms:>10.1f} {timing.median_cpu_ms:>7.1f}"
            f" {target_text:>10}"
            f" {timing.focus_blocks:>13} {timing.notes:>6}"
        )


def run_import(args: argparse.Namespace) -> None:
    """Importing 10,000 Taskwarrior tasks: the whole `focusplan import` process, and a re-import."""
    import json
    import os
    import subprocess
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from compare_taskwarrior import make_tasks

    executable = Path(sys.executable).with_name("focusplan")
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    first, again = [], []
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "tasks.json"
        export.write_text(json.dumps(make_tasks(10_000, dt.datetime.now(dt.UTC))))
        for run in range(max(1, args.import_runs)):
            db = Path(folder) / f"import-{run}.sqlite3"
            argv = [str(executable), "--db", str(db), "import", str(export)]
            for times in (first, again):
                started = time.perf_counter()
                subprocess.run(argv, check=True, capture_output=True, env=env)
                times.append(time.perf_counter() - started)
    print(
        f"import of 10,000 Taskwarrior tasks (whole process, new database): median "
        f"{statistics.median(first):.2f} s (target 3 s); re-import of the same export "
        f"(updates by uuid): {statistics.median(again):.2f} s  [{len(first)} runs]"
    )


def chain_export(count: int, now: dt.datetime) -> list[dict[str, object]]:
    """`task import` items: `count` pending tasks, each depending on the one before."""
    import uuid as uuidlib

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from compare_taskwarrior import tw_time

    entry = tw_time(now - dt.timedelta(days=1))
    items: list[dict[str, object]] = []
    for number in range(count):
        item: dict[str, object] = {
            "uuid": str(uuidlib.UUID(int=number + 1, version=4)),
            "description": f"step {number + 1}",
            "status": "pending",
            "entry": entry,
            "modified": entry,
        }
        if items:
            item["depends"] = [items[-1]["uuid"]]
        items.append(item)
    return items


def run_cli(args: argparse.Namespace) -> None:
    """`focusplan plan` as a person runs it (whole process) on 10,000 open tasks.

    Two databases: a realistic mix (`compare_taskwarrior.make_tasks`), and a
    10,000-long dependency chain. For each, the first `plan` of the day (plans and
    stores) and a second one (the stored plan is current: it is only read). Each run
    starts from a copy of the freshly imported database, so every first `plan` plans.
    Figures: median wall and CPU seconds, and the largest peak RSS of the runs.
    """
    import json
    import os
    import shutil
    import subprocess
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from compare_taskwarrior import make_tasks

    now = dt.datetime(2026, 12, 2, 9, 0, tzinfo=ZONE)
    env = dict(os.environ, FOCUSPLAN_NOW=now.isoformat(), FOCUSPLAN_TZ=ZONE_NAME)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "focusplan"]
    if args.source:
        # Another checkout (say `git archive <commit>`), for a before/after on one machine.
        env["PYTHONPATH"] = str(Path(args.source).resolve())

    def timed(argv: list[str]) -> tuple[float, float, float]:
        """Wall seconds, CPU seconds and peak RSS (MB) of one child: `os.wait4` reports
        that child alone (RUSAGE_CHILDREN would keep the largest child's peak)."""
        started = time.perf_counter()
        child = subprocess.Popen(
            argv, env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(argv)} failed")
        # ru_maxrss is in kilobytes on Linux.
        return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024

    exports = {
        "10,000 mixed": make_tasks(10_000, now.astimezone(dt.UTC)),
        "10,000 chain": chain_export(10_000, now.astimezone(dt.UTC)),
    }
    print(f"focusplan plan, whole process, median of {args.cli_runs} runs (target 1 s)")
    print("wall seconds, CPU seconds of the process (on a busy machine, the fairer figure)")
    print("and its peak RSS")
    print(
        f"{'database':>14} {'first plan s':>13} {'cpu':>6} {'MB':>5}"
        f" {'stored plan s':>14} {'cpu':>6} {'MB':>5}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for name, items in exports.items():
            source = Path(folder) / "tasks.json"
            source.write_text(json.dumps(items))
            # A database of its own per export: importing the chain into the mixed one's
            # file would plan 20,000 tasks.
            imported = Path(folder) / "imported.sqlite3"
            imported.unlink(missing_ok=True)
            subprocess.run(
                [*command, "--db", str(imported), "import", str(source)],
                check=True,
                capture_output=True,
                env=env,
                cwd=folder,  # `python -m` puts the working folder first on sys.path
            )
            first: list[tuple[float, float, float]] = []
            again: list[tuple[float, float, float]] = []
            for run in range(args.cli_runs):
                db = Path(folder) / f"plan-{run}.sqlite3"
                shutil.copy(imported, db)
                argv = [*command, "--db", str(db), "plan"]
                first.append(timed(argv))  # plans and stores
                again.append(timed(argv))  # the stored plan is current: only read
            print(
                f"{name:>14} {_median(first, 0):>13.2f} {_median(first, 1):>6.2f}"
                f" {max(run[2] for run in first):>5.0f}"
                f" {_median(again, 0):>14.2f} {_median(again, 1):>6.2f}"
                f" {max(run[2] for run in again):>5.0f}"
            )


def _median(runs: Sequence[tuple[float, ...]], index: int) -> float:
    return statistics.median(run[index] for run in runs)


PARTS: dict[str, Callable[[argparse.Namespace], None]] = {
    "planning": run_planning,
    "import": run_import,
    "cli": run_cli,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--part", choices=sorted(PARTS), action="append")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--cli-runs", type=int, default=3)
    parser.add_argument("--source", help="run `cli` on another checkout of focusplan")
    args = parser.parse_args(argv)
    for part in args.part or ["planning", "import"]:
        PARTS[part](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
