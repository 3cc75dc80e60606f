"""The Today list: eligible tasks best first, each with its share of attention as a bar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text

from focusplan.domain import RankedTask, Task
from focusplan.tui.widgets.cells import relative_due, score_bar, truncate
from focusplan.tui.widgets.task_rows import TaskRowsTable

BAR_WIDTH = 6
MIN_TITLE_WIDTH = 18
# rank, share, project, due columns, plus one cell of padding each side of all six.
FIXED_WIDTH = 2 + (BAR_WIDTH + 4) + 7 + 8 + 2 * 5


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
        self._title_width = MIN_TITLE_WIDTH
        self._last: (
            tuple[Sequence[RankedTask], Mapping[int, Task], dt.datetime, int | None] | None
        ) = None

    def _fit_title(self) -> int:
        """The title takes whatever width the other columns leave (1 cell for the scrollbar)."""
        return (
            max(MIN_TITLE_WIDTH, self.size.width - FIXED_WIDTH - 1)
            if self.size.width
            else MIN_TITLE_WIDTH
        )

    def _add_columns(self) -> None:
        self.add_column("#", key="rank", width=2)
        self.add_column("share", key="score", width=BAR_WIDTH + 4)
        self.add_column("task", key="title", width=self._title_width)
        self.add_column("project", key="project", width=7)
        self.add_column("due", key="due", width=8)

    def on_mount(self) -> None:
        self._add_columns()

    def on_resize(self) -> None:
        width = self._fit_title()
        if width != self._title_width and self._last is not None:
            items, tasks, at, focus_task = self._last
            self.show(items, tasks, at, focus_task=focus_task)

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
        width = self._fit_title()
        if width != self._title_width:
            self._title_width = width
            self.clear(columns=True)
            self._add_columns()
        else:
            self.clear()
        for item in items:
            task = tasks.get(item.id)
            share = score_bar(item.score / top, BAR_WIDTH, bar)
            share.append(f"{item.score * 100:4.1f}"[:4], style=dim)
            title = Text(truncate(item.title, width))
            if item.id == focus_task:
                title = Text("● " + truncate(item.title, width - 2), style=focus)
            due_text, level = relative_due(task.due if task else None, at)
            self.add_row(
                Text(str(item.rank), style=dim, justify="right"),
                share,
                title,
                Text(truncate(task.project or "", 7) if task else "", style=dim),
                Text(due_text, style=urgency.get(level, "")),
                key=str(item.id),
            )
        self.keep_cursor_on(keep)
