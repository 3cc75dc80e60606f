"""Repositories: each takes the unit of work's Session and speaks only in domain models.

ORM records are built and read here and never returned. Reads validate through
the pydantic models (`model_validate`), so a hand-edited row that breaks a
domain rule fails loudly here instead of deep in the ranking.
"""

from __future__ import annotations

import builtins
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from focusplan import clock
from focusplan.domain import (
    Choice,
    ContextEvent,
    ContextEventDraft,
    DayContext,
    DayPlan,
    EnergyLog,
    EnergyLogDraft,
    FocusSession,
    NewTask,
    PlanBlock,
    Task,
    TaskPatch,
    WeightsVersion,
)
from focusplan.store.errors import NotFound, StoreError
from focusplan.store.records import (
    Base,
    ChoiceRecord,
    ContextEventRecord,
    DayContextRecord,
    EnergyLogRecord,
    FocusSessionRecord,
    PlanBlockRecord,
    PlanRecord,
    TaskDependencyRecord,
    TaskRecord,
    TaskTagRecord,
    WeightVersionRecord,
)
from focusplan.store.timestamps import EARLIEST, LATEST, TimeOutOfRange, to_db_time

# Which tasks to read children for: some ids, a subquery of ids, or all (None).
_Ids = Sequence[int] | Select[int] | None

