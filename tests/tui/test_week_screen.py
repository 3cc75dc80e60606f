"""The Week screen (key 6), driven with Pilot on the seeded demo database.

The clock is frozen on Monday 23 November 2026, 10:00 in Paris: the week shown
first is 23–29 November, planned on demand from now.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from focusplan.planner import WorkingDay
from focusplan.services.source import DataSource
from focusplan.services.week import WeekView, week_view
from focusplan.settings import load_settings
from focusplan.tui.screens.plan_dialogs import ExportPlanScreen
from focusplan.tui.screens.task_form import TaskFormScreen
from focusplan.tui.screens.week import WeekScreen
from focusplan.tui.widgets.week_grid import WeekGrid, shown_days, slot_minutes, window
from tests.tui.helpers import SIZE, RecordingApp, make_app, settle

MONDAY = dt.date(2026, 11, 23)
SMALL = (80, 24)

SnapCompare = Callable[..., bool]


def week_screen(app: RecordingApp) -> WeekScreen:
    screen = app.screen
    assert isinstance(screen, WeekScreen)
    return screen


def grid(app: RecordingApp) -> WeekGrid:
    return week_screen(app).query_one(WeekGrid)


def shown(app: RecordingApp) -> WeekView:
    view = grid(app).view
    assert view is not None
    return view


async def open_week(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)


def working() -> WorkingDay:
    return WorkingDay.from_settings(load_settings())


# --- the service ---------------------------------------------------------------------------


def test_a_week_is_seven_days_from_monday_with_plans_ahead_and_events_behind(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    view = week_view(demo_source, MONDAY + dt.timedelta(days=3), frozen_now, working())
    assert view.monday == MONDAY
    assert [day.day for day in view.days] == [MONDAY + dt.timedelta(days=k) for k in range(7)]
    assert [day.works for day in view.days] == [True] * 5 + [False] * 2
    # The days ahead are planned (the backlog may run out before Friday); not the weekend.
    planned = [any(b.kind == "focus" for b in day.blocks) for day in view.days]
    assert planned[0] and sum(planned[:5]) >= 2
    assert not any(b.kind == "focus" for day in view.days[5:] for b in day.blocks)
    assert all(len(day.energy) == len(view.hours) for day in view.days)


def test_the_previous_week_shows_its_calendar_though_nobody_planned_it(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    view = week_view(demo_source, MONDAY - dt.timedelta(days=7), frozen_now, working())
    events = [b for day in view.days for b in day.blocks if b.kind == "event"]
    assert events
    assert not any(b.kind == "focus" for day in view.days for b in day.blocks)


def test_a_task_due_on_a_day_is_marked_on_that_day(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    view = week_view(demo_source, MONDAY, frozen_now, working())
    for day in view.days:
        start = dt.datetime.combine(day.day, dt.time(0), tzinfo=frozen_now.tzinfo)
        for task in day.dues:
            assert task.due is not None
            assert start <= task.due < start + dt.timedelta(days=1)
            assert task.status == "open"
    assert any(day.dues for day in view.days)


# --- the grid's arithmetic -----------------------------------------------------------------


def test_slots_are_the_finest_that_fit_the_height() -> None:
    assert slot_minutes(8, 40) == 15
    assert slot_minutes(8, 20) == 30
    assert slot_minutes(8, 10) == 60
    assert slot_minutes(8, 3) == 60  # nothing fits: hourly, cut at the bottom


def test_the_window_of_columns_keeps_the_cursor_day_in_view() -> None:
    assert window(7, 7, 3) == range(7)
    assert window(7, 3, 0) == range(0, 3)
    assert window(7, 3, 6) == range(4, 7)
    assert 5 in window(7, 4, 5)


def test_working_days_by_default_all_seven_on_request(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    days = week_view(demo_source, MONDAY, frozen_now, working()).days
    assert len(shown_days(days, all_days=False)) == 5
    assert len(shown_days(days, all_days=True)) == 7


# --- the screen ----------------------------------------------------------------------------


@pytest.fixture
def held_week(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """`week_view` waits until the test lets it go, to look at the screen meanwhile."""
    import focusplan.services.week as week_module

    release = threading.Event()
    real = week_module.week_view

    def held(*args: Any, **kwargs: Any) -> WeekView:
        release.wait(timeout=30)
        return real(*args, **kwargs)

    monkeypatch.setattr(week_module, "week_view", held)
    yield release
    release.set()


async def test_the_week_is_planned_in_a_worker_behind_a_loading_state(
    demo_source: DataSource, held_week: threading.Event
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await pilot.pause()
        screen = week_screen(app)  # switched at once, the plans still being made
        assert screen.query_one("#week-loading").display
        assert "loading…" in str(screen.query_one("#week-main").border_title)
        assert not grid(app).display
        held_week.set()
        await settle(pilot)
        assert grid(app).display
        assert not screen.query_one("#week-loading").display
        assert "loading…" not in str(screen.query_one("#week-main").border_title)


async def test_brackets_and_t_move_by_week(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        assert shown(app).monday == MONDAY
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert shown(app).monday == MONDAY + dt.timedelta(days=7)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert shown(app).monday == MONDAY - dt.timedelta(days=7)
        await pilot.press("t")
        await settle(pilot)
        assert shown(app).monday == MONDAY
        assert "this week" in str(week_screen(app).query_one("#week-main").border_title)


async def test_w_shows_all_seven_days_and_back(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        assert len(grid(app).days()) == 5
        await pilot.press("w")
        assert len(grid(app).days()) == 7
        assert "Sun 29" in grid(app).render().plain  # type: ignore[union-attr]
        await pilot.press("w")
        assert len(grid(app).days()) == 5


async def test_enter_on_a_focus_block_opens_its_task(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        the_grid = grid(app)
        # Walk to the first focus block of today.
        for _ in range(20):
            block = the_grid.highlighted_block
            if block is not None and block.kind == "focus":
                break
            await pilot.press("j")
        block = the_grid.highlighted_block
        assert block is not None and block.kind == "focus"
        assert week_screen(app).selected_task_id() == block.task_id
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TaskFormScreen)
        assert form.editing is not None and form.editing.id == block.task_id


async def test_arrows_move_between_days_and_the_detail_follows(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        the_grid = grid(app)
        assert the_grid.cursor is not None and the_grid.cursor.day == MONDAY
        await pilot.press("right", "right")
        await pilot.pause()
        assert the_grid.cursor is not None and the_grid.cursor.day == MONDAY + dt.timedelta(days=2)
        detail = str(week_screen(app).query_one("#week-detail").render())
        assert "Wed 25 Nov" in detail


async def test_r_plans_the_week_again_from_now(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert any("Planned the week again" in said for said in app.said)
        assert shown(app).replanned


async def test_r_on_a_week_that_is_over_says_so(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert any("That week is over" in said for said in app.said)


async def test_s_exports_the_whole_week(demo_source: DataSource, tmp_path: Path) -> None:
    import icalendar

    target = tmp_path / "week.ics"
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_week(pilot)
        await pilot.press("s")
        dialog = app.screen
        assert isinstance(dialog, ExportPlanScreen)
        assert dialog.query_one("#export-path", Input).value == "~/focusplan-week-2026-11-23.ics"
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        calendar = icalendar.Calendar.from_ical(target.read_bytes())
        starts = {event.decoded("DTSTART").date() for event in calendar.walk("VEVENT")}
        # Focus blocks on more than one day of the week: the week, not one day.
        assert len({day for day in starts if MONDAY <= day < MONDAY + dt.timedelta(days=7)}) >= 3
        assert any(str(target) in said for said in app.said)


async def test_the_week_at_80_columns_keeps_readable_columns(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SMALL) as pilot:
        await open_week(pilot)
        text = grid(app).render().plain  # type: ignore[union-attr]
        assert all(name in text for name in ("Mon 23", "Tue 24", "Fri 27"))
        await pilot.press("w")
        await pilot.pause()
        text = grid(app).render().plain  # type: ignore[union-attr]
        # Seven columns do not fit in 80: a window of them, with a sign that there are more.
        assert "◂ ▸" in text
        assert "Mon 23" in text
