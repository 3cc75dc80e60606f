"""The fast read of stored day plans and the nights' sleep: stdlib sqlite3, read-only.

`plan` and the Plan screen mostly serve a stored plan that is still current; that
read should not pay for SQLAlchemy (its import alone is most of a cold command).
Like `snapshot.py`, it never migrates: a database behind raises SchemaBehind and
the caller reads through the full store instead.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from focusplan import clock
from focusplan.domain import DayPlan, PlanBlock
from focusplan.store.change_counter import READ_COUNTER
from focusplan.store.errors import SchemaBehind
from focusplan.store.schema_version import read_at_head
from focusplan.store.snapshot import Snapshot, read_snapshot_rows
from focusplan.store.timestamps import from_db_time
from focusplan.text import stored_line as _shown

__all__ = [
    "PlanRead",
    "SchemaBehind",
    "StoredDays",
    "plan_inputs_rows",
    "read_counter",
    "read_plan_inputs",
    "read_stored_days",
    "stored_days_rows",
    "stored_plan",
]


@dataclass(frozen=True)
class StoredDays:
    """The stored plan (None: none) and the night's sleep (None: not logged) of each day."""

    plans: dict[dt.date, DayPlan | None]
    sleep: dict[dt.date, float | None]


@dataclass(frozen=True)
class PlanRead:
    """What a plan is made from, read in one transaction, and the database's change
    counter at that moment (`focusplan.store.change_counter`): while the counter is the
    same, nobody has written since, and the read still stands."""

    snapshot: Snapshot
    stored: StoredDays
    counter: int


def read_plan_inputs(
    path: Path, days: Sequence[dt.date], sessions_since: dt.datetime | None = None
) -> PlanRead:
    """The snapshot (`read_snapshot`), the stored plans and sleep of `days` and the change
    counter, in one read-only transaction."""
    return read_at_head(path, lambda connection: plan_inputs_rows(connection, days, sessions_since))


def plan_inputs_rows(
    connection: sqlite3.Connection,
    days: Sequence[dt.date],
    sessions_since: dt.datetime | None = None,
) -> PlanRead:
    """`read_plan_inputs` inside a transaction the caller holds (`quick_plans` reads them
    under its write lock)."""
    zone = clock.local_zone()
    snapshot = read_snapshot_rows(connection, zone, sessions_since)
    stored = _read(connection, days, zone)
    return PlanRead(snapshot=snapshot, stored=stored, counter=read_counter(connection))


def read_change_counter(path: Path) -> int:
    """The change counter alone (a reader holding the write lock asks whether a read it
    made before taking the lock still stands)."""
    return read_at_head(path, read_counter)


def read_counter(connection: sqlite3.Connection) -> int:
    """The change counter inside a transaction the caller holds."""
    (value,) = connection.execute(READ_COUNTER).fetchone()
    return int(value)


def read_stored_days(path: Path, days: Sequence[dt.date]) -> StoredDays:
    """The stored plans and sleep of `days`, read in one transaction, as the plan and day
    repositories return them."""
    zone = clock.local_zone()
    return read_at_head(path, lambda connection: _read(connection, days, zone))


def stored_days_rows(
    connection: sqlite3.Connection, days: Sequence[dt.date], zone: dt.tzinfo
) -> StoredDays:
    """`read_stored_days` inside a transaction the caller holds (to read more beside it)."""
    return _read(connection, days, zone)


def _read(connection: sqlite3.Connection, days: Sequence[dt.date], zone: dt.tzinfo) -> StoredDays:
    plans: dict[dt.date, DayPlan | None] = {}
    sleep: dict[dt.date, float | None] = {}
    for day in dict.fromkeys(days):
        key = day.isoformat()
        plans[day] = stored_plan(connection, day, zone)
        night = connection.execute(
            "SELECT sleep_hours FROM day_context WHERE date = ?", (key,)
        ).fetchone()
        sleep[day] = None if night is None or night[0] is None else float(night[0])
    return StoredDays(plans=plans, sleep=sleep)


def stored_plan(connection: sqlite3.Connection, day: dt.date, zone: dt.tzinfo) -> DayPlan | None:
    """The stored plan of `day` (None: none), as `PlanRepository.get` returns it."""
    row = connection.execute(
        "SELECT id, created_at, notes, inputs FROM plans WHERE date = ?", (day.isoformat(),)
    ).fetchone()
    return None if row is None else _plan(connection, day, row, zone)


def _plan(
    connection: sqlite3.Connection,
    day: dt.date,
    row: tuple[int, str, str, str | None],
    zone: dt.tzinfo,
) -> DayPlan:
    plan_id, created_at, notes, inputs = row
    blocks = connection.execute(
        "SELECT start_at, end_at, kind, task_id, title, energy, reason FROM plan_blocks"
        " WHERE plan_id = ? ORDER BY position",
        (plan_id,),
    )
    return DayPlan.model_validate(
        {
            "date": day,
            "created_at": from_db_time(created_at, zone),
            "notes": tuple(_shown(note) for note in json.loads(notes)),
            "inputs": inputs,
            "blocks": tuple(
                PlanBlock.model_validate(
                    {
                        "start": from_db_time(start, zone),
                        "end": from_db_time(end, zone),
                        "kind": kind,
                        "task_id": task_id,
                        "title": _shown(title),
                        "energy": energy,
                        "reason": _shown(reason),
                    }
                )
                for start, end, kind, task_id, title, energy, reason in blocks
            ),
        }
    )
