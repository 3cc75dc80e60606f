"""What the app tests share: building the app and waiting for it to settle."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from focusplan.services.source import DataSource
from focusplan.tui.app import FocusplanApp

SIZE = (120, 36)


class RecordingApp(FocusplanApp):
    """The real app, remembering what it told the person and how often it rang."""

    def __init__(self, source: DataSource) -> None:
        # No timed polling in tests: they call `poll_changes()` when they mean it.
        super().__init__(source, demo=True, watch_changes=False)
        self.said: list[str] = []
        self.bells = 0

    def notify(self, message: str, **options: Any) -> None:
        self.said.append(str(message))
        super().notify(message, **options)

    def bell(self) -> None:
        self.bells += 1


def make_app(source: DataSource) -> RecordingApp:
    return RecordingApp(source)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until no worker runs and every message they posted was handled.

    A finished change posts a message whose handler starts a reload, so wait
    in rounds until a round starts nothing new.
    """
    app = pilot.app
    for _ in range(20):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            await pilot.pause()
            if not any(worker.is_running for worker in app.workers):
                return
    raise AssertionError("the app did not settle")
