"""Every flow of the app, driven with Pilot on the seeded demo database.

Each test reads the database through the services afterwards, so "the screen
said so" is never the only evidence.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from focusplan.domain import NewTask
from focusplan.services.energy_log import energy_logs
from focusplan.services.focus import active_session
from focusplan.services.source import DataSource
from focusplan.services.tasks import add_task, get_task, list_tasks
from focusplan.tui.screens.energy import EnergyScreen
from focusplan.tui.screens.energy_log import EnergyLogScreen
from focusplan.tui.screens.help import HelpScreen
from focusplan.tui.screens.registry import SCREENS, ScreenEntry
from focusplan.tui.screens.stop_focus import StopFocusScreen
from focusplan.tui.screens.task_form import TaskFormScreen
from focusplan.tui.screens.tasks import TasksScreen
from focusplan.tui.screens.today import TodayScreen
from focusplan.tui.widgets.energy_now import EnergyNow
from focusplan.tui.widgets.ranked_table import RankedTable
from focusplan.tui.widgets.task_table import TaskTable
from tests.tui.helpers import SIZE, RecordingApp, make_app, settle


def row_ids(table: RankedTable | TaskTable) -> list[int]:
    return [int(str(key.value)) for key in table.rows]


def highlighted(app: RecordingApp) -> int:
    task_id = app.selected_task_id()
    assert task_id is not None
    return task_id


def all_titles(source: DataSource) -> list[str]:
    return [task.title for task in list_tasks(source, None)]


# --- first paint and screens ---------------------------------------------------------------


async def test_today_shows_the_ranking_best_first(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        table = app.screen.query_one(RankedTable)
        assert app.board is not None
        assert row_ids(table) == [item.id for item in app.board.ranking.items]
        assert highlighted(app) == app.board.ranking.items[0].id


async def test_number_keys_switch_between_the_registered_screens(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        assert isinstance(app.screen, TasksScreen)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, EnergyScreen)
        await pilot.press("1")
        assert isinstance(app.screen, TodayScreen)


async def test_help_lists_the_keys_of_every_screen(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        sections = dict(app.screen.sections)
        for entry in SCREENS:
            assert any(title.startswith(f"{entry.key} {entry.title}") for title in sections)
        everywhere = dict(sections["Everywhere"])
        assert everywhere["L"].startswith("log your energy now")
        tasks = next(rows for title, rows in sections.items() if title.startswith("2 Tasks"))
        assert ("r", "reopen a done or dropped task") in tasks
        await pilot.press("escape")
        assert isinstance(app.screen, TodayScreen)


async def test_the_command_palette_offers_every_action(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Add task", "Log energy", "Start/stop focus", "Undo", "Go to Tasks"} <= titles


# --- adding and editing --------------------------------------------------------------------


async def test_a_then_a_title_then_enter_adds_a_task_with_defaults(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, TaskFormScreen)
        assert app.focused is not None
        assert app.focused.id == "title"
        await pilot.press(*"Call the bank", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        added = next(t for t in list_tasks(demo_source) if t.title == "Call the bank")
        assert (added.importance, added.demand, added.estimate_minutes) == (3, "medium", 30)
        assert highlighted(app) == added.id


async def test_quick_add_works_from_the_energy_screen_too(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("a", *"Water plants", "enter")
        await settle(pilot)
        assert "Water plants" in all_titles(demo_source)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        # A person's words, not pydantic's ("Input should be less than or equal to 5").
        ("importance", "9", "the importance is at most 5"),
        ("estimate", "forever", "as a duration"),
        ("due", "someday", "as a time"),
        ("depends_on", "9999", "no task 9999"),
        ("title", "   ", "the title is empty"),
    ],
)
async def test_invalid_input_is_shown_under_its_field_and_nothing_is_saved(
    demo_source: DataSource, field: str, value: str, message: str
) -> None:
    before = all_titles(demo_source)
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", *"Valid title")
        form = app.screen
        assert isinstance(form, TaskFormScreen)
        form.query_one(f"#{field}", Input).value = value
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        error = form.query_one(f"#{field}-error", Static)
        assert message in str(error.render())
        assert error.has_class("-shown")
    assert all_titles(demo_source) == before


async def test_fixing_the_field_clears_its_message(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", *"Something")
        form = app.screen
        form.query_one("#importance", Input).value = "0"
        await pilot.press("enter")
        assert form.query_one("#importance-error").has_class("-shown")
        form.query_one("#importance", Input).value = "4"
        await pilot.pause()
        assert not form.query_one("#importance-error").has_class("-shown")
        await pilot.press("enter")
        await settle(pilot)
        added = next(t for t in list_tasks(demo_source) if t.title == "Something")
        assert added.importance == 4


async def test_edit_changes_only_what_was_changed(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task_id = highlighted(app)
        before = get_task(demo_source, task_id)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, TaskFormScreen)
        assert form.query_one("#title", Input).value == before.title
        form.query_one("#title", Input).value = "Draft chapter 3 (short version)"
        form.query_one("#depends_on", Input).value = "17"
        await pilot.press("enter")
        await settle(pilot)
        after = get_task(demo_source, task_id)
        assert after.title == "Draft chapter 3 (short version)"
        assert after.depends_on == (17,)
        assert (after.importance, after.due, after.tags) == (
            before.importance,
            before.due,
            before.tags,
        )


async def test_a_task_without_a_project_can_be_edited(demo_source: DataSource) -> None:
    from focusplan.domain import TaskPatch
    from focusplan.services.tasks import edit_task

    for task in list_tasks(demo_source):
        edit_task(demo_source, task.id, TaskPatch(project=None))
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task_id = highlighted(app)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, TaskFormScreen)
        assert form.query_one("#project", Input).value == ""
        form.query_one("#title", Input).value = "Renamed without a project"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, TaskFormScreen)
        after = get_task(demo_source, task_id)
        assert (after.title, after.project) == ("Renamed without a project", None)


async def test_edit_refuses_a_dependency_cycle_inline(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        blocked = next(t for t in list_tasks(demo_source) if t.depends_on)
        await pilot.press("2", "slash", *f"id:{blocked.depends_on[0]}", "enter")
        await settle(pilot)
        await pilot.press("e")
        form = app.screen
        form.query_one("#depends_on", Input).value = str(blocked.id)
        await pilot.press("enter")
        assert "cycle" in str(form.query_one("#depends_on-error", Static).render())
        assert get_task(demo_source, blocked.depends_on[0]).depends_on == ()


# --- done, drop, reopen, undo --------------------------------------------------------------


async def test_d_completes_the_highlighted_task_and_today_drops_it(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task_id = highlighted(app)
        await pilot.press("d")
        await settle(pilot)
        assert get_task(demo_source, task_id).status == "done"
        assert task_id not in row_ids(app.screen.query_one(RankedTable))


async def test_drop_then_reopen_on_the_tasks_screen(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        task_id = highlighted(app)
        await pilot.press("x")
        await settle(pilot)
        assert get_task(demo_source, task_id).status == "dropped"
        assert highlighted(app) == task_id  # the row stays under the cursor
        await pilot.press("r")
        await settle(pilot)
        assert get_task(demo_source, task_id).status == "open"


async def test_u_undoes_the_last_change_and_says_what(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = highlighted(app)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("a", *"Oops", "enter")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "Oops" not in all_titles(demo_source)
        assert get_task(demo_source, first).status == "done"
        await pilot.press("u")
        await settle(pilot)
        assert get_task(demo_source, first).status == "open"
        assert any(said.startswith("Undid: marked done '") for said in app.said)
        await pilot.press("u")
        assert app.said[-1] == "Nothing to undo."


async def test_undo_of_an_energy_log_removes_it(demo_source: DataSource) -> None:
    count = len(energy_logs(demo_source))
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L", "5")
        await settle(pilot)
        assert len(energy_logs(demo_source)) == count + 1
        await pilot.press("u")
        await settle(pilot)
    assert len(energy_logs(demo_source)) == count


# --- energy -----------------------------------------------------------------------------------


async def test_energy_in_two_keys_updates_today(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L")
        assert isinstance(app.screen, EnergyLogScreen)
        await pilot.press("2")
        await settle(pilot)
        estimate = app.screen.query_one(EnergyNow).estimate
        assert estimate is not None
        assert (estimate.level, estimate.source) == (2.0, "logged")
        assert estimate.logged_at == frozen_now
        assert energy_logs(demo_source)[-1].level == 2


async def test_escape_cancels_the_energy_log(demo_source: DataSource) -> None:
    count = len(energy_logs(demo_source))
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L", "escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    assert len(energy_logs(demo_source)) == count


async def test_low_energy_moves_light_work_up(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.board is not None
        demand = {task.id: task.demand for task in demo_source.tasks()}

        def first_deep_rank() -> int:
            assert app.board is not None
            return next(i.rank for i in app.board.ranking.items if demand[i.id] == "high")

        # The top may already be light work (an overdue chore), so watch the deep work.
        fresh = first_deep_rank()
        await pilot.press("L", "1")
        await settle(pilot)
        assert first_deep_rank() > fresh


# --- focus sessions ---------------------------------------------------------------------------


async def test_f_starts_a_session_on_the_highlighted_task(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        task_id = highlighted(app)
        await pilot.press("f")
        await settle(pilot)
        session = active_session(demo_source)
        assert session is not None
        assert session.task_id == task_id
        assert app.focus_state.phase == "focus"
        assert app.focus_state.task_id == task_id


async def test_stopping_asks_whether_the_task_is_done(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task_id = highlighted(app)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, StopFocusScreen)
        await pilot.press("y")
        await settle(pilot)
        assert active_session(demo_source) is None
        assert get_task(demo_source, task_id).status == "done"
        assert app.focus_state.phase == "idle"


async def test_stopping_without_done_keeps_the_task_open(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task_id = highlighted(app)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("f", "n")
        await settle(pilot)
        assert active_session(demo_source) is None
        assert get_task(demo_source, task_id).status == "open"


async def test_done_on_the_focused_task_ends_the_session_and_u_brings_it_back(
    demo_source: DataSource,
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task_id = highlighted(app)
        await pilot.press("f")
        await settle(pilot)
        started = active_session(demo_source)
        await pilot.press("d")
        await settle(pilot)
        assert active_session(demo_source) is None
        assert get_task(demo_source, task_id).status == "done"
        assert app.focus_state.phase != "focus"
        await pilot.press("u")
        await settle(pilot)
        resumed = active_session(demo_source)
        assert resumed is not None and started is not None
        assert (resumed.task_id, resumed.start) == (task_id, started.start)
        assert get_task(demo_source, task_id).status == "open"


async def test_only_one_session_at_a_time(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = highlighted(app)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("j", "j", "f")
        # A second `f` asks about the running session instead of starting another.
        assert isinstance(app.screen, StopFocusScreen)
        await pilot.press("escape")
        await settle(pilot)
        session = active_session(demo_source)
        assert session is not None
        assert session.task_id == first


async def test_after_the_focus_length_a_bell_suggests_a_break_then_the_next_task(
    demo_source: DataSource, monkeypatch: pytest.MonkeyPatch, frozen_now: dt.datetime
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        focus = app.settings.focus_minutes
        monkeypatch.setenv(
            "FOCUSPLAN_NOW", (frozen_now + dt.timedelta(minutes=focus + 1)).isoformat()
        )
        app._tick()
        assert app.bells == 1
        assert any("time for a" in said for said in app.said)
        app._tick()
        assert app.bells == 1  # once per session
        await pilot.press("f", "n")
        await settle(pilot)
        assert app.focus_state.phase == "break"
        later = frozen_now + dt.timedelta(minutes=focus + 1 + app.settings.break_minutes)
        monkeypatch.setenv("FOCUSPLAN_NOW", later.isoformat())
        app._tick()
        assert app.bells == 2
        assert app.said[-1].startswith("Next best: #")
        assert app.focus_state.phase == "idle"


# --- filter and sort --------------------------------------------------------------------------


async def test_filter_by_project_on_today(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"project:home", "enter")
        await settle(pilot)
        ids = row_ids(app.screen.query_one(RankedTable))
        assert ids
        assert {get_task(demo_source, i).project for i in ids} == {"home"}
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert len(row_ids(app.screen.query_one(RankedTable))) > len(ids)


async def test_filter_by_status_and_words_on_tasks(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "slash", *"status:done", "enter")
        ids = row_ids(app.screen.query_one(TaskTable))
        assert ids
        assert {get_task(demo_source, i).status for i in ids} == {"done"}
        await pilot.press("slash", "escape", "slash", *"tag:infra renew", "enter")
        titles = [get_task(demo_source, i).title for i in row_ids(app.screen.query_one(TaskTable))]
        assert titles == ["Renew TLS certificates"]


async def test_a_filter_matching_nothing_says_so(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzzz", "enter")
        empty = app.screen.query_one("#ranked-empty", Static)
        assert empty.display
        assert "matches" in str(empty.render())
        await pilot.press("d")  # nothing highlighted: a warning, not a crash
        assert app.said[-1] == "No task highlighted to mark done."


async def test_tasks_sort_by_key_and_header(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        table = app.screen.query_one(TaskTable)
        table.sort_by("importance")
        importance = [get_task(demo_source, i).importance for i in row_ids(table)]
        assert importance == sorted(importance, reverse=True)
        table.sort_by("importance")  # the same column again reverses
        importance = [get_task(demo_source, i).importance for i in row_ids(table)]
        assert importance == sorted(importance)
        await pilot.press("s")
        assert table.sort_column == "demand"


# --- two processes ----------------------------------------------------------------------------


async def test_a_task_added_by_another_process_appears_after_the_poll(
    demo_source: DataSource, demo_db: Path, frozen_now: dt.datetime
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other = DataSource(str(demo_db))  # its own connections, as the CLI would have
        created, _ = add_task(
            other, NewTask(title="Added from the CLI", importance=5, created_at=frozen_now)
        )
        other.database.close()
        app.poll_changes()
        await settle(pilot)
        assert created.id in row_ids(app.screen.query_one(RankedTable))


async def test_polling_without_changes_does_not_reload(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = app.board
        app.poll_changes()
        await settle(pilot)
        assert app.board is board


# --- robustness -------------------------------------------------------------------------------


async def test_an_empty_database_says_what_to_do(empty_source: DataSource) -> None:
    app = make_app(empty_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        empty = app.screen.query_one("#ranked-empty", Static)
        assert "Nothing eligible right now" in str(empty.render())


KEYS = ["a", "escape", "e", "d", "x", "f", "escape", "L", "escape", "u", "slash", "escape",
        "r", "s", "S", "j", "k", "g", "G", "enter", "escape", "question_mark", "escape"]  # fmt: skip


# One app per screen: the screens are independent, and parallel workers share them out.
@pytest.mark.parametrize("entry", SCREENS, ids=lambda entry: entry.mode)
@pytest.mark.parametrize("source_name", ["empty_source", "demo_source"])
async def test_no_key_on_any_screen_raises(
    source_name: str, entry: ScreenEntry, request: pytest.FixtureRequest
) -> None:
    source: DataSource = request.getfixturevalue(source_name)
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(entry.key)
        await settle(pilot)
        # Keys arrive while changes are still running, as when someone types fast.
        await pilot.press(*KEYS)
        await settle(pilot)
        # Leave whatever dialog the keys opened.
        while app.screen.is_modal:
            await pilot.press("escape")
        assert app.return_code is None  # still running: nothing crashed it


# --- the screen registry -----------------------------------------------------------------------


def test_every_registered_screen_gets_its_number_key() -> None:
    from textual.binding import Binding

    from focusplan.tui.app import FocusplanApp

    keys = {b.key: b.action for b in FocusplanApp.BINDINGS if isinstance(b, Binding)}
    for entry in SCREENS:
        assert keys[entry.key] == f"app.switch_mode('{entry.mode}')"
        assert entry.mode in FocusplanApp.MODES


# --- typing fast ------------------------------------------------------------------------------


def type_burst(app: RecordingApp, keys: list[str]) -> None:
    """Send keys all at once, as a fast typist or a paste into the terminal does."""
    from textual import events

    names = {"/": "slash", " ": "space", ":": "colon"}
    driver = app._driver
    assert driver is not None
    for key in keys:
        name = names.get(key, key)
        character = key if len(key) == 1 else None
        driver.send_message(events.Key(name, character))


async def test_a_title_typed_right_after_a_is_not_lost(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        type_burst(app, ["a", *"Buy milk", "tab", "4", "enter"])
        await settle(pilot)
        added = next(t for t in list_tasks(demo_source) if t.title == "Buy milk")
        assert added.importance == 4


async def test_words_typed_right_after_slash_go_into_the_filter(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        type_burst(app, ["/", *"status:done", "enter"])
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).value == "status:done"
        assert "Nothing to undo." not in app.said  # the `u` was text, not a command
