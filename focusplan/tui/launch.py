"""The CLI's way in: `run_app(source, demo=...)` (imports Textual only when called)."""

from __future__ import annotations

from focusplan.services.source import DataSource


def run_app(source: DataSource, demo: bool = False) -> None:
    """Open the app on `source` and return when the person quits."""
    from focusplan.tui.app import FocusplanApp

    FocusplanApp(source, demo=demo).run()
