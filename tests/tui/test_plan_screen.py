"""The Plan screen (key 3), driven with Pilot on the seeded demo database.

The clock is frozen on Monday 23 November 2026, 10:00 in Paris. Each flow is
checked against what the services read back, not only against the screen.
"""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from focusplan.domain import BlockKind, DayPlan, NewTask, PlanBlock
from focusplan.services.focus import active_session
from focusplan.services.planning import plan_day_for
from focusplan.services.source import DataSource
from focusplan.services.tasks import add_task, complete_task
from focusplan.tui.screens.plan import PlanScreen
from focusplan.tui.screens.plan_dialogs import ExportPlanScreen, GoToDateScreen
from focusplan.tui.widgets.timeline import Timeline, TimelineData, layout_rows
from tests.tui.helpers import SIZE, RecordingApp, make_app, settle

MONDAY = dt.date(2026, 11, 23)
PARIS = dt.datetime.fromisoformat("2026-11-23T10:00:00+01:00").tzinfo

SnapCompare = Callable[..., bool]


def plan_screen(app: RecordingApp) -> PlanScreen:
    screen = app.screen
    assert isinstance(screen, PlanScreen)
    return screen


def timeline(app: RecordingApp) -> Timeline:
    return plan_screen(app).query_one(Timeline)


def shown_day(app: RecordingApp) -> dt.date:
    view = plan_screen(app)._view
    assert view is not None
    return view.day


def stored_plan(source: DataSource, day: dt.date) -> DayPlan | None:
    with source.unit_of_work() as uow:
        return uow.plans.get(day)


def keys_of(blocks: tuple[PlanBlock, ...] | list[PlanBlock]) -> list[tuple[Any, ...]]:
    return [(b.start, b.end, b.kind, b.task_id) for b in blocks]


async def open_plan(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)


async def move_to(pilot: Pilot[None], app: RecordingApp, kind: str) -> PlanBlock:
    """Press j until a block of `kind` other than the first one is highlighted."""
    for _ in range(20):
        await pilot.press("j")
        block = timeline(app).highlighted_block
        if block is not None and block.kind == kind:
            return block
    raise AssertionError(f"no {kind} block to move to")


# --- showing a day -----------------------------------------------------------------------------


