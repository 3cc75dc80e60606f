"""Tasks: every task, sortable and filterable; edit, drop, reopen."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from focusplan.domain import Task
from focusplan.tui.board import Board
from focusplan.tui.key_map import NamedBinding
from focusplan.tui.screens.base import FilteredListScreen
from focusplan.tui.widgets.cells import minutes_label
from focusplan.tui.widgets.filter_bar import FilterBar
from focusplan.tui.widgets.task_table import SHOWN, TaskTable


class TasksScreen(FilteredListScreen):
    LIST_TYPE = TaskTable
    MODE = "tasks"
    SUB_TITLE = "Tasks"
    AUTO_FOCUS = "#tasks"
    COMPLETE_BOARDS_ONLY = True  # its rank column and status sort need every rank
    BINDINGS: ClassVar[list[BindingType]] = [
        NamedBinding(
            "r", "reopen", "Reopen", tooltip="reopen a done or dropped task", title="Reopen task"
        )
    ]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="tasks-body", classes="body"):
            with Vertical(id="tasks-main", classes="pane"):
                yield FilterBar(id="filter")
                yield TaskTable(id="tasks")
                yield Static("", id="tasks-empty", classes="empty-state")
            yield Static("", id="task-detail", classes="pane")

    def on_mount(self) -> None:
        self.query_one("#tasks-main").border_title = "Tasks"
        self.query_one("#task-detail").border_title = "Details"
        self.query_one(TaskTable).row_moved = self._show_detail
        super().on_mount()

    def show_board(self, board: Board) -> None:
        self._board = board
        tasks = [task for task in board.tasks if self._filter.matches(task)]
        table = self.query_one(TaskTable)
        table.show(tasks, board.ranked, board.at, select=self.focusplan.want_selected)
        empty = self.query_one("#tasks-empty", Static)
        if not tasks:
            empty.update(
                "No task matches this filter — Esc in the filter clears it."
                if not self._filter.empty
                else "No tasks yet — press [b]a[/b], type a title, Enter."
            )
        table.display = bool(tasks)
        empty.display = not tasks
        counts = {status: 0 for status in ("open", "done", "dropped")}
        for task in board.tasks:
            counts[task.status] += 1
        summary = f"{counts['open']} open · {counts['done']} done · {counts['dropped']} dropped"
        if not self._filter.empty:
            summary = f"{len(tasks)} match · " + summary
        if len(tasks) > SHOWN:
            summary = f"first {SHOWN} of {len(tasks)} shown, / filters · " + summary
        self.query_one("#tasks-main").border_title = f"Tasks · {summary}"
        self._show_detail(table.selected_task_id)

    def _show_detail(self, task_id: int | None) -> None:
        detail = self.query_one("#task-detail", Static)
        board = self._board
        task = board.task(task_id) if board is not None else None
        if task is None or board is None:
            detail.update(Text("Highlight a task to see its details.", style="dim"))
            return
        detail.update(describe(task, board))

    @on(DataTable.RowHighlighted, "#tasks")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        value = event.row_key.value
        self._show_detail(int(value) if value is not None else None)

    @on(DataTable.RowSelected, "#tasks")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.focusplan.action_edit_task()

    def action_reopen(self) -> None:
        self.focusplan.reopen_task(self.selected_task_id())


def describe(task: Task, board: Board) -> Text:
    """The detail lines of one task (what the table has no room for)."""
    zone = board.at.tzinfo
    text = Text()
    text.append(f"#{task.id} {task.title}", style="bold")
    text.append(f"   {task.status}")
    rank = board.ranked.get(task.id)
    if rank is not None:
        text.append(f" · ranked {rank} now")
    text.append(
        f" · importance {task.importance} · {task.demand} demand · {minutes_label(task.estimate_minutes)}"
    )
    if task.window:
        text.append(f" · prefers the {task.window}")
    text.append("\n")
    when = [f"created {task.created_at.astimezone(zone):%a %d %b %H:%M}"]
    if task.due:
        when.append(f"due {task.due.astimezone(zone):%a %d %b %H:%M}")
    if task.not_before:
        when.append(f"not before {task.not_before.astimezone(zone):%a %d %b %H:%M}")
    if task.completed_at:
        spent = f" ({minutes_label(task.actual_minutes)})" if task.actual_minutes else ""
        when.append(f"done {task.completed_at.astimezone(zone):%a %d %b %H:%M}{spent}")
    if task.dropped_at:
        when.append(f"dropped {task.dropped_at.astimezone(zone):%a %d %b %H:%M}")
    text.append(" · ".join(when), style="dim")
    if task.depends_on:
        parts = []
        for dep in task.depends_on:
            other = board.task(dep)
            parts.append(f"#{dep} {other.title} ({other.status})" if other else f"#{dep}")
        text.append("\nafter: " + "; ".join(parts))
    if task.project or task.tags:
        text.append("\n")
        if task.project:
            text.append(f"project {task.project}  ", style="dim")
        if task.tags:
            text.append("tags " + " ".join(f"#{t}" for t in task.tags), style="dim")
    if task.notes:
        text.append("\n" + task.notes.strip().splitlines()[0][:200])
    return text
