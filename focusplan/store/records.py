"""The tables, as typed SQLAlchemy 2.0 records. Nothing outside focusplan/store sees these.

The migrations in `migrations/versions` are the source of truth for the schema;
these classes must describe the same thing (a test runs Alembic's autogenerate
comparison and expects no difference). CHECK constraints repeat the cheap
domain rules so a hand-edited or imported row cannot break the invariants the
ranking relies on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from focusplan import clock
from focusplan.store.timestamps import TIMESTAMP_WIDTH, from_db_time, to_db_time

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored as fixed-width UTC ISO text, read back in the person's zone."""

    impl = String(TIMESTAMP_WIDTH)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else to_db_time(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else from_db_time(str(value), clock.local_zone())

    def compare_values(self, x: Any, y: Any) -> bool:
        # The ORM writes a column only when its value changed. Two times of one zone
        # compare by their wall clocks: in the hour the clocks go back, 02:30 (summer)
        # "equals" 02:30 (winter), and moving a time by that hour was never written.
        aware = isinstance(x, dt.datetime) and isinstance(y, dt.datetime)
        if aware and x.tzinfo is not None and y.tzinfo is not None:
            with contextlib.suppress(OverflowError):  # the ends of the calendar: as before
                return bool(x.astimezone(dt.UTC) == y.astimezone(dt.UTC))
        return bool(x == y)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime()}


class TaskRecord(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        CheckConstraint("importance BETWEEN 1 AND 5", name="importance_range"),
        CheckConstraint("demand IN ('low', 'medium', 'high')", name="demand_known"),
        CheckConstraint("estimate_minutes BETWEEN 1 AND 1440", name="estimate_range"),
        CheckConstraint(
            "time_window IS NULL OR time_window IN ('morning', 'afternoon', 'evening')",
            name="time_window_known",
        ),
        CheckConstraint("status IN ('open', 'done', 'dropped')", name="status_known"),
        CheckConstraint(
            "(status = 'done') = (completed_at IS NOT NULL)", name="done_iff_completed_at"
        ),
        CheckConstraint(
            "actual_minutes IS NULL OR actual_minutes BETWEEN 0 AND 10080",
            name="actual_minutes_range",
        ),
        CheckConstraint("recur_from IN ('due', 'done')", name="recur_from_known"),
        CheckConstraint("recur_until IS NULL OR recur IS NOT NULL", name="until_needs_recur"),
        # A deleted task's id is never handed out again: notes and exports that say
        # "task 12" keep meaning the task they meant.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, server_default="")
    importance: Mapped[int] = mapped_column(Integer, server_default="3")
    demand: Mapped[str] = mapped_column(String(6), server_default="medium")
    estimate_minutes: Mapped[int] = mapped_column(Integer, server_default="30")
    due: Mapped[dt.datetime | None]
    not_before: Mapped[dt.datetime | None]
    project: Mapped[str | None] = mapped_column(String(64), index=True)
    time_window: Mapped[str | None] = mapped_column(String(9))
    status: Mapped[str] = mapped_column(String(7), server_default="open", index=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime | None]
    completed_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    dropped_at: Mapped[dt.datetime | None]
    actual_minutes: Mapped[int | None] = mapped_column(Integer)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Repeating tasks (0004): every instance carries its series' rule; `series_id` is shared
    # by the instances, `recur_anchor` is the date the series counts its months from.
    recur: Mapped[str | None] = mapped_column(String(64))
    recur_from: Mapped[str] = mapped_column(String(4), server_default="due")
    recur_until: Mapped[dt.datetime | None]
    recur_anchor: Mapped[dt.datetime | None]
    series_id: Mapped[str | None] = mapped_column(String(200), index=True)


class TaskTagRecord(Base):
    """One tag of a task; a table (not a JSON list) so `--tag x` is an indexed lookup."""

    __tablename__ = "task_tags"
    __table_args__ = (
        UniqueConstraint("task_id", "tag"),
        CheckConstraint("length(tag) > 0", name="tag_not_empty"),
    )

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    # The order the person wrote the tags in, so a task reads back exactly as stored.
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), index=True)


class TaskDependencyRecord(Base):
    """`task_id` cannot start before `depends_on_id` is done."""

    __tablename__ = "task_dependencies"
    __table_args__ = (CheckConstraint("task_id <> depends_on_id", name="not_self"),)

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    depends_on_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)


class EnergyLogRecord(Base):
    __tablename__ = "energy_logs"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    level: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, server_default="")
    source: Mapped[str] = mapped_column(String(32), server_default="manual")


