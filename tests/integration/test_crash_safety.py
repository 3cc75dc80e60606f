"""SIGKILL at random moments never corrupts the database nor loses an acknowledged write.

Real `focusplan` processes write to one file, a few at a time, and are killed with
SIGKILL after seeded random delays (so some die while importing, some inside the write
transaction, some between commit and printing the id). Correctness never depends on
when a kill lands: afterwards SQLite's integrity check passes and every write that was
acknowledged (exit 0 with its id or line printed) is in the file, exactly once. Writes
that were killed may or may not be there, but never half.

The number of processes comes from FOCUSPLAN_CRASH_PROCESSES (bench/soak.py raises it).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from focusplan.store.schema_version import known_revisions
from tests.fixtures.databases.make_fixtures import (
    CANONICAL,
    build_at_revision,
    earlier_revisions,
    logical_dump,
    rows_lost,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

PROCESSES = int(os.environ.get("FOCUSPLAN_CRASH_PROCESSES", "32"))
MIGRATION_KILLS = int(os.environ.get("FOCUSPLAN_CRASH_MIGRATION_KILLS", "6"))
AT_ONCE = 3
SEED = 20261123


def focusplan(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "focusplan", "--db", str(db), *args]


@dataclass(frozen=True)
class Attempt:
    kind: str  # "add" or "energy"
    marker: str  # the title or note that identifies this write
    code: int
    out: str
    err: str
    killed: bool

    @property
    def acknowledged(self) -> bool:
        return self.code == 0 and not self.killed


def run_until(argv: list[str], delay: float | None) -> tuple[int, str, str, bool]:
    """Run `argv`; SIGKILL it if it is still running after `delay` seconds."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = process.communicate(timeout=delay)
        killed = False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        out, err = process.communicate()
        killed = True
    return process.returncode, out.decode(), err.decode(), killed


def calibrate(db: Path) -> float:
    """Seconds one `add` takes here with AT_ONCE running together (unkilled; they create the file)."""
    code, _, err, _ = run_until(focusplan(db, "add", "calibration 0"), None)
    assert code == 0, err

    def timed(number: int) -> float:
        started = time.perf_counter()
        code, _, err, _ = run_until(focusplan(db, "add", f"calibration {number}"), None)
        assert code == 0, err
        return time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        return statistics.median(pool.map(timed, range(1, AT_ONCE + 1)))


def integrity_problems(db: Path) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    return [p for p in problems if p != "ok"] + [f"foreign key: {row}" for row in broken]


def test_killed_writers_leave_an_intact_database_with_every_acknowledged_write(
    tmp_path: Path,
) -> None:
    db = tmp_path / "crash.sqlite3"
    took = calibrate(db)
    rng = random.Random(SEED)
    jobs = []
    for number in range(PROCESSES):
        # Every fourth writer is left alone, so acknowledged writes happen alongside the kills
        # whatever the machine's speed. Of the others, half die anywhere in the run, half
        # around the end where the write transaction is (imports dominate a cold process).
        delay: float | None
        if number % 4 == 0:
            delay = None
        elif rng.random() < 0.5:
            delay = rng.uniform(0.0, 1.3 * took)
        else:
            delay = rng.uniform(0.8 * took, 1.1 * took)
        if rng.random() < 0.75:
            marker = f"crash task {number} — é"
            argv = focusplan(db, "add", marker, "--project", "crash", "--tag", f"t{number % 4}")
            jobs.append(("add", marker, argv, delay))
        else:
            marker = f"crash energy {number}"
            argv = focusplan(db, "energy", str(1 + number % 5), "--note", marker)
            jobs.append(("energy", marker, argv, delay))

    def attempt(job: tuple[str, str, list[str], float | None]) -> Attempt:
        kind, marker, argv, delay = job
        return Attempt(kind, marker, *run_until(argv, delay))

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        attempts = list(pool.map(attempt, jobs))

    for each in attempts:
        if not each.killed:
            # A process that was not killed must have succeeded: no "database is locked".
            assert (each.code, each.err) == (0, ""), each
    assert integrity_problems(db) == []

    connection = sqlite3.connect(db)
    try:
        titles = dict(connection.execute("SELECT id, title FROM tasks").fetchall())
        tags = connection.execute("SELECT task_id, tag FROM task_tags").fetchall()
        notes = [row[0] for row in connection.execute("SELECT note FROM energy_logs")]
    finally:
        connection.close()
    sent = {each.marker for each in attempts}
    crash_titles = [title for title in titles.values() if not title.startswith("calibration")]
    assert len(crash_titles) == len(set(crash_titles)), "a write was applied twice"
    assert len(notes) == len(set(notes)), "an energy log was applied twice"
    assert set(crash_titles) <= sent
    assert set(notes) <= sent
    # A task that exists has all of itself: its tag row came in the same transaction.
    tagged = {task_id for task_id, _ in tags}
    assert {i for i, title in titles.items() if title.startswith("crash")} == tagged

    for each in attempts:
        if each.acknowledged and each.kind == "add":
            assert titles.get(int(each.out.strip())) == each.marker, each
        elif each.acknowledged:
            assert notes.count(each.marker) == 1, each

    kills = sum(each.killed for each in attempts)
    acknowledged = sum(each.acknowledged for each in attempts)
    # Not correctness, but proof the test did what it says (kills happen with near certainty).
    assert kills > 0, (kills, acknowledged)
    assert acknowledged >= PROCESSES // 4, (kills, acknowledged)

    listed = subprocess.run(
        focusplan(db, "list", "--all", "--json"), capture_output=True, text=True, check=False
    )
    assert (listed.returncode, listed.stderr) == (0, ""), listed.stderr


