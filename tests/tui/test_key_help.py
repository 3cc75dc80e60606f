"""The help and the command palette are read from the bindings: a key added to a screen shows in both."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.binding import Binding, BindingType
from textual.command import CommandPalette

from focusplan.services.source import DataSource
from focusplan.tui.key_map import Row, key_label
from focusplan.tui.screens import tasks as tasks_module
from focusplan.tui.screens.help import HelpScreen
from focusplan.tui.screens.registry import SCREENS
from focusplan.tui.screens.tasks import TasksScreen
from tests.tui.helpers import SIZE, RecordingApp, make_app, settle


class TasksWithAWave(TasksScreen):
    """Tasks with one key more, as a developer would add it, and one internal binding."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("W", "wave", "Wave", tooltip="wave at the list"),
        Binding("ctrl+w", "wave", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.waves = 0

    def action_wave(self) -> None:
        self.waves += 1


@pytest.fixture
def tasks_with_a_wave(monkeypatch: pytest.MonkeyPatch) -> None:
    # The registry looks the class up by name each time it builds the screen.
    monkeypatch.setattr(tasks_module, "TasksScreen", TasksWithAWave)


async def open_help(app: RecordingApp, pilot: Any) -> dict[str, Sequence[Row]]:
    await pilot.press("question_mark")
    assert isinstance(app.screen, HelpScreen)
    sections = dict(app.screen.sections)
    await pilot.press("escape")
    return sections


def rows_with_key(sections: dict[str, Sequence[Row]], label: str) -> list[tuple[str, Row]]:
    return [
        (title, row)
        for title, rows in sections.items()
        for row in rows
        if label in row[0].split(", ")
    ]


@pytest.mark.usefixtures("tasks_with_a_wave")
async def test_a_key_added_to_a_screen_shows_in_the_help_and_the_palette(
    demo_source: DataSource,
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TasksWithAWave)

        await pilot.press("W")
        assert screen.waves == 1  # the key itself works

        sections = await open_help(app, pilot)
        assert rows_with_key(sections, "W") == [
            (next(t for t in sections if t.startswith("2 Tasks")), ("W", "wave at the list"))
        ]
        assert rows_with_key(sections, "ctrl+w") == []  # no description: internal

        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Wave")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.waves == 2  # the palette ran the screen's action


@pytest.mark.usefixtures("tasks_with_a_wave")
async def test_the_palette_offers_a_screens_keys_only_on_that_screen(
    demo_source: DataSource,
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Wave" not in {command.title for command in app.get_system_commands(app.screen)}
        await pilot.press("2")
        await settle(pilot)
        commands = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert commands["Wave"] == "wave at the list (W)"
        assert commands["Reopen task"] == "reopen a done or dropped task (r)"


async def test_the_help_shows_the_keys_each_screen_declares(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sections = await open_help(app, pilot)
    for entry in SCREENS:
        here = [title for title in sections if f"{entry.key} {entry.title}" in title]
        for item in entry.load().__dict__.get("BINDINGS", []):
            binding = item if isinstance(item, Binding) else Binding(*item)
            if not binding.description:
                continue
            text = binding.tooltip or binding.description
            for key in binding.key.split(","):
                found = [
                    row
                    for title in here
                    for row in sections[title]
                    if key_label(key) in row[0].split(", ") and row[1].lower() == text.lower()
                ]
                assert found, f"{entry.title}: {key} ({text}) is not in the help"


async def test_a_key_shared_by_screens_appears_once_with_where_it_works(
    demo_source: DataSource,
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sections = await open_help(app, pilot)
    moves = [(title, row) for title, row in rows_with_key(sections, "j") if row[1] == "down"]
    assert moves == [("1 Today · 2 Tasks", ("j, ↓", "down"))]


async def test_the_help_lists_the_apps_own_keys_everywhere(demo_source: DataSource) -> None:
    from focusplan.tui.app import FocusplanApp

    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sections = await open_help(app, pilot)
    everywhere = [keys for keys, _ in sections["Everywhere"]]
    for item in FocusplanApp.BINDINGS:
        assert isinstance(item, Binding)
        assert any(key_label(item.key) in keys.split(", ") for keys in everywhere), item.key
    assert "ctrl+p" in everywhere


async def test_a_palette_command_runs_while_the_filter_has_focus(demo_source: DataSource) -> None:
    from textual.widgets import Input

    from focusplan.tui.screens.task_form import TaskFormScreen

    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)  # where `a` would be a letter of the filter
        await pilot.press("ctrl+p", *"Add task")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskFormScreen)


def readme_key_table() -> list[tuple[list[str], list[str]]]:
    """(keys, screens) per row of the README's key table; keys after "then" are a dialog's."""
    import re

    text = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    table = text.split("| key | where | what |", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in table.splitlines()[2:]:
        keys_cell, where, _ = (cell.strip() for cell in line.strip("|").split("|"))
        keys = re.findall(r"`([^`]+)`", keys_cell.split(" then ")[0])
        screens = {"everywhere": [], "lists": ["Today", "Tasks"]}.get(where, where.split(", "))
        rows.append((keys, screens))
    return rows


def test_the_readme_key_table_matches_the_help(tmp_path: Path) -> None:
    sections = make_app(DataSource(str(tmp_path / "unused.sqlite3"))).help_sections()
    rows = readme_key_table()
    assert len(rows) >= 10
    for keys, screens in rows:
        for screen in screens or ["Everywhere"]:
            here = [
                row
                for title, section in sections
                for row in section
                if title == "Everywhere" or f" {screen}" in f" {title}"
            ]
            for key in keys:
                assert any(key in row[0].split(", ") for row in here), f"{key} on {screen}"
