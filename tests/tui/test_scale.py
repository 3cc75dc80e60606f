"""The app at 10,000 tasks: the quick first board, Today's top task, Tasks' capped table,
the filter applied when the typing pauses.

The database is the demo plus generated open tasks written in one SQL statement (the
services take ~40 s for 10,000 adds; the schema's triggers still count the writes), built
once per session and copied per test.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input

from focusplan import clock
from focusplan.services.ranking import context_window, rank_snapshot
from focusplan.services.source import DataSource
from focusplan.tui.board import FIRST_EXPLAINED, Board, board_stages
from focusplan.tui.screens.base import FILTER_PAUSE
from focusplan.tui.screens.tasks import TasksScreen
from focusplan.tui.screens.today import SHOWN as TODAY_SHOWN
from focusplan.tui.widgets.contributions import ContributionBars
from focusplan.tui.widgets.ranked_table import RankedTable
from focusplan.tui.widgets.task_table import SHOWN as TASKS_SHOWN
from focusplan.tui.widgets.task_table import TaskTable
from tests.tui.helpers import SIZE, make_app, settle

TASKS = 10_000


@pytest.fixture(scope="session")
def big_template(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big-template") / "big.sqlite3"
    shutil.copy(demo_template, path)
    with sqlite3.connect(path) as connection:
        (existing,) = connection.execute("SELECT count(*) FROM tasks").fetchone()
        connection.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            INSERT INTO tasks (title, importance, demand, estimate_minutes, due, project,
                               status, created_at)
            SELECT 'Bulk task #' || i, 1 + i % 5, CASE i % 3 WHEN 0 THEN 'low'
                   WHEN 1 THEN 'medium' ELSE 'high' END, 10 + 5 * (i % 20),
                   CASE WHEN i % 7 = 0 THEN '2026-11-2' || (4 + i % 5) || 'T16:00:00.000000+00:00'
                   END, 'bulk' || (i % 8), 'open', '2026-11-01T08:00:00.000000+00:00'
            FROM n
            """,
            (TASKS - existing,),
        )
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def big_source(big_template: Path, tmp_path: Path, frozen_now: dt.datetime) -> DataSource:
    path = tmp_path / "big.sqlite3"
    shutil.copy(big_template, path)
    return DataSource(str(path))


def full_ranking(source: DataSource) -> list[int]:
    at = clock.now()
    return [item.id for item in rank_snapshot(source.snapshot(*context_window(at)), at).items]


def test_the_quick_board_is_the_head_of_the_complete_one(big_source: DataSource) -> None:
    quick, complete = board_stages(big_source, clock.now())
    assert not quick.complete and complete.complete
    assert len(quick.ranking.items) == FIRST_EXPLAINED
    assert quick.ranking.eligible == complete.ranking.eligible == len(complete.ranking.items)
    assert len(complete.ranking.items) > TODAY_SHOWN
    # The same tasks, scores and reasons: only the tail is missing.
    assert quick.ranking.items == complete.ranking.items[:FIRST_EXPLAINED]
    assert quick.ranking.baseline == complete.ranking.baseline
    assert quick.ranking.attention == complete.ranking.attention
    assert [item.id for item in complete.ranking.items] == full_ranking(big_source)


async def test_today_at_ten_thousand_shows_the_top_task_and_reaches_the_end(
    big_source: DataSource,
) -> None:
    best = full_ranking(big_source)
    app = make_app(big_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.board is not None and app.board.complete
        table = app.screen.query_one(RankedTable)
        assert [int(str(key.value)) for key in table.rows] == best[:TODAY_SHOWN]
        assert app.selected_task_id() == best[0]
        title = str(app.screen.query_one("#today-main").border_title)
        assert f"{TODAY_SHOWN} of {len(best)} eligible" in title
        await pilot.press("G")
        await pilot.pause()
        assert app.selected_task_id() == best[TODAY_SHOWN - 1]
        last = app.board.ranking.items[TODAY_SHOWN - 1]
        why = app.screen.query_one(ContributionBars)
        assert why.item is not None and why.item.id == last.id and why.item.why


async def test_tasks_at_ten_thousand_holds_the_first_rows_and_filters_reach_the_rest(
    big_source: DataSource,
) -> None:
    app = make_app(big_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, TasksScreen)
        table = app.screen.query_one(TaskTable)
        assert table.row_count == TASKS_SHOWN
        title = str(app.screen.query_one("#tasks-main").border_title)
        assert f"first {TASKS_SHOWN} of {TASKS} shown" in title
        # The last task is far past the cap: the filter finds it.
        await pilot.press("slash", *f"id:{TASKS}", "enter")
        await settle(pilot)
        assert [int(str(key.value)) for key in table.rows] == [TASKS]
        assert "first" not in str(app.screen.query_one("#tasks-main").border_title)
        await pilot.press("G")
        assert app.selected_task_id() == TASKS


async def test_the_filter_is_applied_once_the_typing_pauses_not_per_letter(
    demo_source: DataSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []
    show_board = TasksScreen.show_board

    def counted(screen: TasksScreen, board: Board) -> None:
        drawn.append(str(screen.query_one("#filter", Input).value))
        show_board(screen, board)

    monkeypatch.setattr(TasksScreen, "show_board", counted)
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        drawn.clear()
        await pilot.press("slash", *"status:done")
        assert drawn == []  # still typing
        await pilot.pause(FILTER_PAUSE * 3)
        assert drawn == ["status:done"]
        table = app.screen.query_one(TaskTable)
        done = (
            {task.id for task in app.board.tasks if task.status == "done"} if app.board else set()
        )
        assert done and {int(str(key.value)) for key in table.rows} == done
