"""Opening a database: files, modes, pragmas, refusals, and what gets imported."""

from __future__ import annotations

import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from focusplan.domain import NewTask
from focusplan.store import Database, SchemaTooNew, StoreError, open_database
from focusplan.store.schema_version import known_revisions
from tests.integration.conftest import T0, run_python


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def pragma(db: Database, name: str) -> object:
    with db.engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_a_new_database_file_is_private(db: Database, db_path: Path) -> None:
    assert mode(db_path) == 0o600


def test_the_wal_and_shm_files_are_private_too(db: Database, db_path: Path) -> None:
    with db.unit_of_work() as uow:
        uow.tasks.add(NewTask(title="x", created_at=T0))
        side_files = [db_path.with_name(db_path.name + suffix) for suffix in ("-wal", "-shm")]
        assert all(path.exists() for path in side_files)
        assert [mode(path) for path in side_files] == [0o600, 0o600]


def test_connections_use_wal_foreign_keys_full_sync_and_a_busy_timeout(db: Database) -> None:
    assert pragma(db, "journal_mode") == "wal"
    assert pragma(db, "foreign_keys") == 1
    assert pragma(db, "synchronous") == 2  # FULL
    assert pragma(db, "busy_timeout") == 10_000


def test_a_new_database_is_at_the_head_revision(db: Database) -> None:
    with db.engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert revision == known_revisions().head
    assert db.backup is None


def test_a_sqlite_url_and_a_plain_path_open_the_same_file(db_path: Path) -> None:
    with open_database(db_path) as first, first.unit_of_work() as uow:
        uow.tasks.add(NewTask(title="by path", created_at=T0))
    with open_database(f"sqlite:///{db_path}") as second, second.unit_of_work() as uow:
        assert [task.title for task in uow.tasks.list()] == ["by path"]
        assert second.path == db_path
        assert second.url == f"sqlite:///{db_path}"


def test_an_in_memory_url_is_migrated_and_usable() -> None:
    with open_database("sqlite://") as database, database.unit_of_work() as uow:
        assert database.path is None
        assert uow.weights.active().version == 1


def test_a_missing_folder_is_refused_with_its_name(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(StoreError, match=f"database folder does not exist: {missing}"):
        open_database(missing / "focusplan.db")
    assert not missing.exists()


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("shopping list\n")
    with pytest.raises(StoreError, match="is not a focusplan database"):
        open_database(junk)
    assert junk.read_text() == "shopping list\n"


def test_another_programs_sqlite_database_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="is not a focusplan database"):
        open_database(other)


def test_a_schema_newer_than_this_code_is_refused_and_the_file_is_untouched(
    db_path: Path,
) -> None:
    open_database(db_path).close()
    connection = sqlite3.connect(db_path)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    before = db_path.read_bytes()

    with pytest.raises(SchemaTooNew, match="newer focusplan"):
        open_database(db_path)

    assert db_path.read_bytes() == before
    assert list(db_path.parent.glob("*.bak")) == []


def test_an_empty_file_becomes_a_private_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch(mode=0o644)
    with open_database(empty) as database, database.unit_of_work() as uow:
        assert uow.weights.active().version == 1
    assert mode(empty) == 0o600


def test_reopening_a_current_database_keeps_its_data_and_makes_no_copy(db_path: Path) -> None:
    with open_database(db_path) as first, first.unit_of_work() as uow:
        uow.tasks.add(NewTask(title="kept", created_at=T0))
    with open_database(db_path) as second, second.unit_of_work() as uow:
        assert [task.title for task in uow.tasks.list()] == ["kept"]
        assert second.backup is None
    assert list(db_path.parent.glob("*.bak")) == []


