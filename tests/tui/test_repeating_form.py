"""The task form's Repeat field and the Tasks table's repeat marker, driven with Pilot."""

from __future__ import annotations

from textual.widgets import Input, Static

from focusplan.services.source import DataSource
from focusplan.services.tasks import get_task, list_tasks
from focusplan.tui.screens.task_form import TaskFormScreen
from focusplan.tui.widgets.task_table import TaskTable
from tests.tui.helpers import SIZE, make_app, settle


async def test_a_rule_typed_in_repeat_makes_a_repeating_task(empty_source: DataSource) -> None:
    app = make_app(empty_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, TaskFormScreen)
        form.query_one("#title", Input).value = "Water the plants"
        form.query_one("#due", Input).value = "fri 9am"
        form.query_one("#recur", Input).value = "2w"
        await pilot.press("enter")
        await settle(pilot)
        (task,) = list_tasks(empty_source)
        assert (task.recur, task.series_id is not None) == ("every 2 weeks", True)


async def test_a_rule_that_cannot_be_read_is_shown_under_repeat(empty_source: DataSource) -> None:
    app = make_app(empty_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, TaskFormScreen)
        form.query_one("#title", Input).value = "Water the plants"
        form.query_one("#recur", Input).value = "sometimes"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        message = str(form.query_one("#recur-error", Static).render())
        assert "unknown repeat rule" in message
        assert list_tasks(empty_source) == []


async def test_emptying_repeat_stops_the_series_and_the_table_marks_repeats(
    empty_source: DataSource,
) -> None:
    from focusplan import clock
    from focusplan.domain import NewTask
    from focusplan.services.tasks import add_task

    task, _ = add_task(
        empty_source, NewTask(title="Stand-up", recur="weekdays", created_at=clock.now())
    )
    app = make_app(empty_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(TaskTable)
        assert str(table.get_cell(str(task.id), "title")).startswith("↻ Stand-up")
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, TaskFormScreen)
        assert form.query_one("#recur", Input).value == "weekdays"
        form.query_one("#recur", Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert get_task(empty_source, task.id).recur is None
