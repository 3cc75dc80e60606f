"""Fixtures shared by every test: a pinned zone and clock, and no personal config."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# A Monday morning in a zone with DST, so offsets and weekday logic are exercised.
FROZEN_NOW = "2026-11-23T10:00:00+01:00"
ZONE = "Europe/Paris"


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    # Dialogs default to files under ~; a test must never write into the real home.
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("FOCUSPLAN_TZ", ZONE)
    monkeypatch.setenv("FOCUSPLAN_CONFIG", str(home / "no-config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("FOCUSPLAN_DB", raising=False)
    monkeypatch.delenv("FOCUSPLAN_NOW", raising=False)
    # The width a command's tables get when its output is a pipe, whatever ran pytest
    # (a terminal, xdist's workers, CI): tests of table layout must not depend on it.
    monkeypatch.setenv("COLUMNS", "100")
    from focusplan import clock

    clock._zone_from.cache_clear()
    try:
        from focusplan.settings import load_settings

        load_settings.cache_clear()
    except ImportError:
        pass
    if request.node.get_closest_marker("real_migrations") is None:
        from focusplan.store import engine

        monkeypatch.setattr(engine, "_upgrade", _fresh_file_from_template(engine._upgrade))
    before = {name for name in os.environ if name.startswith("FOCUSPLAN_")}
    yield
    # A command run in-process may set a FOCUSPLAN_* default (demo does); it must not
    # reach the next test.
    for name in [n for n in os.environ if n.startswith("FOCUSPLAN_") and n not in before]:
        del os.environ[name]


# --- fresh SQLite files from a template -------------------------------------------------
#
# Some five hundred tests open a new database file in-process, and each ran the whole
# Alembic chain on it (a tenth of a second here, a tenth of the suite's time). A new
# file's migrated content depends only on the migrations, the clock (the seeded weights
# carry the time they were made) and the default weights: the first new file made with
# a given clock and defaults is migrated for real and kept as a page copy; every later
# one with the same clock and defaults gets those pages, which is what the migrations
# would have written. A file that is not new, a server, or a test marked
# `real_migrations` runs the migrations themselves. Subprocesses always do.

_TEMPLATES: dict[str, Path] = {}


def _fresh_file_from_template(upgrade: Any) -> Any:
    def templated(engine: Any, *, is_sqlite: bool) -> None:
        file = Path(engine.url.database or "") if is_sqlite else None
        if file is None or not file.is_file() or file.stat().st_size != 0:
            upgrade(engine, is_sqlite=is_sqlite)
            return
        import json

        from focusplan import clock
        from focusplan.attention.weights import DEFAULT_WEIGHTS

        made_at = clock.now()
        if made_at != clock.now():  # a live clock: the weights' time would differ
            upgrade(engine, is_sqlite=is_sqlite)
            return
        key = json.dumps([made_at.isoformat(), DEFAULT_WEIGHTS], sort_keys=True)
        template = _TEMPLATES.get(key)
        if template is None:
            upgrade(engine, is_sqlite=is_sqlite)
            _TEMPLATES[key] = _copy_of(file)
            return
        # Into the empty file `open_database` created (and chmodded): same inode, same mode.
        file.write_bytes(template.read_bytes())

    return templated


def _copy_of(file: Path) -> Path:
    import atexit
    import shutil
    import sqlite3
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="focusplan-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    copy = folder / "template.sqlite3"
    source, target = sqlite3.connect(file), sqlite3.connect(copy)
    try:
        source.backup(target)
        # One file, nothing in a side WAL: the bytes copied later are the whole database.
        target.execute("PRAGMA journal_mode=WAL")
        target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        source.close()
        target.close()
    return copy


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Freeze focusplan's clock at a Monday 10:00 in Paris."""
    monkeypatch.setenv("FOCUSPLAN_NOW", FROZEN_NOW)
    return dt.datetime.fromisoformat(FROZEN_NOW)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "focusplan.sqlite3"


# --- the same tests on PostgreSQL ---------------------------------------------------------
#
# A test module that holds `pytestmark = pytest.mark.both_backends` runs each test that
# uses `db_location` (directly, or through `db`) once on an SQLite file and once on a
# fresh database of a real PostgreSQL server. The server is the one named by
# FOCUSPLAN_TEST_POSTGRES_URL (`.ci/postgres-cluster start` prints it; `.ci/run` always
# sets it); without it the PostgreSQL runs skip and say why.

POSTGRES_URL_VARIABLE = "FOCUSPLAN_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_backends: run the module's database tests on SQLite and PostgreSQL"
    )
    config.addinivalue_line(
        "markers", "sqlite_only(reason): in a both_backends module, a test about SQLite itself"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_backends") is None:
        return
    only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
    metafunc.parametrize("backend", BACKENDS[:1] if only_sqlite else BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on: "sqlite" unless its module asks for both."""
    return str(getattr(request, "param", "sqlite"))


class PostgresServer:
    """The test server: hands out a fresh database per test, cloned from a migrated one."""

    def __init__(self, url: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        self._url = make_url(url)
        self._admin = psycopg.connect(self.url_of("postgres", driver=False), autocommit=True)
        self._count = 0
        # Names of this run's own: two test runs may share one server.
        self._run = f"focusplan_test_{os.getpid()}"
        self.template = f"{self._run}_template"

    def url_of(self, database: str, *, driver: bool = False) -> str:
        url = self._url.set(database=database)
        if driver:
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)

    def execute(self, sql: str) -> None:
        self._admin.execute(sql)

    def make_template(self) -> None:
        from focusplan.store import open_database

        self.execute(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        self.execute(f"CREATE DATABASE {self.template}")
        previous = os.environ.get("FOCUSPLAN_NOW")
        # The seeded weights carry the time the database was made: the tests' frozen one.
        os.environ["FOCUSPLAN_NOW"] = FROZEN_NOW
        try:
            open_database(self.url_of(self.template)).close()
        finally:
            if previous is None:
                del os.environ["FOCUSPLAN_NOW"]
            else:
                os.environ["FOCUSPLAN_NOW"] = previous

    def new_database(self, *, migrated: bool = True) -> str:
        self._count += 1
        name = f"{self._run}_{self._count}"
        template = self.template if migrated else "template0"
        self.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return name

    def drop(self, name: str) -> None:
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.drop(self.template)
        self._admin.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(
            f"no PostgreSQL server: set {POSTGRES_URL_VARIABLE} "
            '(eval "$(.ci/postgres-cluster start)")'
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        # A server was named: not running its tests would hide that they cannot run.
        pytest.fail("PostgreSQL tests need psycopg: pip install -e '.[test,postgres]'")
    server = PostgresServer(url)
    server.make_template()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, migrated database on the test server, as a `postgresql://` URL."""
    name = postgres_server.new_database()
    try:
        yield postgres_server.url_of(name)
    finally:
        postgres_server.drop(name)


@pytest.fixture
def db_location(backend: str, db_path: Path, request: pytest.FixtureRequest) -> str:
    """What `--db` gets: the SQLite file, or a fresh PostgreSQL database's URL."""
    if backend == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return str(db_path)
