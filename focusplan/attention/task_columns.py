"""Tasks as columns: what eligibility and the features read, without a model per task.

At 100,000 tasks, building a pydantic `Task` per row cost more than the whole ranking;
the store's column read (`store.snapshot.read_rank_snapshot`) fills these arrays
instead, and `features.build_column_tokens` turns them into the very token rows
`features.build_tokens` makes from models (one feature implementation for both).

Times are kept as integer microseconds since 1970-01-01 in two readings, so that every
comparison and difference is the one Python's aware arithmetic does on the models:
the UTC instant, and the wall clock of `zone` (the zone every task time was read in).
Python compares and subtracts two aware datetimes of the same tzinfo by their wall
clocks, and of different tzinfos by their instants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from focusplan.attention.eligibility import require_aware

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["ColumnScan", "TaskColumns", "Times", "scan_columns", "utc_micros", "wall_micros"]

_MICROSECOND = dt.timedelta(microseconds=1)
_EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_WALL = dt.datetime(1970, 1, 1)


def utc_micros(moment: dt.datetime) -> int:
    """The instant of an aware `moment`, in microseconds since 1970 (UTC)."""
    return (moment - _EPOCH_UTC) // _MICROSECOND


def wall_micros(moment: dt.datetime) -> int:
    """The wall clock of `moment` in its own zone, as microseconds since a naive 1970."""
    return (moment.replace(tzinfo=None) - _EPOCH_WALL) // _MICROSECOND


@dataclass(frozen=True, slots=True, eq=False)
class Times:
    """One time field of every task (`present` False where a task has none: then 0)."""

    utc: IntArray
    wall: IntArray
    present: BoolArray


@dataclass(frozen=True, slots=True, eq=False)
class TaskColumns:
    """Tasks in ascending id order, one entry per task in every column.

    `depends_on` names only the tasks that have dependencies. Every time is one that,
    read as a model, would be an aware datetime in `zone`.
    """

    zone: dt.tzinfo
    ids: IntArray
    importance: Sequence[int]
    demand: Sequence[str]
    estimate_minutes: Sequence[int]
    window: Sequence[str | None]
    project: Sequence[str | None]
    tags: Sequence[tuple[str, ...]]
    depends_on: Mapping[int, tuple[int, ...]]
    created: Times
    due: Times
    not_before: Times
    completed: Times
    dropped: Times

    def __len__(self) -> int:
        return int(self.ids.size)


@dataclass(slots=True)
class ColumnScan:
    eligible: BoolArray
    open_ids: set[int]
    waiting: list[tuple[int, tuple[int, ...]]]  # open tasks with dependencies, id order


def scan_columns(columns: TaskColumns, at: dt.datetime) -> ColumnScan:
    """`eligibility.scan` over columns: the same open, startable and blocked tests."""
    require_aware(at, "at")
    by_wall = at.tzinfo is columns.zone
    moment = wall_micros(at) if by_wall else utc_micros(at)

    def reading(times: Times) -> IntArray:
        return times.wall if by_wall else times.utc

    completed, dropped, not_before = columns.completed, columns.dropped, columns.not_before
    is_open = reading(columns.created) <= moment
    is_open &= ~completed.present | (reading(completed) > moment)
    is_open &= ~dropped.present | (reading(dropped) > moment)
    open_ids = set(columns.ids[is_open].tolist())
    eligible = is_open & (~not_before.present | (reading(not_before) <= moment))
    waiting: list[tuple[int, tuple[int, ...]]] = []
    blocked: list[int] = []
    for task_id, depends_on in columns.depends_on.items():
        if task_id in open_ids:
            waiting.append((task_id, depends_on))
            if any(dep in open_ids for dep in depends_on):
                blocked.append(task_id)
    if blocked:
        eligible &= ~np.isin(columns.ids, np.array(blocked, dtype=np.int64))
    return ColumnScan(eligible, open_ids, waiting)
