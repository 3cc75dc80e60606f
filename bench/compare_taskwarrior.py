"""focusplan against Taskwarrior, run by run: `rank`/`list` (cache hit and miss), `add`, `done`.

    /work/venv/bin/python bench/compare_taskwarrior.py [--sizes 1000 5000 10000] [--pairs 15]

What is compared, and why it is fair:

- The same N pending tasks in both (projects, tags, priorities, due dates, scheduled
  dates, dependencies, an estimate and a demand UDA): generated once, loaded into
  Taskwarrior with `task import`, then `task export` is imported into focusplan with
  `focusplan import --format taskwarrior`, so focusplan holds exactly what Taskwarrior holds.
- Both are whole fresh processes, started the same way (`subprocess.run`, output to a pipe
  that is read to the end), on a warm OS file cache (one untimed warm-up of each).
- Reads: `rank --json --limit 20` against `task next limit:20`, `list` against `task
  list`. Taskwarrior gets `gc=off` (its garbage collection would otherwise rewrite
  pending.data on a read command) and `hooks=off`; `confirmation=off`,
  `verbose=nothing` and no colour (the output is a pipe) keep it to the report itself.
- focusplan's reads are answered from its answer cache while nothing changed in the
  minute (`focusplan/services/answer_cache.py`), so each read is reported twice:
  *hit*, the same command again (a run where the minute turned is a miss: it is left
  out of the hit figures and counted), and *miss*, the first run after a write (an
  untimed `UPDATE tasks SET title = title` through sqlite3 before each focusplan run:
  the triggers raise the change counter, the content stays the same).
- Writes: each pair is one `add` in both (`focusplan add x` against `task add x`), then
  one `done` of that task in both (`focusplan done ID` against `task N done`), so the
  number of pending tasks stays N; each pair adds one completed task to both.
- Pairs alternate which program runs first, so neither always gets the warmer cache or CPU.

It also times focusplan's in-process ranking (`rank_tasks` over the same tasks, read once)
beside Taskwarrior's whole-process time: that is what the CLI would cost with no start-up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid as uuidlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOCUSPLAN = Path(sys.executable).with_name("focusplan")
LIMIT = 20

PROJECTS = (
    "work.reports", "work.team", "work.infra", "work.hiring", "home", "home.garden",
    "thesis", "thesis.writing", "health", "errands", "finance", "learning.rust",
)  # fmt: skip
TAGS = (
    "deep", "writing", "phone", "email", "review", "errand", "reading", "meeting",
    "admin", "code", "design", "waiting", "quick", "someday", "focus",
)  # fmt: skip
VERBS = ("Write", "Review", "Call", "Fix", "Plan", "Draft", "Read", "Book", "Send", "Prepare")
NOUNS = (
    "quarterly report", "pull request", "dentist", "offsite agenda", "budget", "slides",
    "chapter 3", "invoice", "tax return", "release notes", "garden shed", "flight to Lyon",
)  # fmt: skip
TW_UDAS = (
    "rc.uda.estimate.type=duration", "rc.uda.estimate.label=Estimate",
    "rc.uda.demand.type=string", "rc.uda.demand.label=Demand",
    "rc.uda.demand.values=low,medium,high,",
)  # fmt: skip


def tw_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def make_tasks(count: int, now: dt.datetime, seed: int = 6) -> list[dict[str, object]]:
    """`task import` items: all pending, a realistic mix, dependencies only on earlier tasks."""
    rng = random.Random(seed)
    tasks: list[dict[str, object]] = []
    for number in range(count):
        entry = now - dt.timedelta(days=rng.uniform(0, 120), minutes=rng.randrange(0, 60))
        item: dict[str, object] = {
            "uuid": str(uuidlib.UUID(int=rng.getrandbits(128), version=4)),
            "description": f"{rng.choice(VERBS)} {rng.choice(NOUNS)} #{number + 1}",
            "status": "pending",
            "entry": tw_time(entry),
            "modified": tw_time(entry),
        }
        if rng.random() < 0.8:
            item["project"] = rng.choice(PROJECTS)
        tags = rng.sample(TAGS, k=rng.choice((0, 0, 1, 1, 2, 3)))
        if tags:
            item["tags"] = tags
        priority = rng.choices(("H", "M", "L", ""), weights=(15, 30, 20, 35))[0]
        if priority:
            item["priority"] = priority
        if rng.random() < 0.3:
            item["due"] = tw_time(now + dt.timedelta(hours=rng.uniform(-10 * 24, 60 * 24)))
        if rng.random() < 0.05:
            item["scheduled"] = tw_time(now + dt.timedelta(days=rng.uniform(1, 20)))
        if number > 0 and rng.random() < 0.1:
            parents = rng.sample(
                range(max(0, number - 200), number), k=min(number, rng.choice((1, 1, 2)))
            )
            item["depends"] = [str(tasks[parent]["uuid"]) for parent in parents]
        if rng.random() < 0.5:
            item["estimate"] = rng.choice(("PT15M", "PT30M", "PT45M", "PT1H", "PT1H30M", "PT2H"))
        if rng.random() < 0.5:
            item["demand"] = rng.choice(("low", "medium", "high"))
        tasks.append(item)
    return tasks


@dataclass(frozen=True)
class Taskwarrior:
    """A throwaway Taskwarrior: its own data folder and rc file."""

    folder: Path

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "TASKDATA": str(self.folder / "data"), "TASKRC": str(self.rc)}

    @property
    def rc(self) -> Path:
        return self.folder / "taskrc"

    def create(self) -> None:
        (self.folder / "data").mkdir(parents=True)
        lines = [
            f"data.location={self.folder / 'data'}",
            "confirmation=off",
            "verbose=nothing",
            "gc=off",
            "hooks=off",
            "color=off",
            "recurrence=off",
            *(setting.removeprefix("rc.") for setting in TW_UDAS),
        ]
        self.rc.write_text("\n".join(lines) + "\n")

    def run(self, *args: str, stdin: bytes | None = None) -> bytes:
        done = subprocess.run(
            ["task", *args], input=stdin, capture_output=True, env=self.env, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"task {' '.join(args)} failed: {done.stderr.decode()[:500]}")
        return done.stdout

    def next_argv(self) -> list[str]:
        return ["task", "next", f"limit:{LIMIT}"]


def focusplan_env(folder: Path) -> dict[str, str]:
    """As installed: bytecode cached (this environment may set PYTHONDONTWRITEBYTECODE=1,
    which would recompile focusplan from source on every start; a wheel install never does)."""
    env = {
        **os.environ,
        "PYTHONPYCACHEPREFIX": str(folder / "pycache"),
        "XDG_CACHE_HOME": str(folder / "cache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("FOCUSPLAN_NO_CACHE", None)
    env.pop("FOCUSPLAN_NOW", None)
    return env


def load(tasks: list[dict[str, object]], folder: Path) -> tuple[Taskwarrior, Path, float, float]:
    """Both stores holding `tasks`; returns them and the seconds each import took."""
    tw = Taskwarrior(folder / "tw")
    tw.create()
    source = folder / "tasks.json"
    source.write_text(json.dumps(tasks))
    started = time.perf_counter()
    tw.run("import", str(source))
    tw_seconds = time.perf_counter() - started
    export = folder / "tw-export.json"
    export.write_bytes(tw.run("export"))
    pending = sum(1 for item in json.loads(export.read_bytes()) if item["status"] == "pending")
    if pending != len(tasks):
        raise RuntimeError(f"Taskwarrior holds {pending} pending tasks, expected {len(tasks)}")

    # The first run in a fresh bytecode cache compiles every module it imports; warm the
    # cache on a one-task file so the timing below is of the import, not of compiling.
    warm = folder / "warm.json"
    warm.write_text(json.dumps(json.loads(export.read_bytes())[:1]))
    subprocess.run(
        [str(FOCUSPLAN), "--db", str(folder / "warm.sqlite3"), "import", str(warm)],
        capture_output=True,
        env=focusplan_env(folder),
        check=True,
    )
    db = folder / "focusplan.sqlite3"
    started = time.perf_counter()
    done = subprocess.run(
        [str(FOCUSPLAN), "--db", str(db), "import", str(export), "--format", "taskwarrior"],
        capture_output=True,
        env=focusplan_env(folder),
        check=False,
    )
    fp_seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"focusplan import failed: {done.stderr.decode()[:500]}")
    return tw, db, tw_seconds, fp_seconds


def focusplan_argv(db: Path) -> list[str]:
    return [str(FOCUSPLAN), "--db", str(db), "rank", "--json", "--limit", str(LIMIT)]


def timed(argv: Sequence[str], env: dict[str, str], *, output: bool = True) -> tuple[float, float]:
    """(wall seconds, CPU seconds user+sys) of one run. CPU time barely moves when other
    processes compete for the cores; wall time is what a person waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or (output and not done.stdout):
        raise RuntimeError(f"{argv[0]} failed ({done.returncode}): {done.stderr.decode()[:500]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


@dataclass
class Pairs:
    fp_wall: list[float]
    tw_wall: list[float]
    fp_cpu: list[float]
    tw_cpu: list[float]

    @property
    def wall_ratios(self) -> list[float]:
        return [fp / tw for fp, tw in zip(self.fp_wall, self.tw_wall, strict=True)]

    @property
    def cpu_ratios(self) -> list[float]:
        return [fp / tw for fp, tw in zip(self.fp_cpu, self.tw_cpu, strict=True)]


def paired(
    fp_argv: Sequence[str],
    tw_argv: Sequence[str],
    fp_env: dict[str, str],
    tw_env: dict[str, str],
    pairs: int,
    *,
    before_fp: Callable[[], None] | None = None,
    fp_counts: Callable[[], bool] | None = None,
) -> tuple[Pairs, int]:
    """One focusplan run and one Taskwarrior run per pair, alternating who goes first.

    `before_fp` runs untimed before each focusplan run; a pair whose focusplan run
    `fp_counts` rejects is left out (returned: how many were)."""
    if before_fp is not None:
        before_fp()
    timed(fp_argv, fp_env)  # warm the file cache and write bytecode, untimed
    timed(tw_argv, tw_env)
    result = Pairs([], [], [], [])
    left_out = 0
    for pair in range(pairs):
        if before_fp is not None:
            before_fp()
        if pair % 2 == 0:
            fp, task = timed(fp_argv, fp_env), timed(tw_argv, tw_env)
        else:
            task, fp = timed(tw_argv, tw_env), timed(fp_argv, fp_env)
        if fp_counts is not None and not fp_counts():
            left_out += 1
            continue
        result.fp_wall.append(fp[0])
        result.fp_cpu.append(fp[1])
        result.tw_wall.append(task[0])
        result.tw_cpu.append(task[1])
    return result, left_out


class CacheWatch:
    """Tells whether the last focusplan read stored an answer (a miss) or not (a hit):
    a miss replaces an answer file of the cache folder."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.folder = db.parent / "cache" / "focusplan" / "answers"
        self.seen = self.stamps()

    def was_hit(self) -> bool:
        return not self.stored()

    def write_behind(self) -> None:
        touch_counter(self.db)
        self.stored()

    def stamps(self) -> set[tuple[str, int, int]]:
        if not self.folder.is_dir():
            return set()
        return {
            (entry.name, entry.stat().st_ino, entry.stat().st_mtime_ns)
            for entry in os.scandir(self.folder)
        }

    def stored(self) -> bool:
        now = self.stamps()
        changed = now != self.seen
        self.seen = now
        return changed


def touch_counter(db: Path) -> None:
    """A write that changes nothing but the change counter (the triggers fire on any
    UPDATE): the next read is the first after a write, a cache miss."""
    import sqlite3

    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE tasks SET title = title WHERE id = 1")


def reads(tw: Taskwarrior, db: Path, pairs: int) -> dict[str, tuple[Pairs, int]]:
    fp_env = focusplan_env(db.parent)
    out: dict[str, tuple[Pairs, int]] = {}
    for name, fp_argv, tw_argv in (
        (f"rank --json --limit {LIMIT}", focusplan_argv(db), tw.next_argv()),
        ("list", [str(FOCUSPLAN), "--db", str(db), "list"], ["task", "list"]),
    ):
        subprocess.run(fp_argv, capture_output=True, env=fp_env, check=True)
        watch = CacheWatch(db)  # after the answer of this minute was stored
        out[f"{name}  (hit)"] = paired(
            fp_argv, tw_argv, fp_env, tw.env, pairs, fp_counts=watch.was_hit
        )
        watch.stored()
        out[f"{name}  (miss)"] = paired(
            fp_argv,
            tw_argv,
            fp_env,
            tw.env,
            pairs,
            before_fp=watch.write_behind,
            fp_counts=watch.stored,
        )
    return out


def writes(tw: Taskwarrior, db: Path, pairs: int) -> dict[str, tuple[Pairs, int]]:
    """Alternating add and done of the same task in both, so N stays N."""
    fp_env = focusplan_env(db.parent)
    fp_base = [str(FOCUSPLAN), "--db", str(db)]
    subprocess.run([*fp_base, "list", "--json"], capture_output=True, env=fp_env, check=True)
    added, finished = Pairs([], [], [], []), Pairs([], [], [], [])
    for pair in range(pairs + 1):  # the first pair warms up, untimed
        title = f"Bench task {pair}"
        fp_add = [*fp_base, "add", title]
        tw_add = ["task", "add", title]
        if pair % 2 == 0:
            fp, task = timed(fp_add, fp_env), timed(tw_add, tw.env, output=False)
        else:
            task, fp = timed(tw_add, tw.env, output=False), timed(fp_add, fp_env)
        fp_id = _last_focusplan_id(db)
        tw_id = tw.run("+LATEST", "ids").decode().strip()
        fp_done = [*fp_base, "done", str(fp_id)]
        tw_done = ["task", tw_id, "done"]
        if pair % 2 == 0:
            task_done, fp_finish = timed(tw_done, tw.env, output=False), timed(fp_done, fp_env)
        else:
            fp_finish, task_done = timed(fp_done, fp_env), timed(tw_done, tw.env, output=False)
        if pair == 0:
            continue
        for into, mine, theirs in ((added, fp, task), (finished, fp_finish, task_done)):
            into.fp_wall.append(mine[0])
            into.fp_cpu.append(mine[1])
            into.tw_wall.append(theirs[0])
            into.tw_cpu.append(theirs[1])
    return {'add "x"': (added, 0), "done ID": (finished, 0)}


def _last_focusplan_id(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        (task_id,) = connection.execute("SELECT max(id) FROM tasks").fetchone()
    return int(task_id)


def in_process(db: Path, repeats: int) -> dict[str, float]:
    """Median seconds of the pieces, run in this process after the imports are paid."""
    from focusplan import clock
    from focusplan.attention.ranking import RankInput, rank_tasks
    from focusplan.services.ranking import rank_snapshot
    from focusplan.services.source import DataSource
    from focusplan.store.snapshot import read_snapshot

    at = clock.now()
    snap_times, rank_times, whole_times = [], [], []
    for _ in range(repeats):
        started = time.perf_counter()
        snap = read_snapshot(db)
        snap_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        rank_tasks(snap.tasks, RankInput(at=at, energy=3.0), snap.weights.params)
        rank_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        source = DataSource(str(db))
        whole = source.snapshot(at - dt.timedelta(hours=1), at + dt.timedelta(hours=2))
        rank_snapshot(whole, at, limit=LIMIT)
        whole_times.append(time.perf_counter() - started)
    return {
        "read_snapshot": statistics.median(snap_times),
        "rank_tasks": statistics.median(rank_times),
        "snapshot+rank": statistics.median(whole_times),
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="Keep the data folders and print them.")
    args = parser.parse_args(argv)
    if shutil.which("task") is None:
        print("error: Taskwarrior (`task`) is not installed", file=sys.stderr)
        return 2
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    version = subprocess.run(["task", "--version"], capture_output=True, text=True, check=False)
    print(
        f"Taskwarrior {version.stdout.strip()}, Python {sys.version.split()[0]}, focusplan {FOCUSPLAN}"
    )
    now = dt.datetime.now(dt.UTC)
    for count in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"fp-vs-tw-{count}-"))
        try:
            tw, db, tw_import, fp_import = load(make_tasks(count, now, args.seed), folder)
            measured = {**reads(tw, db, args.pairs), **writes(tw, db, args.pairs)}
            inside = in_process(db, repeats=max(5, args.pairs))
            med = statistics.median
            print(f"\nN = {count} pending tasks ({args.pairs} pairs, alternating order)")
            print(f"  load: task import {ms(tw_import)}   focusplan import {ms(fp_import)}")
            print(f"  load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            print(
                f"  {'focusplan command':<34}{'focusplan':>11}{'task':>11}"
                f"{'ratio wall':>12}{'ratio CPU':>11}   pairs"
            )
            for name, (pairs_of, left_out) in measured.items():
                if not pairs_of.fp_wall:
                    print(f"  {name:<34}  (no pair counted: {left_out} left out)")
                    continue
                note = f"   {len(pairs_of.fp_wall)}" + (
                    f" ({left_out} left out: not a hit)" if left_out else ""
                )
                print(
                    f"  {name:<34}{ms(med(pairs_of.fp_wall)):>11}{ms(med(pairs_of.tw_wall)):>11}"
                    f"{med(pairs_of.wall_ratios):>12.2f}{med(pairs_of.cpu_ratios):>11.2f}{note}"
                )
            print(
                "  (wall medians; ratios are medians of per-pair focusplan/task ratios;"
                " task: next limit:20, list, add x, N done)"
            )
            print(
                f"  in-process focusplan: rank_tasks {ms(inside['rank_tasks'])}, "
                f"read_snapshot {ms(inside['read_snapshot'])}, "
                f"snapshot+rank {ms(inside['snapshot+rank'])}"
            )
            if args.keep:
                print(f"  kept: {folder}")
        finally:
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
