"""The CLI's way in: `run_app(source, demo=...)` (imports Textual only when called)."""

from __future__ import annotations

from focusplan.services.source import DataSource


def run_app(source: DataSource, demo: bool = False) -> None:
    """Open the app on `source` and return when the person quits."""
    from focusplan.tui.first_load import FirstLoad

    # Reading and ranking begin now, while Textual is imported and starts (first paint).
    first_load = FirstLoad.start(source)
    from focusplan.tui.app import FocusplanApp

    FocusplanApp(source, demo=demo, first_load=first_load).run()
