"""The fast read path for a cold `rank`: stdlib sqlite3, read-only, one transaction.

On PostgreSQL (`read_server_snapshot`) the same SQL runs through psycopg alone, in
one REPEATABLE READ, READ ONLY transaction: still no SQLAlchemy on the way.

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
import operator
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from focusplan import clock
from focusplan.bulk import collector_paused
from focusplan.domain import ContextEvent, EnergyLog, FocusSession, Task, WeightsVersion
from focusplan.store.errors import SchemaBehind, StoreError
from focusplan.store.schema_version import read_at_head, require_head
from focusplan.store.timestamps import from_db_time, to_db_time
from focusplan.text import stored_line as _line
from focusplan.text import stored_notes as _notes

__all__ = ["SchemaBehind", "Snapshot", "read_snapshot"]


@dataclass(frozen=True)
class Snapshot:
    """Everything the ranking reads, as of one moment of the database."""

    tasks: list[Task]
    energy: list[EnergyLog]
    weights: WeightsVersion
    active_session: FocusSession | None
    events: list[ContextEvent] = field(default_factory=list)
    # Focus sessions (time order) that overlap the snapshot's period, the active one included.
    sessions: list[FocusSession] = field(default_factory=list)
    # Hours of sleep by the day the night ended (day context), for the energy estimate.
    sleep: dict[dt.date, float] = field(default_factory=dict)


def read_snapshot(path: Path, sessions_since: dt.datetime | None = None) -> Snapshot:
    """All tasks (deps and tags filled, id order), energy logs and events (time order),
    the active weights, the active focus session and the sessions running or ended at
    or after `sessions_since` (all of them when None), read in one transaction."""
    zone = clock.local_zone()
    return read_at_head(
        Path(path), lambda connection: read_snapshot_rows(connection, zone, sessions_since)
    )


def read_snapshot_rows(
    connection: sqlite3.Connection, zone: dt.tzinfo, sessions_since: dt.datetime | None
) -> Snapshot:
    """`read_snapshot` inside a transaction the caller holds (to read more beside it)."""
    # The task rows as plain tuples: `sqlite3.Row` finds a column by comparing names.
    with collector_paused():
        return _read(_sqlite_rows(connection), zone, sessions_since, connection.execute)


def read_server_snapshot(location: str, sessions_since: dt.datetime | None = None) -> Snapshot:
    """`read_snapshot` for a PostgreSQL URL: the same rows, read in one transaction."""
    from focusplan.store.postgres import snapshot_rows

    with snapshot_rows(location) as rows:
        version = list(rows("SELECT to_regclass('alembic_version') IS NOT NULL AS present", ()))
        revision: str | None = None
        if version[0]["present"]:
            found = list(rows("SELECT version_num FROM alembic_version", ()))
            revision = str(found[0]["version_num"]) if found else None
        require_head(revision, "the database")
        return _read(rows, clock.local_zone(), sessions_since)


_Model = TypeVar("_Model", bound=BaseModel)
_Rows = Callable[[str, Sequence[object]], Iterable[Mapping[str, Any]]]


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


def _json(value: Any) -> dict[str, Any]:
    # SQLite hands back the stored text; psycopg has already parsed a JSON column.
    return dict(json.loads(value) if isinstance(value, str | bytes) else value)


def _sqlite_rows(connection: sqlite3.Connection) -> _Rows:
    def rows(sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor:
        # Columns by name (sqlite3.Row), so a column added to a SELECT cannot shift others.
        cursor = connection.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, parameters)

    return rows


_TAG_SQL = "SELECT task_id, tag FROM task_tags ORDER BY task_id, position"
_TAG_ROW = operator.itemgetter("task_id", "tag")
_DEPENDENCY_SQL = "SELECT task_id, depends_on_id FROM task_dependencies ORDER BY task_id, position"
_DEPENDENCY_ROW = operator.itemgetter("task_id", "depends_on_id")
_TASK_SQL = (
    "SELECT id, title, notes, importance, demand, estimate_minutes, due, not_before,"
    " project, time_window, status, created_at, updated_at, completed_at, dropped_at,"
    " actual_minutes, external_id, recur, recur_from, recur_until, recur_anchor,"
    " series_id FROM tasks ORDER BY id"
)
_TASK_ROW = operator.itemgetter(
    "id", "title", "notes", "importance", "demand", "estimate_minutes", "due", "not_before",
    "project", "time_window", "status", "created_at", "updated_at", "completed_at",
    "dropped_at", "actual_minutes", "external_id", "recur", "recur_from", "recur_until",
    "recur_anchor", "series_id",
)  # fmt: skip
# Every field is set, so every task's set of set fields is this one; pydantic copies it
# before changing it (`model_copy`) and a frozen model never changes it in place.
_ALL_TASK_FIELDS = set(Task.model_fields)


def _tasks(
    rows: Iterable[Sequence[Any]],
    tags: Mapping[int, list[str]],
    deps: Mapping[int, list[int]],
    zone: dt.tzinfo,
) -> list[Task]:
    """Every task, as the repository returns them (`_trusted`, one pass, no per-field
    calls: at 100,000 tasks this loop is most of a `rank`)."""
    fromisoformat = dt.datetime.fromisoformat
    utc = dt.UTC

    def when(text: str) -> dt.datetime:
        # `from_db_time`, inlined: it runs for every time of every task.
        value = fromisoformat(text)
        if value.tzinfo is None:
            value = value.replace(tzinfo=utc)
        try:
            return value.astimezone(zone)
        except OverflowError:
            return value

    new = Task.__new__
    set_attribute = object.__setattr__
    fields_set = _ALL_TASK_FIELDS
    no_tags: tuple[str, ...] = ()
    no_deps: tuple[int, ...] = ()
    tasks: list[Task] = []
    append = tasks.append
    for (
        task_id, title, notes, importance, demand, estimate, due, not_before, project,
        window, status, created, updated, completed, dropped, actual, external, recur,
        recur_from, recur_until, recur_anchor, series,
    ) in rows:  # fmt: skip
        task = new(Task)
        set_attribute(
            task,
            "__dict__",
            {
                # Text stored by versions that kept terminal escapes reads back as
                # the domain models would validate it (what the repositories return).
                "title": title if title.isprintable() else _line(title),
                "notes": _notes(notes),
                "importance": importance,
                "demand": demand,
                "estimate_minutes": estimate,
                "due": None if due is None else when(due),
                "not_before": None if not_before is None else when(not_before),
                "project": (_line(project) or None) if project else None,
                "tags": tuple(tags[task_id]) if task_id in tags else no_tags,
                "window": window,
                "depends_on": tuple(deps[task_id]) if task_id in deps else no_deps,
                "id": task_id,
                "status": status,
                "created_at": when(created),
                "updated_at": None if updated is None else when(updated),
                "completed_at": None if completed is None else when(completed),
                "dropped_at": None if dropped is None else when(dropped),
                "actual_minutes": actual,
                "external_id": external,
                "recur": recur,
                "recur_from": recur_from,
                "recur_until": None if recur_until is None else when(recur_until),
                "recur_anchor": None if recur_anchor is None else when(recur_anchor),
                "series_id": series,
            },
        )
        set_attribute(task, "__pydantic_fields_set__", fields_set)
        set_attribute(task, "__pydantic_extra__", None)
        set_attribute(task, "__pydantic_private__", None)
        append(task)
    return tasks


def _read(
    rows: _Rows,
    zone: dt.tzinfo,
    sessions_since: dt.datetime | None,
    tuple_rows: Callable[[str], Iterable[Sequence[Any]]] | None = None,
) -> Snapshot:
    def positional(sql: str, getter: Callable[[Any], Sequence[Any]]) -> Iterable[Sequence[Any]]:
        if tuple_rows is not None:
            return tuple_rows(sql)
        return map(getter, rows(sql, ()))

    tags: defaultdict[int, list[str]] = defaultdict(list)
    for task_id, tag in positional(_TAG_SQL, _TAG_ROW):
        tag = tag if tag.isprintable() else _line(tag)
        if tag:
            tags[task_id].append(tag)
    deps: defaultdict[int, list[int]] = defaultdict(list)
    for task_id, depends_on in positional(_DEPENDENCY_SQL, _DEPENDENCY_ROW):
        deps[task_id].append(depends_on)

    task_rows = positional(_TASK_SQL, _TASK_ROW)
    tasks = _tasks(task_rows, tags, deps, zone)
    return _read_rest(rows, zone, sessions_since, tasks)


def _read_rest(
    rows: _Rows, zone: dt.tzinfo, sessions_since: dt.datetime | None, tasks: list[Task]
) -> Snapshot:
    """Everything of the snapshot but the tasks, which the caller read."""

    def when(text: str) -> dt.datetime:
        return from_db_time(text, zone)

    def maybe(text: str | None) -> dt.datetime | None:
        return None if text is None else from_db_time(text, zone)

    energy = [
        _trusted(
            EnergyLog,
            {
                "at": when(row["at"]),
                "level": row["level"],
                "note": _notes(row["note"]),
                "source": row["source"],
                "id": row["id"],
            },
        )
        for row in rows("SELECT id, at, level, note, source FROM energy_logs ORDER BY at, id", ())
    ]

    weights_row = next(
        iter(
            rows(
                "SELECT version, params, created_at, reason, active FROM weight_versions"
                " WHERE active",
                (),
            )
        ),
        None,
    )
    if weights_row is None:
        raise StoreError("no weights version is active; the database is damaged")
    weights = WeightsVersion.model_construct(
        version=weights_row["version"],
        params={str(k): float(v) for k, v in _json(weights_row["params"]).items()},
        created_at=when(weights_row["created_at"]),
        reason=weights_row["reason"],
        active=bool(weights_row["active"]),
    )

    # Sessions still running or ended since `sessions_since` (all without a bound): the
    # ranking's continuity needs today's, and history can be long.
    session_sql = "SELECT id, task_id, start_at, end_at, interrupted FROM focus_sessions"
    session_args: tuple[object, ...] = ()
    if sessions_since is not None:
        session_sql += " WHERE end_at IS NULL OR end_at >= ?"
        session_args = (to_db_time(sessions_since),)
    sessions = [
        FocusSession.model_construct(
            id=row["id"],
            task_id=row["task_id"],
            start=when(row["start_at"]),
            end=maybe(row["end_at"]),
            interrupted=bool(row["interrupted"]),
        )
        for row in rows(session_sql + " ORDER BY start_at, id", session_args)
    ]
    active_session = next((session for session in sessions if session.end is None), None)

    events = [
        _trusted(
            ContextEvent,
            {
                "start": when(row["start_at"]),
                "end": when(row["end_at"]),
                "title": _line(row["title"]),
                "uid": row["uid"],
                "source": row["source"],
                "all_day": bool(row["all_day"]),
                "id": row["id"],
            },
        )
        for row in rows(
            "SELECT id, start_at, end_at, title, uid, source, all_day FROM context_events"
            " ORDER BY start_at, id",
            (),
        )
    ]
    sleep = {
        dt.date.fromisoformat(str(row["date"])): float(row["sleep_hours"])
        for row in rows(
            "SELECT date, sleep_hours FROM day_context WHERE sleep_hours IS NOT NULL", ()
        )
    }
    return Snapshot(
        sleep=sleep,
        tasks=tasks,
        energy=energy,
        weights=weights,
        active_session=active_session,
        events=events,
        sessions=sessions,
    )
