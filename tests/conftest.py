"""Fixtures shared by every test: a pinned zone and clock, and no personal config."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# A Monday morning in a zone with DST, so offsets and weekday logic are exercised.
FROZEN_NOW = "2026-11-23T10:00:00+01:00"
ZONE = "Europe/Paris"


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
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
    from focusplan import clock

    clock._zone_from.cache_clear()
    try:
        from focusplan.settings import load_settings

        load_settings.cache_clear()
    except ImportError:
        pass
    before = {name for name in os.environ if name.startswith("FOCUSPLAN_")}
    yield
    # A command run in-process may set a FOCUSPLAN_* default (demo does); it must not
    # reach the next test.
    for name in [n for n in os.environ if n.startswith("FOCUSPLAN_") and n not in before]:
        del os.environ[name]


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Freeze focusplan's clock at a Monday 10:00 in Paris."""
    monkeypatch.setenv("FOCUSPLAN_NOW", FROZEN_NOW)
    return dt.datetime.fromisoformat(FROZEN_NOW)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "focusplan.sqlite3"