_TAGS: Table = Base.metadata.tables[TaskTagRecord.__tablename__]
_DEPENDENCIES: Table = Base.metadata.tables[TaskDependencyRecord.__tablename__]
_TASKS: Table = Base.metadata.tables[TaskRecord.__tablename__]
_PLANS: Table = Base.metadata.tables[PlanRecord.__tablename__]
_BLOCKS: Table = Base.metadata.tables[PlanBlockRecord.__tablename__]


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    """A time used as a query bound: aware, clamped into the storable range."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} needs a timezone: {value.isoformat()}")
    try:
        to_db_time(value)
    except TimeOutOfRange:
        return EARLIEST if value.year < 5000 else LATEST
    return value


def _storable(*values: dt.datetime | None) -> None:
    """Refuse (ValueError) a time that cannot be stored, before SQLAlchemy wraps the error."""
    for value in values:
        if value is not None:
            to_db_time(value)


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """In the person's zone: a record fresh from this session still holds the caller's zone."""
    if value is None:
        return None
    try:
        return value.astimezone(clock.local_zone())
    except OverflowError:
        return value  # the same instant, at the very end of the calendar


def _overlapping(start_column: Any, end_column: Any, start: dt.datetime, end: dt.datetime) -> Any:
    """Rows whose [start, end) meets [start, end); an instant row counts if it lies inside.

    An open end (NULL: an active session) reaches into the future.
    """
    start = _aware(start, "start")
    end = _aware(end, "end")
    return and_(
        start_column < end,
        or_(end_column.is_(None), end_column > start, start_column >= start),
    )


# --- tasks -----------------------------------------------------------------------------------


def format_cycle(path: Sequence[int]) -> str:
    return "dependency cycle: " + " → ".join(str(task_id) for task_id in path)


def find_cycle(edges: Mapping[int, Iterable[int]], start: int) -> list[int] | None:
    """A dependency path from `start` back to itself, e.g. [3, 5, 3], or None."""
    stack: list[tuple[int, list[int]]] = [(start, [start])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        for follower in edges.get(node, ()):
            if follower == start:
                return [*path, start]
            if follower not in seen:
                seen.add(follower)
                stack.append((follower, [*path, follower]))
    return None


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
            "due": _local(record.due),
            "not_before": _local(record.not_before),
            "project": record.project,
            "tags": tuple(tags),
            "window": record.time_window,
            "depends_on": tuple(depends_on),
            "status": record.status,
            "created_at": _local(record.created_at),
            "updated_at": _local(record.updated_at),
            "completed_at": _local(record.completed_at),
            "dropped_at": _local(record.dropped_at),
            "actual_minutes": record.actual_minutes,
            "external_id": record.external_id,
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

    def list(
        self,
        statuses: Collection[str] | None = None,
        *,
        tag: str | None = None,
        project: str | None = None,
    ) -> list[Task]:
        """Tasks in id order, dependencies and tags filled; optionally only some statuses,
        one tag or one project."""
        conditions: builtins.list[ColumnElement[bool]] = []
        if statuses is not None:
            conditions.append(TaskRecord.status.in_(builtins.list(statuses)))
        if project is not None:
            conditions.append(TaskRecord.project == project)
        if tag is not None:
            conditions.append(TaskRecord.id.in_(select(_TAGS.c.task_id).where(_TAGS.c.tag == tag)))
        records = self._session.scalars(
            select(TaskRecord).where(*conditions).order_by(TaskRecord.id)
        ).all()
        # A subquery, not a list of ids: SQLite caps the number of bound parameters.
        ids = select(TaskRecord.id).where(*conditions) if conditions else None
        tags = self._tags_of(ids)
        deps = self._deps_of(ids)
        return [_task_from(record, tags[record.id], deps[record.id]) for record in records]

    def find_by_external_id(self, external_id: str) -> Task | None:
        task_id = self._session.scalar(
            select(TaskRecord.id).where(TaskRecord.external_id == external_id)
        )
        return None if task_id is None else self.get(task_id)

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
            _storable(task.due, task.not_before, task.created_at, task.completed_at)
            _storable(task.dropped_at)
        external = [task.external_id for task in tasks if task.external_id]
        if len(set(external)) != len(external):
            raise ValueError("two imported tasks share one external id")
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
            self._session.execute(insert(_TAGS), tag_rows)
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
        # A Core executemany on the table: the ORM's bulk insert splits rows into
        # many small statements by which columns happen to be None.
        self._session.execute(
            insert(_TASKS),
            [{**row, "id": task_id} for row, task_id in zip(rows, ids, strict=True)],
        )
        return ids

    def replace_many(self, tasks: Sequence[Task]) -> None:
        """Write many stored tasks back as given (re-imports), in bulk.

        Dependencies must name stored tasks; the caller vouches that they form no
        cycle (an import's own dependency graph is checked when it is parsed).
        """
        if not tasks:
            return
        for task in tasks:
            _storable(task.due, task.not_before, task.created_at, task.completed_at)
            _storable(task.dropped_at, task.updated_at)
        ids = [task.id for task in tasks]
        self._require_tasks(set(ids))
        self._session.execute(
            update(TaskRecord),
            [
                {
                    "id": task.id,
                    **{name: getattr(task, name) for name in _TASK_COLUMNS},
                    "time_window": task.window,
                    "updated_at": task.updated_at,
                }
                for task in tasks
            ],
        )
        for chunk in _chunks(ids, 500):
            self._session.execute(delete(_TAGS).where(_TAGS.c.task_id.in_(chunk)))
            self._session.execute(delete(_DEPENDENCIES).where(_DEPENDENCIES.c.task_id.in_(chunk)))
        tag_rows = [
            {"task_id": task.id, "position": index, "tag": tag}
            for task in tasks
            for index, tag in enumerate(task.tags)
        ]
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
        self._session.execute(insert(_DEPENDENCIES), rows)

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
        _storable(updated_at, task.due, task.not_before, task.created_at, task.completed_at)
        _storable(task.dropped_at)
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
        _storable(task.due, task.not_before, task.created_at, task.completed_at, task.dropped_at)
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


# --- energy ----------------------------------------------------------------------------------


def _energy_from(record: EnergyLogRecord) -> EnergyLog:
    return EnergyLog.model_validate(
        {
            "id": record.id,
            "at": _local(record.at),
            "level": record.level,
            "note": record.note,
            "source": record.source,
        }
    )


class EnergyLogRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, draft: EnergyLogDraft) -> EnergyLog:
        _storable(draft.at)
        record = EnergyLogRecord(
            at=draft.at, level=draft.level, note=draft.note, source=draft.source
        )
        self._session.add(record)
        self._session.flush()
        return _energy_from(record)

    def delete(self, log_id: int) -> None:
        record = self._session.get(EnergyLogRecord, log_id)
        if record is None:
            raise NotFound(f"no energy log {log_id}")
        self._session.delete(record)
        self._session.flush()

    def list(
        self, since: dt.datetime | None = None, until: dt.datetime | None = None
    ) -> list[EnergyLog]:
        """Logs with since <= at <= until (either bound optional), oldest first."""
        query = select(EnergyLogRecord).order_by(EnergyLogRecord.at, EnergyLogRecord.id)
        if since is not None:
            query = query.where(EnergyLogRecord.at >= _aware(since, "since"))
        if until is not None:
            query = query.where(EnergyLogRecord.at <= _aware(until, "until"))
        return [_energy_from(record) for record in self._session.scalars(query)]


# --- calendar events -------------------------------------------------------------------------


def _event_from(record: ContextEventRecord) -> ContextEvent:
    return ContextEvent.model_validate(
        {
            "id": record.id,
            "start": _local(record.start_at),
            "end": _local(record.end_at),
            "title": record.title,
            "uid": record.uid,
            "source": record.source,
            "all_day": record.all_day,
        }
    )


class EventRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def upsert(self, draft: ContextEventDraft) -> ContextEvent:
        """Insert, or, when `uid` names a stored event, replace that event (re-imports)."""
        _storable(draft.start, draft.end)
        record: ContextEventRecord | None = None
        if draft.uid is not None:
            record = self._session.scalar(
                select(ContextEventRecord).where(ContextEventRecord.uid == draft.uid)
            )
        if record is None:
            record = ContextEventRecord(uid=draft.uid)
            self._session.add(record)
        record.start_at = draft.start
        record.end_at = draft.end
        record.title = draft.title
        record.source = draft.source
        record.all_day = draft.all_day
        self._session.flush()
        return _event_from(record)

    def between(self, start: dt.datetime, end: dt.datetime) -> list[ContextEvent]:
        """Events overlapping [start, end), by start time."""
        query = (
            select(ContextEventRecord)
            .where(_overlapping(ContextEventRecord.start_at, ContextEventRecord.end_at, start, end))
            .order_by(ContextEventRecord.start_at, ContextEventRecord.id)
        )
        return [_event_from(record) for record in self._session.scalars(query)]

    def delete(self, event_id: int) -> None:
        record = self._session.get(ContextEventRecord, event_id)
        if record is None:
            raise NotFound(f"no event {event_id}")
        self._session.delete(record)
        self._session.flush()


# --- day context -----------------------------------------------------------------------------


class DayContextRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, day: dt.date) -> DayContext | None:
        record = self._session.get(DayContextRecord, day)
        if record is None:
            return None
        return DayContext(date=record.date, sleep_hours=record.sleep_hours, notes=record.notes)

    def put(self, context: DayContext) -> DayContext:
        """Replace what is stored for that date."""
        record = self._session.get(DayContextRecord, context.date)
        if record is None:
            record = DayContextRecord(date=context.date)
            self._session.add(record)
        record.sleep_hours = context.sleep_hours
        record.notes = context.notes
        self._session.flush()
        return context


# --- focus sessions --------------------------------------------------------------------------


def _session_from(record: FocusSessionRecord) -> FocusSession:
    return FocusSession.model_validate(
        {
            "id": record.id,
            "task_id": record.task_id,
            "start": _local(record.start_at),
            "end": _local(record.end_at),
            "interrupted": record.interrupted,
        }
    )


class FocusSessionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def start(self, task_id: int, at: dt.datetime) -> FocusSession:
        """Begin a session; StoreError if one is already active (one focus at a time)."""
        _storable(at)
        current = self.active()
        if current is not None:
            raise StoreError(
                f"a focus session is already active (task {current.task_id} since "
                f"{current.start.isoformat(timespec='minutes')})"
            )
        if self._session.get(TaskRecord, task_id) is None:
            raise NotFound(f"no task {task_id}")
        record = FocusSessionRecord(task_id=task_id, start_at=at, end_at=None, interrupted=False)
        self._session.add(record)
        self._session.flush()
        return _session_from(record)

    def stop(self, at: dt.datetime, interrupted: bool = False) -> FocusSession | None:
        """End the active session at `at`; None when nothing was active."""
        _storable(at)
        record = self._active_record()
        if record is None:
            return None
        if at < record.start_at:
            raise ValueError("a focus session cannot end before it starts")
        record.end_at = at
        record.interrupted = interrupted
        self._session.flush()
        return _session_from(record)

    def active(self) -> FocusSession | None:
        record = self._active_record()
        return None if record is None else _session_from(record)

    def get(self, session_id: int) -> FocusSession:
        record = self._session.get(FocusSessionRecord, session_id)
        if record is None:
            raise NotFound(f"no focus session {session_id}")
        return _session_from(record)

    def between(self, start: dt.datetime, end: dt.datetime) -> list[FocusSession]:
        """Sessions overlapping [start, end) (an active one reaches to now), by start time."""
        query = (
            select(FocusSessionRecord)
            .where(_overlapping(FocusSessionRecord.start_at, FocusSessionRecord.end_at, start, end))
            .order_by(FocusSessionRecord.start_at, FocusSessionRecord.id)
        )
        return [_session_from(record) for record in self._session.scalars(query)]

    def delete(self, session_id: int) -> None:
        record = self._session.get(FocusSessionRecord, session_id)
        if record is None:
            raise NotFound(f"no focus session {session_id}")
        self._session.delete(record)
        self._session.flush()

    def _active_record(self) -> FocusSessionRecord | None:
        return self._session.scalar(
            select(FocusSessionRecord).where(FocusSessionRecord.end_at.is_(None))
        )


# --- weights ---------------------------------------------------------------------------------


def _weights_from(record: WeightVersionRecord) -> WeightsVersion:
    return WeightsVersion.model_validate(
        {
            "version": record.version,
            "params": dict(record.params),
            "created_at": _local(record.created_at),
            "reason": record.reason,
            "active": record.active,
        }
    )


class WeightsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def active(self) -> WeightsVersion:
        record = self._session.scalar(
            select(WeightVersionRecord).where(WeightVersionRecord.active.is_(True))
        )
        if record is None:
            raise StoreError("no weights version is active; the database is damaged")
        return _weights_from(record)

    def history(self) -> list[WeightsVersion]:
        query = select(WeightVersionRecord).order_by(WeightVersionRecord.version)
        return [_weights_from(record) for record in self._session.scalars(query)]

    def add(self, params: Mapping[str, float], reason: str, at: dt.datetime) -> WeightsVersion:
        """Store a new version and make it the active one."""
        _storable(at)
        clean: dict[str, float] = {}
        for name, value in params.items():
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(f"weight {name} is not a finite number: {value}")
            clean[str(name)] = number
        latest = self._session.scalar(select(func.max(WeightVersionRecord.version)))
        record = WeightVersionRecord(
            version=(latest or 0) + 1, params=clean, created_at=at, reason=reason, active=True
        )
        self._deactivate_all()
        self._session.add(record)
        self._session.flush()
        return _weights_from(record)

    def activate(self, version: int) -> WeightsVersion:
        """Make an earlier (or later) version the active one again: the rollback."""
        record = self._session.get(WeightVersionRecord, version)
        if record is None:
            raise NotFound(f"no weights version {version}")
        self._deactivate_all()
        record.active = True
        self._session.flush()
        return _weights_from(record)

    def _deactivate_all(self) -> None:
        # Clear the flag first and flush, so the one-active unique index never sees two.
        self._session.execute(
            update(WeightVersionRecord)
            .where(WeightVersionRecord.active.is_(True))
            .values(active=False)
            .execution_options(synchronize_session="fetch")
        )
        self._session.flush()


# --- learning choices ------------------------------------------------------------------------


def _choice_from(record: ChoiceRecord) -> Choice:
    return Choice.model_validate(
        {
            "at": _local(record.at),
            "task_id": record.task_id,
            "candidates": tuple(record.candidates),
            "kind": record.kind,
        }
    )


class ChoiceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, choice: Choice) -> None:
        _storable(choice.at)
        self._session.add(
            ChoiceRecord(
                at=choice.at,
                task_id=choice.task_id,
                candidates=list(choice.candidates),
                kind=choice.kind,
            )
        )
        self._session.flush()

    def between(self, start: dt.datetime, end: dt.datetime) -> list[Choice]:
        """Choices with start <= at < end, oldest first."""
        query = (
            select(ChoiceRecord)
            .where(ChoiceRecord.at >= _aware(start, "start"), ChoiceRecord.at < _aware(end, "end"))
            .order_by(ChoiceRecord.at, ChoiceRecord.id)
        )
        return [_choice_from(record) for record in self._session.scalars(query)]

    def delete(self, task_id: int, at: dt.datetime) -> int:
        """Remove the choices of `task_id` made at exactly `at` (undo); returns how many."""
        result = self._session.execute(
            delete(ChoiceRecord)
            .where(ChoiceRecord.task_id == task_id, ChoiceRecord.at == _aware(at, "at"))
            .execution_options(synchronize_session="fetch")
        )
        return int(getattr(result, "rowcount", 0) or 0)


# --- day plans -------------------------------------------------------------------------------


class PlanRepository:
    """Plans are written and read with table-level statements: a replaced plan's rows are
    deleted by the database (cascade), and nothing stale lingers in the identity map."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def save(self, plan: DayPlan) -> DayPlan:
        """Store the plan of `plan.date`, replacing any earlier plan of that date."""
        _storable(plan.created_at, *(t for b in plan.blocks for t in (b.start, b.end)))
        session = self._session
        session.execute(delete(_PLANS).where(_PLANS.c.date == plan.date))
        plan_id = session.execute(
            insert(_PLANS)
            .values(
                date=plan.date,
                created_at=plan.created_at if plan.created_at is not None else clock.now(),
                notes=list(plan.notes),
                inputs=plan.inputs,
            )
            .returning(_PLANS.c.id)
        ).scalar_one()
        if plan.blocks:
            session.execute(
                insert(_BLOCKS),
                [
                    {
                        "plan_id": plan_id,
                        "position": index,
                        "start_at": block.start,
                        "end_at": block.end,
                        "kind": block.kind,
                        "task_id": block.task_id,
                        "title": block.title,
                        "energy": block.energy,
                        "reason": block.reason,
                    }
                    for index, block in enumerate(plan.blocks)
                ],
            )
        stored = self.get(plan.date)
        if stored is None:  # pragma: no cover - the insert above just wrote it
            raise StoreError(f"the plan of {plan.date} was not stored")
        return stored

    def get(self, day: dt.date) -> DayPlan | None:
        row = self._session.execute(select(_PLANS).where(_PLANS.c.date == day)).one_or_none()
        if row is None:
            return None
        blocks = self._session.execute(
            select(_BLOCKS).where(_BLOCKS.c.plan_id == row.id).order_by(_BLOCKS.c.position)
        )
        return DayPlan.model_validate(
            {
                "date": row.date,
                "created_at": row.created_at,
                "notes": tuple(row.notes),
                "inputs": row.inputs,
                "blocks": tuple(
                    PlanBlock.model_validate(
                        {
                            "start": block.start_at,
                            "end": block.end_at,
                            "kind": block.kind,
                            "task_id": block.task_id,
                            "title": block.title,
                            "energy": block.energy,
                            "reason": block.reason,
                        }
                    )
                    for block in blocks
                ),
            }
        )


_Item = TypeVar("_Item")


def _chunks(values: Sequence[_Item], size: int) -> Iterator[Sequence[_Item]]:
    # SQLite caps the number of bound parameters in one statement.
    for start in range(0, len(values), size):
        yield values[start : start + size]
