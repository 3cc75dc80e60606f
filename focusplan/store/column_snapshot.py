"""The read of a `rank`: the tasks open around a moment as columns, not as models.

At 100,000 tasks a `Task` per row (`store.snapshot`) cost more than the ranking itself.
This read keeps the tasks' ranking fields as columns (`attention.task_columns`), builds
full models only for the tasks the caller asks for (the few it prints, the few done
today), and reads the rest of the snapshot as `store.snapshot` does, all inside one
read transaction, which stays open while the caller's `use` runs.

Only the rows that can matter at `at` are read: tasks neither completed nor dropped
before a margin of `MARGIN` before `at`'s day (a task closed before then is closed at
`at`, so it neither ranks, blocks nor counts as today's last task), their tags and
dependencies. Stored times are fixed-width UTC text, so text order is time order; a row
whose time is not in that form (hand-edited) is read whatever its time says.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import sqlite3
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from focusplan.attention.task_columns import IntArray, TaskColumns, Times, utc_micros
from focusplan.bulk import collector_paused
from focusplan.domain import Task
from focusplan.store.schema_version import read_at_head
from focusplan.store.snapshot import (
    _DEPENDENCY_SQL,
    _TAG_SQL,
    _TASK_SQL,
    Snapshot,
    _read_rest,
    _sqlite_rows,
    _tasks,
)
from focusplan.store.timestamps import to_db_time
from focusplan.text import stored_line as _line

__all__ = ["MARGIN", "RankSnapshot", "read_rank_snapshot"]

_Result = TypeVar("_Result")

# Wider than any zone offset twice over: a row left out is closed a day before `at`'s day
# however its text and `at` are read (wall clock or instant).
MARGIN = dt.timedelta(days=3)
# The one form the store writes (`store.timestamps`); GLOB's `+` and `-` are literal.
_DIGIT = "[0-9]"
_CANONICAL = f"{_DIGIT * 4}-{_DIGIT * 2}-{_DIGIT * 2}T{_DIGIT * 2}:{_DIGIT * 2}:{_DIGIT * 2}.{_DIGIT * 6}+00:00"
_OPEN_AROUND = (
    " (completed_at IS NULL OR completed_at >= ?1 OR completed_at NOT GLOB ?2)"
    " AND (dropped_at IS NULL OR dropped_at >= ?1 OR dropped_at NOT GLOB ?2)"
)
_COLUMN_SQL = (
    "SELECT id, importance, demand, estimate_minutes, time_window, project, created_at, due,"
    " not_before, completed_at, dropped_at,"
    " (SELECT json_group_array(tag) FROM task_tags g WHERE g.task_id = t.id)"
    " FROM tasks t WHERE" + _OPEN_AROUND + " ORDER BY id"
)
_COLUMN_DEPENDENCY_SQL = (
    "SELECT task_id, depends_on_id FROM task_dependencies"
    " WHERE task_id IN (SELECT id FROM tasks WHERE" + _OPEN_AROUND + ")"
    " ORDER BY task_id, position"
)
_MICROS_PER_HOUR = 3_600_000_000
_EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NO_TAGS: tuple[str, ...] = ()


class _NotColumnar(Exception):
    """A time the columns cannot hold exactly (the ends of the calendar): use the models."""


@dataclass(frozen=True)
class RankSnapshot:
    """What a ranking at one moment reads: the open tasks as `columns`; `snapshot` with
    the models of only the tasks completed around the moment or focused on in its
    sessions (`ranking_context`'s continuity), and `models` for any others by id."""

    columns: TaskColumns
    snapshot: Snapshot
    models: Callable[[Collection[int]], dict[int, Task]]


def read_rank_snapshot(
    path: Path,
    zone: dt.tzinfo,
    at: dt.datetime,
    window: tuple[dt.datetime, dt.datetime],
    use: Callable[[RankSnapshot], _Result],
) -> _Result | None:
    """`use(RankSnapshot)` inside one read of the database at the head revision, the events
    and sessions limited to `window` as `DataSource.snapshot` does; None (and `use` not
    called) when a stored time lies where only the models can hold it."""
    with collector_paused():
        return read_at_head(Path(path), lambda connection: _read(connection, zone, at, window, use))


def _read(
    connection: sqlite3.Connection,
    zone: dt.tzinfo,
    at: dt.datetime,
    window: tuple[dt.datetime, dt.datetime],
    use: Callable[[RankSnapshot], _Result],
) -> _Result | None:
    start, end = window
    day_start = dt.datetime.combine(at.date(), dt.time(0), tzinfo=at.tzinfo)
    try:
        since = to_db_time(min(at, day_start, start) - MARGIN)
    except (OverflowError, ValueError):
        since = ""  # at the start of the calendar: every row is "around" the moment
    try:
        columns = _columns(
            connection.execute(_COLUMN_SQL, (since, _CANONICAL)),
            connection.execute(_COLUMN_DEPENDENCY_SQL, (since, _CANONICAL)),
            zone,
        )
    except _NotColumnar:
        return None

    def models(ids: Collection[int]) -> dict[int, Task]:
        return _models(connection, zone, ids)

    rest = _read_rest(_sqlite_rows(connection), zone, start, [])
    events = [e for e in rest.events if e.end > start and e.start < end]
    sessions = [s for s in rest.sessions if s.start < end]
    # The continuity of `ranking_context`: what was completed today, what was focused on.
    context_ids = set(columns.ids[columns.completed.present].tolist())
    context_ids.update(session.task_id for session in sessions)
    if rest.active_session is not None:
        context_ids.add(rest.active_session.task_id)
    tasks = sorted(models(context_ids).values(), key=operator.attrgetter("id"))
    snapshot = replace(rest, tasks=tasks, events=events, sessions=sessions)
    return use(RankSnapshot(columns=columns, snapshot=snapshot, models=models))


def _models(
    connection: sqlite3.Connection, zone: dt.tzinfo, ids: Collection[int]
) -> dict[int, Task]:
    """The full models of `ids` (those that exist), as `store.snapshot` builds them."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    # A temporary table would need a write; a JSON array is read as a table instead.
    chosen = " WHERE {key} IN (SELECT value FROM json_each(?))"
    argument = (json.dumps(wanted),)
    tags: dict[int, list[str]] = {}
    tag_sql = _TAG_SQL.replace(" ORDER BY", chosen.format(key="task_id") + " ORDER BY")
    for task_id, tag in connection.execute(tag_sql, argument):
        tag = tag if tag.isprintable() else _line(tag)
        if tag:
            tags.setdefault(task_id, []).append(tag)
    deps: dict[int, list[int]] = {}
    dep_sql = _DEPENDENCY_SQL.replace(" ORDER BY", chosen.format(key="task_id") + " ORDER BY")
    for task_id, depends_on in connection.execute(dep_sql, argument):
        deps.setdefault(task_id, []).append(depends_on)
    task_sql = _TASK_SQL.replace(" ORDER BY", chosen.format(key="id") + " ORDER BY")
    return {
        task.id: task for task in _tasks(connection.execute(task_sql, argument), tags, deps, zone)
    }


def _columns(
    rows: Iterable[Sequence[Any]], dependency_rows: Iterable[Sequence[int]], zone: dt.tzinfo
) -> TaskColumns:
    fetched = list(rows)
    if not fetched:
        empty: tuple[Any, ...] = ()
        fields: list[Sequence[Any]] = [empty] * 12
    else:
        fields = list(zip(*fetched, strict=True))
    del fetched
    (ids, importance, demand, minutes, window, projects, created, due, not_before) = fields[:9]
    completed, dropped, tag_lists = fields[9:]
    # Few distinct projects and tag sets: normalise each once, as `store.snapshot` does.
    project_of: dict[str | None, str | None] = {None: None, "": None}
    for project in set(projects):
        if project not in project_of:
            project_of[project] = _line(project) or None
    tags_of: dict[str, tuple[str, ...]] = {"[]": _NO_TAGS}
    for text in set(tag_lists):
        if text not in tags_of:
            cleaned = (tag if tag.isprintable() else _line(tag) for tag in json.loads(text))
            tags_of[text] = tuple(tag for tag in cleaned if tag)
    grouped: dict[int, list[int]] = {}
    for task_id, depends_on_id in dependency_rows:
        grouped.setdefault(task_id, []).append(depends_on_id)
    depends_on = {task_id: tuple(deps) for task_id, deps in grouped.items()}
    return TaskColumns(
        zone=zone,
        ids=np.array(ids, dtype=np.int64),
        importance=importance,
        demand=demand,
        estimate_minutes=minutes,
        window=window,
        project=list(map(project_of.__getitem__, projects)),
        tags=list(map(tags_of.__getitem__, tag_lists)),
        depends_on=depends_on,
        created=_times(created, zone),
        due=_times(due, zone),
        not_before=_times(not_before, zone),
        completed=_times(completed, zone),
        dropped=_times(dropped, zone),
    )


def _times(texts: Sequence[str | None], zone: dt.tzinfo) -> Times:
    """A column of stored times (None: no time) as UTC and wall-clock microseconds."""
    present = np.fromiter(
        map(operator.is_not, texts, repeat(None)), dtype=np.bool_, count=len(texts)
    )
    utc = np.zeros(len(texts), dtype=np.int64)
    given = [text for text in texts if text is not None]
    if given:
        utc[present] = _utc(given, zone)
    wall = utc.copy()
    if given:
        wall[present] += _offsets(utc[present], zone)
    return Times(utc=utc, wall=wall, present=present)


# The stored form, byte by byte: digits, and the fixed characters at their places.
_FORM = "0000-00-00T00:00:00.000000+00:00"
_DIGITS = np.array([i for i, c in enumerate(_FORM) if c == "0" and i < 26], dtype=np.intp)
_FIXED = np.array([i for i, c in enumerate(_FORM) if i not in set(_DIGITS.tolist())])
_FIXED_BYTES = np.frombuffer(_FORM.encode("ascii"), dtype=np.uint8)[_FIXED]
# Years 2..9998: at the ends of the calendar a time may not fit the zone (see `_NotColumnar`).
_FIRST = np.datetime64("0002-01-01T00:00:00", "us").astype(np.int64)
_LAST = np.datetime64("9999-01-01T00:00:00", "us").astype(np.int64)


def _utc(texts: list[str], zone: dt.tzinfo) -> IntArray:
    """Microseconds since 1970 of stored times, as `store.timestamps.from_db_time` reads
    them: the store's own form at C speed, anything else one by one."""
    joined = "".join(texts)
    if len(joined) == len(_FORM) * len(texts) and joined.isascii():
        cells = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(len(texts), -1)
        if (cells[:, _DIGITS] - ord("0") < 10).all() and (cells[:, _FIXED] == _FIXED_BYTES).all():
            try:
                stamps = cells[:, :26].copy().view("S26").reshape(-1).astype("datetime64[us]")
            except ValueError:
                stamps = None  # digits in the right places, yet no date (month 13)
            if stamps is not None:
                micros = stamps.astype(np.int64)
                if micros.min() >= _FIRST and micros.max() < _LAST:
                    return micros
    out = np.empty(len(texts), dtype=np.int64)
    for position, text in enumerate(texts):
        value = dt.datetime.fromisoformat(text)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        try:
            value.astimezone(zone)
            value.astimezone(dt.UTC)
        except OverflowError:
            # The model keeps such a time in UTC, not in the zone: its arithmetic differs.
            raise _NotColumnar(text) from None
        out[position] = utc_micros(value)
    return out


def _offsets(utc: IntArray, zone: dt.tzinfo) -> IntArray:
    """The zone's UTC offset at each instant, in microseconds.

    Looked up once per distinct hour: an offset that is the same at an hour's first and
    last microsecond holds through it (no zone changes twice within an hour); only the
    instants of an hour with a change are looked up one by one."""
    hours, where = np.unique(utc // _MICROS_PER_HOUR, return_inverse=True)
    offset_of_hour = np.empty(hours.size, dtype=np.int64)
    changing: list[int] = []
    for index, hour in enumerate(hours.tolist()):
        first = _offset(hour * _MICROS_PER_HOUR, zone)
        if _offset((hour + 1) * _MICROS_PER_HOUR - 1, zone) != first:
            changing.append(index)
        offset_of_hour[index] = first
    offsets = offset_of_hour[where.reshape(-1)]
    if changing:
        for position in np.flatnonzero(np.isin(where.reshape(-1), changing)).tolist():
            offsets[position] = _offset(int(utc[position]), zone)
    return offsets


# The columns' hours are mostly the same few thousand: each looked up once per process.
@lru_cache(maxsize=65536)
def _offset(micros: int, zone: dt.tzinfo) -> int:
    moment = (_EPOCH_UTC + dt.timedelta(microseconds=micros)).astimezone(zone)
    offset = moment.utcoffset()
    return 0 if offset is None else offset // dt.timedelta(microseconds=1)
