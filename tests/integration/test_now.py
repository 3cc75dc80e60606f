"""`focusplan now`: the contract shape, and the quick path's cache, correct by construction."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from focusplan.launcher import _quick
from focusplan.services import now_cache
from focusplan.store.change_counter import OPERATIONS, counted_tables, trigger_name
from tests.integration.cli_runner import Focusplan
from tests.integration.conftest import REPOSITORY

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:{uid}
DTSTART:{start}
DTEND:{end}
SUMMARY:{title}
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def fp(db_path: Path, frozen_now: dt.datetime) -> Focusplan:
    focusplan = Focusplan(db_path)
    focusplan.ok("add", "Draft chapter", "--importance", "5", "--demand", "high")
    focusplan.ok("add", "Reply to Anna", "--estimate", "10m")
    return focusplan


def quick(fp: Focusplan, *args: str) -> str | None:
    return _quick(["--db", str(fp.db), "now", *args])


def test_now_json_has_the_contract_keys(fp: Focusplan) -> None:
    status = fp.ok("now", "--json").json()
    assert set(status) >= {"at", "energy", "focus", "next", "block"}
    assert set(status["energy"]) >= {"level", "source"}
    assert status["focus"] is None
    assert set(status["next"]) >= {"id", "title", "score"}
    assert status["next"]["id"] == fp.ok("rank", "--json").json()[0]["id"]
    assert status["at"] == "2026-11-23T10:00:00+01:00"


def test_a_running_session_shows_its_minutes_left(fp: Focusplan) -> None:
    fp.ok("focus", "start", "2", "--at", "2026-11-23T09:40")
    status = fp.ok("now", "--json").json()
    assert status["focus"] == {
        "task_id": 2,
        "title": "Reply to Anna",
        "start": "2026-11-23T09:40:00+01:00",
        "minutes_left": 30,  # 50-minute focus blocks by default, 20 minutes in
    }
    assert fp.ok("now").out.strip().startswith("focus: Reply to Anna · 30m left")


def test_the_current_plan_block_is_shown(fp: Focusplan) -> None:
    plan = fp.ok("plan", "--json").json()
    current = next(
        b for b in plan["blocks"] if b["start"] <= "2026-11-23T10:00:00+01:00" < b["end"]
    )
    block = fp.ok("now", "--json").json()["block"]
    assert block == {key: current[key] for key in ("start", "end", "kind", "title")}


def test_format_placeholders_and_a_bad_one(fp: Focusplan) -> None:
    out = fp.ok("now", "--format", "{phase}|{task}|{energy_source}").out.strip()
    assert out == f"idle|{fp.ok('rank', '--json').json()[0]['title']}|predicted"
    bad = fp("now", "--format", "{nope}")
    assert bad.code == 2 and bad.err.startswith("error: unknown placeholder {nope}")


def test_the_quick_path_answers_exactly_what_the_full_path_printed(fp: Focusplan) -> None:
    for args in ((), ("--json",), ("--format", "{task} {block} {minutes_left}")):
        full = fp.ok("now", *args).out.rstrip("\n")
        assert quick(fp, *args) == full


def test_the_quick_path_answers_the_next_minutes_from_the_frames(
    fp: Focusplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    fp.ok("focus", "start", "1", "--at", "2026-11-23T09:30")
    fp.ok("now")
    monkeypatch.setenv("FOCUSPLAN_NOW", "2026-11-23T10:17:30+01:00")
    quick_answer = quick(fp, "--json")
    assert quick_answer is not None
    assert json.loads(quick_answer) == fp.ok("now", "--json").json()
    assert json.loads(quick_answer)["focus"]["minutes_left"] == 3
    # The full run at 10:17 wrote frames up to 10:46; beyond them the full path answers.
    monkeypatch.setenv("FOCUSPLAN_NOW", "2026-11-23T10:46:59+01:00")
    assert quick(fp) is not None
    monkeypatch.setenv("FOCUSPLAN_NOW", "2026-11-23T10:47:00+01:00")
    assert quick(fp) is None


WRITES = [
    ("add", "Another"),
    ("edit", "1", "--importance", "2"),
    ("done", "2"),
    ("drop", "2"),
    ("energy", "5"),
    ("focus", "start", "1"),
    ("weights", "rollback", "1"),
]


@pytest.mark.parametrize("write", WRITES, ids=lambda w: " ".join(w))
def test_every_kind_of_write_makes_the_cache_stale(fp: Focusplan, write: tuple[str, ...]) -> None:
    fp.ok("now")
    assert quick(fp) is not None
    fp.ok(*write)
    assert quick(fp) is None


def test_an_import_makes_the_cache_stale(fp: Focusplan, tmp_path: Path) -> None:
    fp.ok("now")
    sleep = tmp_path / "sleep.csv"
    sleep.write_text("start,end\n2026-11-22T23:00+01:00,2026-11-23T05:00+01:00\n")
    fp.ok("import", str(sleep))
    assert quick(fp) is None


def test_every_table_has_the_triggers_that_count_its_writes(fp: Focusplan) -> None:
    with sqlite3.connect(fp.db) as connection:
        tables = counted_tables(connection)
        triggers = {
            name: sql
            for name, sql in connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            )
        }
    assert {"tasks", "energy_logs", "context_events", "calendar_sources"} <= set(tables)
    for table in tables:
        for operation in OPERATIONS:
            sql = triggers.get(trigger_name(table, operation))
            assert sql is not None, f"{table} has no {operation} trigger"
            assert f'AFTER {operation.upper()} ON "{table}"' in sql


def test_a_write_from_outside_focusplan_makes_the_cache_stale(fp: Focusplan) -> None:
    fp.ok("now")
    with sqlite3.connect(fp.db) as connection:
        connection.execute("UPDATE tasks SET title = 'Renamed in the sqlite3 shell' WHERE id = 1")
    assert quick(fp) is None
    assert "Renamed in the sqlite3 shell" in fp.ok("now", "--json").out


def test_a_failed_write_leaves_the_counter_and_the_cache_as_they_were(fp: Focusplan) -> None:
    fp.ok("now")
    assert fp("done", "99").code == 2
    assert quick(fp) is not None


def test_a_settings_change_makes_the_cache_stale(
    fp: Focusplan, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fp.ok("now")
    monkeypatch.setenv("FOCUSPLAN_FOCUS_MINUTES", "25")
    assert quick(fp) is None
    fp.ok("now")
    config = Path(os.environ["FOCUSPLAN_CONFIG"])
    config.write_text('work_start = "08:00"\n')
    assert quick(fp) is None


def test_a_calendar_file_that_changed_makes_the_cache_stale(fp: Focusplan, tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    event = folder / "standup.ics"
    event.write_text(
        CALENDAR.format(uid="s1", start="20261123T130000Z", end="20261123T133000Z", title="Standup")
    )
    fp.ok("source", "add", "ics", str(folder))
    fp.ok("now")
    assert quick(fp) is not None
    event.write_text(
        CALENDAR.format(uid="s1", start="20261123T140000Z", end="20261123T143000Z", title="Moved")
    )
    assert quick(fp) is None


def test_the_quick_path_imports_nothing_heavy(fp: Focusplan) -> None:
    fp.ok("now")
    code = (
        "import json, sys\n"
        "from focusplan.launcher import _quick\n"
        f"text = _quick(['--db', {str(fp.db)!r}, 'now'])\n"
        "print(json.dumps([text, sorted(sys.modules)]))"
    )
    env = {**os.environ}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPOSITORY
    )
    text, modules = json.loads(result.stdout.splitlines()[-1])
    assert text == fp.ok("now").out.rstrip("\n")
    heavy = {"click", "pydantic", "sqlalchemy", "numpy", "textual", "alembic"}
    assert not heavy & {name.split(".")[0] for name in modules}


def test_the_cache_file_is_private(fp: Focusplan) -> None:
    fp.ok("now")
    path = now_cache.cache_file(fp.db.absolute())
    assert path.stat().st_mode & 0o077 == 0
