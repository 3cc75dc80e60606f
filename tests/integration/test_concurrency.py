"""Four CLI writers and the app on one database: nothing lost, nobody told "database is locked".

Four threads each run real `focusplan` processes one after another (adding tasks and
logging energy) while the Textual app, driven by Pilot in this process, adds tasks and
logs energy through its own keys and reloads on other processes' commits. The file
starts absent, so the first opens also race each other's migration.

Every process must exit 0 with an empty stderr; the app must never show an error; at the
end every acknowledged write is in the file exactly once and the app's board shows them.
FOCUSPLAN_CONCURRENCY_TASKS sets how many tasks each writer adds (bench/soak.py raises it).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from focusplan.services.source import DataSource
from tests.tui.helpers import SIZE, RecordingApp, settle

WRITERS = 4
TASKS_PER_WRITER = int(os.environ.get("FOCUSPLAN_CONCURRENCY_TASKS", "3"))
APP_ROUNDS_MAX = 200


@dataclass(frozen=True)
class Write:
    kind: str
    marker: str
    code: int
    out: str
    err: str


def writer(db: Path, number: int) -> list[Write]:
    """One person's shell loop: add a task, and log energy every other time."""
    writes = []
    for index in range(TASKS_PER_WRITER):
        commands = [("add", f"w{number} task {index}")]
        if index % 2 == 0:
            commands.append(("energy", f"w{number} energy {index}"))
        for kind, marker in commands:
            args = ["add", marker, "--json"] if kind == "add" else ["energy", "3", "--note", marker]
            done = subprocess.run(
                [sys.executable, "-m", "focusplan", "--db", str(db), *args],
                capture_output=True,
                text=True,
                timeout=120,
                stdin=subprocess.DEVNULL,
                check=False,
            )
            writes.append(Write(kind, marker, done.returncode, done.stdout, done.stderr))
    return writes


class WatchfulApp(RecordingApp):
    """Remembers the severity of everything it told the person."""

    def __init__(self, source: DataSource) -> None:
        super().__init__(source)
        self.errors: list[str] = []

    def notify(self, message: str, **options: Any) -> None:
        if options.get("severity") == "error":
            self.errors.append(f"{options.get('title', '')}: {message}")
        super().notify(message, **options)


async def test_four_cli_writers_and_the_app_lose_nothing_and_never_lock(
    tmp_path: Path,
) -> None:
    db = tmp_path / "shared.sqlite3"
    source = DataSource(str(db))
    app = WatchfulApp(source)
    app_titles: list[str] = []
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        futures: list[Future[list[Write]]] = [
            pool.submit(writer, db, number) for number in range(WRITERS)
        ]
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            # The app keeps working for as long as the writers do (and at least once).
            rounds = 0
            while rounds == 0 or (not all(f.done() for f in futures) and rounds < APP_ROUNDS_MAX):
                title = f"app task {rounds}"
                await pilot.press("a", *title, "enter")
                await settle(pilot)
                app_titles.append(title)
                await pilot.press("L", str(1 + rounds % 5))
                await settle(pilot)
                app.poll_changes()
                await settle(pilot)
                rounds += 1
            writes = [write for future in futures for write in future.result()]
            app.poll_changes()
            await settle(pilot)
            board = app.board
            assert board is not None
            board_titles = {task.title for task in board.tasks}
    if "database" in source.__dict__:
        source.database.close()

    failed = [write for write in writes if write.code != 0 or write.err]
    assert failed == [], failed
    assert app.errors == []

    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tasks = dict(connection.execute("SELECT id, title FROM tasks").fetchall())
        notes = [row[0] for row in connection.execute("SELECT note FROM energy_logs")]
        energy_count = connection.execute("SELECT count(*) FROM energy_logs").fetchone()[0]
        revisions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    finally:
        connection.close()

    assert len(revisions) == 1, "the racing first opens migrated twice"
    titles = list(tasks.values())
    assert len(titles) == len(set(titles)), "a write was applied twice"
    for write in writes:
        if write.kind == "add":
            import json

            assert tasks[json.loads(write.out)["id"]] == write.marker
        else:
            assert notes.count(write.marker) == 1, write
    assert set(app_titles) <= set(titles), "a task added in the app is missing"
    writer_energy = sum(write.kind == "energy" for write in writes)
    assert energy_count == writer_energy + len(app_titles), "an energy log is missing"
    # The app saw every other process's commits too.
    assert {write.marker for write in writes if write.kind == "add"} <= board_titles


@pytest.mark.parametrize("command", [("list", "--json"), ("add", "first"), ("rank", "--json")])
def test_four_processes_opening_a_fresh_file_at_once_all_succeed(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    db = tmp_path / "fresh.sqlite3"
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "focusplan", "--db", str(db), *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        for _ in range(WRITERS)
    ]
    results = [(p.communicate(timeout=120), p.returncode) for p in processes]
    for (_out, err), code in results:
        assert (code, err) == (0, b""), err.decode()
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("SELECT count(*) FROM weight_versions").fetchone() == (1,)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        connection.close()
    # Nobody took a "copy before migrating" of a database that had nothing in it.
    assert [path.name for path in tmp_path.glob("*.bak")] == []
