"""Sleep imports on a real database: the day it ended, notes kept, idempotent, energy lower."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from focusplan.domain import DayContext
from focusplan.store import open_database
from tests.integration.cli_runner import Focusplan
from tests.unit.test_exchange_sleep import NIGHT, export

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def fp(db_path: Path, frozen_now: dt.datetime) -> Focusplan:
    focusplan = Focusplan(db_path)
    focusplan.ok("add", "Draft chapter")
    return focusplan


def counter(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT value FROM change_counter").fetchone()[0])


def day(db: Path, date: dt.date = MONDAY) -> DayContext | None:
    with open_database(db) as database, database.unit_of_work(read_only=True) as uow:
        return uow.days.get(date)


def test_sleep_csv_sets_the_days_sleep_and_keeps_its_notes(fp: Focusplan, tmp_path: Path) -> None:
    with open_database(fp.db) as database, database.unit_of_work() as uow:
        uow.days.put(DayContext(date=MONDAY, notes="dentist at 4"))
    sleep = tmp_path / "sleep.csv"
    sleep.write_text("start,end\n2026-11-22T23:30+01:00,2026-11-23T05:30+01:00\n")
    assert "(sleep-csv)" in fp.ok("import", str(sleep)).out
    assert day(fp.db) == DayContext(date=MONDAY, sleep_hours=6.0, notes="dentist at 4")
    before = counter(fp.db)
    fp.ok("import", str(sleep), "--format", "sleep-csv")
    assert counter(fp.db) == before  # the same file again changes nothing at all


def test_apple_health_export_is_imported_from_its_file(fp: Focusplan, tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(export(*NIGHT))
    summary = fp.ok("import", str(path), "--json").json()
    assert summary["format"] == "apple-health" and summary["days"] == 1
    assert day(fp.db) == DayContext(date=MONDAY, sleep_hours=7.0)
    before = counter(fp.db)
    fp.ok("import", str(path), "--format", "apple-health")
    assert counter(fp.db) == before


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("sleep.csv", "start,end\n2026-11-22T23:30,2026-11-23T05:30\nbad,row\n", "line 3"),
        ("export.xml", export(*NIGHT).replace("</HealthData>", ""), "line 17"),
    ],
)
def test_a_broken_sleep_file_is_one_error_line_and_nothing_imported(
    fp: Focusplan, tmp_path: Path, name: str, text: str, fragment: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    before = counter(fp.db)
    outcome = fp("import", str(path))
    assert outcome.code == 2
    assert outcome.err.count("\n") == 1 and outcome.err.startswith("error: ")
    assert fragment in outcome.err
    assert counter(fp.db) == before and day(fp.db) is None


def test_a_short_night_lowers_the_energy_the_ranking_predicts(
    fp: Focusplan, tmp_path: Path
) -> None:
    rested = fp.ok("now", "--json").json()["energy"]
    assert rested["source"] == "predicted"
    sleep = tmp_path / "sleep.csv"
    sleep.write_text("start,end\n2026-11-23T01:00+01:00,2026-11-23T05:00+01:00\n")
    fp.ok("import", str(sleep))
    tired = fp.ok("now", "--json").json()["energy"]
    # 4 hours against the 7.5 needed: a quarter level per missing hour.
    assert tired["level"] == pytest.approx(rested["level"] - 0.875, abs=0.011)
