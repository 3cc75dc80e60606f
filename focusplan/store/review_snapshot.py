"""The fast read of what the weekly review reads: stdlib sqlite3, read-only, one transaction.

A plain `review` only looks, and opening the full store for it (SQLAlchemy's import and
the ORM's mapping) cost half a second before anything was computed. This reads the
same rows as the repositories the review used (`uow.tasks.list()`, `sessions.between`,
`choices.between`, `energy.list(until=)`, `events.between`, `days.sleep_hours`,
`plans.get`, `weights.active`), with their bounds and orders, in one transaction. Like
`snapshot.py`, it never migrates: a database that is behind raises SchemaBehind and
the caller reads through the full store.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from focusplan import clock
from focusplan.bulk import collector_paused
from focusplan.domain import (
    Choice,
    ContextEvent,
    DayPlan,
    EnergyLog,
    FocusSession,
    Task,
    WeightsVersion,
)
from focusplan.review.open_tasks import OpenTasks
from focusplan.store.column_snapshot import _models, _NotColumnar, _times
from focusplan.store.errors import SchemaBehind
from focusplan.store.plan_snapshot import stored_days_rows
from focusplan.store.schema_version import read_at_head
from focusplan.store.snapshot import Snapshot, _read_rest, _sqlite_rows, read_snapshot_rows
from focusplan.store.timestamps import from_db_time, to_db_time
from focusplan.text import stored_line as _line

__all__ = [
    "ReviewColumns",
    "ReviewRead",
    "ReviewWindow",
    "SchemaBehind",
    "read_review_columns",
    "read_review_inputs",
]

_Result = TypeVar("_Result")


@dataclass(frozen=True)
class ReviewWindow:
    """The bounds of each read (as the review passes them to the repositories)."""

    sessions: tuple[dt.datetime, dt.datetime]  # overlapping [start, end)
    choices: tuple[dt.datetime, dt.datetime]  # start <= at < end
    energy_until: dt.datetime  # at <= this
    events: tuple[dt.datetime, dt.datetime]  # overlapping [start, end)
    days: tuple[dt.date, ...]  # the stored plans of these days


@dataclass(frozen=True)
class ReviewRead:
    tasks: list[Task]
    sessions: list[FocusSession]
    choices: list[Choice]
    energy: list[EnergyLog]
    events: list[ContextEvent]
    sleep: dict[dt.date, float]
    plans: list[DayPlan]  # the days' stored plans, in day order (days without one left out)
    weights: WeightsVersion


def read_review_inputs(path: Path, window: ReviewWindow) -> ReviewRead:
    zone = clock.local_zone()
    return read_at_head(path, lambda connection: _read(connection, window, zone))


def _overlaps(
    start: dt.datetime, end: dt.datetime | None, lo: dt.datetime, hi: dt.datetime
) -> bool:
    # `repositories.times.overlapping`: an open end reaches into the future.
    return start < hi and (end is None or end > lo or start >= lo)


def _read(connection: sqlite3.Connection, window: ReviewWindow, zone: dt.tzinfo) -> ReviewRead:
    sessions_from, sessions_to = window.sessions
    # The snapshot keeps the sessions still running or ended at or after `sessions_from`:
    # a superset of those overlapping the window.
    snap = read_snapshot_rows(connection, zone, sessions_from)
    sessions = [s for s in snap.sessions if _overlaps(s.start, s.end, sessions_from, sessions_to)]
    return _review_read(connection, window, zone, snap.tasks, sessions, snap)


def _review_read(
    connection: sqlite3.Connection,
    window: ReviewWindow,
    zone: dt.tzinfo,
    tasks: list[Task],
    sessions: list[FocusSession],
    rest: Snapshot,
) -> ReviewRead:
    """The review's read: `tasks` and `sessions` as given, the rest of `rest` cut to the
    window, and the window's choices and stored plans."""
    stored = stored_days_rows(connection, window.days, zone)
    events_from, events_to = window.events
    return ReviewRead(
        tasks=tasks,
        sessions=sessions,
        choices=_choices(connection, *window.choices, zone),
        energy=[log for log in rest.energy if log.at <= window.energy_until],
        events=[e for e in rest.events if _overlaps(e.start, e.end, events_from, events_to)],
        sleep=rest.sleep,
        plans=[plan for day in window.days if (plan := stored.plans.get(day)) is not None],
        weights=rest.weights,
    )


