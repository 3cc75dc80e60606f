"""Energy: log in two keys (`L`, then 1–5), the recent logs, the curve by hour."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from focusplan.tui.board import Board
from focusplan.tui.screens.base import MainScreen
from focusplan.tui.widgets.cells import energy_word, score_bar
from focusplan.tui.widgets.energy_chart import EnergyChart
from focusplan.tui.widgets.energy_now import SOURCE_WORDS

RECENT_LOGS = 60


class LogTable(DataTable[Text | str]):
    """Recent energy logs, newest first; colours follow the theme like Today's energy."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"log-table--low", "log-table--mid", "log-table--high"}
    DEFAULT_CSS = """
    LogTable {
        & > .log-table--low { color: $error; }
        & > .log-table--mid { color: $warning; }
        & > .log-table--high { color: $success; }
    }
    """

    def level_style(self, level: int) -> Style:
        name = "low" if level <= 2 else "mid" if level == 3 else "high"
        return self.get_component_rich_style(f"log-table--{name}")


class EnergyScreen(MainScreen):
    MODE = "energy"
    SUB_TITLE = "Energy"
    AUTO_FOCUS = "#energy-logs"

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="energy-body", classes="body"):
            with Vertical(id="energy-left", classes="pane"):
                yield LogTable(id="energy-logs", cursor_type="row")
                yield Static("", id="energy-empty", classes="empty-state")
            with Vertical(id="energy-right"):
                yield EnergyChart(id="energy-chart", classes="pane")
                yield Static("", id="energy-summary", classes="pane")

    def on_mount(self) -> None:
        table = self.query_one(LogTable)
        table.add_column("when", key="when", width=13)
        table.add_column("level", key="level", width=16)
        table.add_column("from", key="source", width=7)
        table.add_column("note", key="note", width=8)
        self.query_one("#energy-left").border_title = "Recent logs"
        chart = self.query_one("#energy-chart")
        chart.border_title = "Your energy by hour (1 drained … 5 peak)"
        chart.border_subtitle = "⠒ typical day  • past 2 weeks  ● today  │ now"
        self.query_one("#energy-summary").border_title = "Now"
        super().on_mount()

    def show_board(self, board: Board) -> None:
        zone = board.at.tzinfo
        table = self.query_one(LogTable)
        table.clear()
        recent = list(reversed(board.energy_logs[-RECENT_LOGS:]))
        for log in recent:
            local = log.at.astimezone(zone)
            level = score_bar((log.level - 1) / 4, 8, table.level_style(log.level))
            level.append(f" {log.level} {energy_word(log.level)}")
            table.add_row(
                Text(f"{local:%a %d %H:%M}"),
                level,
                Text(log.source, style="dim"),
                Text(log.note, style="dim"),
                key=str(log.id),
            )
        empty = self.query_one("#energy-empty", Static)
        empty.update("No energy logged yet — press [b]L[/b] then 1–5.")
        table.display = bool(recent)
        empty.display = not recent
        self.query_one(
            "#energy-left"
        ).border_title = f"Recent logs · {len(board.energy_logs)} in all"

        today = board.at.date()
        fortnight = board.at - dt.timedelta(days=14)
        points, today_points = [], []
        for log in board.energy_logs:
            local = log.at.astimezone(zone)
            point = (local.hour + local.minute / 60, float(log.level))
            if local.date() == today:
                today_points.append(point)
            elif log.at >= fortnight:
                points.append(point)
        now_hour = board.at.hour + board.at.minute / 60
        self.query_one(EnergyChart).show(
            board.curve_hours, board.curve_levels, points, today_points, now_hour
        )

        estimate = board.energy
        summary = Text()
        summary.append(f"{estimate.level:.1f} / 5 {energy_word(estimate.level)}", style="bold")
        source = SOURCE_WORDS.get(estimate.source, estimate.source)
        if estimate.logged_at is not None and estimate.source == "logged":
            source = f"logged at {estimate.logged_at.astimezone(zone):%H:%M}"
        summary.append(f" · {source}")
        typical = board.level_at_hour(now_hour)
        if typical is not None:
            summary.append(f" · typical now {typical:.1f}", style="dim")
        summary.append("\n")
        summary.append("L", style="bold")
        summary.append(" then ")
        summary.append("1", style="bold")
        summary.append("–")
        summary.append("5", style="bold")
        summary.append(" logs how you feel now · ")
        summary.append("u", style="bold")
        summary.append(" undoes")
        panel = self.query_one("#energy-summary", Static)
        panel.update(summary)
        # Sleep (imported from a device or entered) is what lowers the predicted curve.
        sleep = board.sleep_hours
        panel.border_subtitle = f"slept {sleep:.1f} h last night" if sleep is not None else ""
