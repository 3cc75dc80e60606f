"""No writes into a damaged database: real damaged files, refused with how to recover.

The files are damaged the ways disks and people damage them: pages overwritten with
garbage (a bad sector, a copy cut short and patched), a column or a table dropped by
hand with the sqlite3 shell. Every command that would write exits 1 with one line
that names the file, says it is damaged and how to get the data back; the file's
bytes are exactly what they were.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import FROZEN_NOW, ZONE
from tests.integration.cli_runner import Focusplan, Outcome

WRITES = [
    ("add", "New task"),
    ("done", "1"),
    ("energy", "3"),
    ("edit", "1", "--title", "Renamed"),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database of 40 tasks with long notes (so tables span many pages), folded into
    one file; built once, copied for each test."""
    folder = tmp_path_factory.mktemp("damaged-template")
    db = folder / "focusplan.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        # Built before the per-test environment exists: keep the person's own out.
        patch.setenv("FOCUSPLAN_TZ", ZONE)
        patch.setenv("FOCUSPLAN_NOW", FROZEN_NOW)
        patch.setenv("FOCUSPLAN_CONFIG", str(folder / "no-config.toml"))
        patch.setenv("HOME", str(folder))
        fp = Focusplan(db)
        for number in range(40):
            fp.ok("add", f"Task {number}", "--notes", f"{number} " * 600)
        fp.ok("energy", "4")
    fold(db)
    return db


@pytest.fixture
def filled(template: Path, db_path: Path, frozen_now: object) -> Path:
    shutil.copyfile(template, db_path)
    db_path.chmod(0o600)
    return db_path


def fold(db: Path) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def root_page(db: Path, table: str) -> int:
    connection = sqlite3.connect(db)
    try:
        (page,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
    finally:
        connection.close()
    return int(page)


def overwrite_page(db: Path, page: int) -> None:
    """Garbage over one whole page, as a bad sector would leave it."""
    size = 4096
    with db.open("r+b") as file:
        file.seek((page - 1) * size)
        file.write(bytes(range(256)) * (size // 256))


def assert_refused_as_damaged(outcome: Outcome, db: Path) -> None:
    assert outcome.code == 1, outcome
    assert outcome.out == ""
    lines = outcome.err.splitlines()
    assert len(lines) == 1, outcome.err
    assert lines[0].startswith(f"error: {db} is damaged (")
    assert "nothing was written" in lines[0]
    assert f"sqlite3 {db} .recover" in lines[0]


@pytest.mark.parametrize("table", ["tasks", "plans", "choices"])
@pytest.mark.parametrize("write", WRITES, ids=lambda args: args[0])
def test_a_write_into_a_file_with_a_garbage_page_is_refused_and_writes_nothing(
    filled: Path, table: str, write: tuple[str, ...]
) -> None:
    # The damaged page need not be one the command reads: nothing is written into
    # a file known to be damaged (the plans page is read by no write below).
    overwrite_page(filled, root_page(filled, table))
    before = digest(filled)
    assert_refused_as_damaged(Focusplan(filled)(*write), filled)
    assert digest(filled) == before


def test_a_read_that_meets_a_garbage_page_exits_1_with_the_same_words(filled: Path) -> None:
    overwrite_page(filled, root_page(filled, "tasks"))
    before = digest(filled)
    for read in (("list",), ("rank",), ("list", "--json")):
        assert_refused_as_damaged(Focusplan(filled)(*read), filled)
    assert digest(filled) == before


@pytest.mark.parametrize(
    ("statement", "write", "missing"),
    [
        ("ALTER TABLE tasks DROP COLUMN notes", ("add", "x"), "tasks.notes"),
        ("ALTER TABLE energy_logs DROP COLUMN note", ("energy", "2"), "energy_logs.note"),
        ("DROP TABLE choices", ("done", "1"), "table choices"),
    ],
)
def test_a_file_missing_a_column_or_table_of_its_schema_refuses_writes(
    filled: Path, statement: str, write: tuple[str, ...], missing: str
) -> None:
    connection = sqlite3.connect(filled)
    connection.execute(statement)
    connection.commit()
    connection.close()
    fold(filled)
    before = digest(filled)
    outcome = Focusplan(filled)(*write)
    assert_refused_as_damaged(outcome, filled)
    assert f"missing {missing}" in outcome.err
    assert digest(filled) == before


def test_a_missing_column_met_by_a_read_is_damage_too(filled: Path) -> None:
    connection = sqlite3.connect(filled)
    connection.execute("ALTER TABLE tasks DROP COLUMN notes")
    connection.commit()
    connection.close()
    assert_refused_as_damaged(Focusplan(filled)("list"), filled)


def test_the_message_names_the_copy_focusplan_kept_before_migrating(filled: Path) -> None:
    kept = filled.with_name(f"{filled.name}.pre-0001.bak")
    kept.write_bytes(filled.read_bytes())
    overwrite_page(filled, root_page(filled, "tasks"))
    outcome = Focusplan(filled)("add", "x")
    assert_refused_as_damaged(outcome, filled)
    assert f"restore a copy focusplan kept ({kept.name})" in outcome.err


def test_the_app_refuses_a_damaged_file_before_it_opens(filled: Path) -> None:
    from focusplan.services.source import DataSource
    from focusplan.store.errors import Damaged

    overwrite_page(filled, root_page(filled, "plans"))
    with pytest.raises(Damaged):
        DataSource(str(filled)).unit_of_work()


@pytest.mark.parametrize("table", ["tasks", "plans"])
def test_a_large_file_with_a_garbage_table_root_refuses_writes_too(
    filled: Path, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from focusplan.store import engine

    # As if the file were beyond the size checked whole: only the tables' roots are read.
    monkeypatch.setattr(engine, "FULL_CHECK_PAGES", 0)
    overwrite_page(filled, root_page(filled, table))
    before = digest(filled)
    assert_refused_as_damaged(Focusplan(filled)("add", "x"), filled)
    assert digest(filled) == before