class ContextEventRecord(Base):
    __tablename__ = "context_events"
    __table_args__ = (CheckConstraint("end_at >= start_at", name="ordered"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_at: Mapped[dt.datetime] = mapped_column(index=True)
    end_at: Mapped[dt.datetime] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200), server_default="")
    uid: Mapped[str | None] = mapped_column(String(500), unique=True)
    source: Mapped[str] = mapped_column(String(32), server_default="manual")
    all_day: Mapped[bool] = mapped_column(Boolean, server_default=false())


class DayContextRecord(Base):
    __tablename__ = "day_context"
    __table_args__ = (
        CheckConstraint("sleep_hours IS NULL OR sleep_hours BETWEEN 0 AND 24", name="sleep_range"),
    )

    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text, server_default="")


class FocusSessionRecord(Base):
    __tablename__ = "focus_sessions"
    __table_args__ = (
        CheckConstraint("end_at IS NULL OR end_at >= start_at", name="ordered"),
        CheckConstraint("end_at IS NOT NULL OR NOT interrupted", name="active_not_interrupted"),
        # Principle 3 (no dispersion) in the schema: at most one session without an end.
        Index(
            "uq_focus_sessions_one_active",
            text("(end_at IS NULL)"),
            unique=True,
            sqlite_where=text("end_at IS NULL"),
            postgresql_where=text("end_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    start_at: Mapped[dt.datetime] = mapped_column(index=True)
    end_at: Mapped[dt.datetime | None]
    interrupted: Mapped[bool] = mapped_column(Boolean, server_default=false())


class PlanRecord(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, unique=True)
    created_at: Mapped[dt.datetime]
    notes: Mapped[list[str]] = mapped_column(JSON)
    # Fingerprint of the plan's inputs (sha256 hex); NULL for plans stored before 0003.
    inputs: Mapped[str | None] = mapped_column(String(64))


class PlanBlockRecord(Base):
    """A block of a stored plan. `task_id` has no foreign key on purpose: a plan is a record
    of what was planned, and stays readable (with its title) after a task is deleted."""

    __tablename__ = "plan_blocks"
    __table_args__ = (
        UniqueConstraint("plan_id", "position"),
        CheckConstraint("end_at > start_at", name="ordered"),
        CheckConstraint("kind IN ('focus', 'break', 'event')", name="kind_known"),
        CheckConstraint("(kind = 'focus') = (task_id IS NOT NULL)", name="focus_names_task"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[dt.datetime]
    end_at: Mapped[dt.datetime]
    kind: Mapped[str] = mapped_column(String(5))
    task_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, server_default="")
    energy: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, server_default="")


class WeightVersionRecord(Base):
    __tablename__ = "weight_versions"
    __table_args__ = (
        CheckConstraint("version >= 1", name="version_positive"),
        # Exactly one version is in force; rollback moves this flag.
        Index(
            "uq_weight_versions_one_active",
            "active",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    params: Mapped[dict[str, float]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(Text, server_default="")
    active: Mapped[bool] = mapped_column(Boolean, server_default=false())


class ChoiceRecord(Base):
    """A learning observation: at `at`, the person picked `task_id` among `candidates`."""

    __tablename__ = "choices"
    __table_args__ = (CheckConstraint("kind IN ('completion', 'focus')", name="kind_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    candidates: Mapped[list[int]] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(10))


class ChangeCounterRecord(Base):
    """One row whose `value` SQLite triggers raise on every write to every other table
    (migration 0005, `focusplan.store.change_counter`): a quick reader that cached what
    it computed from the database compares it to know the cache is still right."""

    __tablename__ = "change_counter"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer, server_default="0")


class ReminderSentRecord(Base):
    """A reminder that went out (`remind`, the app): `key` names its moment, so it is
    never sent twice."""

    __tablename__ = "reminders_sent"
    __table_args__ = (
        CheckConstraint("kind IN ('focus_end', 'break_end', 'block_start')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    due_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(Text, server_default="")
    body: Mapped[str] = mapped_column(Text, server_default="")
    channel: Mapped[str] = mapped_column(String(8), server_default="")


class CalendarSourceRecord(Base):
    """A live calendar (`source add ics PATH`): a .ics file or a vdir folder."""

    __tablename__ = "calendar_sources"
    __table_args__ = (
        CheckConstraint("kind IN ('ics')", name="kind_known"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), server_default="ics")
    path: Mapped[str] = mapped_column(Text, unique=True)
    added_at: Mapped[dt.datetime]
    checked_at: Mapped[dt.datetime | None]
    problem: Mapped[str] = mapped_column(Text, server_default="")


class CalendarSourceFileRecord(Base):
    """A file of a live calendar as it was last read (`name` is "" for a single-file
    source): a file whose mtime and size still match is not read again."""

    __tablename__ = "calendar_source_files"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("calendar_sources.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(500), primary_key=True)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(BigInteger)
    read_at: Mapped[dt.datetime]
    events: Mapped[int] = mapped_column(Integer, server_default="0")