def _choices(
    connection: sqlite3.Connection, start: dt.datetime, end: dt.datetime, zone: dt.tzinfo
) -> list[Choice]:
    rows = connection.execute(
        "SELECT at, task_id, candidates, kind FROM choices WHERE at >= ? AND at < ?"
        " ORDER BY at, id",
        (to_db_time(start), to_db_time(end)),
    )
    return [
        Choice.model_validate(
            {
                "at": from_db_time(at, zone),
                "task_id": task_id,
                "candidates": tuple(json.loads(candidates)),
                "kind": kind,
            }
        )
        for at, task_id, candidates, kind in rows
    ]


# --- the same read with the plain open tasks as columns -----------------------------------

# The tasks read as models: every one that was ever closed, that belongs to a series, or
# that has a focus session in the window (the figures and the choices look at each of
# them); the rest are open and only eligible, overdue or stale: columns.
_MODELLED = (
    "(completed_at IS NOT NULL OR dropped_at IS NOT NULL OR series_id IS NOT NULL"
    " OR status != 'open' OR id IN (SELECT value FROM json_each(?)))"
)
_MODEL_IDS_SQL = f"SELECT id FROM tasks WHERE {_MODELLED} ORDER BY id"
_OPEN_SQL = (
    "SELECT id, title, importance, project, created_at, updated_at, due, not_before"
    f" FROM tasks WHERE NOT {_MODELLED} ORDER BY id"
)
_DEPENDENCIES_SQL = (
    "SELECT task_id, depends_on_id FROM task_dependencies ORDER BY task_id, position"
)


@dataclass(frozen=True)
class ReviewColumns:
    """Beside a `ReviewRead` whose `tasks` are only the modelled ones (see `_MODELLED`):
    the other tasks as columns, every dependency, and the models of any tasks by id
    (read in the same transaction, so only while `read_review_columns`'s `use` runs)."""

    open_tasks: OpenTasks
    dependencies: list[tuple[int, int]]  # (task, prerequisite), by task id and position
    models: Callable[[Collection[int]], dict[int, Task]]


def read_review_columns(
    path: Path, window: ReviewWindow, use: Callable[[ReviewRead, ReviewColumns], _Result]
) -> _Result | None:
    """`use(read, columns)` inside one read transaction of the database at the head
    revision: `read` as `read_review_inputs` reads it but with only the modelled tasks.
    None (and `use` not called) when a stored time lies where only the models can
    hold it (the ends of the calendar): read with `read_review_inputs` then."""
    zone = clock.local_zone()
    with collector_paused():
        return read_at_head(path, lambda connection: _read_columns(connection, window, zone, use))


def _read_columns(
    connection: sqlite3.Connection,
    window: ReviewWindow,
    zone: dt.tzinfo,
    use: Callable[[ReviewRead, ReviewColumns], _Result],
) -> _Result | None:
    sessions_from, sessions_to = window.sessions
    rest = _read_rest(_sqlite_rows(connection), zone, sessions_from, [])
    sessions = [s for s in rest.sessions if _overlaps(s.start, s.end, sessions_from, sessions_to)]
    focused = json.dumps(sorted({session.task_id for session in sessions}))
    try:
        open_tasks = _open_tasks(connection.execute(_OPEN_SQL, (focused,)).fetchall(), zone)
    except _NotColumnar:
        return None
    modelled = [row[0] for row in connection.execute(_MODEL_IDS_SQL, (focused,))]
    tasks = sorted(_models(connection, zone, modelled).values(), key=lambda task: task.id)
    read = _review_read(connection, window, zone, tasks, sessions, rest)
    columns = ReviewColumns(
        open_tasks=open_tasks,
        dependencies=[(task, dep) for task, dep in connection.execute(_DEPENDENCIES_SQL)],
        models=lambda ids: _models(connection, zone, ids),
    )
    return use(read, columns)


def _open_tasks(rows: list[Any], zone: dt.tzinfo) -> OpenTasks:
    fields: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [()] * 8
    ids, titles, importance, projects, created, updated, due, not_before = fields
    # Cleaned as `store.snapshot` cleans them; few distinct projects, each cleaned once.
    project_of: dict[str | None, str | None] = {None: None, "": None}
    for project in set(projects):
        if project not in project_of:
            project_of[project] = _line(project) or None
    not_before_times = _times(not_before, zone)
    # No `not_before` is earlier than any moment (`review.choices.Eligibility`).
    not_before_times.utc[~not_before_times.present] = -(2**62)
    return OpenTasks(
        zone=zone,
        ids=np.array(ids, dtype=np.int64),
        titles=[title if title.isprintable() else _line(title) for title in titles],
        importance=np.array(importance, dtype=np.int64),
        projects=[project_of[project] for project in projects],
        created=_times(created, zone),
        created_text=created,
        updated=_times(updated, zone),
        updated_text=updated,
        due=_times(due, zone),
        due_text=due,
        not_before=not_before_times,
        moment=lambda text: from_db_time(text, zone),
    )