@pytest.mark.parametrize("revision", earlier_revisions())
def test_a_migration_killed_at_any_moment_leaves_the_old_or_the_new_schema_with_all_data(
    tmp_path: Path, revision: str
) -> None:
    head = known_revisions().head
    template = build_at_revision(tmp_path / "template.sqlite3", revision)
    before = logical_dump(template)
    copies = []
    # From the oldest revision the upgrade runs every step, so its kills land in all of
    # them; a later starting point needs only a couple to check its own start.
    kills = MIGRATION_KILLS if revision == earlier_revisions()[0] else min(2, MIGRATION_KILLS)
    for number in range(kills + 1):
        copy = tmp_path / f"copy{number}" / "focusplan.sqlite3"
        copy.parent.mkdir()
        shutil.copyfile(template, copy)
        copies.append(copy)

    started = time.perf_counter()
    code, _, err, _ = run_until(focusplan(copies[0], "list", "--json"), None)
    took = time.perf_counter() - started
    assert code == 0, err
    rng = random.Random(SEED + 1)
    jobs = [(copy, rng.uniform(0.3, 1.1) * took) for copy in copies[1:]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: run_until(focusplan(job[0], "list", "--json"), job[1]), jobs))

    for copy in copies:
        assert integrity_problems(copy) == [], copy
        interrupted = logical_dump(copy)
        (stored,) = interrupted["alembic_version"]
        assert stored["version_num"] in (revision, head), copy
        if stored["version_num"] == revision:
            assert interrupted == before, f"{copy}: half-migrated"
        assert rows_lost(before, interrupted) == [], copy
        # A copy taken aside before migrating is the whole old database, or it is not there:
        # a half-written copy under the name a person would restore from is a trap.
        for aside in copy.parent.glob("*.bak"):
            assert logical_dump(aside) == before, f"{aside.name} is not a complete copy"
        # Whatever the kill interrupted, the next open finishes the job with nothing lost.
        code, _, err, _ = run_until(focusplan(copy, "list", "--all", "--json"), None)
        assert (code, err) == (0, ""), err
        after = logical_dump(copy)
        assert after["alembic_version"] == [{"version_num": head}]
        assert rows_lost(before, after) == [], copy
        assert len(after["tasks"]) == len(CANONICAL["tasks"])


def test_an_export_that_fails_halfway_leaves_the_previous_file_whole(
    tmp_path: Path, frozen_now: object
) -> None:
    # `export json -o backup.json` over last week's backup, on a full disk: the new backup
    # cannot be written, and last week's must still be there, not truncated. The "full
    # disk" is RLIMIT_FSIZE in the child (Python ignores SIGXFSZ, so writes fail with EFBIG).
    import json
    import resource

    from tests.integration.cli_runner import Focusplan

    db = tmp_path / "focusplan.sqlite3"
    backup = tmp_path / "backup.json"
    fp = Focusplan(db)
    fp.ok("add", "Last week's task")
    fp.ok("export", "json", "-o", str(backup))
    last_week = backup.read_bytes()
    for number in range(6):
        fp.ok("add", f"Long task {number}", "--notes", "n" * 19_000)
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    limit = 100_000
    assert len(last_week) < limit < db.stat().st_size * 10

    def full_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        focusplan(db, "export", "json", "-o", str(backup)),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=full_disk,
        check=False,
    )
    # A full disk is the environment failing, not invalid input (CLI.md): exit 1.
    assert done.returncode == 1, f"{done.stderr} ({backup.stat().st_size} bytes on disk)"
    assert done.stderr.startswith("error: ")
    assert len(done.stderr.splitlines()) == 1
    assert backup.read_bytes() == last_week, "the previous backup was destroyed"
    json.loads(backup.read_bytes())
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith("backup")] == [
        "backup.json"
    ], "a half-written temporary file was left behind"
