"""Importing the same file twice changes nothing, in every format (CLI.md `import`).

Each file goes through the real CLI into a real database; the second import must leave
every row of every table as the first left it, and say that nothing was added."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.cli_runner import Focusplan
from tests.integration.test_backup_restore import dump

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

FILES = {
    "taskwarrior": "taskwarrior_export.json",
    "taskwarrior-epoch": "taskwarrior_epoch_import.json",
    "taskwarrior-one-task": "taskwarrior_single_task.json",
    "todotxt": "todo.txt",
    "ics": "calendar.ics",
    "ics-outlook": "outlook_exchange.ics",
    "ics-google": "google_calendar.ics",
    "ics-apple": "apple_calendar.ics",
    "energy-csv": "energy.csv",
    "json": "backup_minimal.json",
}


@pytest.mark.parametrize("name", list(FILES))
def test_a_second_import_of_the_same_file_changes_nothing(
    name: str, db_path: Path, frozen_now: object
) -> None:
    fp = Focusplan(db_path)
    path = str(FIXTURES / FILES[name])
    first = fp.ok("import", path, "--json").json()
    assert first["tasks"] + first["energy"] + first["events"] > 0
    once = dump(db_path, keep_ids=True)
    second = fp.ok("import", path, "--json").json()
    assert dump(db_path, keep_ids=True) == once
    added = {key: second[key] for key in ("tasks", "updated", "energy", "events", "days")}
    assert set(added.values()) == {0}, added
    assert second["unchanged"] > 0


HANDWRITTEN = {
    # Files people write by hand, without the identities programs add.
    "backup without ids or times": (
        "json",
        {"tasks": [{"title": "Call mum"}, {"title": "Call mum"}], "energy": []},
    ),
    "taskwarrior without uuids": (
        "taskwarrior",
        [{"description": "Fix the bike"}, {"description": "Fix the bike", "project": "home"}],
    ),
    "the same energy log twice": (
        "json",
        {
            "energy": [
                {"at": "2026-11-20T09:00", "level": 3},
                {"at": "2026-11-20T09:00", "level": 3},
            ]
        },
    ),
    "events without uid": (
        "json",
        {"events": [{"start": "2026-11-24T10:00", "end": "2026-11-24T11:00", "title": "Dentist"}]},
    ),
}


@pytest.mark.parametrize("case", list(HANDWRITTEN))
def test_hand_written_files_are_idempotent_too(
    case: str, db_path: Path, tmp_path: Path, frozen_now: object
) -> None:
    fmt, document = HANDWRITTEN[case]
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document))
    fp = Focusplan(db_path)
    fp.ok("import", str(path), "--format", fmt)
    once = dump(db_path, keep_ids=True)
    fp.ok("import", str(path), "--format", fmt)
    assert dump(db_path, keep_ids=True) == once
    # Repeats inside one file are kept: two calls to make are two tasks.
    tasks = fp.ok("list", "--all", "--json").json()
    expected = document.get("tasks", []) if isinstance(document, dict) else document
    assert len(tasks) == len(expected)


def test_a_todo_line_marked_done_later_updates_the_same_task(
    db_path: Path, tmp_path: Path, frozen_now: object
) -> None:
    fp = Focusplan(db_path)
    todo = tmp_path / "todo.txt"
    todo.write_text("(A) 2026-11-20 Call the bank +finance\n")
    fp.ok("import", str(todo))
    todo.write_text("x 2026-11-22 2026-11-20 Call the bank +finance\n")
    summary = fp.ok("import", str(todo), "--json").json()
    assert (summary["tasks"], summary["updated"]) == (0, 1)
    (task,) = fp.ok("list", "--all", "--json").json()
    assert task["status"] == "done"
