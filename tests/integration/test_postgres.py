"""PostgreSQL as a home: on a real server (FOCUSPLAN_TEST_POSTGRES_URL; skipped without it).

What only a server has: two machines opening, writing and listening at once; moving a
database in and out with `db copy`; and the ways a server fails (down, wrong password,
no such database, a connection dropped mid-command).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from focusplan.domain import EnergyLogDraft, NewTask
from focusplan.store import open_database
from focusplan.store.postgres import WRITE_LOCK_KEY, with_driver
from focusplan.store.snapshot import read_server_snapshot
from tests.conftest import FROZEN_NOW, PostgresServer
from tests.integration.cli_runner import Focusplan
from tests.integration.conftest import REPOSITORY, T0

ADDS_PER_WRITER = 200
EVER = (dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.datetime(2200, 1, 1, tzinfo=dt.UTC))


@pytest.fixture
def empty_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A database on the server with nothing in it: not even focusplan's schema."""
    name = postgres_server.new_database(migrated=False)
    try:
        yield postgres_server.url_of(name)
    finally:
        postgres_server.drop(name)


def one_error_line(outcome_err: str) -> str:
    lines = outcome_err.strip().splitlines()
    assert len(lines) == 1, outcome_err
    assert lines[0].startswith("error: "), outcome_err
    assert "Traceback" not in outcome_err
    return lines[0]


# --- opening ------------------------------------------------------------------------------


def test_a_postgresql_url_as_typed_means_psycopg_3() -> None:
    from sqlalchemy.engine import make_url

    for typed in ("postgresql://u@h/db", "postgres://u@h/db"):
        assert with_driver(make_url(typed)).drivername == "postgresql+psycopg"
    assert with_driver(make_url("postgresql+psycopg://u@h/db")).drivername == "postgresql+psycopg"


def test_a_new_database_is_migrated_on_first_use_with_the_default_weights(
    empty_url: str, frozen_now: dt.datetime
) -> None:
    fp = Focusplan(empty_url)
    assert fp.ok("add", "first on the server").out.strip() == "1"
    weights = fp.ok("weights", "--json").json()
    assert weights["version"] == 1
    assert weights["params"]["temperature"] == 1.0


def test_two_machines_opening_a_new_database_at_once_migrate_it_once(empty_url: str) -> None:
    code = (
        "import sys; from focusplan.store import open_database;"
        "db = open_database(sys.argv[1]);"
        "uow = db.unit_of_work(read_only=True)\n"
        "with uow: print(uow.weights.active().version)"
    )
    with ThreadPoolExecutor(2) as pool:
        runs = list(
            pool.map(
                lambda _: subprocess.run(
                    [sys.executable, "-c", code, empty_url],
                    capture_output=True,
                    text=True,
                    cwd=REPOSITORY,
                    timeout=120,
                    check=False,
                ),
                range(2),
            )
        )
    assert [run.returncode for run in runs] == [0, 0], [run.stderr for run in runs]
    with open_database(empty_url) as db, db.engine.connect() as connection:
        versions = connection.exec_driver_sql("SELECT version FROM weight_versions").all()
        revisions = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    assert versions == [(1,)]
    assert len(revisions) == 1


def test_the_fast_read_sees_what_the_repositories_see(postgres_url: str) -> None:
    with open_database(postgres_url) as db:
        with db.unit_of_work() as uow:
            first = uow.tasks.add(NewTask(title="a", tags=("x", "y"), created_at=T0))
            uow.tasks.add(NewTask(title="b", depends_on=(first.id,), due=T0, created_at=T0))
            uow.energy.add(EnergyLogDraft(at=T0, level=4, note="fresh"))
        with db.unit_of_work(read_only=True) as uow:
            tasks, energy, weights = uow.tasks.list(), uow.energy.list(), uow.weights.active()
    snap = read_server_snapshot(postgres_url)
    assert snap.tasks == tasks
    assert snap.energy == energy
    assert snap.weights == weights


# --- two machines at once -----------------------------------------------------------------

WRITER = """
import json, sys
from focusplan.cli import run
name, count = sys.argv[1], int(sys.argv[2])
codes = [run(["add", f"{name} {i}", "--project", name]) for i in range(count)]
print(json.dumps({"failed": sum(code != 0 for code in codes)}))
"""


