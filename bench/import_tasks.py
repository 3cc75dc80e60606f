"""Importing many tasks: a first import, the same file again (every task matched by its
identity, nothing written), a full backup of it, and that backup restored into a fresh
database. In-process, wall-clock, the best of a few runs each.

    .venv/bin/python bench/import_tasks.py [--sizes 1000 10000] [--runs 3]

The generated Taskwarrior export has projects, tags, priorities, due dates, annotations and
dependency chains, like `bench/compare_taskwarrior.py`'s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("FOCUSPLAN_TZ", "Europe/Paris")

from focusplan.services.exchange import export_backup, import_file
from focusplan.services.source import DataSource

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def taskwarrior_export(count: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    uuids = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(count)]
    items = []
    for index, task_uuid in enumerate(uuids):
        item: dict[str, object] = {
            "uuid": task_uuid,
            "description": f"Task {index} about {rng.choice(['report', 'email', 'review'])}",
            "status": rng.choice(["pending"] * 8 + ["completed", "deleted"]),
            "entry": f"2026{rng.randint(1, 11):02d}{rng.randint(1, 28):02d}T090000Z",
            "project": rng.choice(["work", "home", "ops.infra", "thesis"]),
            "tags": rng.sample(["deep", "phone", "errand", "writing", "admin"], 2),
            "priority": rng.choice(["H", "M", "L", ""]),
        }
        if item["status"] != "pending":
            item["end"] = "20261120T170000Z"
        if rng.random() < 0.4:
            item["due"] = f"202612{rng.randint(1, 28):02d}T170000Z"
        if index and rng.random() < 0.2:
            item["depends"] = [uuids[rng.randrange(index)]]
        if rng.random() < 0.2:
            item["annotations"] = [{"entry": "20261121T100000Z", "description": "a note"}]
        items.append(item)
    return json.dumps(items).encode()


def best_of(runs: int, action: object) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def measure(size: int, runs: int) -> tuple[float, float, float, float]:
    """Seconds for: a first import, the same again, the backup, its restore."""
    data = taskwarrior_export(size)
    with tempfile.TemporaryDirectory() as folder:
        counter = iter(range(10**6))

        def fresh() -> DataSource:
            return DataSource(str(Path(folder) / f"db{next(counter)}.sqlite3"))

        first = best_of(runs, lambda: import_file(fresh(), data, "taskwarrior", now=NOW))
        source = fresh()
        import_file(source, data, "taskwarrior", now=NOW)
        again = best_of(runs, lambda: import_file(source, data, "taskwarrior", now=NOW))
        backup: list[str] = []
        export = best_of(runs, lambda: backup.append(export_backup(source)))
        restore = best_of(runs, lambda: import_file(fresh(), backup[-1].encode(), "json", now=NOW))
    return first, again, export, restore


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'tasks':>7} {'first':>9} {'again':>9} {'export':>9} {'restore':>9}")
    for size in args.sizes:
        figures = measure(size, args.runs)
        print(f"{size:>7} " + " ".join(f"{seconds:>8.2f}s" for seconds in figures))


if __name__ == "__main__":
    main()
