"""The full backup through the real command line: `export json` then `import` into a fresh
database gives back every table, and the same `review --json`, `weights history`,
`list --all --json`; importing it again changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from focusplan.exchange.json_backup import BACKUP_SECTIONS, NOT_BACKED_UP
from focusplan.store.records import Base
from tests.conftest import FROZEN_NOW, ZONE
from tests.integration.cli_runner import Focusplan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Ids nothing outside their own table shows or refers to: a restore may number them anew.
SURROGATE = {
    "energy_logs": {"id"},
    "context_events": {"id"},
    "focus_sessions": {"id"},
    "choices": {"id"},
    "plans": {"id"},
    "plan_blocks": {"id"},
}
# The demo's first week, one in the middle and the current one (with the suggestion the
# fixture accepted): each review fits the learning, a few seconds apiece on CI.
WEEKS = ("2026-10-19", "2026-11-09", "2026-11-23")


def tables_of(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return sorted(name for (name,) in rows)


def dump(path: Path, *, keep_ids: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (by content, surrogate ids left out unless `keep_ids`);
    a block names its plan by date, not by the plan's row id."""
    connection = sqlite3.connect(path)
    try:
        plan_dates = dict(connection.execute("SELECT id, date FROM plans"))
        tables: dict[str, list[tuple[Any, ...]]] = {}
        for table in tables_of(path):
            if table in NOT_BACKED_UP:
                continue
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            names = [column[0] for column in cursor.description]
            skip = set() if keep_ids else SURROGATE.get(table, set())
            rows = []
            for row in cursor:
                values = dict(zip(names, row, strict=True))
                if table == "plan_blocks" and not keep_ids:
                    values["plan_id"] = plan_dates[values["plan_id"]]
                rows.append(tuple((k, v) for k, v in values.items() if k not in skip))
            tables[table] = sorted(rows, key=repr)
        return tables
    finally:
        connection.close()


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """Five demo weeks plus every kind of record the CLI can make, and its backup."""
    from focusplan import clock
    from focusplan.demo import build_demo
    from focusplan.services.source import DataSource

    folder = tmp_path_factory.mktemp("backup")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOCUSPLAN_TZ", ZONE)
        patch.setenv("FOCUSPLAN_NOW", FROZEN_NOW)
        patch.setenv("FOCUSPLAN_CONFIG", str(folder / "no-config.toml"))
        patch.setenv("HOME", str(folder))
        clock._zone_from.cache_clear()
        db = folder / "original.sqlite3"
        source = DataSource(str(db))
        build_demo(source, now=clock.now())
        source.database.close()
        fp = Focusplan(db)
        fp.ok("import", str(FIXTURES / "taskwarrior_export.json"))
        history = folder / "history.json"
        history.write_text(
            json.dumps(
                {
                    "energy": [{"at": "1965-03-01T09:00:00+01:00", "level": 2, "note": "old"}],
                    "events": [
                        {"start": "1965-03-01T10:00", "end": "1965-03-01T11:00", "title": "1965"}
                    ],
                }
            )
        )
        fp.ok("import", str(history))
        new = fp.ok("add", "Write the backup test", "--not-before", "today", "--json").json()
        fp.ok("edit", str(new["id"]), "--importance", "5")
        gone = fp.ok("add", "A task deleted later", "--json").json()["id"]
        fp.ok("drop", str(gone))
        fp.ok("done", str(new["id"]), "--minutes", "25")
        fp.ok("energy", "4", "--note", "after lunch")
        # A live calendar, read once; one that has gone missing records its problem.
        fp.ok("source", "add", "ics", str(FIXTURES / "calendar.ics"))
        vanishing = folder / "vanishing.ics"
        vanishing.write_bytes((FIXTURES / "calendar.ics").read_bytes())
        fp.ok("source", "add", "ics", str(vanishing))
        vanishing.unlink()
        fp.ok("list")
        # A series, with its until, and one instance done so the next one exists.
        weekly = fp.ok(
            "add",
            "Water the plants",
            "--recur",
            "weekly",
            "--due",
            "2026-11-16 09:00",
            "--until",
            "2027-06-30",
            "--json",
        ).json()["id"]
        fp.ok("done", str(weekly))
        for day in ("2026-11-19", "2026-11-20", "2026-11-23"):
            fp.ok("plan", "--date", day)
        fp.ok("review", "--week-of", "2026-11-23", "--apply")
        first_open = fp.ok("list", "--json").json()[0]["id"]
        fp.ok("focus", "start", str(first_open))
        backup = folder / "backup.json"
        fp.ok("export", "json", "-o", str(backup))
        yield db, backup
    clock._zone_from.cache_clear()


def restore(backup: Path, target: Path) -> Focusplan:
    fp = Focusplan(target)
    fp.ok("import", str(backup))
    return fp


