"""The write path of a current SQLite file without SQLAlchemy: `add`, `done`, `energy`, `edit`.

SQLAlchemy's import (the ORM above all) costs more than the whole budget of a cold
write command, so a unit of work over a file already at the head revision runs its
statements through the stdlib driver instead. It is the same store, not a second one:

- the same tables and migrations (a file that is behind, or not there yet, goes to
  `open_database`, which creates or migrates it; `open_quick` returns None then);
- the same checks on open (`engine`: folder, special files, private modes, the revision,
  damage and missing columns), the same connection settings
  (`engine.configure_sqlite_connection`: WAL, synchronous=FULL, busy timeout, foreign
  keys) and the same `BEGIN IMMEDIATE`, so two processes take turns exactly as before;
- the same values: times through `timestamps` (UTC text), models validated as the
  repositories validate them, the same errors in the same words (NotFound, ValueError,
  Refused, `error_from_sqlite`).

Only the repository methods these commands need exist here, with the signatures of
their ORM counterparts; tests/integration/test_quick_writes.py checks that both give
the same rows and the same models.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import json
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from focusplan import clock
from focusplan.dependency_graph import find_cycle, format_cycle
from focusplan.domain import (
    Choice,
    EnergyLog,
    EnergyLogDraft,
    FocusSession,
    NewTask,
    Task,
    TaskPatch,
)
from focusplan.store import engine
from focusplan.store.errors import NotFound, Refused, SchemaTooNew, StoreError, error_from_sqlite
from focusplan.store.repositories.times import local_time, require_storable
from focusplan.store.schema_version import HEAD_COLUMNS, known_revisions
from focusplan.store.timestamps import from_db_time, to_db_time


def open_quick(path: Path) -> QuickUnitOfWork | None:
    """A write unit of work on the SQLite file at `path`, or None when the full store is
    needed (no file yet, an empty one, or a schema that must be migrated first).

    Everything `open_database` refuses is refused here with the same error.
    """
    path = path.expanduser().absolute()
    return QuickUnitOfWork(path) if is_current_file(path, heal=True) else None


def is_current_file(path: Path, *, heal: bool = False) -> bool:
    """Whether `path` is an SQLite file at the head revision, checked as `open_database`
    checks it (folder, special files, a newer schema, damage, missing columns) and
    refused with the same errors; False when the full store must create or migrate it.

    With `heal`, the file is made private and side files left read-only get their write
    access back, as a write through the full store does first.
    """
    path = path.expanduser().absolute()
    folder = path.parent
    if not folder.is_dir():
        raise engine.BadLocation(f"database folder does not exist: {folder}")
    engine._refuse_special_file(path)
    if not path.is_file() or path.stat().st_size == 0:
        return False  # open_database creates it, privately, and migrates it
    if heal:
        engine._make_private(path)
        engine._heal_side_files(path)
    revision, _ = engine._sqlite_file_revision(path)
    chain = known_revisions()
    if revision is not None and revision not in chain:
        raise SchemaTooNew(
            f"{path} was written by a newer focusplan (schema {revision}; "
            f"this version knows up to {chain.head}); upgrade focusplan to open it"
        )
    if revision != chain.head:
        return False
    engine._refuse_damaged(path, check_schema=True)
    return True


class QuickUnitOfWork:
    """`with open_quick(path) as uow:` commits on a clean exit, rolls back on an exception.

    One connection, one `BEGIN IMMEDIATE` transaction, closed at exit.
    """

    read_only = False
    tasks: QuickTasks
    energy: QuickEnergy
    sessions: QuickSessions
    choices: QuickChoices

    def __init__(self, path: Path) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise StoreError("a unit of work cannot be entered twice")
        try:
            connection = sqlite3.connect(str(self._path), timeout=engine.BUSY_TIMEOUT_SECONDS)
        except sqlite3.Error as exc:
            raise self._one_line(exc) from exc
        try:
            engine.configure_sqlite_connection(connection)
            # The write lock from the start, as the full store takes it (engine.py).
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            connection.close()
            raise self._one_line(exc) from exc
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        self.tasks = QuickTasks(connection)
        self.energy = QuickEnergy(connection)
        self.sessions = QuickSessions(connection)
        self.choices = QuickChoices(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection = self._connection
        if connection is None:
            return
        try:
            if exc_type is None:
                connection.commit()
            else:
                connection.rollback()
        except sqlite3.Error as error:
            _quiet_rollback(connection)
            raise self._one_line(error) from error
        finally:
            connection.close()
        if isinstance(exc, sqlite3.Error):
            # A constraint or lock error surfaced mid-action: one line for the person, not SQL.
            raise self._one_line(exc) from exc

    def _one_line(self, error: sqlite3.Error) -> StoreError:
        # The words of UnitOfWork._one_line, which sees the same driver errors.
        if isinstance(error, sqlite3.IntegrityError):
            return Refused(f"the database refused the change: {error}")
        return error_from_sqlite(error, self._path, verb="write")

    def flush(self) -> None:
        """Every statement is sent as it is made: nothing waits for a flush here."""
        if self._connection is None:
            raise StoreError("the unit of work is not open")


def _quiet_rollback(connection: sqlite3.Connection) -> None:
    # Closing the connection rolls back whatever is left.
    with contextlib.suppress(sqlite3.Error):
        connection.rollback()


# --- values -----------------------------------------------------------------------------------


def _db_time(value: dt.datetime | None) -> str | None:
    return None if value is None else to_db_time(value)


def _read_time(text: str | None, zone: dt.tzinfo | None = None) -> dt.datetime | None:
    # What the UTCDateTime column type reads back: already in the person's zone, which is
    # all `local_time` adds in the repositories. `zone` once per list: reading it looks at
    # the environment, a cost per value when a list has thousands.
    if text is None:
        return None
    return from_db_time(str(text), zone if zone is not None else clock.local_zone())


# The tasks table's columns in the order of these statements: every one but id, so none
# is left to a server default by accident.
_TASK_COLUMNS = HEAD_COLUMNS["tasks"][1:]
_TIME_COLUMNS = frozenset(
    {
        "due",
        "not_before",
        "created_at",
        "updated_at",
        "completed_at",
        "dropped_at",
        "recur_until",
        "recur_anchor",
    }
)
_SELECT_TASK = f"SELECT id, {', '.join(_TASK_COLUMNS)} FROM tasks"
_INSERT_TASK = f"INSERT INTO tasks ({', '.join(_TASK_COLUMNS)}) VALUES ({', '.join('?' for _ in _TASK_COLUMNS)})"
_UPDATE_TASK = f"UPDATE tasks SET {', '.join(f'{name} = ?' for name in _TASK_COLUMNS)} WHERE id = ?"


def _task_values(task: NewTask | Task, updated_at: dt.datetime | None) -> list[object]:
    """The row of `task` in _TASK_COLUMNS order (what TaskRepository._write stores)."""
    values: list[object] = []
    for name in _TASK_COLUMNS:
        if name == "time_window":
            value: object = task.window
        elif name == "updated_at":
            value = updated_at
        else:
            value = getattr(task, name)
        # Only the time columns hold datetimes (the models say so): stored as UTC text.
        values.append(to_db_time(value) if isinstance(value, dt.datetime) else value)
    return values


# The model's field for each column of _SELECT_TASK, in its order.
_TASK_FIELDS = tuple("window" if name == "time_window" else name for name in ("id", *_TASK_COLUMNS))
_TASK_TIME_FIELDS = tuple(name for name in _TASK_FIELDS if name in _TIME_COLUMNS)


def _task_from(
    row: Sequence[object], tags: Sequence[str], depends_on: Sequence[int], zone: dt.tzinfo
) -> Task:
    """The model TaskRepository builds from the same row (`_task_from` there).

    `row` holds _SELECT_TASK's columns in order: by position, as `done` reads every task
    (its choice's candidates) and a name lookup per column was a third of that."""
    values: dict[str, object] = dict(zip(_TASK_FIELDS, row, strict=True))
    for name in _TASK_TIME_FIELDS:
        if values[name] is not None:
            values[name] = from_db_time(str(values[name]), zone)
    values["tags"] = tuple(tags)
    values["depends_on"] = tuple(depends_on)
    return Task.model_validate(values)


class _Repository:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def _rows(self, sql: str, parameters: Sequence[object] = ()) -> list[sqlite3.Row]:
        cursor = self._connection.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, parameters).fetchall()

    def _tuples(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self._connection.execute(sql, parameters).fetchall()

    def _execute(self, sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor:
        return self._connection.execute(sql, parameters)


def _marks(count: int) -> str:
    return ", ".join("?" for _ in range(count))


# --- tasks -----------------------------------------------------------------------------------


class QuickTasks(_Repository):
    """TaskRepository's methods for add, edit and complete (same names, same behaviour)."""

    def get(self, task_id: int) -> Task:
        rows = self._tuples(f"{_SELECT_TASK} WHERE id = ?", (task_id,))
        if not rows:
            raise NotFound(f"no task {task_id}")
        return _task_from(
            rows[0],
            self._tags_of([task_id])[task_id],
            self._deps_of([task_id])[task_id],
            clock.local_zone(),
        )

    def list(self) -> builtins.list[Task]:
        """Every task in id order, dependencies and tags filled."""
        tags = self._tags_of(None)
        deps = self._deps_of(None)
        zone = clock.local_zone()
        return [
            _task_from(row, tags[row[0]], deps[row[0]], zone)
            for row in self._tuples(f"{_SELECT_TASK} ORDER BY id")
        ]

    def eligible_ids(self, at: dt.datetime) -> builtins.list[int]:
        """Ids of the tasks eligible at `at` (`attention.eligibility`), in id order.

        Reads only the columns eligibility looks at: `done` asks this of every task of the
        database, and a full model per task was most of its time at 5,000 tasks."""
        from focusplan.attention.eligibility import TaskTimes, eligible_tasks

        deps = self._deps_of(None)
        utc = dt.UTC
        times = [
            TaskTimes(
                task_id,
                from_db_time(str(created), utc),
                None if completed is None else from_db_time(str(completed), utc),
                None if dropped is None else from_db_time(str(dropped), utc),
                None if not_before is None else from_db_time(str(not_before), utc),
                deps[task_id],
            )
            for task_id, created, completed, dropped, not_before in self._tuples(
                "SELECT id, created_at, completed_at, dropped_at, not_before FROM tasks ORDER BY id"
            )
        ]
        return [task.id for task in eligible_tasks(times, at)]

    def series(self, series_id: str) -> builtins.list[Task]:
        """The instances of one repeating series, in id order (the order they were made)."""
        rows = self._tuples(f"{_SELECT_TASK} WHERE series_id = ? ORDER BY id", (series_id,))
        ids = [row[0] for row in rows]
        tags = self._tags_of(ids)
        deps = self._deps_of(ids)
        zone = clock.local_zone()
        return [_task_from(row, tags[row[0]], deps[row[0]], zone) for row in rows]

    def add(self, new: NewTask) -> Task:
        """Store a new task; its dependencies must exist (NotFound otherwise)."""
        self._require_tasks(new.depends_on)
        self._require_free_external_id(new.external_id, None)
        require_storable(new.due, new.not_before, new.created_at, new.completed_at, new.dropped_at)
        require_storable(new.recur_until, new.recur_anchor)
        cursor = self._execute(_INSERT_TASK, _task_values(new, None))
        task_id = int(cursor.lastrowid or 0)
        self._write_children(task_id, new.tags, new.depends_on)
        return self.get(task_id)

    def update(self, task_id: int, patch: TaskPatch) -> Task:
        """Apply the fields set in `patch`; a change of `depends_on` is checked for cycles."""
        before = self.get(task_id)
        after = patch.apply_to(before)
        if "depends_on" in patch.changes():
            self._require_tasks(after.depends_on)
            self._refuse_cycle(task_id, after.depends_on)
        return self._save(after, updated_at=clock.now())

    def set_series(self, task_id: int, series_id: str, anchor: dt.datetime | None) -> Task:
        """Make a task an instance of series `series_id`, counted from `anchor`."""
        require_storable(anchor)
        self._require_tasks([task_id])
        self._execute(
            "UPDATE tasks SET series_id = ?, recur_anchor = ? WHERE id = ?",
            (series_id, _db_time(anchor), task_id),
        )
        return self.get(task_id)

    def complete(self, task_id: int, at: dt.datetime, actual_minutes: int | None = None) -> Task:
        """Mark done at `at` with the minutes it took (None: unknown), replacing earlier ones."""
        before = self.get(task_id)
        after = _changed(
            before,
            status="done",
            completed_at=at,
            dropped_at=None,
            actual_minutes=actual_minutes,
        )
        return self._save(after, updated_at=clock.now())

    def _save(self, task: Task, *, updated_at: dt.datetime | None) -> Task:
        require_storable(updated_at, task.due, task.not_before, task.created_at, task.completed_at)
        require_storable(task.dropped_at, task.recur_until, task.recur_anchor)
        self._require_tasks([task.id])
        self._execute(_UPDATE_TASK, [*_task_values(task, updated_at), task.id])
        self._write_children(task.id, task.tags, task.depends_on)
        return self.get(task.id)

    def _write_children(self, task_id: int, tags: Sequence[str], depends_on: Sequence[int]) -> None:
        self._execute("DELETE FROM task_tags WHERE task_id = ?", (task_id,))
        self._execute("DELETE FROM task_dependencies WHERE task_id = ?", (task_id,))
        if tags:
            self._connection.executemany(
                "INSERT INTO task_tags (task_id, position, tag) VALUES (?, ?, ?)",
                [(task_id, index, tag) for index, tag in enumerate(tags)],
            )
        if depends_on:
            self._connection.executemany(
                "INSERT INTO task_dependencies (task_id, depends_on_id, position) VALUES (?, ?, ?)",
                [(task_id, other, index) for index, other in enumerate(depends_on)],
            )

    def _tags_of(self, ids: Sequence[int] | None) -> defaultdict[int, builtins.list[str]]:
        found: defaultdict[int, builtins.list[str]] = defaultdict(builtins.list)
        sql = "SELECT task_id, tag FROM task_tags"
        if ids is not None:
            sql += f" WHERE task_id IN ({_marks(len(ids))})"
        for task_id, tag in self._execute(sql + " ORDER BY task_id, position", ids or ()):
            found[task_id].append(tag)
        return found

    def _deps_of(self, ids: Sequence[int] | None) -> defaultdict[int, builtins.list[int]]:
        found: defaultdict[int, builtins.list[int]] = defaultdict(builtins.list)
        sql = "SELECT task_id, depends_on_id FROM task_dependencies"
        if ids is not None:
            sql += f" WHERE task_id IN ({_marks(len(ids))})"
        for task_id, other in self._execute(sql + " ORDER BY task_id, position", ids or ()):
            found[task_id].append(other)
        return found

    def _require_tasks(self, ids: Collection[int]) -> None:
        if not ids:
            return
        wanted = builtins.list(ids)
        existing = {
            row[0]
            for row in self._execute(
                f"SELECT id FROM tasks WHERE id IN ({_marks(len(wanted))})", wanted
            )
        }
        for task_id in wanted:
            if task_id not in existing:
                raise NotFound(f"no task {task_id}")

    def _require_free_external_id(self, external_id: str | None, own_id: int | None) -> None:
        if external_id is None:
            return
        found = self._execute(
            "SELECT id FROM tasks WHERE external_id = ?", (external_id,)
        ).fetchone()
        holder = None if found is None else found[0]
        if holder is not None and holder != own_id:
            raise ValueError(f"task {holder} already has external id {external_id!r}")

    def _refuse_cycle(self, task_id: int, depends_on: Sequence[int]) -> None:
        edges: defaultdict[int, builtins.list[int]] = defaultdict(builtins.list)
        for source, target in self._execute("SELECT task_id, depends_on_id FROM task_dependencies"):
            if source != task_id:
                edges[source].append(target)
        edges[task_id] = builtins.list(depends_on)
        cycle = find_cycle(edges, task_id)
        if cycle is not None:
            raise ValueError(format_cycle(cycle))


def _changed(task: Task, **changes: object) -> Task:
    """The task with `changes`, validated again as a whole (status/time rules, awareness)."""
    merged = task.model_dump()
    merged.update(changes)
    return Task.model_validate(merged)


# --- energy, focus sessions, choices -------------------------------------------------------------


class QuickEnergy(_Repository):
    def add(self, draft: EnergyLogDraft) -> EnergyLog:
        require_storable(draft.at)
        cursor = self._execute(
            "INSERT INTO energy_logs (at, level, note, source) VALUES (?, ?, ?, ?)",
            (to_db_time(draft.at), draft.level, draft.note, draft.source),
        )
        return EnergyLog.model_validate(
            {
                "id": int(cursor.lastrowid or 0),
                "at": local_time(draft.at),
                "level": draft.level,
                "note": draft.note,
                "source": draft.source,
            }
        )


def _session_from(row: sqlite3.Row) -> FocusSession:
    return FocusSession.model_validate(
        {
            "id": row["id"],
            "task_id": row["task_id"],
            "start": _read_time(row["start_at"]),
            "end": _read_time(row["end_at"]),
            "interrupted": bool(row["interrupted"]),
        }
    )


_SELECT_SESSION = "SELECT id, task_id, start_at, end_at, interrupted FROM focus_sessions"


class QuickSessions(_Repository):
    def active(self) -> FocusSession | None:
        rows = self._rows(f"{_SELECT_SESSION} WHERE end_at IS NULL")
        return _session_from(rows[0]) if rows else None

    def stop(self, at: dt.datetime, interrupted: bool = False) -> FocusSession | None:
        """End the active session at `at`; None when nothing was active."""
        require_storable(at)
        running = self.active()
        if running is None:
            return None
        if at < running.start:
            raise ValueError("a focus session cannot end before it starts")
        self._execute(
            "UPDATE focus_sessions SET end_at = ?, interrupted = ? WHERE id = ?",
            (to_db_time(at), 1 if interrupted else 0, running.id),
        )
        return FocusSession.model_validate(
            {**running.model_dump(), "end": local_time(at), "interrupted": interrupted}
        )


class QuickChoices(_Repository):
    def add(self, choice: Choice) -> None:
        require_storable(choice.at)
        self._execute(
            "INSERT INTO choices (at, task_id, candidates, kind) VALUES (?, ?, ?, ?)",
            # The JSON column's own serialisation (SQLAlchemy's JSON type: json.dumps).
            (
                to_db_time(choice.at),
                choice.task_id,
                json.dumps(list(choice.candidates)),
                choice.kind,
            ),
        )


def column_lists() -> dict[str, tuple[str, ...]]:
    """The columns these statements write, per table (the test checks them against records)."""
    return {
        "tasks": ("id", *_TASK_COLUMNS),
        "energy_logs": ("id", "at", "level", "note", "source"),
        "focus_sessions": ("id", "task_id", "start_at", "end_at", "interrupted"),
        "choices": ("at", "task_id", "candidates", "kind"),
    }
