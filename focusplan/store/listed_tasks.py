"""The rows `list` prints, read with sqlite3 alone (no pydantic, no SQLAlchemy).

`list` shows nine fields of each task; the snapshot (`store.snapshot`) reads every
field into the domain model, whose import alone is most of a cold `list`. The values
are those the snapshot gives the same fields: text cleaned as the models would read it,
times in the person's zone.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from focusplan.store.schema_version import read_at_head
from focusplan.store.timestamps import from_db_time
from focusplan.text import stored_line


@dataclass(frozen=True, slots=True)
class ListedTask:
    id: int
    title: str
    status: str
    importance: int
    demand: str
    estimate_minutes: int
    due: dt.datetime | None
    project: str | None
    recur: str | None


_SQL = (
    "SELECT id, title, status, importance, demand, estimate_minutes, due, project, recur FROM tasks"
)


def read_listed_tasks(
    path: Path, zone: dt.tzinfo, statuses: Collection[str] | None
) -> list[ListedTask]:
    """The tasks of `statuses` (None: every one) in id order, from a database at head
    (SchemaBehind otherwise: migrating is the full store's)."""

    def read(connection: sqlite3.Connection) -> list[ListedTask]:
        where, parameters = "", tuple(statuses or ())
        if statuses is not None and not parameters:
            return []
        if statuses is not None:
            where = f" WHERE status IN ({', '.join('?' * len(parameters))})"
        rows = connection.execute(f"{_SQL}{where} ORDER BY id", parameters)
        return [
            ListedTask(
                id=task_id,
                title=stored_line(title),
                status=status,
                importance=importance,
                demand=demand,
                estimate_minutes=estimate,
                due=None if due is None else from_db_time(due, zone),
                project=(stored_line(project) or None) if project else None,
                recur=recur,
            )
            for task_id, title, status, importance, demand, estimate, due, project, recur in rows
        ]

    return read_at_head(path, read)
