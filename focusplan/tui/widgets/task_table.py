"""Every task in one sortable table (click a header, or `s` / `S`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from focusplan.domain import Task
from focusplan.tui.widgets.cells import minutes_label, relative_due, truncate
from focusplan.tui.widgets.task_rows import TaskRowsTable

_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)
_STATUS_ORDER = {"open": 0, "done": 1, "dropped": 2}

# key, label, width
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("id", "id", 4),
    ("status", "status", 7),
    ("title", "title", 0),  # takes the width the others leave
    ("project", "project", 10),
    ("tags", "tags", 12),
    ("importance", "imp", 3),
    ("demand", "demand", 6),
    ("estimate", "est", 5),
    ("due", "due", 9),
    ("depends", "after", 6),
    ("rank", "rank", 4),
)
MIN_TITLE_WIDTH = 20
# The table holds at most this many rows, the first of the sorted list: a DataTable
# measures every cell it is given (~1 ms a row), so 10,000 rows took seconds to show.
# A thousand is more than anyone scrolls through and keeps a large but ordinary list
# whole; the filter (/) and the sort (s) reach the others, and the screen says how
# many are left out.
SHOWN = 1000
SORT_KEYS = tuple(key for key, _, _ in COLUMNS)
# On a narrow table these give way, first to last, until the title has MIN_TITLE_WIDTH.
GIVE_WAY = ("depends", "tags", "rank", "demand", "importance", "estimate", "project")


def fit_columns(width: int) -> tuple[tuple[str, ...], int]:
    """The columns shown in a table `width` cells wide, and the title's width."""
    shown = [key for key, _, _ in COLUMNS]
    widths = {key: size for key, _, size in COLUMNS}

    def room() -> int:  # each column has a cell of padding either side; 1 for the scrollbar
        return width - sum(widths[key] + 2 for key in shown) - 2 - 1

    for key in GIVE_WAY:
        if not width or room() >= MIN_TITLE_WIDTH:
            break
        shown.remove(key)
    return tuple(shown), max(MIN_TITLE_WIDTH, room()) if width else MIN_TITLE_WIDTH


def sort_key(column: str, ranks: Mapping[int, int]) -> Callable[[Task], Any]:
    keys: dict[str, Callable[[Task], Any]] = {
        "id": lambda t: t.id,
        "status": lambda t: (_STATUS_ORDER[t.status], ranks.get(t.id, 10**9), t.id),
        "title": lambda t: (t.title.lower(), t.id),
        "project": lambda t: ((t.project or "~").lower(), t.id),
        "tags": lambda t: (" ".join(t.tags).lower() or "~", t.id),
        "importance": lambda t: (-t.importance, t.id),
        "demand": lambda t: (("low", "medium", "high").index(t.demand), t.id),
        "estimate": lambda t: (t.estimate_minutes, t.id),
        "due": lambda t: (t.due or _FAR, t.id),
        "depends": lambda t: (len(t.depends_on), t.id),
        "rank": lambda t: (ranks.get(t.id, 10**9), _STATUS_ORDER[t.status], t.id),
    }
    return keys[column]


