"""Week: the working days of one week side by side — plans, calendar, dues, energy.

The week comes from `services.week.week_view` in a worker: every day's plan as the
Plan screen would show it (planned on demand, each day after the days before it),
the calendar, the open tasks due and the energy predicted per hour. Until it lands
the screen says it is planning; moving to another week keeps the old one in view
with "loading…" in the title. `[` `]` `t` move by week, `w` shows all seven days,
`r` plans the week again from now, `s` exports it, Enter opens a block's task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.message import Message
from textual.widgets import Static

from focusplan import clock
from focusplan.domain import PlanBlock
from focusplan.services.week import WeekDay, WeekView
from focusplan.tui.actions import describe_error
from focusplan.tui.board import Board
from focusplan.tui.key_map import NamedBinding
from focusplan.tui.screens.base import MainScreen
from focusplan.tui.screens.plan_dialogs import ExportPlanScreen, ExportRequest
from focusplan.tui.widgets.cells import energy_word, minutes_label, truncate
from focusplan.tui.widgets.week_grid import WeekGrid

if TYPE_CHECKING:
    from focusplan.planner import WorkingDay


def week_title(monday: dt.date, today: dt.date) -> str:
    sunday = monday + dt.timedelta(days=6)
    current = " · this week" if monday <= today <= sunday else ""
    return f"Week {monday.isocalendar().week} · {monday:%d %b} – {sunday:%d %b %Y}{current}"


class WeekScreen(MainScreen):
    MODE = "week"
    SUB_TITLE = "Week"
    AUTO_FOCUS = "#week-grid"
    BINDINGS: ClassVar[list[BindingType]] = [
        NamedBinding(
            "[",
            "shift_week(-1)",
            "Week",
            key_display="[ ]",
            tooltip="the week before",
            title="Previous week",
        ),
        NamedBinding(
            "]",
            "shift_week(1)",
            "Week after",
            show=False,
            tooltip="the week after",
            title="Next week",
        ),
        NamedBinding(
            "t",
            "this_week",
            "This week",
            show=False,
            tooltip="back to this week",
            title="This week",
        ),
        NamedBinding(
            "w",
            "toggle_days",
            "7 days",
            tooltip="all seven days / the working days",
            title="All seven days or the working days",
        ),
        NamedBinding(
            "r",
            "replan",
            "Re-plan",
            tooltip="plan the rest of the week again from now",
            title="Re-plan the week",
        ),
        NamedBinding(
            "s",
            "export",
            "Export",
            tooltip="export the week to a file: ics, csv, md, json",
            title="Export the week",
        ),
    ]

    @dataclass
    class Loaded(Message):
        token: int
        view: WeekView

    @dataclass
    class Failed(Message):
        token: int
        message: str

    @dataclass
    class Exported(Message):
        monday: dt.date
        fmt: str
        path: Path

    @dataclass
    class ExportFailed(Message):
        message: str

    @classmethod
    def binding_sources(cls) -> tuple[type[DOMNode], ...]:
        return (cls, WeekGrid)

    def __init__(self) -> None:
        super().__init__()
        self._monday: dt.date | None = None  # None follows the clock
        self._view: WeekView | None = None
        self._token = 0
        self._replanning = False
        self._reload_wanted = False

    def compose_body(self) -> ComposeResult:
        with Vertical(id="week-body", classes="body"):
            with Vertical(id="week-main", classes="pane"):
                yield WeekGrid(id="week-grid")
                yield Static("Planning the week…", id="week-loading", classes="empty-state")
            with Vertical(id="week-foot", classes="pane"):
                yield Static("", id="week-detail")

    def on_mount(self) -> None:
        main = self.query_one("#week-main")
        main.border_title = f"{week_title(self._wanted(), clock.now().date())} · loading…"
        main.border_subtitle = "▁▅█ energy per hour · ◆ due · ┃ event · ▶ now"
        self.query_one("#week-foot").border_title = "Highlighted"
        self.query_one(WeekGrid).display = False
        super().on_mount()
        if self.focusplan.board is None:
            self._load()

    # --- loading ------------------------------------------------------------------------

    def _working(self) -> WorkingDay:
        from focusplan.planner import WorkingDay

        return WorkingDay.from_settings(self.focusplan.settings)

    def _wanted(self) -> dt.date:
        return self._monday or clock.week_start(clock.now().date())

    def show_board(self, board: Board) -> None:
        # A task added, done or edited anywhere changes the plans of the days ahead.
        self._load()

    def _load(self) -> None:
        if self._replanning:
            self._reload_wanted = True  # reading now could return the plans from before it
            return
        self._request(replan=False)

    def _request(self, *, replan: bool) -> None:
        self._token += 1
        self._replanning = replan
        monday = self._wanted()
        main = self.query_one("#week-main")
        main.border_title = f"{week_title(monday, clock.now().date())} · " + (
            "planning again…" if replan else "loading…"
        )
        self._read(self._token, monday, clock.now(), replan)

    @work(thread=True, exclusive=True, group="week", exit_on_error=False)
    def _read(self, token: int, monday: dt.date, now: dt.datetime, replan: bool) -> None:
        from focusplan.services.week import week_view

        try:
            view = week_view(self.focusplan.source, monday, now, self._working(), replan=replan)
        except Exception as exc:  # a broken database must not take the app down
            self.post_message(self.Failed(token, describe_error(exc)))
            return
        self.post_message(self.Loaded(token, view))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.token != self._token:
            return  # the person moved to another week meanwhile
        self._replanning = False
        view = message.view
        self._view = view
        main = self.query_one("#week-main")
        main.border_title = week_title(view.monday, view.today)
        grid = self.query_one(WeekGrid)
        grid.view = view
        grid.display = True
        self.query_one("#week-loading").display = False
        if self.focused is None:
            grid.focus()
        if view.replanned:
            self.notify(f"Planned the week again from {view.at:%a %H:%M}.", timeout=4)
        if self._reload_wanted:
            self._reload_wanted = False
            self._load()

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.token != self._token:
            return
        self._replanning = False
        self.notify(message.message, title="Could not plan the week", severity="error", timeout=6)
        if self._view is None:
            loading = self.query_one("#week-loading", Static)
            loading.update(f"Could not plan the week: {message.message}")

    # --- the highlighted block ----------------------------------------------------------

    @on(WeekGrid.Highlighted, "#week-grid")
    def _highlighted(self, event: WeekGrid.Highlighted) -> None:
        self.query_one("#week-detail", Static).update(self._detail(event.day, event.block))

    def _detail(self, day: WeekDay | None, block: PlanBlock | None) -> Text:
        text = Text()
        if day is None:
            return text
        text.append(f"{day.day:%a %d %b}", style="bold")
        if block is None:
            text.append(" · nothing planned" if day.works else " · not a working day")
        else:
            zone = self._view.at.tzinfo if self._view is not None else None
            start, end = block.start.astimezone(zone), block.end.astimezone(zone)
            span = f"{start:%H:%M}–{end:%H:%M} ({minutes_label(block.minutes)})"
            if block.kind == "focus":
                text.append(f" · #{block.task_id} {truncate(' '.join(block.title.split()), 48)}")
                text.append(f" · {span}")
                if block.energy is not None:
                    text.append(f" · energy {block.energy:.1f} {energy_word(block.energy)}")
            else:
                text.append(f" · {truncate(' '.join(block.title.split()), 48) or 'event'}")
                text.append(f" · {span} · calendar event")
        text.append("\n")
        if day.dues:
            text.append("due ", style="bold")
            text.append(
                " · ".join(
                    f"#{task.id} {truncate(' '.join(task.title.split()), 30)}"
                    + (f" {task.due.astimezone(zone):%H:%M}" if task.due else "")
                    for task in day.dues
                    for zone in [self._view.at.tzinfo if self._view is not None else None]
                )
            )
        elif block is not None and block.kind == "focus" and block.reason:
            text.append("why here: ", style="dim")
            text.append(block.reason)
        return text

    @on(WeekGrid.Selected, "#week-grid")
    def _selected(self, event: WeekGrid.Selected) -> None:
        if event.block.kind == "focus":
            self.focusplan.action_edit_task()

    def selected_task_id(self) -> int | None:
        grids = self.query(WeekGrid)
        if not grids or not grids.first().display:
            return None
        block = grids.first().highlighted_block
        return block.task_id if block is not None and block.kind == "focus" else None

    # --- keys ---------------------------------------------------------------------------

    def action_shift_week(self, weeks: int) -> None:
        monday = self._wanted() + dt.timedelta(weeks=weeks)
        self._monday = None if monday == clock.week_start(clock.now().date()) else monday
        self._request(replan=False)

    def action_this_week(self) -> None:
        self._monday = None
        self._request(replan=False)

    def action_toggle_days(self) -> None:
        grid = self.query_one(WeekGrid)
        grid.all_days = not grid.all_days
        self.notify("All seven days." if grid.all_days else "The working days.", timeout=2)

    def action_replan(self) -> None:
        monday = self._wanted()
        if monday + dt.timedelta(days=7) <= clock.now().date():
            self.notify("That week is over: its plans stay as they were.", timeout=4)
            return
        self._request(replan=True)

    def action_export(self) -> None:
        monday = self._wanted()
        self.app.push_screen(
            ExportPlanScreen(monday, week=True), partial(self._export_answered, monday)
        )

    def _export_answered(self, monday: dt.date, request: ExportRequest | None) -> None:
        if request is not None:
            self._export(monday, request, clock.now())

    @work(thread=True, group="week-export", exit_on_error=False)
    def _export(self, monday: dt.date, request: ExportRequest, now: dt.datetime) -> None:
        from focusplan.services.exchange import export_plans, write_private

        try:
            data = export_plans(
                self.focusplan.source, request.fmt, day=None, week_of=monday, now=now
            )
            write_private(request.path, data.encode() if isinstance(data, str) else data)
        except Exception as exc:
            self.post_message(self.ExportFailed(describe_error(exc)))
            return
        self.post_message(self.Exported(monday, request.fmt, request.path))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.notify(
            f"The week of {message.monday:%a %d %b} ({message.fmt}) is in {message.path}",
            title="Exported",
            timeout=6,
        )

    @on(ExportFailed)
    def _export_failed(self, message: ExportFailed) -> None:
        self.notify(message.message, title="Could not export", severity="error", timeout=6)