async def test_three_shows_todays_plan_as_stored_with_now_marked(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        data = timeline(app).data
        stored = stored_plan(demo_source, MONDAY)
        assert stored is not None
        assert keys_of(data.blocks) == keys_of(stored.blocks)
        assert any(block.kind == "focus" for block in data.blocks)
        now_row = data.now_row
        assert now_row is not None and data.rows[now_row].holds(frozen_now)
        assert "today" in str(plan_screen(app).query_one("#plan-main").border_title)


async def test_the_cursor_starts_on_the_block_under_way_and_keys_act_on_its_task(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        block = timeline(app).highlighted_block
        assert block is not None and block.kind == "focus"
        assert block.start <= frozen_now < block.end
        assert app.selected_task_id() == block.task_id


async def test_right_bracket_shows_the_next_day_and_t_comes_back(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        tuesday = MONDAY + dt.timedelta(days=1)
        assert shown_day(app) == tuesday
        expected = plan_day_for(demo_source, tuesday, now=frozen_now)
        assert keys_of(timeline(app).data.blocks) == keys_of(expected.blocks)
        assert timeline(app).data.now is None  # no now marker on another day
        await pilot.press("t")
        await settle(pilot)
        assert shown_day(app) == MONDAY


async def test_a_weekend_day_says_it_is_not_a_working_day(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press(*["right_square_bracket"] * 5)
        await settle(pilot)
        assert shown_day(app) == dt.date(2026, 11, 28)
        screen = plan_screen(app)
        empty = screen.query_one("#plan-empty", Static)
        assert empty.display and not timeline(app).display
        assert "not a working day" in str(empty.render())
        assert app.selected_task_id() is None


async def test_a_past_day_is_read_but_never_planned_after_the_fact(
    demo_source: DataSource,
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press(*["left_square_bracket"] * 3)
        await settle(pilot)
        friday = dt.date(2026, 11, 20)
        assert shown_day(app) == friday
        assert "No plan was made" in str(plan_screen(app).query_one("#plan-empty", Static).render())
        assert stored_plan(demo_source, friday) is None


async def test_g_goes_to_a_typed_day_and_explains_a_bad_one(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press("g")
        assert isinstance(app.screen, GoToDateScreen)
        await pilot.press(*"someday", "enter")
        assert isinstance(app.screen, GoToDateScreen)  # still asking
        error = app.screen.query_one("#goto-error", Static)
        assert "cannot read 'someday'" in str(error.render())
        app.screen.query_one("#goto-date", Input).value = ""
        await pilot.press(*"thu", "enter")
        await settle(pilot)
        assert shown_day(app) == dt.date(2026, 11, 26)


# --- re-planning and reloading -------------------------------------------------------------


async def test_r_plans_again_from_now_with_a_task_added_since(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        urgent, _ = add_task(
            demo_source,
            NewTask(
                title="Call the auditor back",
                importance=5,
                estimate_minutes=20,
                demand="low",
                due=frozen_now + dt.timedelta(hours=2),
                created_at=frozen_now,
            ),
        )
        assert urgent.id not in {b.task_id for b in timeline(app).data.blocks}
        await pilot.press("r")
        await settle(pilot)
        planned = {b.task_id for b in timeline(app).data.blocks}
        assert urgent.id in planned
        stored = stored_plan(demo_source, MONDAY)
        assert stored is not None and urgent.id in {b.task_id for b in stored.blocks}
        assert all(b.start >= frozen_now for b in stored.blocks)
        assert "Planned again from 10:00." in app.said


async def test_a_task_done_elsewhere_leaves_the_rest_of_the_plan_after_the_reload(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        block = timeline(app).highlighted_block
        assert block is not None and block.task_id is not None
        complete_task(demo_source, block.task_id, frozen_now)
        app.poll_changes()
        await settle(pilot)
        data = timeline(app).data
        # Planned again from now: the done task has no block ahead; what already
        # happened of it stays, marked done.
        mine = [b for b in data.blocks if b.task_id == block.task_id]
        assert all(b.start < frozen_now for b in mine)
        assert all(data.status[b.task_id] == "done" for b in mine if b.task_id is not None)
        assert any(b.kind == "focus" and b.start >= frozen_now for b in data.blocks)


async def test_a_task_added_elsewhere_is_planned_on_the_reload_without_asking(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        urgent, _ = add_task(
            demo_source,
            NewTask(
                title="Call the auditor back",
                importance=5,
                estimate_minutes=20,
                due=frozen_now + dt.timedelta(hours=2),
                created_at=frozen_now,
            ),
        )
        app.poll_changes()
        await settle(pilot)
        assert urgent.id in {b.task_id for b in timeline(app).data.blocks}
        assert "Planned again" not in " ".join(app.said)  # nobody pressed r


async def test_opened_in_the_evening_it_shows_tomorrows_plan(
    demo_source: DataSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOCUSPLAN_NOW", "2026-11-23T19:00:00+01:00")
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        assert shown_day(app) == MONDAY + dt.timedelta(days=1)
        assert "tomorrow" in str(plan_screen(app).query_one("#plan-main").border_title)
        focus = [b for b in timeline(app).data.blocks if b.kind == "focus"]
        assert sum(b.minutes for b in focus) >= 4 * 60


# --- focus -------------------------------------------------------------------------------------


async def test_f_on_a_focus_block_starts_a_session_on_its_task(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        block = await move_to(pilot, app, "focus")
        await pilot.press("f")
        await settle(pilot)
        session = active_session(demo_source)
        assert session is not None and session.task_id == block.task_id
        assert app.focus_state.task_id == block.task_id  # the header timer runs
        assert timeline(app).data.focusing == block.task_id


async def test_f_on_an_event_starts_nothing(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await move_to(pilot, app, "event")
        await pilot.press("f")
        await settle(pilot)
        assert active_session(demo_source) is None
        assert app.said[-1] == "No task highlighted to focus on."


# --- export ------------------------------------------------------------------------------------


async def test_export_writes_a_private_ics_file_that_icalendar_reads(
    demo_source: DataSource, tmp_path: Path
) -> None:
    import icalendar

    target = tmp_path / "monday.ics"
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press("s")
        dialog = app.screen
        assert isinstance(dialog, ExportPlanScreen)
        assert dialog.query_one("#export-path", Input).value == "~/focusplan-2026-11-23.ics"
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        calendar = icalendar.Calendar.from_ical(target.read_bytes())
        titles = {str(event.get("SUMMARY")) for event in calendar.walk("VEVENT")}
        focus_titles = {b.title for b in timeline(app).data.blocks if b.kind == "focus"}
        assert focus_titles and focus_titles <= titles
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert any(str(target) in said for said in app.said)


async def test_the_suggested_file_follows_the_format(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press("s")
        dialog = app.screen
        dialog.query_one("#export-format", Select).value = "md"
        await pilot.pause()
        assert dialog.query_one("#export-path", Input).value == "~/focusplan-2026-11-23.md"


async def test_export_refuses_a_missing_folder(demo_source: DataSource, tmp_path: Path) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press("s")
        dialog = app.screen
        dialog.query_one("#export-path", Input).value = str(tmp_path / "nope" / "plan.ics")
        await pilot.press("enter")
        assert isinstance(app.screen, ExportPlanScreen)
        assert "folder does not exist" in str(dialog.query_one("#export-error", Static).render())


async def test_export_refuses_a_file_name_without_an_extension(
    demo_source: DataSource, tmp_path: Path
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press("s")
        dialog = app.screen
        dialog.query_one("#export-path", Input).value = str(tmp_path / "plan")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportPlanScreen)
        assert "extension" in str(dialog.query_one("#export-error", Static).render())
        assert not (tmp_path / "plan").exists()


# --- an empty database -------------------------------------------------------------------------


async def test_an_empty_database_shows_lunch_and_says_there_is_nothing_to_focus_on(
    empty_source: DataSource,
) -> None:
    app = make_app(empty_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        data = timeline(app).data
        assert [b.kind for b in data.blocks] == ["break"]
        notes = plan_screen(app).query_one("#plan-notes", Static)
        assert "No focus blocks" in str(notes.render())
        assert app.selected_task_id() is None


# --- the rows, without the app -----------------------------------------------------------------


def _at(hhmm: str) -> dt.datetime:
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime(2026, 11, 23, hour, minute, tzinfo=PARIS)


def _block(start: str, end: str, kind: BlockKind = "focus") -> PlanBlock:
    return PlanBlock(
        start=_at(start), end=_at(end), kind=kind, task_id=1 if kind == "focus" else None
    )


def test_every_block_gets_a_row_even_a_ten_minute_break() -> None:
    blocks = [_block("10:00", "10:20"), _block("10:20", "10:30", "break"), _block("10:30", "12:00")]
    rows = layout_rows(blocks, (_at("09:00"), _at("17:30")))
    firsts = [row.block for row in rows if row.block is not None and row.line == 0]
    assert firsts == [0, 1, 2]
    assert sum(1 for row in rows if row.block == 2) == 6  # 90 minutes in quarter hours


def test_free_time_is_cut_on_the_quarter_hours() -> None:
    rows = layout_rows([_block("10:00", "10:25")], (_at("09:00"), _at("11:00")))
    free = [f"{row.start:%H:%M}" for row in rows if row.block is None]
    # 10:25–10:30 is a sliver and joins 10:30–10:45.
    assert free == ["09:00", "09:15", "09:30", "09:45", "10:25", "10:45"]


def test_rows_run_in_time_order_without_gaps_or_overlaps() -> None:
    blocks = [_block("09:00", "10:35"), _block("10:35", "10:45", "break")]
    rows = layout_rows(blocks, (_at("09:00"), _at("12:00")))
    assert rows[0].start == _at("09:00") and rows[-1].end == _at("12:00")
    assert all(a.end == b.start for a, b in pairwise(rows))


def test_each_row_carries_the_energy_predicted_at_its_middle() -> None:
    data = TimelineData.build(
        [_block("09:00", "09:30")],
        (_at("09:00"), _at("10:00")),
        lambda moment: moment.hour + moment.minute / 60 + moment.second / 3600,
    )
    assert data.energy == pytest.approx([9.125, 9.375, 9.625, 9.875])


# --- how it looks ------------------------------------------------------------------------------


@pytest.fixture
def no_toasts(monkeypatch: pytest.MonkeyPatch) -> None:
    # Notifications fade on a timer; a screenshot must not depend on when it is taken.
    from focusplan.tui.app import FocusplanApp

    monkeypatch.setattr(FocusplanApp, "notify", lambda self, *args, **kwargs: None)


@pytest.mark.usefixtures("no_toasts")
class TestPlanSnapshot:
    def test_plan_today(self, snap_compare: SnapCompare, demo_source: DataSource) -> None:
        assert snap_compare(make_app(demo_source), terminal_size=SIZE, run_before=open_plan)
