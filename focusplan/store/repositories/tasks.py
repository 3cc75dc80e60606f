"""The task repository: tasks with their tags and dependencies, one model each."""

from __future__ import annotations

import builtins
import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from focusplan import clock
from focusplan.dependency_graph import find_cycle, format_cycle
from focusplan.domain import NewTask, Task, TaskPatch
from focusplan.store.change_counter import COUNTER_TABLE, install_change_triggers, trigger_name
from focusplan.store.errors import NotFound
from focusplan.store.records import (
    Base,
    TaskDependencyRecord,
    TaskRecord,
    TaskTagRecord,
    UTCDateTime,
)
from focusplan.store.repositories.times import local_time, require_storable
from focusplan.store.timestamps import to_db_time

# From this many rows an import's insert sets the change counter's trigger aside.
_BULK_ROWS = 1_000

# Which tasks to read children for: some ids, or all (None).
_Ids = Sequence[int] | None

_TAGS: Table = Base.metadata.tables[TaskTagRecord.__tablename__]
_DEPENDENCIES: Table = Base.metadata.tables[TaskDependencyRecord.__tablename__]
_TASKS: Table = Base.metadata.tables[TaskRecord.__tablename__]


_TASK_COLUMNS = (
    "title",
    "notes",
    "importance",
    "demand",
    "estimate_minutes",
    "due",
    "not_before",
    "project",
    "status",
    "created_at",
    "completed_at",
    "dropped_at",
    "actual_minutes",
    "external_id",
    "recur",
    "recur_from",
    "recur_until",
    "recur_anchor",
    "series_id",
)


def _task_from(record: TaskRecord, tags: Sequence[str], depends_on: Sequence[int]) -> Task:
    return Task.model_validate(
        {
            "id": record.id,
            "title": record.title,
            "notes": record.notes,
            "importance": record.importance,
            "demand": record.demand,
            "estimate_minutes": record.estimate_minutes,
            "due": local_time(record.due),
            "not_before": local_time(record.not_before),
            "project": record.project,
            "tags": tuple(tags),
            "window": record.time_window,
            "depends_on": tuple(depends_on),
            "status": record.status,
            "created_at": local_time(record.created_at),
            "updated_at": local_time(record.updated_at),
            "completed_at": local_time(record.completed_at),
            "dropped_at": local_time(record.dropped_at),
            "actual_minutes": record.actual_minutes,
            "external_id": record.external_id,
            "recur": record.recur,
            "recur_from": record.recur_from,
            "recur_until": local_time(record.recur_until),
            "recur_anchor": local_time(record.recur_anchor),
            "series_id": record.series_id,
        }
    )


class TaskRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # reading

    def get(self, task_id: int) -> Task:
        record = self._record(task_id)
        return _task_from(
            record, self._tags_of([task_id])[task_id], self._deps_of([task_id])[task_id]
        )

    def list(self) -> list[Task]:
        """Every task in id order, dependencies and tags filled."""
        records = self._session.scalars(select(TaskRecord).order_by(TaskRecord.id)).all()
        tags = self._tags_of(None)
        deps = self._deps_of(None)
        return [_task_from(record, tags[record.id], deps[record.id]) for record in records]

    def eligible_ids(self, at: dt.datetime) -> builtins.list[int]:
        """Ids of the tasks eligible at `at` (`attention.eligibility`), in id order."""
        from focusplan.attention.eligibility import eligible_tasks

        return [task.id for task in eligible_tasks(self.list(), at)]

    def series(self, series_id: str) -> builtins.list[Task]:
        """The instances of one repeating series, in id order (the order they were made)."""
        ids = builtins.list(
            self._session.scalars(
                select(TaskRecord.id)
                .where(TaskRecord.series_id == series_id)
                .order_by(TaskRecord.id)
            )
        )
        tags = self._tags_of(ids)
        deps = self._deps_of(ids)
        return [_task_from(self._record(task_id), tags[task_id], deps[task_id]) for task_id in ids]

    # writing

    def add(self, new: NewTask) -> Task:
        """Store a new task; its dependencies must exist (NotFound otherwise)."""
        self._require_tasks(new.depends_on)
        self._require_free_external_id(new.external_id, None)
        record = TaskRecord()
        self._write(record, new)
        record.updated_at = None
        self._session.add(record)
        self._session.flush()
        self._write_children(record.id, new.tags, new.depends_on)
        return self.get(record.id)

    def add_many(self, tasks: Sequence[NewTask]) -> builtins.list[int]:
        """Store many new tasks at once (imports); returns their ids in the same order.

        Dependencies given here must name stored tasks; dependencies among the
        new tasks themselves are added afterwards with `link_many`.
        """
        if not tasks:
            return []
        for task in tasks:
            require_storable(task.due, task.not_before, task.created_at, task.completed_at)
            require_storable(task.dropped_at, task.recur_until, task.recur_anchor)
        external = [task.external_id for task in tasks if task.external_id]
        if len(set(external)) != len(external):
            raise ValueError("two imported tasks share one external id")
        # One question first: a database without external ids (a first import) clashes with
        # none, and 200 lookups of 500 ids each are not needed to know it.
        if external and (
            self._session.scalar(
                select(TaskRecord.id).where(TaskRecord.external_id.is_not(None)).limit(1)
            )
            is None
        ):
            external = []
        for chunk in _chunks(external, 500):
            taken = self._session.scalar(
                select(TaskRecord.external_id).where(TaskRecord.external_id.in_(chunk)).limit(1)
            )
            if taken is not None:
                raise ValueError(f"external id {taken!r} is already used by another task")
        rows = [
            {
                **{name: getattr(task, name) for name in _TASK_COLUMNS},
                "time_window": task.window,
                "updated_at": None,
            }
            for task in tasks
        ]
        ids = self._insert_returning_ids(rows)
        tag_rows = [
            {"task_id": task_id, "position": index, "tag": tag}
            for task_id, task in zip(ids, tasks, strict=True)
            for index, tag in enumerate(task.tags)
        ]
        if tag_rows:
            self._insert(_TAGS, tag_rows)
        self.link_many({task_id: task.depends_on for task_id, task in zip(ids, tasks, strict=True)})
        return ids

    def _insert_returning_ids(self, rows: Sequence[dict[str, Any]]) -> builtins.list[int]:
        bind = self._session.get_bind()
        if bind.dialect.name != "sqlite":
            return builtins.list(
                self._session.scalars(
                    insert(TaskRecord).returning(TaskRecord.id, sort_by_parameter_order=True), rows
                )
            )
        # SQLAlchemy orders RETURNING rows on SQLite by splicing per-row results, which
        # is quadratic for a large import. A unit of work holds the write lock from its
        # first statement (BEGIN IMMEDIATE), so the ids after the AUTOINCREMENT
        # high-water mark are ours to hand out; SQLite advances the mark itself.
        high = self._session.scalar(
            text(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'tasks'), 0),"
                " coalesce((SELECT max(id) FROM tasks), 0))"
            )
        )
        first = int(high or 0) + 1
        ids = builtins.list(range(first, first + len(rows)))
        # The driver's executemany, not Core's: at 100,000 rows SQLAlchemy's per-row
        # parameter processing costs more than SQLite's own insert.
        for row, task_id in zip(rows, ids, strict=True):
            row["id"] = task_id  # the rows are this import's own: no copy of 100,000 dicts
        self._insert_sqlite(_TASKS, rows)
        return ids

    def _insert(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows that all name the same columns (imports): straight to the SQLite
        driver there, a Core executemany elsewhere."""
        if self._session.get_bind().dialect.name == "sqlite":
            self._insert_sqlite(table, rows)
        else:
            self._session.execute(insert(table), rows)

    def _insert_sqlite(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        names = builtins.list(rows[0])
        times = {name for name in names if isinstance(table.c[name].type, UTCDateTime)}
        columns = ", ".join(f'"{name}"' for name in names)
        sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join("?" * len(names))})'
        # Column by column (one C-level map each), then zipped back into rows: a generator
        # per row cost more than SQLite's own insert at 100,000 rows.
        by_column: builtins.list[builtins.list[Any]] = []
        for name in names:
            column = builtins.list(map(operator.itemgetter(name), rows))
            if name in times:
                column = [None if value is None else to_db_time(value) for value in column]
            by_column.append(column)
        values = builtins.list(zip(*by_column, strict=True))
        self._session.flush()  # the driver's statement must come after pending ORM writes
        connection = self._session.connection()
        # The change counter's insert trigger fires per row, as much work as the insert
        # itself: for a large batch it is set aside inside this transaction (DDL is
        # transactional in SQLite; readers never see it gone, no writer can come between
        # while we hold the lock) and the counter raised once by as much.
        trigger = trigger_name(table.name, "insert")
        bulk = len(values) >= _BULK_ROWS and (
            connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)
            ).first()
            is not None
        )
        if bulk:
            connection.exec_driver_sql(f'DROP TRIGGER "{trigger}"')
            # SQLite's default 2 MB page cache spills the growing indexes to the WAL mid-batch
            # (a sixth of a 100,000-task insert); for the batch it may hold 64 MB, then the
            # connection (pooled, maybe a long-lived app's) has its own setting back.
            cache = connection.exec_driver_sql("PRAGMA cache_size").scalar()
            connection.exec_driver_sql(f"PRAGMA cache_size = {-64 * 1024}")
            try:
                connection.exec_driver_sql(sql, values)
            finally:
                connection.exec_driver_sql(
                    f"PRAGMA cache_size = {int(-2000 if cache is None else cache)}"
                )
        else:
            connection.exec_driver_sql(sql, values)
        if bulk:
            install_change_triggers(connection, [table.name])
            connection.exec_driver_sql(
                f"UPDATE {COUNTER_TABLE} SET value = value + ? WHERE id = 1", (len(values),)
            )

    def insert_with_ids(self, tasks: Sequence[Task]) -> None:
        """Store tasks under the ids they carry, with their tags but no dependencies
        (a backup restored: `list --json` must read back the same ids). The ids must be
        free; dependencies are added with `link_many` once every task exists."""
        if not tasks:
            return
        for task in tasks:
            require_storable(task.due, task.not_before, task.created_at, task.completed_at)
            require_storable(task.dropped_at, task.updated_at)
        self._session.execute(
            insert(_TASKS),
            _task_rows(tasks),
        )
        tag_rows = _tag_rows(tasks)
        if tag_rows:
            self._session.execute(insert(_TAGS), tag_rows)
        self._follow_explicit_ids()

    def id_high_water(self) -> int:
        """The highest task id ever handed out (deleted ones included)."""
        if self._session.get_bind().dialect.name == "postgresql":
            # The sequence remembers deleted ids as SQLite's AUTOINCREMENT mark does.
            high = self._session.scalar(
                text(
                    "SELECT greatest(coalesce(pg_sequence_last_value("
                    "pg_get_serial_sequence('tasks', 'id')), 0),"
                    " coalesce((SELECT max(id) FROM tasks), 0))"
                )
            )
            return int(high or 0)
        if self._session.get_bind().dialect.name != "sqlite":
            return int(self._session.scalar(select(func.max(TaskRecord.id))) or 0)
        high = self._session.scalar(
            text(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'tasks'), 0),"
                " coalesce((SELECT max(id) FROM tasks), 0))"
            )
        )
        return int(high or 0)

    def raise_id_high_water(self, floor: int) -> None:
        """Never hand out ids up to `floor` (a restored backup's deleted tasks keep theirs)."""
        if floor <= self.id_high_water():
            return
        if self._session.get_bind().dialect.name == "sqlite":
            updated = self._session.execute(
                text("UPDATE sqlite_sequence SET seq = :floor WHERE name = 'tasks'"),
                {"floor": floor},
            )
            if not getattr(updated, "rowcount", 0):
                self._session.execute(
                    text("INSERT INTO sqlite_sequence (name, seq) VALUES ('tasks', :floor)"),
                    {"floor": floor},
                )
        else:
            self._session.execute(
                text("SELECT setval(pg_get_serial_sequence('tasks', 'id'), :floor)"),
                {"floor": floor},
            )

    def _follow_explicit_ids(self) -> None:
        # PostgreSQL's sequence does not see ids written explicitly; SQLite's AUTOINCREMENT
        # mark does.
        if self._session.get_bind().dialect.name == "postgresql":
            self._session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('tasks', 'id'),"
                    " (SELECT coalesce(max(id), 1) FROM tasks))"
                )
            )

    def replace_many(self, tasks: Sequence[Task]) -> None:
        """Write many stored tasks back as given (re-imports), in bulk.

        Dependencies must name stored tasks; the caller vouches that they form no
        cycle (an import's own dependency graph is checked when it is parsed).
        """
        if not tasks:
            return
        for task in tasks:
            require_storable(task.due, task.not_before, task.created_at, task.completed_at)
            require_storable(task.dropped_at, task.updated_at, task.recur_until, task.recur_anchor)
        ids = [task.id for task in tasks]
        self._require_tasks(set(ids))
        self._session.execute(
            update(TaskRecord),
            _task_rows(tasks),
        )
        for chunk in _chunks(ids, 500):
            self._session.execute(delete(_TAGS).where(_TAGS.c.task_id.in_(chunk)))
            self._session.execute(delete(_DEPENDENCIES).where(_DEPENDENCIES.c.task_id.in_(chunk)))
        tag_rows = _tag_rows(tasks)
        if tag_rows:
            self._session.execute(insert(_TAGS), tag_rows)
        self.link_many({task.id: task.depends_on for task in tasks})
        self._session.expire_all()

    def link_many(self, dependencies: Mapping[int, Sequence[int]]) -> None:
        """Give tasks that have no dependencies yet the ones listed (imports).

        Only for tasks just created, each depending on tasks created before it:
        every edge points to an older task, so no cycle can arise.
        """
        rows = [
            {"task_id": task_id, "depends_on_id": other, "position": index}
            for task_id, others in dependencies.items()
            for index, other in enumerate(others)
        ]
        if not rows:
            return
        self._require_tasks({row["depends_on_id"] for row in rows} - set(dependencies))
        self._insert(_DEPENDENCIES, rows)

    def ids_by_external_id(self, external_ids: Collection[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(builtins.list(external_ids), 500):
            rows = self._session.execute(
                select(TaskRecord.external_id, TaskRecord.id).where(
                    TaskRecord.external_id.in_(chunk)
                )
            )
            found.update((str(external_id), task_id) for external_id, task_id in rows)
        return found

    def update(self, task_id: int, patch: TaskPatch) -> Task:
        """Apply the fields set in `patch`; a change of `depends_on` is checked for cycles."""
        before = self.get(task_id)
        after = patch.apply_to(before)
        changes = patch.changes()
        if "depends_on" in changes:
            self._require_tasks(after.depends_on)
            self._refuse_cycle(task_id, after.depends_on)
        return self._save(after, updated_at=clock.now())

    def set_series(self, task_id: int, series_id: str, anchor: dt.datetime | None) -> Task:
        """Make a task an instance of series `series_id`, counted from `anchor`."""
        require_storable(anchor)
        record = self._record(task_id)
        record.series_id = series_id
        record.recur_anchor = anchor
        self._session.flush()
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

    def drop(self, task_id: int, at: dt.datetime) -> Task:
        before = self.get(task_id)
        after = _changed(before, status="dropped", dropped_at=at, completed_at=None)
        return self._save(after, updated_at=clock.now())

    def reopen(self, task_id: int) -> Task:
        """Open again; the minutes already worked (actual_minutes) are kept."""
        before = self.get(task_id)
        after = _changed(before, status="open", completed_at=None, dropped_at=None)
        return self._save(after, updated_at=clock.now())

    def delete(self, task_id: int) -> None:
        """Remove a task with its tags, dependencies, sessions and choices (undo of an add).

        The database cascades to the dependent rows; ids are never reused (AUTOINCREMENT).
        """
        self._session.delete(self._record(task_id))
        self._session.flush()
        # Sessions or choices of this task loaded earlier are gone now; do not trust them.
        self._session.expire_all()

    def restore(self, task: Task) -> Task:
        """Write a task back exactly as given (undo of an edit, completion or drop).

        A task that no longer exists is recreated with the same id.
        """
        self._require_tasks(task.depends_on)
        self._require_free_external_id(task.external_id, task.id)
        self._refuse_cycle(task.id, task.depends_on)
        return self._save(task, updated_at=task.updated_at, create=True)

    # helpers

    def _record(self, task_id: int) -> TaskRecord:
        record = self._session.get(TaskRecord, task_id)
        if record is None:
            raise NotFound(f"no task {task_id}")
        return record

    def _save(self, task: Task, *, updated_at: dt.datetime | None, create: bool = False) -> Task:
        require_storable(updated_at, task.due, task.not_before, task.created_at, task.completed_at)
        require_storable(task.dropped_at, task.recur_until, task.recur_anchor)
        record = self._session.get(TaskRecord, task.id)
        if record is None:
            if not create:
                raise NotFound(f"no task {task.id}")
            record = TaskRecord(id=task.id)
            self._session.add(record)
        self._write(record, task)
        record.updated_at = updated_at
        self._session.flush()
        self._write_children(task.id, task.tags, task.depends_on)
        return self.get(task.id)

    @staticmethod
    def _write(record: TaskRecord, task: NewTask | Task) -> None:
        require_storable(
            task.due, task.not_before, task.created_at, task.completed_at, task.dropped_at
        )
        for name in _TASK_COLUMNS:
            setattr(record, name, getattr(task, name))
        record.time_window = task.window

    def _write_children(self, task_id: int, tags: Sequence[str], depends_on: Sequence[int]) -> None:
        # Table-level statements: these rows never enter the identity map, so rewriting
        # them (same primary keys) within one unit of work cannot collide with stale objects.
        session = self._session
        session.execute(delete(_TAGS).where(_TAGS.c.task_id == task_id))
        session.execute(delete(_DEPENDENCIES).where(_DEPENDENCIES.c.task_id == task_id))
        if tags:
            session.execute(
                insert(_TAGS),
                [
                    {"task_id": task_id, "position": index, "tag": tag}
                    for index, tag in enumerate(tags)
                ],
            )
        if depends_on:
            session.execute(
                insert(_DEPENDENCIES),
                [
                    {"task_id": task_id, "depends_on_id": other, "position": index}
                    for index, other in enumerate(depends_on)
                ],
            )

    def _tags_of(self, ids: _Ids) -> defaultdict[int, builtins.list[str]]:
        query = select(_TAGS.c.task_id, _TAGS.c.tag).order_by(_TAGS.c.task_id, _TAGS.c.position)
        if ids is not None:
            query = query.where(_TAGS.c.task_id.in_(ids))
        found: defaultdict[int, builtins.list[str]] = defaultdict(builtins.list)
        for task_id, tag in self._session.execute(query):
            found[task_id].append(tag)
        return found

    def _deps_of(self, ids: _Ids) -> defaultdict[int, builtins.list[int]]:
        query = select(_DEPENDENCIES.c.task_id, _DEPENDENCIES.c.depends_on_id).order_by(
            _DEPENDENCIES.c.task_id, _DEPENDENCIES.c.position
        )
        if ids is not None:
            query = query.where(_DEPENDENCIES.c.task_id.in_(ids))
        found: defaultdict[int, builtins.list[int]] = defaultdict(builtins.list)
        for task_id, other in self._session.execute(query):
            found[task_id].append(other)
        return found

    def _require_tasks(self, ids: Collection[int]) -> None:
        if not ids:
            return
        existing = set(self._session.scalars(select(TaskRecord.id).where(TaskRecord.id.in_(ids))))
        for task_id in ids:
            if task_id not in existing:
                raise NotFound(f"no task {task_id}")

    def _require_free_external_id(self, external_id: str | None, own_id: int | None) -> None:
        if external_id is None:
            return
        holder = self._session.scalar(
            select(TaskRecord.id).where(TaskRecord.external_id == external_id)
        )
        if holder is not None and holder != own_id:
            raise ValueError(f"task {holder} already has external id {external_id!r}")

    def _refuse_cycle(self, task_id: int, depends_on: Sequence[int]) -> None:
        edges: defaultdict[int, builtins.list[int]] = defaultdict(builtins.list)
        rows = self._session.execute(select(_DEPENDENCIES.c.task_id, _DEPENDENCIES.c.depends_on_id))
        for source, target in rows:
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


_Item = TypeVar("_Item")


def _chunks(values: Sequence[_Item], size: int) -> Iterator[Sequence[_Item]]:
    # SQLite caps the number of bound parameters in one statement.
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _task_rows(tasks: Sequence[Task]) -> list[dict[str, object]]:
    """Stored tasks as rows of the tasks table, ids included (restores and re-imports)."""
    return [
        {
            "id": task.id,
            **{name: getattr(task, name) for name in _TASK_COLUMNS},
            "time_window": task.window,
            "updated_at": task.updated_at,
        }
        for task in tasks
    ]


def _tag_rows(tasks: Sequence[Task]) -> list[dict[str, object]]:
    return [
        {"task_id": task.id, "position": index, "tag": tag}
        for task in tasks
        for index, tag in enumerate(task.tags)
    ]
