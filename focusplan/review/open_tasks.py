"""The open tasks of a big backlog as columns: what the review reads of each, no model.

A review looks at every open task only to list the overdue and the stale ones; at
100,000 open tasks a `Task` per row cost more than the rest of the review. The store
hands over the tasks that are open, were never closed, are in no series and have no
focus session in the review's window as these columns (`OpenTasks`); every other task
comes as a model. `open_task_notes` gives exactly the notes `figures.overdue_tasks` and
`figures.stale_tasks` give for those tasks as models, with the times compared and
subtracted as integer microseconds the way aware arithmetic does it: by the wall clock
between two times of the same zone object, by the instant otherwise
(`attention.task_columns`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from focusplan.attention.task_columns import Times, utc_micros, wall_micros
from focusplan.review.figures import STALE_AFTER, STALE_MAX_IMPORTANCE, note_of
from focusplan.review.models import TaskNote

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["OpenTasks", "open_task_notes"]

_MICROSECOND = dt.timedelta(microseconds=1)


@dataclass(frozen=True, slots=True, eq=False)
class OpenTasks:
    """Tasks in ascending id order, one entry per task in every column. Every time is
    one that, read as a model, is an aware datetime in `zone`; `*_text` is the stored
    text, which `moment` reads as the model holds it."""

    zone: dt.tzinfo
    ids: IntArray
    titles: Sequence[str]  # as the model holds them (cleaned of controls)
    importance: IntArray
    projects: Sequence[str | None]
    created: Times
    created_text: Sequence[str]
    updated: Times
    updated_text: Sequence[str | None]
    due: Times
    due_text: Sequence[str | None]
    not_before: Times
    moment: Callable[[str], dt.datetime]


def open_task_notes(
    tasks: OpenTasks, now: dt.datetime
) -> tuple[tuple[TaskNote, ...], tuple[TaskNote, ...]]:
    """The overdue and the stale notes of `tasks` (each most overdue / untouched first),
    as `figures.overdue_tasks` and `figures.stale_tasks` make them from the models."""
    # Python subtracts and compares two datetimes of one tzinfo by their wall clocks.
    wall = now.tzinfo is tasks.zone
    current = wall_micros(now) if wall else utc_micros(now)

    def reading(times: Times) -> IntArray:
        return times.wall if wall else times.utc

    created, updated, due = reading(tasks.created), reading(tasks.updated), reading(tasks.due)
    # The last touch of a task with no session: its creation or its last edit (`max`,
    # which keeps the first of equals; both in `zone`: compared by the wall clock).
    later = tasks.updated.present & (tasks.updated.wall > tasks.created.wall)
    touched = np.where(later, updated, created)

    # Plain lists: a row of an array is a numpy scalar, slower to read one by one.
    ids, importance = tasks.ids.tolist(), tasks.importance.tolist()
    later_rows, touched_at, due_at = later.tolist(), touched.tolist(), due.tolist()

    def last_touched(row: int) -> dt.datetime:
        text = tasks.updated_text[row] if later_rows[row] else tasks.created_text[row]
        assert text is not None
        return tasks.moment(text)

    def note(row: int, due: dt.datetime | None, last: dt.datetime, micros: int) -> TaskNote:
        return note_of(
            ids[row],
            tasks.titles[row],
            importance[row],
            tasks.projects[row],
            due,
            last,
            # `timedelta.total_seconds()` is this exact division of the microseconds.
            round((current - micros) / 10**6 / 86400, 1),
        )

    overdue = [
        note(row, tasks.moment(str(tasks.due_text[row])), last_touched(row), due_at[row])
        for row in np.flatnonzero(tasks.due.present & (due < current)).tolist()
    ]
    stale_after = STALE_AFTER // _MICROSECOND
    stale_rows = np.flatnonzero(
        (tasks.importance <= STALE_MAX_IMPORTANCE) & (current - touched >= stale_after)
    )
    stale = []
    for row in stale_rows.tolist():
        due_text = tasks.due_text[row]
        stale.append(
            note(
                row,
                None if due_text is None else tasks.moment(due_text),
                last_touched(row),
                touched_at[row],
            )
        )
    return _by_days(overdue), _by_days(stale)


def _by_days(notes: list[TaskNote]) -> tuple[TaskNote, ...]:
    return tuple(sorted(notes, key=lambda note: (-note.days, note.id)))
