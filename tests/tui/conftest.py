"""App fixtures: a seeded demo database (built once, copied per test), a frozen clock,
no cursor blink, and an app that does not poll on its own (tests poll explicitly)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from focusplan.services.source import DataSource
from tests.conftest import FROZEN_NOW, ZONE

DEMO_FILE = "demo.sqlite3"


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    # A blinking cursor makes screenshots depend on when they are taken.
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo (five weeks) ending at FROZEN_NOW, built once through the real services."""
    from focusplan import clock
    from focusplan.demo import build_demo

    folder = tmp_path_factory.mktemp("demo-template")
    path = folder / DEMO_FILE
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOCUSPLAN_TZ", ZONE)
        patch.setenv("FOCUSPLAN_NOW", FROZEN_NOW)
        patch.setenv("FOCUSPLAN_CONFIG", str(folder / "no-config.toml"))
        clock._zone_from.cache_clear()
        source = DataSource(str(path))
        build_demo(source, now=clock.now())
        source.database.close()
        clock._zone_from.cache_clear()
    # Fold the WAL into the file so one copy is the whole database.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path, frozen_now: dt.datetime) -> Path:
    path = tmp_path / DEMO_FILE
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def demo_source(demo_db: Path) -> Iterator[DataSource]:
    source = DataSource(str(demo_db))
    yield source
    if "database" in source.__dict__:
        source.database.close()


@pytest.fixture
def empty_source(tmp_path: Path, frozen_now: dt.datetime) -> Iterator[DataSource]:
    source = DataSource(str(tmp_path / "empty.sqlite3"))
    source.database  # noqa: B018 - migrate so the app reads a real, empty database
    yield source
    source.database.close()
