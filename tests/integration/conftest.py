"""Store fixtures: real database files in tmp_path, built by the real migrations."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from focusplan.domain import NewTask
from focusplan.store import Database, open_database

# Times are written in a zone other than the person's (tests/conftest.py pins Europe/Paris),
# so every round trip also checks the conversion to UTC and back.
WRITER_ZONE = ZoneInfo("America/New_York")
T0 = dt.datetime(2026, 11, 20, 9, 30, tzinfo=WRITER_ZONE)
REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(db_location: str) -> Iterator[Database]:
    """The opened database: an SQLite file, or (in a `both_backends` module, second run)
    a fresh PostgreSQL database (tests/conftest.py)."""
    database = open_database(db_location)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def make_task() -> Callable[..., NewTask]:
    def build(title: str = "a task", **fields: Any) -> NewTask:
        fields.setdefault("created_at", T0)
        return NewTask(title=title, **fields)

    return build


def run_python(code: str) -> dict[str, Any]:
    """Run `code` in a fresh interpreter; it must print one JSON object as its last line."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPOSITORY,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def migrate_to(path: Path, revision: str) -> None:
    """A database file at `revision` (not head), migrated as open_database would."""
    from alembic import command
    from sqlalchemy.pool import NullPool

    from focusplan.store.engine import _create_engine, resolve_target
    from focusplan.store.migrate import alembic_config

    url, _ = resolve_target(path)
    engine = _create_engine(url, foreign_keys=False, poolclass=NullPool)
    config = alembic_config()
    try:
        with engine.connect() as connection, connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
