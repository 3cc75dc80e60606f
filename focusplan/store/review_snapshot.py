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
from dataclasses import dataclass
from pathlib import Path

from focusplan import clock
from focusplan.domain import (
    Choice,
    ContextEvent,
    DayPlan,
    EnergyLog,
    FocusSession,
    Task,
    WeightsVersion,
)
from focusplan.store.errors import SchemaBehind
from focusplan.store.plan_snapshot import stored_days_rows
from focusplan.store.schema_version import read_at_head
from focusplan.store.snapshot import read_snapshot_rows
from focusplan.store.timestamps import from_db_time, to_db_time

__all__ = ["ReviewRead", "ReviewWindow", "SchemaBehind", "read_review_inputs"]


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
    stored = stored_days_rows(connection, window.days, zone)
    events_from, events_to = window.events
    return ReviewRead(
        tasks=snap.tasks,
        sessions=[
            s for s in snap.sessions if _overlaps(s.start, s.end, sessions_from, sessions_to)
        ],
        choices=_choices(connection, *window.choices, zone),
        energy=[log for log in snap.energy if log.at <= window.energy_until],
        events=[e for e in snap.events if _overlaps(e.start, e.end, events_from, events_to)],
        sleep=snap.sleep,
        plans=[plan for day in window.days if (plan := stored.plans.get(day)) is not None],
        weights=snap.weights,
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
