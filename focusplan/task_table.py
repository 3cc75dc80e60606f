"""The `list` table, line by line: what the click command prints and what the launcher's
quick `list` writes (`services.quick_list`) are these same lines.

Free of click, pydantic and the domain models, so that the quick path can print it from
plain rows; anything with the fields of `ListedRow` (a domain `Task` has them) is a row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Protocol

from focusplan.text import clean_line, terminal_text
from focusplan.timeparse import format_duration

MARKS = {"open": " ", "done": "✓", "dropped": "✗"}
# The table's width is the terminal's, within these bounds.
MIN_WIDTH = 60
MAX_WIDTH = 140


class ListedRow(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def title(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def importance(self) -> int: ...
    @property
    def demand(self) -> str: ...
    @property
    def estimate_minutes(self) -> int: ...
    @property
    def due(self) -> dt.datetime | None: ...
    @property
    def project(self) -> str | None: ...
    @property
    def recur(self) -> str | None: ...


def table_width(columns: int) -> int:
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


def task_table(tasks: Sequence[ListedRow], now: dt.datetime, width: int) -> Iterator[str]:
    """The lines of the table (without their line ends), for a table `width` wide."""
    if not tasks:
        yield terminal_text("no tasks")
        return
    title_width = max(16, width - 70)
    yield terminal_text(
        f"{'id':>5}  {'title':<{title_width}}  {'imp':>3}  {'demand':<6}  {'est':>6}  "
        f"{'due':<16}  project"
    )
    for task in tasks:
        due = f"{task.due:%Y-%m-%d %H:%M}" if task.due else ""
        overdue = "!" if task.due and task.status == "open" and task.due < now else " "
        # Each text field is cleaned itself (cut_title, clean_line): a long list is not
        # scanned twice.
        yield (
            f"{task.id:>5}{MARKS[task.status]} {cut_title(_titled(task), title_width):<{title_width}}  "
            f"{task.importance:>3}  {task.demand:<6}  {format_duration(task.estimate_minutes):>6}  "
            f"{due:<16}{overdue} {clean_line(task.project or '')}"
        )


def _titled(task: ListedRow) -> str:
    # A repeating task is marked as in the app's Tasks table.
    return f"↻ {task.title}" if task.recur else task.title


def cut_title(text: str, width: int) -> str:
    # Titles stored before they were made one line may still hold a break.
    text = clean_line(text)
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"
