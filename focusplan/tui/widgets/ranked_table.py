"""The Today list: eligible tasks best first, each with its share of attention as a bar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text

from focusplan.domain import RankedTask, Task
from focusplan.tui.widgets.cells import relative_due, score_bar, truncate
from focusplan.tui.widgets.task_rows import TaskRowsTable

BAR_WIDTH = 6
MIN_TITLE_WIDTH = 20
PROJECT_WIDTH = 7
# rank, share, project, due columns, plus one cell of padding each side of all five.
FIXED_WIDTH = 2 + (BAR_WIDTH + 4) + PROJECT_WIDTH + 8 + 2 * 5


@dataclass(frozen=True)
class Columns:
    """What fits: on a narrow table the project goes first, then the share's bar."""

    title: int
    project: bool = True
    bar: int = BAR_WIDTH


def fit_columns(width: int) -> Columns:
    """The columns for a table `width` cells wide (1 cell kept for the scrollbar)."""
    if not width:
        return Columns(MIN_TITLE_WIDTH)
    room = width - FIXED_WIDTH - 1
    if room >= MIN_TITLE_WIDTH:
        return Columns(room)
    room += PROJECT_WIDTH + 2
    if room >= MIN_TITLE_WIDTH:
        return Columns(room, project=False)
    return Columns(max(MIN_TITLE_WIDTH, room + BAR_WIDTH), project=False, bar=0)


class RankedTable(TaskRowsTable):
    """The Today list: eligible tasks best first, each with its share of attention."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ranked-table--bar",
        "ranked-table--focus",
        "ranked-table--overdue",
        "ranked-table--soon",
        "ranked-table--dim",
    }
    DEFAULT_CSS = """
    RankedTable {
        height: 1fr;
        & > .ranked-table--bar { color: $accent; }
        & > .ranked-table--focus { color: $success; text-style: bold; }
        & > .ranked-table--overdue { color: $error; text-style: bold; }
        & > .ranked-table--soon { color: $warning; }
        & > .ranked-table--dim { color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id=id, classes=classes)
        self._columns = Columns(MIN_TITLE_WIDTH)
        self._last: (
            tuple[Sequence[RankedTask], Mapping[int, Task], dt.datetime, int | None] | None
        ) = None
        # Rows asked for before the table had a width wait for it (built once, not twice).
        self._deferred: tuple[int | None] | None = None
        # What the rows show, to leave them be when a new board shows the same (the
        # complete ranking after the quick first one has the same top rows).
        self._shown: tuple[object, ...] = ()

    def _add_columns(self) -> None:
        columns = self._columns
        self.add_column("#", key="rank", width=2)
        self.add_column("share", key="score", width=max(5, columns.bar + 4))
        self.add_column("task", key="title", width=columns.title)
        if columns.project:
            self.add_column("project", key="project", width=PROJECT_WIDTH)
        self.add_column("due", key="due", width=8)

    def on_mount(self) -> None:
        self._add_columns()

    def on_resize(self) -> None:
        deferred, self._deferred = self._deferred, None
        if self._last is not None and (
            deferred is not None or fit_columns(self.size.width) != self._columns
        ):
            items, tasks, at, focus_task = self._last
            select = deferred[0] if deferred is not None else None
            self.show(items, tasks, at, focus_task=focus_task, select=select)

    def show(
        self,
        items: Sequence[RankedTask],
        tasks: Mapping[int, Task],
        at: dt.datetime,
        *,
        focus_task: int | None = None,
        select: int | None = None,
    ) -> None:
        """Replace the rows, keeping the same task highlighted when it is still there."""
        if not self.size.width:
            self._last = (items, tasks, at, focus_task)
            self._deferred = (select,)
            return
        keep = select if select is not None else self.selected_task_id
        bar = self.get_component_rich_style("ranked-table--bar")
        dim = self.get_component_rich_style("ranked-table--dim")
        urgency = {
            "overdue": self.get_component_rich_style("ranked-table--overdue"),
            "soon": self.get_component_rich_style("ranked-table--soon"),
            "later": dim,
        }
        focus = self.get_component_rich_style("ranked-table--focus")
        top = max((item.score for item in items), default=0.0) or 1.0
        self._last = (items, tasks, at, focus_task)
        columns = fit_columns(self.size.width)
        width = columns.title
        shown = (
            columns,
            focus_task,
            at,
            tuple((item.id, item.rank, item.score, item.title) for item in items),
            tuple(
                (task.due, task.project) if (task := tasks.get(item.id)) else None for item in items
            ),
        )
        if shown == self._shown and columns == self._columns:
            self.keep_cursor_on(keep)
            return
        self._shown = shown
        if columns != self._columns:
            self._columns = columns
            self.clear(columns=True)
            self._add_columns()
        else:
            self.clear()
        for item in items:
            task = tasks.get(item.id)
            share = score_bar(item.score / top, columns.bar, bar) if columns.bar else Text(" ")
            share.append(f"{item.score * 100:4.1f}"[:4], style=dim)
            title = Text(truncate(item.title, width))
            if item.id == focus_task:
                title = Text("● " + truncate(item.title, width - 2), style=focus)
            due_text, level = relative_due(task.due if task else None, at)
            cells = [Text(str(item.rank), style=dim, justify="right"), share, title]
            if columns.project:
                cells.append(
                    Text(truncate(task.project or "", PROJECT_WIDTH) if task else "", style=dim)
                )
            cells.append(Text(due_text, style=urgency.get(level, "")))
            self.add_row(*cells, key=str(item.id))
        self.keep_cursor_on(keep)
