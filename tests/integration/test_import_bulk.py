"""A large import writes through the SQLite driver with the change counter's insert
trigger set aside: the rows, the counter and the triggers end as per-row writes leave them."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from focusplan.services.exchange import import_file
from focusplan.services.source import DataSource
from focusplan.store.repositories import tasks as task_repository

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def export(count: int) -> bytes:
    items: list[dict[str, Any]] = []
    for number in range(count):
        item: dict[str, Any] = {
            "uuid": f"00000000-0000-4000-8000-{number:012d}",
            "description": f"task {number}",
            "status": "pending" if number % 7 else "completed",
            "entry": "20261101T090000Z",
            "tags": ["deep", "phone"][: number % 3],
        }
        if item["status"] == "completed":
            item["end"] = "20261120T170000Z"
        if number % 3 == 0:
            item["due"] = "20261201T170000Z"
        if number and number % 5 == 0:
            item["depends"] = [items[number - 1]["uuid"]]
        items.append(item)
    return json.dumps(items).encode()


def dump(path: Path) -> tuple[Any, ...]:
    with sqlite3.connect(path) as connection:
        return (
            connection.execute("SELECT * FROM tasks ORDER BY id").fetchall(),
            connection.execute("SELECT * FROM task_tags ORDER BY task_id, position").fetchall(),
            connection.execute(
                "SELECT * FROM task_dependencies ORDER BY task_id, depends_on_id"
            ).fetchall(),
            connection.execute("SELECT value FROM change_counter").fetchall(),
            connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            ).fetchall(),
        )


def test_a_bulk_import_ends_as_per_row_inserts_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = export(1_500)
    bulk = tmp_path / "bulk.sqlite3"
    import_file(DataSource(str(bulk)), data, "taskwarrior", now=NOW)
    monkeypatch.setattr(task_repository, "_BULK_ROWS", 10**9)  # every row fires its trigger
    per_row = tmp_path / "per-row.sqlite3"
    import_file(DataSource(str(per_row)), data, "taskwarrior", now=NOW)
    assert dump(bulk) == dump(per_row)
    tasks, tags, deps, counter, triggers = dump(bulk)
    assert len(tasks) == 1_500 and tags and deps
    assert any(name == "trg_tasks_insert_counts" for name, _ in triggers)
    # A write after the import still raises the counter through the trigger.
    with sqlite3.connect(bulk) as connection:
        connection.execute("UPDATE tasks SET title = 'renamed' WHERE id = 1")
        assert connection.execute("SELECT value FROM change_counter").fetchone()[0] == (
            counter[0][0] + 1
        )
