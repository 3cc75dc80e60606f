"""Cold start of `focusplan rank --json` and `list --json` on 1,000 tasks, and where it goes.

    /work/venv/bin/python bench/cli_cold.py [--tasks 1000] [--runs 15]

Prints, each as the median of --runs fresh processes:
1. wall time of `python -c pass` (the interpreter alone), `focusplan rank --json`,
   `focusplan list --json`;
2. the phases of a cold `rank --json`, timed inside fresh processes: imports of click,
   pydantic (+ the domain models), numpy, the rest of focusplan; the sqlite read; building
   the models; the energy estimate; ranking; JSON;
3. the top imports by cumulative time from `python -X importtime`;
4. a cProfile of the command after its imports are paid (what a resident process would pay).

Bytecode: Python here may run with PYTHONDONTWRITEBYTECODE=1 (then focusplan's own
modules are compiled from source on every start, which an installed wheel never does).
Child processes get PYTHONPYCACHEPREFIX pointing into a temporary folder instead, so
they run as an install would; `--no-bytecode` measures the other case.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOCUSPLAN = Path(sys.executable).with_name("focusplan")

# Runs in a fresh interpreter; prints one JSON object of phase -> seconds.
PHASES = r"""
import time
start = time.perf_counter()
marks = {}
def mark(name):
    global start
    now = time.perf_counter()
    marks[name] = now - start
    start = now
import click
mark("import click")
import pydantic
mark("import pydantic")
import focusplan.domain
mark("domain models (pydantic classes)")
import numpy
mark("import numpy")
import focusplan.cli, focusplan.cli.render, focusplan.services.ranking
from focusplan.store.snapshot import read_snapshot
from focusplan.attention.ranking import rank_tasks, RankInput
from focusplan.energy import energy_at
mark("import focusplan (rest)")
import sqlite3, sys
from pathlib import Path
path = Path(sys.argv[1])
connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
for table in ("tasks", "task_tags", "task_dependencies", "energy_logs", "context_events",
              "weight_versions", "focus_sessions"):
    connection.execute(f"SELECT * FROM {table}").fetchall()
connection.close()
mark("sqlite read (raw rows)")
snap = read_snapshot(path)
mark("snapshot (sqlite again + model building)")
from focusplan import clock
at = clock.now()
energy = energy_at([log for log in snap.energy if log.at <= at], at)
mark("energy estimate")
from focusplan.services.ranking import rank_snapshot
ranking = rank_snapshot(snap, at, limit=20)
mark("ranking (rank_tasks + RankedTask models)")
from focusplan.cli.render import ranking_json
import json
text = json.dumps(ranking_json(ranking, False), ensure_ascii=False, indent=2)
mark("JSON")
print(json.dumps(marks))
"""


def child_env(bytecode: bool, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def build_database(path: Path, count: int) -> None:
    """`count` pending tasks (the Taskwarrior bench's mix) imported the way a person would."""
    sys.path.insert(0, str(HERE))
    from compare_taskwarrior import make_tasks

    export = path.with_suffix(".tw.json")
    export.write_text(json.dumps(make_tasks(count, dt.datetime.now(dt.UTC))))
    done = subprocess.run(
        [str(FOCUSPLAN), "--db", str(path), "import", str(export), "--format", "taskwarrior"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"import failed: {done.stderr}")


def wall(argv: Sequence[str], env: dict[str, str], runs: int) -> float:
    subprocess.run(argv, capture_output=True, env=env, check=True)  # warm, untimed
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, env=env, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def phases(db: Path, env: dict[str, str], runs: int) -> dict[str, float]:
    samples: defaultdict[str, list[float]] = defaultdict(list)
    argv = [sys.executable, "-c", PHASES, str(db)]
    subprocess.run(argv, capture_output=True, env=env, check=True)
    for _ in range(runs):
        done = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
        for name, seconds in json.loads(done.stdout.strip().splitlines()[-1]).items():
            samples[name].append(seconds)
    return {name: statistics.median(values) for name, values in samples.items()}


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_times(
    db: Path, env: dict[str, str]
) -> tuple[list[tuple[str, int, int]], dict[str, int]]:
    """(top-level imports as (module, self µs, cumulative µs)), (self µs by top package)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "focusplan", "--db", str(db), "rank", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    top: list[tuple[str, int, int]] = []
    by_package: defaultdict[str, int] = defaultdict(int)
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        own, cumulative, indent, module = int(match[1]), int(match[2]), match[3], match[4]
        package = module.split(".")[0]
        if package == "focusplan":
            package = ".".join(module.split(".")[:2])
        by_package[package] += own
        if len(indent) <= 1:
            top.append((module, own, cumulative))
    return sorted(top, key=lambda row: -row[2]), dict(by_package)


def profile(db: Path, env: dict[str, str]) -> str:
    code = (
        "import cProfile, io, pstats, sys, contextlib\n"
        "from focusplan.cli import run\n"
        "args = ['--db', sys.argv[1], 'rank', '--json']\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    run(args)\n"  # imports paid here, untimed
        "    profiler = cProfile.Profile()\n"
        "    profiler.enable()\n"
        "    run(args)\n"
        "    profiler.disable()\n"
        "out = io.StringIO()\n"
        "pstats.Stats(profiler, stream=out).sort_stats('cumulative').print_stats(22)\n"
        "print(out.getvalue())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(db)], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-bytecode", action="store_true", help="Compile from source each run.")
    parser.add_argument("--db", type=Path, help="Use this database instead of building one.")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="fp-cold-"))
    try:
        env = child_env(not args.no_bytecode, folder / "pycache")
        db = args.db
        if db is None:
            db = folder / "focusplan.sqlite3"
            build_database(db, args.tasks)
        print(
            f"database: {args.tasks if args.db is None else '?'} tasks; bytecode cached: "
            f"{not args.no_bytecode}; {args.runs} runs each, medians"
        )
        print("\nwall time of whole processes")
        baseline = wall([sys.executable, "-c", "pass"], env, args.runs)
        print(f"  python -c pass                 {ms(baseline)}")
        for command in (["rank", "--json"], ["list", "--json"]):
            seconds = wall([str(FOCUSPLAN), "--db", str(db), *command], env, args.runs)
            print(f"  focusplan {' '.join(command):<20} {ms(seconds)}")

        print("\nphases of a cold rank --json (inside fresh processes)")
        measured = phases(db, env, args.runs)
        for name, seconds in measured.items():
            print(f"  {name:<42} {ms(seconds)}")
        print(f"  {'sum (plus interpreter start above)':<42} {ms(sum(measured.values()))}")

        top, by_package = import_times(db, env)
        print("\n-X importtime: top-level imports of `rank --json` by cumulative time")
        for module, own, cumulative in top[:15]:
            print(
                f"  {module:<40} self {own / 1000:6.1f} ms  cumulative {cumulative / 1000:6.1f} ms"
            )
        print("\n-X importtime: self time summed by package")
        for package, own in sorted(by_package.items(), key=lambda kv: -kv[1])[:15]:
            print(f"  {package:<40} {own / 1000:6.1f} ms")
        print("\ncProfile of `rank --json` once imports are paid (cumulative)")
        print(profile(db, env))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
