"""The stdlib fast read path: same models as the repositories, no ORM import, no migrating."""

from __future__ import annotations

import builtins
import datetime as dt
import io
import sqlite3
from pathlib import Path

import pytest

from focusplan import clock
from focusplan.domain import ContextEventDraft, EnergyLogDraft, NewTask, TaskPatch
from focusplan.store import Database, SchemaTooNew, StoreError, open_database
from focusplan.store.snapshot import SchemaBehind, read_snapshot
from tests.integration.conftest import T0, migrate_to, run_python

HOUR = dt.timedelta(hours=1)
EVER = (dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.datetime(2200, 1, 1, tzinfo=dt.UTC))


@pytest.fixture
def filled(db: Database) -> Database:
    with db.unit_of_work() as uow:
        a = uow.tasks.add(
            NewTask(
                title="deep work",
                notes="ünïcode",
                importance=5,
                demand="high",
                due=T0 + 24 * HOUR,
                not_before=T0 - HOUR,
                project="work",
                tags=("deep", "writing"),
                window="morning",
                created_at=T0,
                external_id="x-1",
            )
        )
        b = uow.tasks.add(NewTask(title="after", created_at=T0, depends_on=(a.id,)))
        c = uow.tasks.add(NewTask(title="done", created_at=T0, depends_on=(b.id, a.id)))
        uow.tasks.complete(c.id, T0 + HOUR, 20)
        d = uow.tasks.add(NewTask(title="dropped", created_at=T0))
        uow.tasks.drop(d.id, T0 + 2 * HOUR)
        uow.tasks.update(b.id, TaskPatch(estimate_minutes=90))
        uow.energy.add(EnergyLogDraft(at=T0 + HOUR, level=2))
        uow.energy.add(EnergyLogDraft(at=T0, level=4, note="fresh"))
        uow.events.upsert(ContextEventDraft(start=T0 + 3 * HOUR, end=T0 + 4 * HOUR, uid="u1"))
        uow.events.upsert(ContextEventDraft(start=T0, end=T0 + 24 * HOUR, all_day=True))
        uow.weights.add({"temperature": 0.5}, "tuned", T0)
        uow.sessions.start(a.id, T0 + 5 * HOUR)
    return db


def test_the_snapshot_equals_what_the_repositories_return(filled: Database) -> None:
    assert filled.path is not None
    snap = read_snapshot(filled.path)
    with filled.unit_of_work() as uow:
        assert snap.tasks == uow.tasks.list()
        assert snap.energy == uow.energy.list()
        assert snap.weights == uow.weights.active()
        assert snap.active_session == uow.sessions.active()
        assert snap.events == uow.events.between(*EVER)
        assert snap.sessions == uow.sessions.between(*EVER)
        # Field for field, including the order pydantic keeps them in.
        assert [t.model_dump() for t in snap.tasks] == [t.model_dump() for t in uow.tasks.list()]


def test_the_snapshot_reads_the_sessions_still_running_or_ended_since_a_moment(
    filled: Database,
) -> None:
    assert filled.path is not None
    with filled.unit_of_work() as uow:
        active = uow.sessions.active()
        assert active is not None
        uow.sessions.stop(T0 + 6 * HOUR)
        uow.sessions.start(active.task_id, T0 + 8 * HOUR)
    every = read_snapshot(filled.path).sessions
    recent = read_snapshot(filled.path, sessions_since=T0 + 7 * HOUR).sessions
    assert [s.start for s in every] == [T0 + 5 * HOUR, T0 + 8 * HOUR]
    assert [s.start for s in recent] == [T0 + 8 * HOUR]
    assert read_snapshot(filled.path).active_session == recent[0]


def test_snapshot_times_are_aware_in_the_persons_zone(filled: Database) -> None:
    assert filled.path is not None
    snap = read_snapshot(filled.path)
    zone = clock.local_zone()
    times = [t.created_at for t in snap.tasks] + [log.at for log in snap.energy]
    assert len(times) == 6
    assert all(when.tzinfo == zone for when in times)
    assert snap.tasks[0].due == T0 + 24 * HOUR


def test_an_empty_database_snapshot_has_the_default_weights(db: Database) -> None:
    assert db.path is not None
    snap = read_snapshot(db.path)
    assert (snap.tasks, snap.energy, snap.events, snap.active_session) == ([], [], [], None)
    assert snap.weights.version == 1


def test_a_database_behind_the_head_raises_schema_behind(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    migrate_to(path, "0001")
    with pytest.raises(SchemaBehind):
        read_snapshot(path)


def test_a_newer_schema_is_refused(db: Database) -> None:
    assert db.path is not None
    connection = sqlite3.connect(db.path)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    with pytest.raises(SchemaTooNew):
        read_snapshot(db.path)


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\x01 not sqlite at all" * 100)
    with pytest.raises(StoreError, match="is not a focusplan database"):
        read_snapshot(junk)


def test_reading_a_snapshot_writes_nothing(filled: Database) -> None:
    assert filled.path is not None
    filled.close()
    before = filled.path.read_bytes()
    read_snapshot(filled.path)
    assert filled.path.read_bytes() == before


def test_the_snapshot_imports_neither_sqlalchemy_nor_alembic(filled: Database) -> None:
    assert filled.path is not None
    loaded = run_python(
        "import json, sys\n"
        "from pathlib import Path\n"
        "from focusplan.store.snapshot import read_snapshot\n"
        f"snap = read_snapshot(Path({str(filled.path)!r}))\n"
        "roots = {name.split('.')[0] for name in sys.modules}\n"
        "print(json.dumps({'tasks': len(snap.tasks), 'sqlalchemy': 'sqlalchemy' in roots,"
        " 'alembic': 'alembic' in roots}))"
    )
    assert loaded == {"tasks": 4, "sqlalchemy": False, "alembic": False}


def test_the_database_file_is_never_opened_behind_sqlites_back(
    filled: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Closing any descriptor of the file drops every POSIX lock this process holds on it,
    # the locks of SQLite connections still open included: other processes could then
    # checkpoint under their feet (seen as SQLITE_IOERR_SHORT_READ in a busy app).
    assert filled.path is not None
    database_files = {str(filled.path), str(filled.path) + "-wal", str(filled.path) + "-shm"}
    real_open = io.open

    def guarded_open(file: object, *args: object, **kwargs: object) -> object:
        assert str(file) not in database_files, f"opened {file} outside SQLite"
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    with filled.unit_of_work() as uow:
        uow.tasks.list()
        read_snapshot(filled.path)
        open_database(filled.path).close()
