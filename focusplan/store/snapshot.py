"""The fast read path for a cold `rank`: stdlib sqlite3, read-only, one transaction.

SQLAlchemy's import alone costs most of the cold-start budget, so this module
reads the few tables the ranking needs with the stdlib driver and builds the
domain models with `model_construct` (the rows are ours and guarded by CHECK
constraints; every time still comes back aware, in the person's zone). It never
migrates: a database that is behind raises SchemaBehind and the caller opens it
with `open_database`, which does.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from focusplan import clock
from focusplan.domain import ContextEvent, EnergyLog, FocusSession, Task, WeightsVersion
from focusplan.store.errors import SchemaBehind, SchemaTooNew, StoreError
from focusplan.store.schema_version import (
    known_revisions,
    read_only_uri,
    read_revision,
    store_error_from,
)
from focusplan.store.timestamps import from_db_time

__all__ = ["SchemaBehind", "Snapshot", "read_snapshot"]

BUSY_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Snapshot:
    """Everything the ranking reads, as of one moment of the database."""

    tasks: list[Task]
    energy: list[EnergyLog]
    weights: WeightsVersion
    active_session: FocusSession | None
    events: list[ContextEvent] = field(default_factory=list)


def read_snapshot(path: Path) -> Snapshot:
    """All tasks (deps and tags filled, id order), energy logs and events (time order),
    the active weights and the active focus session, read in one transaction."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"no database at {path}")
    try:
        connection = sqlite3.connect(
            read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
        )
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from exc
    try:
        # One read transaction: in WAL mode every SELECT below sees the same moment.
        connection.execute("BEGIN")
        revision, _ = read_revision(connection, path)
        chain = known_revisions()
        if revision is not None and revision not in chain:
            raise SchemaTooNew(
                f"{path} was written by a newer focusplan (schema {revision}); upgrade focusplan"
            )
        if revision != chain.head:
            raise SchemaBehind(f"{path} is at schema {revision or 'none'}; {chain.head} needed")
        return _read(connection, clock.local_zone())
    except sqlite3.Error as exc:
        raise store_error_from(exc, path) from exc
    finally:
        connection.close()


_Model = TypeVar("_Model", bound=BaseModel)


def _trusted(model: type[_Model], values: dict[str, Any]) -> _Model:
    """A model from values that are already valid (our own rows): what `model_construct`
    does, minus its per-field loop, which costs more than the whole SQL read.

    `values` must name every field; the snapshot-equals-repository test guards this
    against pydantic changing how a model keeps its state.
    """
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


def _read(connection: sqlite3.Connection, zone: dt.tzinfo) -> Snapshot:
    def when(text: str) -> dt.datetime:
        return from_db_time(text, zone)

    tags: defaultdict[int, list[str]] = defaultdict(list)
    for task_id, tag in connection.execute(
        "SELECT task_id, tag FROM task_tags ORDER BY task_id, position"
    ):
        tags[task_id].append(tag)
    deps: defaultdict[int, list[int]] = defaultdict(list)
    for task_id, other in connection.execute(
        "SELECT task_id, depends_on_id FROM task_dependencies ORDER BY task_id, position"
    ):
        deps[task_id].append(other)

    tasks = [
        _trusted(
            Task,
            {
                "title": row[1],
                "notes": row[2],
                "importance": row[3],
                "demand": row[4],
                "estimate_minutes": row[5],
                "due": None if row[6] is None else when(row[6]),
                "not_before": None if row[7] is None else when(row[7]),
                "project": row[8],
                "tags": tuple(tags.get(row[0], ())),
                "window": row[9],
                "depends_on": tuple(deps.get(row[0], ())),
                "id": row[0],
                "status": row[10],
                "created_at": when(row[11]),
                "updated_at": None if row[12] is None else when(row[12]),
                "completed_at": None if row[13] is None else when(row[13]),
                "dropped_at": None if row[14] is None else when(row[14]),
                "actual_minutes": row[15],
                "external_id": row[16],
            },
        )
        for row in connection.execute(
            "SELECT id, title, notes, importance, demand, estimate_minutes, due, not_before,"
            " project, time_window, status, created_at, updated_at, completed_at, dropped_at,"
            " actual_minutes, external_id FROM tasks ORDER BY id"
        )
    ]

    energy = [
        _trusted(
            EnergyLog,
            {"at": when(row[1]), "level": row[2], "note": row[3], "source": row[4], "id": row[0]},
        )
        for row in connection.execute(
            "SELECT id, at, level, note, source FROM energy_logs ORDER BY at, id"
        )
    ]

    weights_row = connection.execute(
        "SELECT version, params, created_at, reason, active FROM weight_versions WHERE active"
    ).fetchone()
    if weights_row is None:
        raise StoreError("no weights version is active; the database is damaged")
    weights = WeightsVersion.model_construct(
        version=weights_row[0],
        params={str(k): float(v) for k, v in json.loads(weights_row[1]).items()},
        created_at=when(weights_row[2]),
        reason=weights_row[3],
        active=bool(weights_row[4]),
    )

    session_row = connection.execute(
        "SELECT id, task_id, start_at, end_at, interrupted FROM focus_sessions WHERE end_at IS NULL"
    ).fetchone()
    active_session = (
        None
        if session_row is None
        else FocusSession.model_construct(
            id=session_row[0],
            task_id=session_row[1],
            start=when(session_row[2]),
            end=None,
            interrupted=bool(session_row[4]),
        )
    )

    events = [
        _trusted(
            ContextEvent,
            {
                "start": when(row[1]),
                "end": when(row[2]),
                "title": row[3],
                "uid": row[4],
                "source": row[5],
                "all_day": bool(row[6]),
                "id": row[0],
            },
        )
        for row in connection.execute(
            "SELECT id, start_at, end_at, title, uid, source, all_day FROM context_events"
            " ORDER BY start_at, id"
        )
    ]
    connection.execute("COMMIT")
    return Snapshot(
        tasks=tasks, energy=energy, weights=weights, active_session=active_session, events=events
    )
