"""Databases left by earlier focusplans upgrade through the CLI with nothing lost.

For every revision before the head (found in migrations/versions, so the tests grow
with each migration) a database is built at that revision holding one of everything
(tests/fixtures/databases/make_fixtures.py), then opened by real commands. The
committed `rev-*.sqlite3` files are the same thing frozen at the time they were made:
they keep testing the upgrade from what an old release really wrote, even after the
migrations that built them are edited.

A database from a newer focusplan is refused by every command and left byte for byte.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from focusplan.store.schema_version import known_revisions
from tests.fixtures.databases.make_fixtures import (
    CANONICAL,
    HERE,
    build_at_revision,
    earlier_revisions,
    logical_dump,
    rows_lost,
)
from tests.integration.cli_runner import Focusplan

HEAD = known_revisions().head
COMMITTED = sorted(HERE.glob("rev-*.sqlite3"))


@pytest.fixture
def old_db(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    return build_at_revision(tmp_path / "focusplan.sqlite3", request.param)


def backups_of(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f"{db.name}.pre-*.bak"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("old_db", earlier_revisions(), indirect=True)
@pytest.mark.parametrize(
    "first_command",
    [("list", "--all", "--json"), ("rank", "--json"), ("add", "after upgrade"), ("energy", "3")],
    ids=["list", "rank", "add", "energy"],
)
def test_every_earlier_revision_upgrades_on_first_use_with_nothing_lost(
    old_db: Path, first_command: tuple[str, ...], frozen_now: dt.datetime
) -> None:
    before = logical_dump(old_db)
    fp = Focusplan(old_db)
    fp.ok(*first_command)
    after = logical_dump(old_db)
    assert after["alembic_version"] == [{"version_num": HEAD}]
    assert rows_lost(before, after) == []


@pytest.mark.parametrize("old_db", earlier_revisions(), indirect=True)
def test_the_upgraded_data_reads_back_as_the_same_tasks_and_logs(
    old_db: Path, frozen_now: dt.datetime
) -> None:
    fp = Focusplan(old_db)
    tasks = {task["id"]: task for task in fp.ok("list", "--all", "--json").json()}
    assert set(tasks) == {row["id"] for row in CANONICAL["tasks"]}
    report = tasks[1]
    assert report["title"] == "Write quarterly report"
    assert report["tags"] == ["writing", "deep"]
    assert report["due"] == "2026-11-25T17:00:00+01:00"  # 16:00 UTC in Paris
    assert report["window"] == "morning"
    assert tasks[6]["depends_on"] == [2, 1]  # order kept
    assert tasks[3]["status"] == "done"
    assert tasks[3]["actual_minutes"] == 10
    assert tasks[4]["status"] == "dropped"
    assert tasks[6]["estimate_minutes"] == 1440
    assert fp.ok("weights", "--json").json()["version"] >= 1
    # The fast read path and the full store agree on the migrated file.
    ranked = {row["id"] for row in fp.ok("rank", "--json", "--at", "2026-11-24 10:00").json()}
    assert ranked == {1}  # 2 waits for 1, 6 for both; 3 done, 4 dropped


@pytest.mark.parametrize("old_db", earlier_revisions(), indirect=True)
def test_the_copy_taken_before_migrating_is_private_and_holds_the_old_database(
    old_db: Path, frozen_now: dt.datetime
) -> None:
    before = logical_dump(old_db)
    Focusplan(old_db).ok("list")
    (copy,) = backups_of(old_db)
    assert mode(copy) == 0o600
    assert logical_dump(copy) == before
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # A second open of the now-current file takes no further copy.
    Focusplan(old_db).ok("list")
    assert backups_of(old_db) == [copy]


@pytest.mark.parametrize("revision", earlier_revisions())
def test_the_copy_includes_committed_writes_still_in_the_wal(
    tmp_path: Path, revision: str, frozen_now: dt.datetime
) -> None:
    # A crash after commit leaves rows in the -wal file only; the copy must still have them.
    source = build_at_revision(tmp_path / "source.sqlite3", revision)
    writer = sqlite3.connect(source, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute(
            "INSERT INTO energy_logs (at, level, note, source)"
            " VALUES ('2026-11-22T08:00:00.000000+00:00', 3, 'only in the wal', 'manual')"
        )
        crashed = tmp_path / "crashed"
        crashed.mkdir()
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{source}{suffix}", crashed / f"focusplan.sqlite3{suffix}")
    finally:
        writer.close()
    db = crashed / "focusplan.sqlite3"
    assert os.path.getsize(f"{db}-wal") > 0
    Focusplan(db).ok("list")
    (copy,) = backups_of(db)
    notes = [row["note"] for row in logical_dump(copy)["energy_logs"]]
    assert "only in the wal" in notes
    assert "only in the wal" in [row["note"] for row in logical_dump(db)["energy_logs"]]


@pytest.mark.parametrize("fixture", COMMITTED, ids=[path.name for path in COMMITTED])
def test_each_committed_fixture_database_upgrades_with_nothing_lost(
    fixture: Path, tmp_path: Path, frozen_now: dt.datetime
) -> None:
    db = tmp_path / "focusplan.sqlite3"
    shutil.copyfile(fixture, db)
    db.chmod(0o600)
    before = logical_dump(db)
    fp = Focusplan(db)
    titles = {task["title"] for task in fp.ok("list", "--all", "--json").json()}
    assert titles == {row["title"] for row in CANONICAL["tasks"]}
    assert rows_lost(before, logical_dump(db)) == []
    assert logical_dump(db)["alembic_version"] == [{"version_num": HEAD}]


def test_there_is_a_committed_fixture_for_every_earlier_revision() -> None:
    # The on-the-fly fixtures follow edits to old migrations; the committed ones do not,
    # which is the point. Run make_fixtures.py when a migration is added.
    missing = [rev for rev in earlier_revisions() if not (HERE / f"rev-{rev}.sqlite3").exists()]
    assert missing == [], "run: python -m tests.fixtures.databases.make_fixtures"


# --- a database from the future -----------------------------------------------------------


@pytest.fixture
def future_db(tmp_path: Path, frozen_now: dt.datetime) -> Path:
    db = tmp_path / "future" / "focusplan.sqlite3"
    db.parent.mkdir()
    fp = Focusplan(db)
    fp.ok("add", "Written by a newer focusplan")
    fp.ok("energy", "4")
    connection = sqlite3.connect(db)
    try:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        connection.commit()
    finally:
        connection.close()
    # The last connection's close folded the WAL back and removed the side files: the state
    # a person's file is in between runs.
    assert sorted(path.name for path in db.parent.iterdir()) == [db.name]
    return db


def folder_state(db: Path) -> dict[str, bytes]:
    """The folder's files, except the WAL index SQLite may create on reading (-shm is
    scratch memory, not data); an -wal file, if one appears, must stay empty."""
    state = {}
    for path in sorted(db.parent.iterdir()):
        if path.name == f"{db.name}-shm":
            continue
        if path.name == f"{db.name}-wal" and path.stat().st_size == 0:
            continue
        state[path.name] = path.read_bytes()
    return state


def assert_refused_as_too_new(code: int, err: str) -> None:
    # Not invalid input: this focusplan is too old for the file (CLI.md: exit 1).
    assert code == 1, err
    lines = err.strip().splitlines()
    assert [line[:7] for line in lines] == ["error: "], err
    assert "newer focusplan" in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("list", "--all", "--json"),
        ("rank", "--json"),
        ("rank",),
        ("plan", "--json"),
        ("add", "x"),
        ("edit", "1", "--title", "y"),
        ("done", "1"),
        ("energy", "3"),
        ("weights", "--json"),
        ("review", "--json"),
        ("focus", "status"),
        ("export", "json"),
        ("export", "ics", "--date", "2026-11-23"),
    ],
    ids=lambda command: "-".join(command),
)
def test_a_database_from_a_newer_focusplan_is_refused_and_left_byte_identical(
    future_db: Path, command: tuple[str, ...]
) -> None:
    before = folder_state(future_db)
    outcome = Focusplan(future_db)(*command)
    assert_refused_as_too_new(outcome.code, outcome.err)
    assert outcome.out == ""
    assert folder_state(future_db) == before


def test_importing_into_a_database_from_a_newer_focusplan_is_refused_too(
    future_db: Path, tmp_path: Path
) -> None:
    incoming = tmp_path / "todo.txt"
    incoming.write_text("(A) Call the bank +finance\n")
    before = folder_state(future_db)
    outcome = Focusplan(future_db)("import", str(incoming))
    assert_refused_as_too_new(outcome.code, outcome.err)
    assert folder_state(future_db) == before


@pytest.mark.parametrize(
    "command", [("rank", "--json"), ("add", "x"), ()], ids=["rank", "add", "app"]
)
def test_a_newer_database_is_refused_by_a_real_process_too(
    future_db: Path, command: tuple[str, ...]
) -> None:
    # () opens the app: it must refuse before the first paint, not start on a file it cannot read.
    before = folder_state(future_db)
    done = subprocess.run(
        [sys.executable, "-m", "focusplan", "--db", str(future_db), *command],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert_refused_as_too_new(done.returncode, done.stderr)
    assert folder_state(future_db) == before
