"""The migrations themselves: they build what records.py describes, copy before changing,
seed the default weights, and stay portable."""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import stat
import warnings
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.domain import NewTask
from focusplan.store import Database, open_database
from focusplan.store.engine import _create_engine, resolve_target
from focusplan.store.migrate import alembic_config
from focusplan.store.records import Base
from focusplan.store.schema_version import known_revisions, migrations_dir
from tests.integration.conftest import REPOSITORY, T0, migrate_to

INITIAL = known_revisions().revisions[0]


def test_autogenerate_finds_no_drift_between_records_and_migrations(db: Database) -> None:
    with db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect expression indexes; the next test checks that one by hand.
        warnings.filterwarnings("ignore", message=".*expression-based index")
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_the_one_active_session_index_exists_as_declared(db: Database) -> None:
    assert db.path is not None
    connection = sqlite3.connect(db.path)
    sql = connection.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'uq_focus_sessions_one_active'"
    ).fetchone()[0]
    connection.close()
    assert re.search(r"UNIQUE INDEX.*\(\(end_at IS NULL\)\).*WHERE end_at IS NULL", sql)


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert known_revisions().head == script.get_current_head()
    assert list(known_revisions().revisions) == [
        s.revision for s in reversed(list(script.walk_revisions()))
    ]


def test_version_files_have_dated_names() -> None:
    names = sorted(p.name for p in (migrations_dir() / "versions").glob("[!_]*.py"))
    assert names
    assert all(re.fullmatch(r"\d{4}_\d{2}_\d{2}_\d{4}_[a-z0-9_]+\.py", n) for n in names)


def test_in_a_checkout_the_migrations_are_the_repositorys_folder() -> None:
    assert migrations_dir().resolve() == REPOSITORY / "migrations"


def test_opening_an_older_database_copies_it_aside_then_migrates(tmp_path: Path) -> None:
    path = tmp_path / "focusplan.db"
    migrate_to(path, INITIAL)
    path.chmod(0o600)
    # Keep a writer open so the row below lives only in the WAL: the copy must include it.
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute(
        "INSERT INTO tasks (title, created_at) VALUES ('only in the wal', ?)",
        ("2026-11-20T08:00:00.000000+00:00",),
    )
    try:
        with open_database(path) as database, database.unit_of_work() as uow:
            assert database.migrated_from == INITIAL
            copy = database.backup
            assert [t.title for t in uow.tasks.list()] == ["only in the wal"]
            assert uow.weights.active().version == 1
    finally:
        writer.close()

    assert copy == tmp_path / f"focusplan.db.pre-{INITIAL}.bak"
    assert [p.name for p in tmp_path.iterdir() if ".pre-" in p.name] == [copy.name]
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    saved = sqlite3.connect(copy)
    try:
        assert saved.execute("SELECT version_num FROM alembic_version").fetchall() == [(INITIAL,)]
        assert saved.execute("SELECT title FROM tasks").fetchall() == [("only in the wal",)]
        assert saved.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        saved.close()


def test_an_earlier_copy_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "focusplan.db"
    migrate_to(path, INITIAL)
    earlier = tmp_path / f"focusplan.db.pre-{INITIAL}.bak"
    earlier.write_bytes(b"the only good copy")
    with open_database(path) as database:
        assert database.backup == tmp_path / f"focusplan.db.pre-{INITIAL}.1.bak"
    assert earlier.read_bytes() == b"the only good copy"


def test_a_fresh_database_gets_no_copy(tmp_path: Path) -> None:
    with open_database(tmp_path / "new.db") as database:
        assert database.backup is None
    assert list(tmp_path.glob("*.bak")) == []


def test_migrating_keeps_existing_rows_and_references(tmp_path: Path) -> None:
    path = tmp_path / "focusplan.db"
    migrate_to(path, INITIAL)
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO tasks (id, title, created_at) VALUES (1, 'a', '2026-11-20T08:00:00.000000+00:00')"
    )
    connection.execute(
        "INSERT INTO tasks (id, title, created_at) VALUES (2, 'b', '2026-11-20T08:00:00.000000+00:00')"
    )
    connection.execute(
        "INSERT INTO task_dependencies (task_id, depends_on_id, position) VALUES (2, 1, 0)"
    )
    connection.commit()
    connection.close()
    with open_database(path) as database, database.unit_of_work() as uow:
        assert uow.tasks.get(2).depends_on == (1,)


def test_the_defaults_are_seeded_as_active_version_1(tmp_path: Path) -> None:
    with open_database(tmp_path / "new.db") as database, database.unit_of_work() as uow:
        history = uow.weights.history()
    assert [(w.version, w.reason, w.active) for w in history] == [(1, "defaults", True)]
    assert dict(history[0].params) == DEFAULT_WEIGHTS


def test_downgrade_to_base_and_upgrade_again(tmp_path: Path) -> None:
    path = tmp_path / "roundtrip.db"
    with open_database(path) as database, database.unit_of_work() as uow:
        uow.tasks.add(NewTask(title="gone after downgrade", created_at=T0))
    url, _ = resolve_target(path)
    engine = _create_engine(url, foreign_keys=False)
    config = alembic_config()
    try:
        with engine.connect() as connection, connection.begin():
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
    finally:
        engine.dispose()
    raw = sqlite3.connect(path)
    tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
    raw.close()
    assert "tasks" not in tables
    with open_database(path) as database, database.unit_of_work() as uow:
        assert uow.tasks.list() == []
        assert uow.weights.active().version == 1


def test_the_migrations_render_for_postgresql() -> None:
    buffer = io.StringIO()
    config = alembic_config("postgresql://focusplan@localhost/focusplan")
    config.output_buffer = buffer
    command.upgrade(config, "head", sql=True)
    sql = buffer.getvalue()
    assert "CREATE TABLE tasks" in sql
    assert "WHERE end_at IS NULL" in sql
    assert "INSERT INTO weight_versions" in sql


@pytest.mark.parametrize("revision", known_revisions().revisions[:-1])
def test_every_earlier_revision_upgrades_to_head(tmp_path: Path, revision: str) -> None:
    path = tmp_path / f"at-{revision}.db"
    migrate_to(path, revision)
    with open_database(path) as database:
        assert database.migrated_from == revision
    assert known_revisions().head in Path(path).read_bytes().decode("latin-1")


# SQLite cannot reflect the expression index; the test above checks that one by hand.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_the_developer_script_writes_the_next_numbered_migration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from focusplan.migrations import new_revision

    # A copy of the environment, so the real versions folder is never written to.
    copy = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr("focusplan.store.migrate.migrations_dir", lambda: copy)
    before = set((copy / "versions").glob("*.py"))

    assert new_revision.main(["Add a column"]) == 0

    (written,) = set((copy / "versions").glob("*.py")) - before
    chain = known_revisions()
    number = f"{len(chain.revisions) + 1:04d}"
    assert re.fullmatch(rf"\d{{4}}_\d{{2}}_\d{{2}}_{number}_add_a_column\.py", written.name)
    text = written.read_text()
    assert f"revision = {number!r}" in text
    assert f"down_revision = {chain.head!r}" in text
    # The records and the migrations agree, so there is nothing to autogenerate.
    assert re.search(r"def upgrade\(\) -> None:\n(\s*#.*\n)*\s*pass\n", text)


def test_the_developer_script_explains_its_usage(capsys: pytest.CaptureFixture[str]) -> None:
    from focusplan.migrations import new_revision

    assert new_revision.main([]) == 2
    assert "usage" in capsys.readouterr().err
