"""Plan: the day as focus blocks, breaks and events, beside the energy predicted for each hour.

Today by default (after the working day, the next working day), any day on demand.
Plans are read and made in a worker through `services.planning.plan_view`, which
serves the stored plan while its inputs are unchanged and otherwise plans again
from now (stored, as with the CLI's `plan`); a past day is only read, never planned
after the fact. `r` plans again from now, `s` exports,
and the app-wide task keys (e, d, x, f) act on the highlighted focus block's task.
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
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from focusplan import clock
from focusplan.domain import DayPlan, PlanBlock
from focusplan.services.planning import PlanView
from focusplan.tui.actions import describe_error
from focusplan.tui.board import Board
from focusplan.tui.key_map import NamedBinding
from focusplan.tui.screens.base import MainScreen
from focusplan.tui.screens.plan_dialogs import ExportPlanScreen, ExportRequest, GoToDateScreen
from focusplan.tui.widgets.cells import energy_word, minutes_label, relative_due, truncate
from focusplan.tui.widgets.timeline import Timeline, TimelineData

if TYPE_CHECKING:
    from focusplan.planner import WorkingDay

__all__ = ["PlanScreen", "PlanView", "day_label", "summary"]


def day_label(day: dt.date, today: dt.date) -> str:
    offset = (day - today).days
    relative = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(offset)
    if relative is None:
        relative = f"in {offset} days" if offset > 0 else f"{-offset} days ago"
    return f"{day:%A %d %B %Y} · {relative}"


def summary(plan: DayPlan) -> str:
    focus = [block for block in plan.blocks if block.kind == "focus"]
    events = [block for block in plan.blocks if block.kind == "event"]
    parts = (
        [
            f"{len(focus)} focus block{'s' if len(focus) != 1 else ''}",
            f"{minutes_label(sum(block.minutes for block in focus))} focus",
        ]
        if focus
        else ["no focus blocks"]
    )
    if events:
        parts.append(f"{len(events)} event{'s' if len(events) != 1 else ''}")
    if plan.created_at is not None:
        parts.append(f"planned {plan.created_at:%a %H:%M}")
    return " · ".join(parts)


class PlanScreen(MainScreen):
    MODE = "plan"
    SUB_TITLE = "Plan"
    AUTO_FOCUS = "#timeline"
    BINDINGS: ClassVar[list[BindingType]] = [
        # One footer entry for the pair, like the energy dialog's 1–5.
        NamedBinding(
            "[",
            "shift_day(-1)",
            "Day",
            key_display="[ ]",
            tooltip="show the day before",
            title="Previous day",
        ),
        NamedBinding(
            "]",
            "shift_day(1)",
            "Day after",
            show=False,
            tooltip="show the day after",
            title="Next day",
        ),
        NamedBinding(
            "t", "today", "Today", show=False, tooltip="back to today", title="Plan of today"
        ),
        NamedBinding(
            "g",
            "go_to",
            "Go to",
            show=False,
            tooltip="go to a day: 2026-12-01, fri, +3d …",
            title="Go to a day",
        ),
        NamedBinding(
            "r",
            "replan",
            "Re-plan",
            tooltip="plan again from now (what happened stays)",
            title="Re-plan the day",
        ),
        NamedBinding(
            "s",
            "export",
            "Export",
            tooltip="export the plan to a file: ics, csv, md, json",
            title="Export the day's plan",
        ),
        # The timeline has these too; here they also work when it has lost focus,
        # and they put the timeline's keys in the help.
        Binding("j,down", "move(1)", "Next", show=False, tooltip="next focus block or event"),
        Binding("k,up", "move(-1)", "Previous", show=False, tooltip="previous one"),
        Binding("enter", "edit", "Edit", show=False, tooltip="edit the highlighted block's task"),
    ]

    @dataclass
    class PlanLoaded(Message):
        token: int
        view: PlanView

    @dataclass
    class PlanFailed(Message):
        token: int
        message: str

    @dataclass
    class Exported(Message):
        day: dt.date
        fmt: str
        path: Path

    @dataclass
    class ExportFailed(Message):
        message: str

    def __init__(self) -> None:
        super().__init__()
        # None: the day to show by default (today; in the evening, the next working day).
        self._day: dt.date | None = None
        self._view: PlanView | None = None
        self._token = 0
        self._replanning = False
        self._reload_wanted = False

    def compose_body(self) -> ComposeResult:
        with Vertical(id="plan-body", classes="body"):
            with Vertical(id="plan-main", classes="pane"):
                yield Timeline(id="timeline")
                yield Static("Loading…", id="plan-empty", classes="empty-state")
            with Vertical(id="plan-foot", classes="pane"):
                yield Static("", id="plan-detail")
                yield Static("", id="plan-notes")

    def on_mount(self) -> None:
        self.query_one("#plan-main").border_title = "Plan"
        foot = self.query_one("#plan-foot")
        foot.border_title = "Highlighted block"
        foot.border_subtitle = "█ ▓ ░ high/medium/low demand · colour = energy · ┃ event · ▶ now"
        self.query_one(Timeline).display = False
        super().on_mount()
        if self.focusplan.board is None:
            self._load()

    # --- loading ------------------------------------------------------------------------

    def show_board(self, board: Board) -> None:
        """The board changed (a task added or done, a session started): read the plan again."""
        self._load()

    def _working(self) -> WorkingDay:
        from focusplan.planner import WorkingDay

        return WorkingDay.from_settings(self.focusplan.settings)

    def _default_day(self) -> dt.date:
        from focusplan.services.planning import default_plan_day

        return default_plan_day(clock.now(), self._working())

    def _wanted_day(self) -> dt.date:
        return self._day if self._day is not None else self._default_day()

    def _load(self) -> None:
        if self._replanning:
            # Reading now could return the plan from before the re-plan lands.
            self._reload_wanted = True
            return
        self._request(self._wanted_day(), replan=False)

    def _request(self, day: dt.date, *, replan: bool) -> None:
        self._token += 1
        self._replanning = replan
        self._read(self._token, day, clock.now(), replan)

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def _read(self, token: int, day: dt.date, now: dt.datetime, replan: bool) -> None:
        from focusplan.services.planning import plan_view

        try:
            # The service re-plans from now if anything changed since the stored plan.
            view = plan_view(self.focusplan.source, day, now, self._working(), replan=replan)
        except Exception as exc:  # a broken database or plan must not take the app down
            self.post_message(self.PlanFailed(token, describe_error(exc)))
            return
        # Posted even when superseded: the token tells the handler to drop it.
        self.post_message(self.PlanLoaded(token, view))

    @on(PlanLoaded)
    def _plan_loaded(self, message: PlanLoaded) -> None:
        if message.token != self._token:
            return
        self._replanning = False
        view = message.view
        self._show_view(view)
        if view.replanned:
            when = f"from {view.at:%H:%M}" if view.is_today else f"for {view.day:%A %d %B}"
            self.notify(f"Planned again {when}.", timeout=4)
        if self._reload_wanted:
            self._reload_wanted = False
            self._load()

    @on(PlanFailed)
    def _plan_failed(self, message: PlanFailed) -> None:
        if message.token != self._token:
            return
        self._replanning = False
        self.notify(message.message, title="Could not plan", severity="error", timeout=6)
        if self._view is None:
            self._show_empty(Text(f"Could not plan: {message.message}"))

    # --- drawing ------------------------------------------------------------------------

    def _show_view(self, view: PlanView) -> None:
        keep = self._view is not None and self._view.day == view.day
        self._view = view
        main = self.query_one("#plan-main")
        main.border_title = f"Plan · {day_label(view.day, view.at.date())}" + (
            f" · now {view.at:%H:%M}" if view.is_today else ""
        )
        plan = view.plan
        main.border_subtitle = summary(plan) if plan is not None and plan.blocks else ""
        if not view.works:
            self._show_empty(self._off_day_text(view.day))
            self._show_notes(view, ())
            return
        if plan is None:
            self._show_empty(
                Text(f"No plan was made for {view.day:%A %d %B}.\n\n").append_text(_nav_hint())
            )
            self._show_notes(view, ())
            return
        board = self.focusplan.board
        planned = [
            task
            for block in plan.blocks
            if board is not None and (task := board.task(block.task_id)) is not None
        ]
        data = TimelineData.build(
            plan.blocks,
            view.window,
            view.level_at,
            now=view.at if view.is_today else None,
            demand={task.id: task.demand for task in planned},
            status={task.id: task.status for task in planned},
            focusing=board.session.task_id if board is not None and board.session else None,
            zone=view.at.tzinfo,
        )
        timeline = self.query_one(Timeline)
        timeline.display = True
        self.query_one("#plan-foot").display = True
        self.query_one("#plan-empty").display = False
        timeline.show(data, keep=keep)
        if self.focused is None:  # hidden on an empty day, it lost the focus
            timeline.focus()
        notes = list(plan.notes)
        if not any(block.kind == "focus" for block in plan.blocks) and not plan.notes:
            notes.append(
                "No focus blocks: the open tasks fit on earlier days, or none is left "
                "— a adds a task."
            )
        self._show_notes(view, notes)

    def _show_empty(self, text: Text) -> None:
        text.justify = "center"
        empty = self.query_one("#plan-empty", Static)
        empty.update(text)
        empty.display = True
        self.query_one(Timeline).display = False
        self.query_one("#plan-foot").display = False

    def _off_day_text(self, day: dt.date) -> Text:
        text = Text(f"{day:%A %d %B} is not a working day: nothing is planned.\n\n")
        return text.append_text(_nav_hint())

    def _show_notes(self, view: PlanView, notes: list[str] | tuple[str, ...]) -> None:
        text = Text()
        for index, note in enumerate(notes):
            if index:
                text.append("\n")
            text.append("note ", style="bold")
            text.append(note)
        widget = self.query_one("#plan-notes", Static)
        widget.update(text)
        widget.display = bool(notes)

    @on(Timeline.Highlighted, "#timeline")
    def _highlighted(self, event: Timeline.Highlighted) -> None:
        self.query_one("#plan-detail", Static).update(self._detail(event.block))

    def _detail(self, block: PlanBlock | None) -> Text:
        text = Text()  # two lines, each cut to the width by the CSS (text-wrap: nowrap)
        if block is None:
            text.append("No focus block or event to highlight.", style="dim")
            return text
        span = f"{block.start:%H:%M}–{block.end:%H:%M} ({minutes_label(block.minutes)})"
        if block.kind != "focus":
            text.append(block.title or block.kind.capitalize(), style="bold")
            text.append(f" · {span} · {'calendar event' if block.kind == 'event' else 'break'}")
            return text
        board = self.focusplan.board
        task = board.task(block.task_id) if board is not None else None
        text.append(f"#{block.task_id} {truncate(block.title, 48)}", style="bold")
        if task is not None and task.status != "open":
            text.append(f" ({task.status})", style="bold")
        text.append(f" · {span}")
        if block.energy is not None:
            text.append(f" · energy {block.energy:.1f} {energy_word(block.energy)}")
        if task is not None:
            text.append(f" · {task.demand} demand · importance {task.importance}")
            due, _ = relative_due(task.due, block.start)
            if due:
                text.append(f" · due {due}")
        text.append("\n")
        text.append("why here: ", style="dim")
        text.append(block.reason or "—")
        return text

    @on(Timeline.Selected, "#timeline")
    def _selected(self, event: Timeline.Selected) -> None:
        if event.block.kind == "focus":
            self.focusplan.action_edit_task()

    def selected_task_id(self) -> int | None:
        timelines = self.query(Timeline)
        if not timelines or not timelines.first().display:
            return None
        block = timelines.first().highlighted_block
        return block.task_id if block is not None and block.kind == "focus" else None

    # --- keys ---------------------------------------------------------------------------

    def _go_to_day(self, day: dt.date) -> None:
        today = clock.now().date()
        # The default day follows the clock (midnight, the end of the working day).
        self._day = None if day == self._default_day() else day
        self.query_one("#plan-main").border_title = f"Plan · {day_label(day, today)} · loading…"
        self._request(day, replan=False)

    def action_move(self, step: int) -> None:
        timeline = self.query_one(Timeline)
        if timeline.display:
            timeline.focus()
            timeline.action_move(step)

    def action_edit(self) -> None:
        if self.selected_task_id() is not None:
            self.focusplan.action_edit_task()

    def action_shift_day(self, days: int) -> None:
        self._go_to_day(self._wanted_day() + dt.timedelta(days=days))

    def action_today(self) -> None:
        self._go_to_day(clock.now().date())

    def action_go_to(self) -> None:
        self.app.push_screen(GoToDateScreen(clock.now()), self._date_picked)

    def _date_picked(self, day: dt.date | None) -> None:
        if day is not None:
            self._go_to_day(day)

    def action_replan(self) -> None:
        day = self._wanted_day()
        if day < clock.now().date():
            self.notify(
                f"{day:%A %d %B} is over: its plan stays as it was.", severity="warning", timeout=4
            )
            return
        self._request(day, replan=True)

    def action_export(self) -> None:
        day = self._wanted_day()
        view = self._view
        if view is not None and view.day == day and (view.plan is None or not view.plan.blocks):
            self.notify(f"Nothing to export: no plan for {day:%A %d %B}.", timeout=4)
            return
        self.app.push_screen(ExportPlanScreen(day), partial(self._export_answered, day))

    def _export_answered(self, day: dt.date, request: ExportRequest | None) -> None:
        if request is not None:
            self._export(day, request, clock.now())

    @work(thread=True, group="plan-export", exit_on_error=False)
    def _export(self, day: dt.date, request: ExportRequest, now: dt.datetime) -> None:
        from focusplan.services.exchange import export_plans, write_private

        try:
            data = export_plans(self.focusplan.source, request.fmt, day=day, week_of=None, now=now)
            source = self.focusplan.source
            raw = data.encode() if isinstance(data, str) else data
            write_private(request.path, raw, database=source.path)
        except Exception as exc:
            self.post_message(self.ExportFailed(describe_error(exc)))
            return
        self.post_message(self.Exported(day, request.fmt, request.path))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.notify(
            f"The plan for {message.day:%a %d %b} ({message.fmt}) is in {message.path}",
            title="Exported",
            timeout=6,
        )

    @on(ExportFailed)
    def _export_failed(self, message: ExportFailed) -> None:
        self.notify(message.message, title="Could not export", severity="error", timeout=6)


def _nav_hint() -> Text:
    text = Text(style="dim")
    for key, words in (("[ ]", "other days"), ("t", "today"), ("g", "go to a day")):
        if text.plain:
            text.append(" · ")
        text.append(key, style="bold")
        text.append(f" {words}")
    return text
