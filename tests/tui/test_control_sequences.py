"""Text stored with terminal control sequences (by an older focusplan, or another
program writing the file) never reaches the terminal from the app: no escape
retitles the window or clears the screen, on any screen."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from focusplan.services.source import DataSource
from focusplan.services.tasks import list_tasks
from tests.tui.helpers import SIZE, make_app, settle

HOSTILE = "\x1b]2;pwned\x07\x1b[2J\x9b31m"
CONTROLS = ("\x1b", "\x07", "\x9b", "\x9d", "&#27;", "pwned")


def poison(db: Path) -> None:
    """What an older version stored raw: escapes in every text column a person fills."""
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE tasks SET title = ? || title, notes = ? || notes", (HOSTILE, HOSTILE)
        )
        connection.execute(
            "UPDATE tasks SET project = ? || project WHERE project IS NOT NULL", (HOSTILE,)
        )
        connection.execute("UPDATE task_tags SET tag = ? || tag", (HOSTILE,))
        connection.execute("UPDATE context_events SET title = ? || title", (HOSTILE,))
        connection.execute("UPDATE energy_logs SET note = ? || note", (HOSTILE,))
    connection.close()


@pytest.mark.parametrize("screen", ["1", "2", "3", "4", "5"])
async def test_no_screen_shows_a_control_sequence_stored_in_the_database(
    demo_source: DataSource, demo_db: Path, screen: str
) -> None:
    poison(demo_db)
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(screen)
        await settle(pilot)
        shown = app.export_screenshot()
        found = [control for control in CONTROLS if control in shown]
        assert found == [], f"screen {screen} shows {found!r}"
        assert app.title and not any(control in app.title for control in CONTROLS)


async def test_the_task_form_stores_a_typed_title_without_its_escapes(
    demo_source: DataSource,
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        # A paste: the text arrives as it was copied, escapes included.
        form_input = app.screen.focused
        assert form_input is not None
        form_input.insert_text_at_cursor("\x1b]2;pwned\x07Pasted title")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert any(said.endswith("Pasted title") for said in app.said), app.said
    titles = [task.title for task in list_tasks(demo_source, None)]
    assert "Pasted title" in titles
    assert not any("\x1b" in title or "pwned" in title for title in titles)
