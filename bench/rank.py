"""Benchmark the ranking: median time and peak memory for growing task lists.

    /work/venv/bin/python bench/rank.py                 # in-process 100 .. 20,000 tasks, cold CLI
    /work/venv/bin/python bench/rank.py --sizes 1000 --runs 21 --explain

The in-process part times the whole `rank_tasks` call, from `list[Task]` to the
result, on synthetic open tasks (projects, tags, due dates, dependencies, and a
share of done/dropped tasks that must be filtered out). Peak memory is measured
with tracemalloc in a separate run, because tracing slows Python code down.
Each part is a function in `PARTS`, selected by `--part`; a part that needs a
database (e.g. a cold CLI run) receives the same parsed arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from focusplan.attention.ranking import RankInput, rank_tasks
from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.domain import DEMANDS, Task

ZONE = ZoneInfo("Europe/Paris")
AT = dt.datetime(2026, 3, 4, 10, 30, tzinfo=ZONE)
DEFAULT_SIZES = (100, 1_000, 5_000, 20_000)
TARGETS_MS = {1_000: 5.0, 5_000: 50.0, 20_000: 1_000.0}


def synthetic_tasks(n_open: int, seed: int = 0, at: dt.datetime = AT) -> list[Task]:
    """`n_open` open tasks at `at` plus ~20% finished ones, some dependencies."""
    rng = random.Random(seed)
    projects = [f"project-{k}" for k in range(max(3, n_open // 40))]
    tags = ["email", "code", "write", "call", "review", "admin", "read", "plan"]
    windows = (None, None, None, "morning", "afternoon", "evening")
    tasks: list[Task] = []
    n_total = n_open + n_open // 5
    for task_id in range(1, n_total + 1):
        created = at - dt.timedelta(days=rng.uniform(0, 400))
        due = at + dt.timedelta(hours=rng.uniform(-200, 2000)) if rng.random() < 0.4 else None
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
                created_at=created,
                status="done" if finished else "open",
                completed_at=at - dt.timedelta(hours=1) if finished else None,
            )
        )
    rng.shuffle(tasks)
    return tasks


def _context() -> RankInput:
    return RankInput(
        at=AT,
        energy=4.0,
        meeting_load=0.25,
        day_end=AT.replace(hour=18, minute=0),
        in_progress=frozenset({1, 2}),
        # Every context feature on: continuity with a project and tags, meetings both sides.
        last_task=3,
        last_project="project-1",
        last_tags=frozenset({"code", "review"}),
        last_meeting_end=AT - dt.timedelta(minutes=20),
        next_meeting_start=AT + dt.timedelta(minutes=50),
    )


def time_rank(tasks: Sequence[Task], runs: int, explain: bool) -> tuple[float, float, int]:
    """Median wall and CPU time (ms) of `rank_tasks` over `runs` calls, and tokens ranked.

    CPU time is shown too because on a busy machine wall time mostly measures
    waiting for a core.
    """
    ctx = _context()
    result = rank_tasks(tasks, ctx, DEFAULT_WEIGHTS, explain=explain)  # warm caches
    wall, cpu = [], []
    for _ in range(runs):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        rank_tasks(tasks, ctx, DEFAULT_WEIGHTS, explain=explain)
        cpu.append((time.process_time() - start_cpu) * 1e3)
        wall.append((time.perf_counter() - start) * 1e3)
    return statistics.median(wall), statistics.median(cpu), len(result)


def peak_memory_mb(tasks: Sequence[Task], explain: bool) -> float:
    """Peak memory (MB, tracemalloc) allocated by one `rank_tasks` call."""
    ctx = _context()
    gc.collect()
    tracemalloc.start()
    try:
        rank_tasks(tasks, ctx, DEFAULT_WEIGHTS, explain=explain)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def run_in_process(args: argparse.Namespace) -> None:
    print(f"in-process rank_tasks (explain={args.explain}), median of {args.runs} runs")
    print(
        f"{'open tasks':>10} {'tokens':>7} {'wall ms':>9} {'cpu ms':>8} {'target ms':>10} "
        f"{'peak MB':>8}"
    )
    for size in args.sizes:
        tasks = synthetic_tasks(size)
        runs = args.runs if size <= 5_000 else max(3, args.runs // 3)
        wall_ms, cpu_ms, tokens = time_rank(tasks, runs, args.explain)
        peak = peak_memory_mb(tasks, args.explain)
        target = TARGETS_MS.get(size)
        target_text = f"{target:.0f}" if target is not None else "-"
        print(
            f"{size:>10,} {tokens:>7,} {wall_ms:>9.2f} {cpu_ms:>8.2f} {target_text:>10} "
            f"{peak:>8.1f}"
        )


def run_cold_cli(args: argparse.Namespace) -> None:
    """Whole-process time of `focusplan rank --json` on a database of 1,000 open tasks."""
    import json
    import os
    import subprocess
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from compare_taskwarrior import make_tasks

    executable = Path(sys.executable).with_name("focusplan")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "cold.sqlite3"
        export = Path(folder) / "tasks.json"
        export.write_text(json.dumps(make_tasks(1_000, dt.datetime.now(dt.UTC))))
        subprocess.run(
            [str(executable), "--db", str(db), "import", str(export)],
            check=True,
            capture_output=True,
        )
        env = dict(os.environ)
        # Measure as an installed copy runs: with its bytecode cached.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        argv = [str(executable), "--db", str(db), "rank", "--json"]
        subprocess.run(argv, check=True, capture_output=True, env=env)  # warm the caches
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True, env=env)
            times.append(time.perf_counter() - started)
    median = statistics.median(times) * 1000
    print(
        f"cold `focusplan rank --json`, 1,000 open tasks: median {median:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, {args.runs} runs; target 300 ms)"
    )


PARTS: dict[str, Callable[[argparse.Namespace], None]] = {
    "in-process": run_in_process,
    "cold-cli": run_cold_cli,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--part", choices=sorted(PARTS), action="append")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)
    for part in args.part or ["in-process", "cold-cli"]:
        PARTS[part](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
