"""`plan` through the real command line: the focus length setting, days when the clocks
change, dates far ahead, and a current plan read without the write lock."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from focusplan.settings import load_settings
from tests.integration.cli_runner import Focusplan


@pytest.fixture
def fp(db_path: Path, frozen_now: dt.datetime) -> Iterator[Focusplan]:
    load_settings.cache_clear()
    yield Focusplan(db_path)
    load_settings.cache_clear()  # the next test reads its own settings


def settings(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"FOCUSPLAN_{name.upper()}", value)
    load_settings.cache_clear()  # a new process reads the settings afresh


def focus_minutes(document: dict[str, Any]) -> list[float]:
    return [
        (dt.datetime.fromisoformat(b["end"]) - dt.datetime.fromisoformat(b["start"])).seconds / 60
        for b in document["blocks"]
        if b["kind"] == "focus"
    ]


def test_the_focus_minutes_setting_is_the_length_of_a_focus_block(
    fp: Focusplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    fp.ok("add", "Write the report", "--estimate", "3h", "--importance", "4")
    lengths = {}
    for minutes in ("25", "45", "90"):
        settings(monkeypatch, focus_minutes=minutes)
        lengths[minutes] = focus_minutes(fp.ok("plan", "--json").json())
    # Blocks of the focus length; shorter only where lunch cuts one, longer only to
    # finish the task rather than leave a sliver.
    assert lengths["25"].count(25.0) >= 5 and max(lengths["25"]) < 45
    assert lengths["45"].count(45.0) >= 2 and max(lengths["45"]) < 65
    assert 90.0 in lengths["90"]
    assert sum(lengths["25"]) == sum(lengths["45"]) == sum(lengths["90"]) == 180


def test_focus_blocks_have_breaks_between_them(
    fp: Focusplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings(monkeypatch, focus_minutes="25", break_minutes="5")
    fp.ok("add", "Write the report", "--estimate", "2h")
    blocks = fp.ok("plan", "--json").json()["blocks"]
    after_focus = [
        following["kind"]
        for block, following in itertools.pairwise(blocks)
        if block["kind"] == "focus"
    ]
    assert after_focus and set(after_focus) == {"break"}


def _working_all_night(monkeypatch: pytest.MonkeyPatch, start: str, end: str) -> None:
    settings(
        monkeypatch,
        work_start=start,
        work_end=end,
        lunch_minutes="0",
        work_days="[0,1,2,3,4,5,6]",
    )


@pytest.mark.parametrize(
    ("day", "start", "end", "window_minutes"),
    [
        ("2026-10-25", "00:30", "05:00", 330),  # the clocks go back at 03:00: 02:00-03:00 twice
        ("2026-10-25", "02:10", "02:50", 40),  # inside the hour that happens twice
        ("2026-03-29", "01:30", "04:00", 90),  # the clocks go forward: 02:00-03:00 never is
    ],
)
def test_a_day_when_the_clocks_change_plans_in_real_time(
    fp: Focusplan,
    monkeypatch: pytest.MonkeyPatch,
    day: str,
    start: str,
    end: str,
    window_minutes: int,
) -> None:
    # The evening before, so that the day is the first one planned.
    before = dt.date.fromisoformat(day) - dt.timedelta(days=1)
    monkeypatch.setenv("FOCUSPLAN_NOW", f"{before.isoformat()}T20:00:00+01:00")
    _working_all_night(monkeypatch, start, end)
    fp.ok("add", "Long read", "--estimate", "8h")
    outcome = fp("plan", "--date", day, "--json")
    assert outcome.code == 0, outcome.err
    blocks = outcome.json()["blocks"]
    instants = [
        (dt.datetime.fromisoformat(b["start"]), dt.datetime.fromisoformat(b["end"])) for b in blocks
    ]
    assert all(first < last for first, last in instants)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(instants))
    span = (instants[-1][1] - instants[0][0]).total_seconds() / 60
    assert span <= window_minutes
    assert sum(focus_minutes({"blocks": blocks})) >= window_minutes * 0.6
    # The stored plan reads back (a block in the repeated hour is ordered by instant).
    assert fp.ok("plan", "--date", day, "--json").json() == outcome.json()


def test_a_date_far_ahead_is_planned_from_its_own_week(fp: Focusplan, db_path: Path) -> None:
    # 12 hours: Monday 2999-12-30 (the chain's first day) cannot hold it all.
    fp.ok("add", "Write the report", "--estimate", "12h")
    document = fp.ok("plan", "--date", "2999-12-31", "--json").json()
    assert document["date"] == "2999-12-31"
    assert any(b["kind"] == "focus" for b in document["blocks"])
    assert "only days up to 14 days ahead" in fp.ok("plan", "--date", "2999-12-31").out
    with sqlite3.connect(db_path) as connection:
        stored = [row[0] for row in connection.execute("SELECT date FROM plans")]
    assert stored == ["2999-12-31"]  # nothing between today and then was stored


def test_a_week_far_ahead_agrees_with_the_plan_of_its_day(fp: Focusplan) -> None:
    fp.ok("add", "Write the report", "--estimate", "12h")
    week = fp.ok("export", "json", "--week-of", "2999-12-30").json()
    tuesday = next(day for day in week if day["date"] == "2999-12-31")
    assert fp.ok("plan", "--date", "2999-12-31", "--json").json()["blocks"] == tuesday["blocks"]


def test_a_current_plan_is_served_while_another_process_holds_the_write_lock(
    fp: Focusplan, db_path: Path
) -> None:
    fp.ok("add", "Write the report", "--estimate", "2h")
    first = fp.ok("plan", "--json").out
    writer = sqlite3.connect(db_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # as a long import would
        assert fp.ok("plan", "--json").out == first
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_the_plan_screen_loads_a_current_plan_while_another_process_writes(
    fp: Focusplan, db_path: Path, frozen_now: dt.datetime
) -> None:
    from focusplan.planner import WorkingDay
    from focusplan.services.planning import plan_view
    from focusplan.services.source import DataSource

    fp.ok("add", "Write the report", "--estimate", "2h")
    made = fp.ok("plan", "--json").json()
    writer = sqlite3.connect(db_path, isolation_level=None)
    source = DataSource(str(db_path))
    try:
        writer.execute("BEGIN IMMEDIATE")
        working = WorkingDay.from_settings(load_settings())
        view = plan_view(source, frozen_now.date(), frozen_now, working)
        assert view.plan is not None
        assert [b.task_id for b in view.plan.blocks] == [b["task_id"] for b in made["blocks"]]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        if "database" in vars(source):
            source.database.close()