def test_two_machines_writing_at_once_land_every_write_exactly_once_and_the_app_hears_them(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from focusplan.services.source import DataSource
    from focusplan.tui.app import FocusplanApp

    def machine(name: str) -> subprocess.CompletedProcess[str]:
        home = tmp_path / name
        home.mkdir()
        env = {**os.environ, "HOME": str(home), "FOCUSPLAN_DB": postgres_url}
        env["XDG_DATA_HOME"] = str(home / "data")
        env["XDG_CONFIG_HOME"] = str(home / "config")
        return subprocess.run(
            [sys.executable, "-c", WRITER, name, str(ADDS_PER_WRITER)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPOSITORY,
            timeout=300,
            check=False,
        )

    async def with_the_app_open() -> tuple[list[subprocess.CompletedProcess[str]], int]:
        app = FocusplanApp(DataSource(postgres_url), watch_changes=True)
        async with app.run_test(size=(120, 36)) as pilot:
            while app.board is None:
                await pilot.pause(0.05)
            loop = asyncio.get_running_loop()
            runs = await asyncio.gather(
                loop.run_in_executor(None, machine, "laptop"),
                loop.run_in_executor(None, machine, "desktop"),
            )
            # Heard, not polled: the app's refresh tick alone would also get there, so
            # the tick is far longer than this wait (settings default: 5 s).
            deadline = loop.time() + 20
            while loop.time() < deadline:
                board = app.board
                if board is not None and len(board.tasks) == 2 * ADDS_PER_WRITER:
                    break
                await pilot.pause(0.05)
            seen = 0 if app.board is None else len(app.board.tasks)
        return list(runs), seen

    monkeypatch.setenv("FOCUSPLAN_REFRESH_SECONDS", "3600")
    runs, seen_by_app = asyncio.run(with_the_app_open())
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout.strip().splitlines()[-1]) == {"failed": 0}, run.stderr
        assert "error" not in run.stderr
    tasks = Focusplan(postgres_url).ok("list", "--json").json()
    titles = sorted(task["title"] for task in tasks)
    expected = sorted(
        f"{name} {i}" for name in ("laptop", "desktop") for i in range(ADDS_PER_WRITER)
    )
    assert titles == expected
    assert sorted(task["id"] for task in tasks) == list(range(1, 2 * ADDS_PER_WRITER + 1))
    assert seen_by_app == 2 * ADDS_PER_WRITER


def test_a_conflicting_edit_from_another_machine_is_reported_not_lost(
    postgres_url: str, frozen_now: dt.datetime
) -> None:
    fp = Focusplan(postgres_url)
    fp.ok("add", "shared task")
    started = threading.Event()
    outcome: list[object] = []
    with open_database(postgres_url) as db:
        # Machine A is mid-way through completing the task (its write transaction is
        # open) when machine B completes it too: B waits its turn, then sees A's.
        with db.unit_of_work() as uow:
            uow.tasks.complete(1, frozen_now, 25)
            uow.flush()

            def other_machine() -> None:
                started.set()
                outcome.append(fp("done", "1", "--minutes", "40"))

            thread = threading.Thread(target=other_machine)
            thread.start()
            started.wait()
            _wait_for_a_waiting_writer(postgres_url)
        thread.join(timeout=60)
    (done,) = outcome
    assert done.code == 2  # type: ignore[attr-defined]
    assert "already done" in one_error_line(done.err)  # type: ignore[attr-defined]
    (task,) = fp.ok("list", "--all", "--json").json()
    assert task["status"] == "done" and task["actual_minutes"] == 25


def _wait_for_a_waiting_writer(url: str) -> None:
    """Until another session waits for the write lock (a condition, not a clock)."""
    import psycopg

    from focusplan.store.postgres import libpq_uri

    with psycopg.connect(libpq_uri(url), autocommit=True) as watcher:
        for _ in range(10_000):
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ).fetchone()
            if waiting and waiting[0]:
                return
            watcher.execute("SELECT pg_sleep(0.01)")
    raise AssertionError("no second writer ever waited")


# --- moving in and out --------------------------------------------------------------------


