"""Everyday use of the app (issue 12): every action reachable by name, small terminals.

Driven with Pilot on the demo database, the clock frozen on Monday 23 November 2026.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import DataTable

from focusplan.services.source import DataSource
from focusplan.tui.screens.plan import PlanScreen
from focusplan.tui.screens.review import ReviewScreen
from focusplan.tui.widgets.ranked_table import MIN_TITLE_WIDTH, RankedTable, fit_columns
from focusplan.tui.widgets.task_table import GIVE_WAY, TaskTable
from focusplan.tui.widgets.task_table import fit_columns as task_columns
from tests.tui.helpers import SIZE, make_app, settle

SMALL = (80, 24)


# --- the palette ---------------------------------------------------------------------------


async def test_the_palette_reaches_other_screens_actions_by_name(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for wanted in (
            "Filter",
            "Plan: Export the day's plan",
            "Plan: Re-plan the day",
            "Plan: Next day",
            "Plan: Previous day",
            "Plan: Go to a day",
            "Tasks: Reopen task",
            "Week: Export the week",
            "Week: Re-plan the week",
            "Review: Accept the reweighting",
            "Review: Reject the reweighting",
            "Screenshot",
        ):
            assert wanted in titles, wanted


async def test_a_command_of_another_screen_goes_there_and_does_it(
    demo_source: DataSource,
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Plan: Next day")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        assert screen._view is not None
        assert screen._view.day == dt.date(2026, 11, 24)


async def test_a_screenshot_lands_in_a_folder_that_exists_and_says_where(
    demo_source: DataSource, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_downloads_path", lambda: tmp_path / "no-such-folder")
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.save_screenshot_to_folder()
        saved = list(tmp_path.glob("*.svg"))
        assert len(saved) == 1
        assert any(str(saved[0]) in said for said in app.said)


# --- the review's suggestion by key ---------------------------------------------------------


async def test_R_rejects_the_suggestion_and_then_A_and_R_are_dimmed(
    demo_source: DataSource,
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.data is not None and screen.data.review.suggestion is not None
        footer_keys = {b.key for _, b, enabled, _ in screen.active_bindings.values() if enabled}
        assert {"A", "R"} <= footer_keys
        await pilot.press("R")
        await settle(pilot)
        assert any("Suggestion dismissed" in said for said in app.said)
        # Nothing left to accept: the footer shows Accept dimmed, and the key does nothing.
        enabled = {b.key: on for _, b, on, _ in screen.active_bindings.values()}
        assert enabled["A"] is False and enabled["R"] is False


async def test_accept_and_reject_are_in_the_help_under_review(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sections = dict(app.help_sections())
        review = next(rows for title, rows in sections.items() if title.startswith("5 Review"))
        assert ("A", "accept the reweighting suggestion") in review
        assert ("R", "reject the reweighting suggestion") in review


# --- the filter -----------------------------------------------------------------------------


async def test_an_unknown_filter_key_says_so(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "slash", *"due:x", "enter")
        await settle(pilot)
        assert any(said.startswith("due: is not a filter key") for said in app.said)
        # Left out of the match rather than matching nothing.
        assert app.screen.query_one(TaskTable).row_count > 0


# --- Tasks shows whole words ----------------------------------------------------------------


async def test_a_dropped_task_reads_dropped(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(TaskTable)
        task_id = app.selected_task_id()
        await pilot.press("x")
        await settle(pilot)
        row = table.get_row(str(task_id))
        assert "dropped" in [str(cell) for cell in row]


# --- 80×24 ----------------------------------------------------------------------------------


def test_the_today_list_gives_way_project_first_then_the_bar() -> None:
    wide = fit_columns(90)
    assert wide.project and wide.bar and wide.title >= MIN_TITLE_WIDTH
    middle = fit_columns(50)
    assert not middle.project and middle.bar and middle.title >= MIN_TITLE_WIDTH
    narrow = fit_columns(40)
    assert not narrow.project and not narrow.bar and narrow.title >= MIN_TITLE_WIDTH


def test_the_task_table_gives_way_in_order_and_keeps_the_title() -> None:
    everything, title = task_columns(140)
    assert len(everything) == 11 and title >= 20
    shown, title = task_columns(76)
    assert title >= 20
    dropped = [key for key in GIVE_WAY if key not in shown]
    assert dropped == list(GIVE_WAY[: len(dropped)])  # in the order they give way
    assert {"id", "status", "title", "due"} <= set(shown)


@pytest.mark.parametrize("keys", [(), ("2",)])
async def test_titles_keep_twenty_characters_at_80_by_24(
    demo_source: DataSource, keys: tuple[str, ...]
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        table = app.screen.query_one(RankedTable if not keys else TaskTable)
        assert isinstance(table, DataTable)
        title = next(column for column in table.columns.values() if column.key.value == "title")
        assert title.width >= 20


# --- the panels follow the cursor in the same step ------------------------------------------


async def test_the_why_panel_follows_the_cursor_before_any_message_is_handled(
    demo_source: DataSource,
) -> None:
    from focusplan.tui.widgets.contributions import ContributionBars

    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(RankedTable)
        why = app.screen.query_one(ContributionBars)
        # No await between the move and the check: the RowHighlighted message is still
        # queued, so only the cursor's own watcher can have moved the panel on.
        table.action_cursor_down()
        moved_to = table.selected_task_id
        assert why.item is not None and why.item.id == moved_to
        assert why.border_title is not None and f"#{moved_to} " in why.border_title
