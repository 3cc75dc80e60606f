"""Storing day plans without SQLAlchemy: the write path of `plan` on a current SQLite file.

The first `plan` of a day reads ten thousand tasks through the stdlib snapshot, plans,
and stores one plan; importing SQLAlchemy only to store it cost a third of the command.
This is the unit of work of `quick_write` (the same checks on open, connection settings,
`BEGIN IMMEDIATE` and errors: it is that class) with the plan table's statements and the
plan read beside them. The same store, not a second one: the same `plans` and
`plan_blocks` tables, the same values in them as `PlanRepository.save` writes (dates as
ISO text, times through `timestamps`, the notes as the JSON column serialises them),
read back as `plan_snapshot` reads them. tests/integration/test_quick_plans.py checks
that each path reads the other's plans as its own.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Self

from focusplan import clock
from focusplan.domain import DayPlan
from focusplan.store.errors import StoreError
from focusplan.store.plan_snapshot import PlanRead, plan_inputs_rows, read_counter, stored_plan
from focusplan.store.quick_write import QuickUnitOfWork, is_current_file
from focusplan.store.repositories.times import require_storable
from focusplan.store.timestamps import to_db_time

__all__ = ["PlanUnitOfWork", "QuickPlans", "open_plan_unit_of_work"]


def open_plan_unit_of_work(path: Path) -> PlanUnitOfWork | None:
    """A write unit of work for storing plans on the SQLite file at `path`, or None when
    the full store is needed (no file yet, or a schema that must be migrated first).

    Everything `open_database` refuses is refused here with the same error."""
    path = path.expanduser().absolute()
    return PlanUnitOfWork(path) if is_current_file(path, heal=True) else None


class PlanUnitOfWork(QuickUnitOfWork):
    """`QuickUnitOfWork` that also stores plans, and reads what plans are made from inside
    its own transaction: it holds the write lock from the start, so that read is what
    the plans it stores are written over."""

    plans: QuickPlans

    def __enter__(self) -> Self:
        super().__enter__()
        self.plans = QuickPlans(self._open())
        return self

    def plan_inputs(self, days: Sequence[dt.date], sessions_since: dt.datetime | None) -> PlanRead:
        """`plan_snapshot.read_plan_inputs`, inside this transaction."""
        return plan_inputs_rows(self._open(), days, sessions_since)

    def change_counter(self) -> int:
        """The database's change counter, inside this transaction."""
        return read_counter(self._open())

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise StoreError("the unit of work is not open")
        return self._connection


class QuickPlans:
    """PlanRepository's `save` and `get` (same names, same rows, same models)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def save(self, plan: DayPlan) -> DayPlan:
        """Store the plan of `plan.date`, replacing any earlier plan of that date."""
        require_storable(plan.created_at, *(t for b in plan.blocks for t in (b.start, b.end)))
        connection = self._connection
        day = plan.date.isoformat()  # what SQLAlchemy's SQLite Date type stores
        # The blocks go with it (ON DELETE CASCADE; the connection has foreign keys on).
        connection.execute("DELETE FROM plans WHERE date = ?", (day,))
        created_at = plan.created_at if plan.created_at is not None else clock.now()
        cursor = connection.execute(
            "INSERT INTO plans (date, created_at, notes, inputs) VALUES (?, ?, ?, ?)",
            # The JSON column's own serialisation (SQLAlchemy's JSON type: json.dumps).
            (day, to_db_time(created_at), json.dumps(list(plan.notes)), plan.inputs),
        )
        plan_id = int(cursor.lastrowid or 0)
        if plan.blocks:
            connection.executemany(
                "INSERT INTO plan_blocks (plan_id, position, start_at, end_at, kind, task_id,"
                " title, energy, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        plan_id,
                        index,
                        to_db_time(block.start),
                        to_db_time(block.end),
                        block.kind,
                        block.task_id,
                        block.title,
                        block.energy,
                        block.reason,
                    )
                    for index, block in enumerate(plan.blocks)
                ],
            )
        stored = self.get(plan.date)
        if stored is None:  # pragma: no cover - the insert above just wrote it
            raise StoreError(f"the plan of {plan.date} was not stored")
        return stored

    def get(self, day: dt.date) -> DayPlan | None:
        return stored_plan(self._connection, day, clock.local_zone())
