"""Cold start of `focusplan now`, the status-line command, quick path and full path.

    .venv/bin/python bench/now.py [--runs 30]

Builds the demo database (a sample person's five weeks) in a temporary folder and times,
as the median of --runs fresh processes (wall clock, from outside):

1. `python -c pass` (the interpreter alone: the floor);
2. `focusplan now` answered from the cache (the status bar's case: nothing changed
   since the last full answer, within its half hour of frames);
3. `focusplan now` with the cache removed before every run (the full path: settings,
   the ranking for each minute of the next half hour, the plan; it writes the cache).

The whole-process figure to quote comes from farm-bench, e.g.:
    farm-bench -n 30 -- .venv/bin/focusplan --db DB now
(this script prints the exact command for the database it built).
Child processes get PYTHONPYCACHEPREFIX in a temporary folder, so they run from bytecode
as an install would even where PYTHONDONTWRITEBYTECODE=1 is set.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

FOCUSPLAN = Path(sys.executable).with_name("focusplan")


def median_ms(
    command: Sequence[str], runs: int, env: dict[str, str], before: Callable[[], None]
) -> float:
    times = []
    for _ in range(runs + 1):  # the first run warms the page cache and the bytecode
        before()
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:]) * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="Keep the database to farm-bench it.")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="focusplan-bench-now-"))
    try:
        db = folder / "demo.sqlite3"
        env = {
            **os.environ,
            "PYTHONPYCACHEPREFIX": str(folder / "pycache"),
            "XDG_CACHE_HOME": str(folder / "cache"),
            "FOCUSPLAN_CONFIG": str(folder / "no-config.toml"),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [str(FOCUSPLAN), "demo", "--no-app", "--path", str(db)],
            env=env,
            check=True,
            capture_output=True,
        )
        now = [str(FOCUSPLAN), "--db", str(db), "now"]
        subprocess.run(now, env=env, check=True, capture_output=True)  # writes the cache

        def nothing() -> None:
            pass

        def drop_cache() -> None:
            shutil.rmtree(folder / "cache", ignore_errors=True)

        floor = median_ms([sys.executable, "-c", "pass"], args.runs, env, nothing)
        quick = median_ms(now, args.runs, env, nothing)
        full = median_ms(now, max(3, args.runs // 5), env, drop_cache)
        print(f"python -c pass               {floor:7.1f} ms (median of {args.runs})")
        print(f"focusplan now (cached)       {quick:7.1f} ms (median of {args.runs})")
        print(f"focusplan now (full path)    {full:7.1f} ms (median of {max(3, args.runs // 5)})")
        print(f"quick path over the interpreter: {quick - floor:.1f} ms")
        print("whole process, from outside (quote this median):")
        print(f"  XDG_CACHE_HOME={folder / 'cache'} farm-bench -n 30 -- {FOCUSPLAN} --db {db} now")
        if not args.keep:
            print("(the folder is removed now; pass --keep to farm-bench it yourself)")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