def test_a_write_unit_of_work_holds_the_write_lock_from_its_start(db: Database) -> None:
    # BEGIN IMMEDIATE: even before its first write, no other writer can slip in, so the
    # unit of work never has to upgrade a stale read snapshot (SQLITE_BUSY, unwaitable).
    assert db.path is not None
    with db.unit_of_work() as uow:
        uow.tasks.list()
        other = sqlite3.connect(db.path, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_a_read_only_unit_of_work_leaves_writers_free(db: Database) -> None:
    assert db.path is not None
    with db.unit_of_work(read_only=True) as uow:
        uow.tasks.list()
        other = sqlite3.connect(db.path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()


def test_two_processes_worth_of_writers_both_commit_without_locking_errors(
    db_path: Path,
) -> None:
    open_database(db_path).close()
    app, cli = open_database(db_path), open_database(db_path)
    errors: list[BaseException] = []

    def cli_adds() -> None:
        try:
            with cli.unit_of_work() as uow:
                uow.tasks.add(NewTask(title="from the cli", created_at=T0))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    try:
        with app.unit_of_work() as uow:
            uow.tasks.list()
            writer = threading.Thread(target=cli_adds)
            writer.start()
            uow.tasks.add(NewTask(title="from the app", created_at=T0))
        writer.join(timeout=60)
        with app.unit_of_work() as uow:
            titles = sorted(task.title for task in uow.tasks.list())
    finally:
        app.close()
        cli.close()
    assert errors == []
    assert titles == ["from the app", "from the cli"]


def test_opening_a_current_database_does_not_import_alembic(db_path: Path) -> None:
    open_database(db_path).close()
    loaded = run_python(
        "import json, sys\n"
        "from focusplan.store import open_database\n"
        f"open_database({str(db_path)!r}).close()\n"
        "print(json.dumps({'alembic': any(m.split('.')[0] == 'alembic' for m in sys.modules)}))"
    )
    assert loaded == {"alembic": False}


def test_a_postgresql_url_without_a_server_is_a_one_line_store_error() -> None:
    with pytest.raises(StoreError) as caught:
        open_database("postgresql://nobody@127.0.0.1:1/focusplan")
    assert "\n" not in str(caught.value)


def test_an_existing_readable_database_is_made_private_on_open(db_path: Path) -> None:
    open_database(db_path).close()
    db_path.chmod(0o644)
    with open_database(db_path) as database, database.unit_of_work() as uow:
        uow.tasks.add(NewTask(title="secret", created_at=T0))
        assert {mode(p) for p in db_path.parent.iterdir()} == {0o600}


def test_a_read_only_unit_of_work_sees_one_moment_of_the_database(db: Database) -> None:
    assert db.path is not None
    with db.unit_of_work(read_only=True) as uow:
        assert uow.tasks.list() == []
        other = sqlite3.connect(db.path, isolation_level=None)
        try:
            other.execute(
                "INSERT INTO tasks (title, created_at) VALUES ('later', ?)",
                ("2026-11-20T08:00:00.000000+00:00",),
            )
        finally:
            other.close()
        assert uow.tasks.list() == []
    with db.unit_of_work(read_only=True) as uow:
        assert [task.title for task in uow.tasks.list()] == ["later"]


@pytest.mark.real_migrations
def test_the_suites_template_for_new_files_holds_what_the_migrations_write(
    tmp_path: Path, frozen_now: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tests/conftest.py gives most tests' new files the pages of a file migrated once;
    # this one runs the migrations, then lets the template answer, and compares.
    from focusplan.store import engine
    from tests.conftest import _fresh_file_from_template
    from tests.fixtures.databases.make_fixtures import logical_dump

    migrated = tmp_path / "migrated.sqlite3"
    open_database(migrated).close()
    monkeypatch.setattr(engine, "_upgrade", _fresh_file_from_template(engine._upgrade))
    copies = [tmp_path / f"copy{number}.sqlite3" for number in range(2)]
    for copy in copies:  # the first may make the template; the second is from it
        database = open_database(copy)
        database.close()
    copied = copies[-1]
    assert logical_dump(copied) == logical_dump(migrated)
    assert stat.S_IMODE(copied.stat().st_mode) == stat.S_IMODE(migrated.stat().st_mode)
    with sqlite3.connect(copied) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