@pytest.fixture(scope="module")
def filled_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with one of everything: the demo's five weeks, a plan, a deleted task.
    Built once (the demo takes seconds), copied for each test."""
    from focusplan.demo import build_demo
    from focusplan.services.source import DataSource

    path = tmp_path_factory.mktemp("filled") / "laptop.sqlite3"
    now = dt.datetime.fromisoformat(FROZEN_NOW)
    source = DataSource(str(path))
    build_demo(source, now=now)
    source.database.close()
    with open_database(path) as db:
        with db.unit_of_work() as uow:
            uow.tasks.add(NewTask(title="to be deleted", created_at=now))
        with db.unit_of_work() as uow:
            # A deleted task: its id must not be handed out again after the move.
            uow.tasks.delete(uow.tasks.list()[-1].id)
    return path


@pytest.fixture
def filled_sqlite(filled_template: Path, tmp_path: Path, frozen_now: dt.datetime) -> Path:
    path = tmp_path / "laptop.sqlite3"
    shutil.copy(filled_template, path)
    Focusplan(path).ok("plan")
    return path


def full_backup(location: str | Path) -> object:
    return json.loads(Focusplan(location).ok("export", "json").out)


def test_db_copy_moves_everything_to_the_server_and_back(
    filled_sqlite: Path, postgres_url: str, tmp_path: Path
) -> None:
    fp = Focusplan(filled_sqlite)
    copied = fp.ok("db", "copy", "--to", postgres_url, "--json").json()
    assert copied["rows"]["tasks"] > 100 and copied["rows"]["plans"] >= 1
    before = full_backup(filled_sqlite)
    assert full_backup(postgres_url) == before
    back = tmp_path / "desktop.sqlite3"
    Focusplan(postgres_url).ok("db", "copy", "--to", str(back))
    assert full_backup(back) == before
    # The id counter moved on past every id ever handed out, the deleted one too.
    highest = max(task["id"] for task in before["tasks"])  # type: ignore[index]
    assert int(Focusplan(postgres_url).ok("add", "next").out) == highest + 2
    assert int(Focusplan(back).ok("add", "next").out) == highest + 2


def test_db_copy_refuses_a_target_that_holds_data_unless_told_to_replace_it(
    filled_sqlite: Path, postgres_url: str, frozen_now: dt.datetime
) -> None:
    server = Focusplan(postgres_url)
    server.ok("add", "already here")
    refused = Focusplan(filled_sqlite)("db", "copy", "--to", postgres_url)
    assert refused.code == 2
    assert "--replace" in one_error_line(refused.err)
    assert [task["title"] for task in server.ok("list", "--json").json()] == ["already here"]
    Focusplan(filled_sqlite).ok("db", "copy", "--to", postgres_url, "--replace")
    assert full_backup(postgres_url) == full_backup(filled_sqlite)


def test_a_copy_that_fails_half_way_leaves_the_target_as_it_was(
    filled_sqlite: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from focusplan.store import copy

    server = Focusplan(postgres_url)
    server.ok("add", "already here")
    real = copy._set_next_id
    calls = 0

    def fail_late(*args: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # after every row went in
            raise OSError("the disk went away")
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(copy, "_set_next_id", fail_late)
    failed = Focusplan(filled_sqlite)("db", "copy", "--to", postgres_url, "--replace")
    assert failed.code != 0
    one_error_line(failed.err)
    assert [task["title"] for task in server.ok("list", "--json").json()] == ["already here"]


# --- clear failures -----------------------------------------------------------------------


def test_a_server_that_is_down_is_one_error_line_and_exit_1(tmp_path: Path) -> None:
    nowhere = f"postgresql://focusplan@/focusplan?host={tmp_path}"
    for command in (("list",), ("add", "lost"), ("rank",)):
        outcome = Focusplan(nowhere)(*command)
        assert outcome.code == 1, outcome
        assert "is it running" in one_error_line(outcome.err)


def test_a_wrong_password_is_one_error_line_and_exit_1(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    from sqlalchemy.engine import make_url

    postgres_server.execute("DROP ROLE IF EXISTS focusplan_someone")
    postgres_server.execute("CREATE ROLE focusplan_someone LOGIN PASSWORD 'right'")
    try:
        url = make_url(postgres_url).set(username="focusplan_someone", password="wrong")
        outcome = Focusplan(url.render_as_string(hide_password=False))("list")
    finally:
        postgres_server.execute("DROP ROLE focusplan_someone")
    assert outcome.code == 1
    line = one_error_line(outcome.err)
    assert "user name or password" in line
    assert "wrong" not in line


def test_a_missing_database_is_one_error_line_and_exit_1(postgres_server: PostgresServer) -> None:
    outcome = Focusplan(postgres_server.url_of("focusplan_no_such_database"))("add", "x")
    assert outcome.code == 1
    assert "no such database" in one_error_line(outcome.err)


def test_a_connection_dropped_mid_command_is_one_error_line_and_writes_nothing(
    postgres_server: PostgresServer, postgres_url: str, frozen_now: dt.datetime
) -> None:
    import psycopg

    from focusplan.store.postgres import libpq_uri

    fp = Focusplan(postgres_url)
    fp.ok("add", "before")
    outcome: list[object] = []
    with psycopg.connect(libpq_uri(postgres_url)) as holder:
        # Hold the write lock so the command is caught mid-way, its transaction open.
        holder.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        thread = threading.Thread(target=lambda: outcome.append(fp("add", "during")))
        thread.start()
        _wait_for_a_waiting_writer(postgres_url)
        holder.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks"
            " WHERE locktype = 'advisory' AND NOT granted"
        )
        thread.join(timeout=60)
        holder.rollback()
    (dropped,) = outcome
    assert dropped.code == 1, dropped  # type: ignore[attr-defined]
    assert "lost the connection" in one_error_line(dropped.err)  # type: ignore[attr-defined]
    assert [task["title"] for task in fp.ok("list", "--json").json()] == ["before"]


def test_the_records_and_the_migrations_agree_on_postgresql_too(postgres_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from focusplan.store.records import Base

    with open_database(postgres_url) as db, db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
