"""Imports through the real command line: all or nothing, and idempotent re-imports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.integration.cli_runner import Focusplan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


pytestmark = pytest.mark.both_backends


@pytest.fixture
def fp(db_location: str, frozen_now: dt.datetime) -> Focusplan:
    return Focusplan(db_location)


def tasks_by_title(fp: Focusplan) -> dict[str, dict]:  # type: ignore[type-arg]
    return {task["title"]: task for task in fp.ok("list", "--all", "--json").json()}


def test_reimporting_a_taskwarrior_export_updates_instead_of_duplicating(
    fp: Focusplan, tmp_path: Path
) -> None:
    export = json.loads((FIXTURES / "taskwarrior_export.json").read_text())
    fp.ok("import", str(FIXTURES / "taskwarrior_export.json"))
    first = tasks_by_title(fp)

    export[0]["description"] = "Renamed in Taskwarrior"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(export))
    summary = fp.ok("import", str(changed), "--format", "taskwarrior", "--json").json()

    second = tasks_by_title(fp)
    assert len(second) == len(first)
    # Only the task that changed is written; the others are counted as already there.
    assert summary["tasks"] == 0 and summary["updated"] == 1
    assert summary["unchanged"] == len(first) - 1
    assert "Renamed in Taskwarrior" in second
    # Dependencies still point at the same stored tasks after the update.
    assert sorted(t["depends_on"] for t in second.values()) == sorted(
        t["depends_on"] for t in first.values()
    )


def test_imported_dependencies_point_at_the_imported_tasks(fp: Focusplan, tmp_path: Path) -> None:
    fp.ok("add", "Already here")
    backup = {
        "tasks": [
            {"id": 10, "title": "Later step", "depends_on": [11]},
            {"id": 11, "title": "First step"},
        ]
    }
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(backup))
    fp.ok("import", str(path))
    tasks = tasks_by_title(fp)
    assert tasks["Later step"]["depends_on"] == [tasks["First step"]["id"]]
    # New ids continue after the ones already used.
    assert min(tasks["Later step"]["id"], tasks["First step"]["id"]) > tasks["Already here"]["id"]
    assert fp.ok("add", "After the import").out.strip() == str(
        max(t["id"] for t in tasks.values()) + 1
    )


def test_an_import_with_one_bad_item_stores_nothing(fp: Focusplan, tmp_path: Path) -> None:
    fp.ok("add", "Keep")
    before = fp.ok("list", "--all", "--json").out
    lines = "(A) Good task +work\nx 2026-13-45 impossible completion date\n"
    path = tmp_path / "todo.txt"
    path.write_text(lines)
    outcome = fp("import", str(path), "--format", "todotxt")
    assert outcome.code == 2 and outcome.err.startswith("error: ")
    assert fp.ok("list", "--all", "--json").out == before


def test_reimporting_a_calendar_updates_events_by_uid(fp: Focusplan, db_location: str) -> None:
    calendar = str(FIXTURES / "calendar.ics")
    fp.ok("import", calendar)
    from focusplan.store import open_database

    def events() -> list[tuple[str, str]]:
        with open_database(db_location).unit_of_work() as uow:
            found = uow.events.between(
                dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
            )
        return sorted((e.uid or "", e.start.isoformat()) for e in found)

    first = events()
    assert first
    fp.ok("import", calendar)
    assert events() == first
