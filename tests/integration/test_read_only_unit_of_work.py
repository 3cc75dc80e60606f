"""Read-only units of work: they never wait for the write lock, and they cannot write.

The "other writer" is a plain sqlite3 connection holding `BEGIN IMMEDIATE`, as a
CLI import in another process would while it writes.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from focusplan.domain import DayPlan, NewTask
from focusplan.services.energy_log import energy_logs
from focusplan.services.exchange import export_backup
from focusplan.services.focus import active_session
from focusplan.services.source import DataSource
from focusplan.services.tasks import add_task, get_task
from focusplan.store import Database, StoreError
from focusplan.store.engine import BUSY_TIMEOUT_SECONDS, READ_ONLY_OPTION
from tests.integration.conftest import T0

# Every test here runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

# Far below the busy timeout: a read that waited for the lock would take all of it.
NO_WAIT = BUSY_TIMEOUT_SECONDS / 10


@contextmanager
def write_lock_held_elsewhere(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection inside BEGIN IMMEDIATE, with an uncommitted task written."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute(
            "INSERT INTO tasks (title, created_at) VALUES ('uncommitted', ?)",
            ("2026-11-20T08:00:00.000000+00:00",),
        )
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.mark.sqlite_only("it talks to the file with sqlite3")
def test_a_read_only_unit_of_work_proceeds_while_another_connection_holds_the_write_lock(
    db: Database,
) -> None:
    assert db.path is not None
    with db.unit_of_work() as uow:
        uow.tasks.add(NewTask(title="committed", created_at=T0))
    with write_lock_held_elsewhere(db.path):
        started = time.monotonic()
        with db.unit_of_work(read_only=True) as uow:
            titles = [task.title for task in uow.tasks.list()]
            active = uow.weights.active()
        elapsed = time.monotonic() - started
    assert titles == ["committed"]
    assert active.version == 1
    assert elapsed < NO_WAIT


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda uow: uow.tasks.add(NewTask(title="x", created_at=T0)), id="orm-flush"),
        pytest.param(lambda uow: uow.weights.activate(1), id="table-statement"),
        pytest.param(
            lambda uow: uow.plans.save(DayPlan(date=dt.date(2026, 11, 23))), id="plan-rewrite"
        ),
        pytest.param(lambda uow: uow.flush(), id="explicit-flush"),
    ],
)
def test_a_write_inside_a_read_only_unit_of_work_is_refused(db: Database, write: object) -> None:
    with db.unit_of_work(read_only=True) as uow, pytest.raises(StoreError, match="only reads"):
        write(uow)  # type: ignore[operator]


@pytest.mark.sqlite_only("it talks to the file with sqlite3")
def test_sqlite_itself_refuses_a_write_that_bypasses_the_repositories(db: Database) -> None:
    reader = db.engine.execution_options(**{READ_ONLY_OPTION: True})
    with (
        reader.connect() as connection,
        connection.begin(),
        pytest.raises(Exception, match="readonly database"),
    ):
        connection.execute(text("DELETE FROM weight_versions"))
    with db.unit_of_work(read_only=True) as uow:
        assert uow.weights.history() != []


def test_a_read_only_unit_of_work_keeps_nothing_even_when_it_exits_cleanly(db: Database) -> None:
    # pytest.raises handles the refusal inside the unit of work, which then exits cleanly.
    with db.unit_of_work(read_only=True) as uow, pytest.raises(StoreError):
        uow.tasks.add(NewTask(title="never stored", created_at=T0))
    with db.unit_of_work(read_only=True) as uow:
        assert uow.tasks.list() == []


def test_a_connection_that_served_a_reader_can_write_again(db: Database) -> None:
    for title in ("first", "second"):
        with db.unit_of_work(read_only=True) as uow:
            uow.tasks.list()
        with db.unit_of_work() as uow:
            uow.tasks.add(NewTask(title=title, created_at=T0))
    with db.unit_of_work(read_only=True) as uow:
        assert [task.title for task in uow.tasks.list()] == ["first", "second"]


def test_an_in_memory_database_shares_one_connection_between_readers_and_writers() -> None:
    from focusplan.store import open_database

    with open_database("sqlite://") as database:
        with database.unit_of_work(read_only=True) as uow:
            assert uow.tasks.list() == []
        with database.unit_of_work() as uow:
            uow.tasks.add(NewTask(title="kept", created_at=T0))
        with database.unit_of_work(read_only=True) as uow:
            assert [task.title for task in uow.tasks.list()] == ["kept"]


def test_the_read_services_answer_while_a_writer_holds_the_lock(db_path: Path) -> None:
    source = DataSource(str(db_path))
    task, _ = add_task(source, NewTask(title="look at me", created_at=T0))
    with write_lock_held_elsewhere(db_path):
        started = time.monotonic()
        assert get_task(source, task.id).title == "look at me"
        assert active_session(source) is None
        assert energy_logs(source) == []
        assert '"look at me"' in export_backup(source)
        elapsed = time.monotonic() - started
    assert elapsed < NO_WAIT
