"""A person's planner is private: every file focusplan writes is theirs alone, and an
export of a day says only what that day's plan says.

Files are checked under a permissive umask (0): the modes must come from focusplan,
not from the person's shell.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.fixtures.databases.make_fixtures import build_at_revision, earlier_revisions
from tests.integration.cli_runner import Focusplan

PRIVATE = 0o600
DAY = "2026-11-23"  # the frozen Monday
OTHER_DAY = "2026-11-24"


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


def cli_process(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A real process with umask 0, as a careless shell would start it."""
    return subprocess.run(
        [sys.executable, "-m", "focusplan", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.umask(0),
    )


# --- files ----------------------------------------------------------------------------------


def test_the_database_and_its_wal_and_shm_files_are_private_under_umask_0(tmp_path: Path) -> None:
    from focusplan.domain import NewTask
    from focusplan.store import open_database

    db_file = tmp_path / "focusplan.sqlite3"
    with umask(0):
        database = open_database(db_file)
        try:
            with database.unit_of_work() as uow:
                uow.tasks.add(NewTask(title="secret", created_at=dt.datetime.now(dt.UTC)))
            # The connection is still open, so SQLite's side files exist now.
            sides = [Path(f"{db_file}{suffix}") for suffix in ("-wal", "-shm")]
            assert all(side.exists() for side in sides)
            assert {path.name: mode(path) for path in [db_file, *sides]} == {
                path.name: PRIVATE for path in [db_file, *sides]
            }
        finally:
            database.close()


def test_a_database_created_by_a_cli_process_under_umask_0_is_private(tmp_path: Path) -> None:
    db = tmp_path / "focusplan.sqlite3"
    done = cli_process(db, "add", "secret")
    assert done.returncode == 0, done.stderr
    for path in tmp_path.iterdir():
        assert mode(path) == PRIVATE, path.name


def test_an_existing_world_readable_database_is_made_private_when_opened(tmp_path: Path) -> None:
    # A file copied from a backup or another machine is often 0644; SQLite gives the -wal
    # and -shm files the database's mode, so the rows written next would be readable too.
    db = tmp_path / "focusplan.sqlite3"
    assert cli_process(db, "add", "secret").returncode == 0
    db.chmod(0o644)
    done = cli_process(db, "add", "another secret")
    assert done.returncode == 0, done.stderr
    assert {path.name: mode(path) for path in tmp_path.iterdir()} == {
        path.name: PRIVATE for path in tmp_path.iterdir()
    }


@pytest.mark.parametrize("revision", earlier_revisions())
def test_the_copy_taken_before_migrating_is_private_under_umask_0(
    tmp_path: Path, revision: str
) -> None:
    db = build_at_revision(tmp_path / "focusplan.sqlite3", revision)
    done = cli_process(db, "list")
    assert done.returncode == 0, done.stderr
    copies = list(tmp_path.glob("*.bak"))
    assert copies, "no copy was taken before migrating"
    assert all(mode(copy) == PRIVATE for copy in copies)


@pytest.mark.parametrize(
    "args",
    [
        ("export", "json"),
        ("export", "json", "--date", DAY),
        ("export", "ics", "--date", DAY),
        ("export", "csv", "--week-of", DAY),
        ("export", "md", "--date", DAY),
    ],
    ids=lambda args: "-".join(args[1:]),
)
def test_exports_written_with_o_are_private_under_umask_0(
    tmp_path: Path, frozen_now: dt.datetime, args: tuple[str, ...]
) -> None:
    db = tmp_path / "focusplan.sqlite3"
    Focusplan(db).ok("add", "secret plan", "--notes", "very private")
    out = tmp_path / "export.out"
    with umask(0):
        outcome = Focusplan(db)(*args, "-o", str(out))
    assert outcome.code == 0, outcome.err
    assert mode(out) == PRIVATE


def test_an_export_over_an_existing_readable_file_makes_it_private(
    tmp_path: Path, frozen_now: dt.datetime
) -> None:
    # Overwriting keeps the old file's inode and therefore its mode unless focusplan fixes it.
    db = tmp_path / "focusplan.sqlite3"
    Focusplan(db).ok("add", "secret plan")
    out = tmp_path / "backup.json"
    out.write_text("old")
    out.chmod(0o644)
    Focusplan(db).ok("export", "json", "-o", str(out))
    assert mode(out) == PRIVATE
    assert json.loads(out.read_text())["tasks"][0]["title"] == "secret plan"


# --- what a day's export says -----------------------------------------------------------------


@pytest.fixture
def planned_days(tmp_path: Path, frozen_now: dt.datetime) -> tuple[Focusplan, set[str], set[str]]:
    """Plans for two days from more work than fits in one; returns (fp, day titles, all titles)."""
    fp = Focusplan(tmp_path / "focusplan.sqlite3")
    titles = set()
    for number in range(24):
        title = f"Qz{number:02d} private task"
        titles.add(title)
        fp.ok(
            "add", title, "--estimate", "90", "--importance", str(1 + number % 5),
            "--notes", f"NOTE-SECRET-{number:02d}", "--project", f"proj{number % 3}",
        )  # fmt: skip
    fp.ok("add", "Qz98 tuesday only", "--importance", "5", "--not-before", OTHER_DAY,
          "--notes", "NOTE-SECRET-TUESDAY")  # fmt: skip
    titles.add("Qz98 tuesday only")
    fp.ok("add", "Qz99 already done", "--notes", "NOTE-SECRET-DONE")
    fp.ok("done", "26", "--at", f"{DAY} 08:00")
    titles.add("Qz99 already done")
    fp.ok("energy", "4", "--at", f"{DAY} 08:30", "--note", "ENERGY-SECRET")
    calendar = tmp_path / "calendar.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:other-day@test\r\nDTSTART:20261124T100000Z\r\n"
        "DTEND:20261124T110000Z\r\nSUMMARY:OTHER-DAY-EVENT\r\n"
        "DESCRIPTION:EVENT-DESCRIPTION-SECRET\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:this-day@test\r\nDTSTART:20261123T130000Z\r\n"
        "DTEND:20261123T133000Z\r\nSUMMARY:This day's call\r\n"
        "DESCRIPTION:EVENT-DESCRIPTION-SECRET\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    fp.ok("import", str(calendar), "--format", "ics")
    other = fp.ok("plan", "--date", OTHER_DAY, "--json").json()
    day = fp.ok("plan", "--date", DAY, "--json").json()
    in_day = {block["title"] for block in day["blocks"] if block["kind"] == "focus"}
    assert in_day, "the fixture must plan some tasks"
    assert in_day < titles, "the fixture must leave some tasks out of the day"
    assert "Qz98 tuesday only" in {b["title"] for b in other["blocks"] if b["kind"] == "focus"}
    return fp, in_day, titles


@pytest.mark.parametrize("fmt", ["ics", "csv", "md", "json"])
def test_an_export_of_one_day_holds_only_that_days_blocks(
    planned_days: tuple[Focusplan, set[str], set[str]], fmt: str
) -> None:
    fp, in_day, titles = planned_days
    text = fp.ok("export", fmt, "--date", DAY).out
    for title in in_day:
        assert title in text, f"{title} is planned that day but missing from the {fmt} export"
    leaked = sorted(title for title in titles - in_day if title in text)
    assert leaked == [], f"tasks not planned that day appear in the {fmt} export"
    for secret in ("NOTE-SECRET", "ENERGY-SECRET", "OTHER-DAY-EVENT", "EVENT-DESCRIPTION-SECRET"):
        assert secret not in text, f"{secret} leaked into the {fmt} export"