def test_every_table_of_the_schema_has_a_backup_section(db_path: Path) -> None:
    from focusplan.store import open_database

    open_database(db_path).close()
    covered = set(BACKUP_SECTIONS) | set(NOT_BACKED_UP)
    assert set(tables_of(db_path)) <= covered, "a table without a backup section"
    assert set(Base.metadata.tables) <= covered


def test_the_fixture_fills_every_column_of_every_table(original: tuple[Path, Path]) -> None:
    # A new table or column the fixture leaves empty would pass the round trip untested.
    db, _ = original
    connection = sqlite3.connect(db)
    try:
        for table in tables_of(db):
            if table in NOT_BACKED_UP:
                continue
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
            assert rows, f"the fixture has no row in {table}"
            for index, name in enumerate(names):
                assert any(row[index] is not None for row in rows), f"{table}.{name} is never set"
    finally:
        connection.close()


def test_a_restore_into_a_fresh_database_gives_back_every_row(
    original: tuple[Path, Path], tmp_path: Path, frozen_now: object
) -> None:
    db, backup = original
    restored = tmp_path / "restored.sqlite3"
    restore(backup, restored)
    before, after = dump(db), dump(restored)
    for table in before:
        assert after[table] == before[table], f"{table} differs after the restore"


def test_a_restore_reads_back_the_same_through_the_cli(
    original: tuple[Path, Path], tmp_path: Path, frozen_now: object
) -> None:
    db, backup = original
    restored = tmp_path / "restored.sqlite3"
    restore(backup, restored)
    old, new = Focusplan(db), Focusplan(restored)
    for args in (("list", "--all", "--json"), ("weights", "history", "--json")):
        assert new.ok(*args).out == old.ok(*args).out, args
    for week in WEEKS:
        review = ("review", "--week-of", week, "--json")
        assert new.ok(*review).json() == old.ok(*review).json(), week


def test_importing_the_backup_twice_changes_nothing(
    original: tuple[Path, Path], tmp_path: Path, frozen_now: object
) -> None:
    _, backup = original
    restored = tmp_path / "restored.sqlite3"
    fp = restore(backup, restored)
    first = dump(restored, keep_ids=True)
    summary = fp.ok("import", str(backup), "--json").json()
    assert dump(restored, keep_ids=True) == first
    assert summary["tasks"] == summary["updated"] == summary["energy"] == 0
    assert summary["unchanged"] > 0


def test_importing_a_backup_into_its_own_database_changes_nothing(
    original: tuple[Path, Path], tmp_path: Path, frozen_now: object
) -> None:
    db, backup = original
    copy = tmp_path / "copy.sqlite3"
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # the WAL's pages too, which a byte copy of the file misses
    before = dump(copy, keep_ids=True)
    Focusplan(copy).ok("import", str(backup))
    assert dump(copy, keep_ids=True) == before


def test_a_backup_into_a_database_with_its_own_tasks_renumbers_and_stays_idempotent(
    original: tuple[Path, Path], tmp_path: Path, frozen_now: object
) -> None:
    _, backup = original
    target = tmp_path / "busy.sqlite3"
    fp = Focusplan(target)
    mine = fp.ok("add", "My own task", "--json").json()["id"]
    fp.ok("import", str(backup))
    titles = [task["title"] for task in fp.ok("list", "--all", "--json").json()]
    expected = [task["title"] for task in json.loads(backup.read_text())["tasks"]]
    assert sorted(titles) == sorted([*expected, "My own task"])
    assert fp.ok("list", "--all", "--json").json()[0]["id"] == mine
    once = dump(target, keep_ids=True)
    fp.ok("import", str(backup))
    assert dump(target, keep_ids=True) == once


def test_a_backup_of_a_hundred_thousand_tasks_is_within_the_import_limit(
    tmp_path: Path, frozen_now: dt.datetime
) -> None:
    # A backup that cannot be imported again is no backup: judged from tasks with every
    # field a Taskwarrior user fills, the size of 100,000 is estimated from 300.
    from focusplan.exchange import MAX_IMPORT_BYTES

    tasks = [
        {
            "uuid": f"00000000-0000-4000-8000-{k:012d}",
            "description": f"Review the quarterly supplier contract draft number {k}",
            "status": "pending",
            "entry": "20261101T090000Z",
            "due": "20261215T170000Z",
            "scheduled": "20261201T080000Z",
            "project": "operations.contracts",
            "tags": ["admin", "review", "legal"],
            "priority": "H",
            **({"depends": f"00000000-0000-4000-8000-{k - 1:012d}"} if k else {}),
        }
        for k in range(300)
    ]
    export = tmp_path / "tasks.json"
    export.write_text(json.dumps(tasks))
    fp = Focusplan(tmp_path / "db.sqlite3")
    fp.ok("import", str(export), "--format", "taskwarrior")
    backup = tmp_path / "backup.json"
    fp.ok("export", "json", "-o", str(backup))
    assert backup.stat().st_size / 300 * 100_000 * 1.5 < MAX_IMPORT_BYTES
