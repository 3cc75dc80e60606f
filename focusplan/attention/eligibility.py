"""Which tasks are eligible at a moment: plain Python, no numpy.

`attention.features` builds its tokens on this scan; completing a task (services.tasks)
records the choice among the eligible tasks with it, and must not pay for numpy.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

__all__ = ["Scan", "TaskTimes", "Timed", "eligible_tasks", "require_aware", "scan"]


class Timed(Protocol):
    """What eligibility reads of a task: a `Task`, or `TaskTimes` where a full model costs too
    much (`done` judges every task of the database for its choice's candidates)."""

    @property
    def id(self) -> int: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def completed_at(self) -> dt.datetime | None: ...
    @property
    def dropped_at(self) -> dt.datetime | None: ...
    @property
    def not_before(self) -> dt.datetime | None: ...
    @property
    def depends_on(self) -> Sequence[int]: ...


T = TypeVar("T", bound=Timed)


@dataclass(frozen=True, slots=True)
class TaskTimes:
    id: int
    created_at: dt.datetime
    completed_at: dt.datetime | None
    dropped_at: dt.datetime | None
    not_before: dt.datetime | None
    depends_on: Sequence[int]


_get_id = operator.attrgetter("id")


def require_aware(value: dt.datetime, name: str) -> None:
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


@dataclass(slots=True)
class Scan(Generic[T]):
    eligible: list[T]
    open_ids: set[int]
    waiting: list[T]  # open tasks with dependencies (eligible or blocked)


def scan(tasks: Sequence[T], at: dt.datetime) -> Scan[T]:
    # One pass over every task: eligibility needs the whole list (dependencies),
    # the unblocks feature needs the open tasks that wait on something.
    require_aware(at, "at")
    # `Task.open_at`, inlined: this loop runs over every task of the database.
    open_tasks = [
        task
        for task in tasks
        if task.created_at <= at
        and (task.completed_at is None or task.completed_at > at)
        and (task.dropped_at is None or task.dropped_at > at)
    ]
    open_ids = set(map(_get_id, open_tasks))
    if len(open_ids) != len(open_tasks):
        # Only open tasks can collide in effect; closed ones are never looked up.
        raise ValueError("task ids must be unique")
    waiting = [task for task in open_tasks if task.depends_on]
    eligible = [
        task
        for task in open_tasks
        if (task.not_before is None or task.not_before <= at)
        # A dependency blocks while it is open at `at`; one done or dropped by then, or
        # unknown to this list, does not (a dropped prerequisite will never be "done").
        and not (task.depends_on and any(dep in open_ids for dep in task.depends_on))
    ]
    return Scan(eligible, open_ids, waiting)


def eligible_tasks(tasks: Sequence[T], at: dt.datetime) -> list[T]:
    """Tasks that are tokens at `at`, in input order.

    Eligible means open at `at` by what was known then (`Task.open_at`), with
    `not_before` unset or at/before `at`, and no dependency still open at `at`
    (a dependency completed or dropped at or before `at`, or absent from `tasks`,
    does not block).
    """
    return scan(tasks, at).eligible