class TaskTable(TaskRowsTable):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "next_sort", "Sort", tooltip="sort by the next column (or click a header)"),
        Binding("S", "reverse_sort", "Reverse", show=False, tooltip="reverse the sort"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "task-table--done",
        "task-table--dropped",
        "task-table--overdue",
        "task-table--soon",
        "task-table--dim",
        "task-table--sorted",
    }
    DEFAULT_CSS = """
    TaskTable {
        height: 1fr;
        & > .task-table--done { color: $success; }
        & > .task-table--dropped { color: $text-disabled; text-style: strike; }
        & > .task-table--overdue { color: $error; text-style: bold; }
        & > .task-table--soon { color: $warning; }
        & > .task-table--dim { color: $text-muted; }
        & > .task-table--sorted { color: $accent; text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self.sort_column = "status"
        self.sort_reverse = False
        self._tasks: Sequence[Task] = ()
        self._ranks: Mapping[int, int] = {}
        self._at = dt.datetime.now(dt.UTC)
        self._shown_title_width = MIN_TITLE_WIDTH
        self._shown_columns: tuple[str, ...] = SORT_KEYS
        # Rows asked for before the table had a width: built once it has one (else
        # they would be built twice, for no width and then for the real one).
        self._deferred = False
        self._deferred_select: int | None = None

    def on_mount(self) -> None:
        self._add_columns()

    def on_resize(self) -> None:
        if self._deferred and self.size.width:
            self._deferred = False
            self._rebuild(self._deferred_select)
        elif self._tasks and fit_columns(self.size.width) != (
            self._shown_columns,
            self._shown_title_width,
        ):
            self._rebuild()

    def _add_columns(self) -> None:
        sorted_style = self.get_component_rich_style("task-table--sorted")
        self._shown_columns, self._shown_title_width = fit_columns(self.size.width)
        for key, label, width in COLUMNS:
            if key not in self._shown_columns:
                continue
            width = width or self._shown_title_width
            if key == self.sort_column:
                arrow = "▼" if self.sort_reverse else "▲"
                self.add_column(Text(f"{label}{arrow}", style=sorted_style), key=key, width=width)
            else:
                self.add_column(label, key=key, width=width)

    def show(
        self,
        tasks: Sequence[Task],
        ranks: Mapping[int, int],
        at: dt.datetime,
        *,
        select: int | None = None,
    ) -> None:
        self._tasks, self._ranks, self._at = tasks, ranks, at
        if not self.size.width:
            self._deferred, self._deferred_select = True, select
            return
        self._rebuild(select)

    def _rebuild(self, select: int | None = None) -> None:
        keep = select if select is not None else self.selected_task_id
        dim = self.get_component_rich_style("task-table--dim")
        status_styles = {
            "open": self.get_component_rich_style("task-table--dim"),
            "done": self.get_component_rich_style("task-table--done"),
            "dropped": self.get_component_rich_style("task-table--dropped"),
        }
        urgency = {
            "overdue": self.get_component_rich_style("task-table--overdue"),
            "soon": self.get_component_rich_style("task-table--soon"),
            "later": dim,
        }
        ordered = sorted(
            self._tasks, key=sort_key(self.sort_column, self._ranks), reverse=self.sort_reverse
        )[:SHOWN]
        self.clear(columns=True)
        self._add_columns()
        for task in ordered:
            due_text, level = (
                relative_due(task.due, self._at) if task.status == "open" else ("", "")
            )
            if task.status != "open" and task.due is not None:
                due_text = f"{task.due.astimezone(self._at.tzinfo):%d %b}"
            title_style = status_styles["dropped"] if task.status == "dropped" else ""
            # A repeating task says so where the eye already is: ↻ before its title.
            title = f"↻ {task.title}" if task.recur else task.title
            rank = self._ranks.get(task.id)
            cells = {
                "id": Text(str(task.id), style=dim, justify="right"),
                "status": Text(task.status, style=status_styles[task.status]),
                "title": Text(truncate(title, self._shown_title_width), style=title_style),
                "project": Text(truncate(task.project or "", 10), style=dim),
                "tags": Text(truncate(" ".join(task.tags), 12), style=dim),
                "importance": Text(str(task.importance), justify="center"),
                "demand": Text(task.demand, style=dim),
                "estimate": Text(minutes_label(task.estimate_minutes), style=dim),
                "due": Text(due_text, style=urgency.get(level, dim)),
                "depends": Text(truncate(",".join(str(d) for d in task.depends_on), 6), style=dim),
                "rank": Text(str(rank) if rank is not None else "", justify="right"),
            }
            self.add_row(*(cells[key] for key in self._shown_columns), key=str(task.id))
        self.keep_cursor_on(keep)

    def sort_by(self, column: str, *, reverse: bool | None = None) -> None:
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column, self.sort_reverse = column, reverse
        self._rebuild()

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        if event.column_key.value in SORT_KEYS:
            self.sort_by(event.column_key.value)

    def action_next_sort(self) -> None:
        index = SORT_KEYS.index(self.sort_column)
        self.sort_by(SORT_KEYS[(index + 1) % len(SORT_KEYS)], reverse=False)
        self.app.notify(f"Sorted by {self.sort_column}", timeout=1.5)

    def action_reverse_sort(self) -> None:
        self.sort_by(self.sort_column, reverse=not self.sort_reverse)
