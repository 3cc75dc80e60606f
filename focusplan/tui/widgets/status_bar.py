"""The line above the footer: the focus timer (or break), energy now, the database."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from focusplan.tui.focus_clock import FocusState
from focusplan.tui.widgets.cells import score_bar, truncate


def clock_text(span: dt.timedelta) -> str:
    seconds = int(span.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


class StatusBar(Widget):
    """Attributes down: the app sets `state`, `task_title` and `info` every tick."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--focus",
        "status-bar--break",
        "status-bar--overtime",
        "status-bar--dim",
    }
    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        padding: 0 1;
        background: $panel;
        & > .status-bar--focus { color: $success; text-style: bold; }
        & > .status-bar--break { color: $secondary; text-style: bold; }
        & > .status-bar--overtime { color: $warning; text-style: bold; }
        & > .status-bar--dim { color: $text-muted; }
    }
    """

    state: reactive[FocusState] = reactive(FocusState)
    task_title: reactive[str] = reactive("")
    info: reactive[str] = reactive("")

    def render(self) -> RenderableType:
        dim = self.get_component_rich_style("status-bar--dim")
        state = self.state
        left = Text()
        if state.phase == "focus":
            style = self.get_component_rich_style(
                "status-bar--overtime" if state.overtime else "status-bar--focus"
            )
            left.append("● FOCUS ", style=style)
            left.append(clock_text(state.elapsed), style=style)
            left.append(f" / {clock_text(state.target)} ", style=dim)
            share = state.elapsed / state.target if state.target else 0.0
            left.append(score_bar(share, 10, style))
            left.append(f"  #{state.task_id} {truncate(self.task_title, 40)}")
            if state.overtime:
                left.append("  — time for a break (f to stop)", style=style)
        elif state.phase == "break":
            style = self.get_component_rich_style("status-bar--break")
            left.append("◌ BREAK ", style=style)
            left.append(f"{clock_text(state.remaining)} left", style=style)
            left.append("  — step away; the next best task will be waiting", style=dim)
        else:
            left.append("No focus session — f starts one on the highlighted task", style=dim)
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_row(left, Text(self.info, style=dim))
        return grid
