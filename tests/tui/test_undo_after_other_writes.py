"""`u` in the app never reverts what another process wrote since the change it undoes."""

from __future__ import annotations

from pathlib import Path

from focusplan.services.source import DataSource
from focusplan.services.tasks import get_task
from tests.integration.cli_runner import Focusplan
from tests.tui.helpers import SIZE, make_app, settle


async def test_u_after_a_cli_edit_keeps_the_edit_and_says_what_changed(
    demo_source: DataSource, demo_db: Path
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task_id = app.selected_task_id()
        assert task_id is not None
        await pilot.press("d")
        await settle(pilot)
        Focusplan(demo_db).ok("edit", str(task_id), "--title", "Renamed from the shell")
        await pilot.press("u")
        await settle(pilot)
        task = get_task(demo_source, task_id)
        assert (task.title, task.status) == ("Renamed from the shell", "done")
        assert app.said[-1] == (
            f"#{task_id} Renamed from the shell was edited (title) since; nothing undone"
        )
        await pilot.press("u")  # the refused step is gone: nothing older is undone in its place
        await settle(pilot)
        assert app.said[-1] == "Nothing to undo."
