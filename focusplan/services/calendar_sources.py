"""Live calendars (principle 5): a .ics file or a vdir folder, re-read when it changed.

A vdir (khal, vdirsyncer) is a folder with one .ics file per event. Each file's mtime
and size are stored as last read; before anything that uses events (a ranking, a plan,
the app's refresh, `now`, `remind`) `refresh_calendars` compares them with the folder
and re-reads only the files that changed: a 5,000-file folder that did not change costs
one stat per file, read with the standard library (no SQLAlchemy, no icalendar).

- A file that changed is read again and its events replace the ones it held (moved
  events move); a file that left the folder takes its events with it.
- A file is also re-read a week after it was read: recurring events are expanded over
  a window around the day they are read (7 days back, 60 ahead), which must follow the
  calendar as time moves.
- A source folder or file that is not there (an unmounted disk, a sync in progress) is
  reported and its events are kept; a file that cannot be read is reported by name and
  nothing of that source changes until it is fixed.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from focusplan.domain import CalendarSource, CalendarSourceFile, ContextEventDraft
from focusplan.services import now_cache
from focusplan.services.errors import InvalidInput

if TYPE_CHECKING:
    from focusplan.services.source import DataSource
    from focusplan.store import UnitOfWork

REREAD_AFTER = dt.timedelta(days=7)


@dataclass
class _Plan:
    """What one source needs: files to read, files gone, and why it cannot be refreshed."""

    source_id: int
    path: str
    read: list[CalendarSourceFile] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    problem: str = ""
    stored_problem: str = ""


def add_source(source: DataSource, path: Path, now: dt.datetime) -> CalendarSource:
    """Register a calendar file or vdir folder and read it whole; nothing is stored when
    any of its files cannot be read (InvalidInput names the file)."""
    target = path.expanduser().absolute()
    if not target.exists():
        raise InvalidInput(f"no such file or folder: {path}")
    stamps = _current_files(target)
    if stamps is None:
        raise InvalidInput(f"cannot read {path}")
    events = {stamp.name: _read_file(target, stamp.name, now) for stamp in stamps}
    with source.unit_of_work() as uow:
        known = uow.calendars.by_path(str(target))
        if known is not None:
            raise InvalidInput(f"{target} is already calendar source {known.id}")
        added = uow.calendars.add(str(target), now)
        for stamp in stamps:
            uow.calendars.replace_file(
                added.id, stamp.model_copy(update={"read_at": now}), events[stamp.name]
            )
        return uow.calendars.get(added.id)


def list_sources(source: DataSource) -> list[CalendarSource]:
    with source.read_only() as uow:
        return uow.calendars.all()


def remove_source(source: DataSource, source_id: int) -> int:
    """Forget a source and its events; returns how many events went."""
    with source.unit_of_work() as uow:
        uow.calendars.get(source_id)  # NotFound for an unknown id
        return uow.calendars.remove(source_id)


def refresh_calendars(source: DataSource, now: dt.datetime) -> list[str]:
    """Re-read what changed in every live calendar; returns (and adds to `source.notices`)
    one warning per source that could not be refreshed."""
    stored = _stored_quickly(source)
    if stored is None:
        with source.read_only() as uow:
            stored = {
                item.id: (item.path, item.problem, uow.calendars.files(item.id))
                for item in uow.calendars.all()
            }
    if not stored:
        return []
    plans = [_plan(source_id, *values, now) for source_id, values in stored.items()]
    work = [plan for plan in plans if plan.read or plan.gone or plan.problem != plan.stored_problem]
    if work:
        _apply(source, work, now)  # a file that cannot be read becomes its source's problem
    warnings = [
        f"calendar source {plan.source_id}: {plan.problem}" for plan in plans if plan.problem
    ]
    for warning in warnings:
        if warning not in source.notices:
            source.notices.append(warning)
    return warnings


def _plan(
    source_id: int,
    path: str,
    problem: str,
    files: dict[str, CalendarSourceFile],
    now: dt.datetime,
) -> _Plan:
    plan = _Plan(source_id=source_id, path=path, stored_problem=problem)
    target = Path(path)
    current = _current_files(target)
    if current is None:
        plan.problem = f"{path} is not there; its events are kept until it is back"
        return plan
    names = {stamp.name for stamp in current}
    plan.gone = sorted(name for name in files if name not in names)
    for stamp in current:
        before = files.get(stamp.name)
        if (
            before is None
            or (before.mtime_ns, before.size) != (stamp.mtime_ns, stamp.size)
            or before.read_at < now - REREAD_AFTER
        ):
            plan.read.append(stamp)
    return plan


def _apply(source: DataSource, plans: list[_Plan], now: dt.datetime) -> None:
    read: dict[tuple[int, str], list[ContextEventDraft]] = {}
    for plan in plans:
        if plan.problem:
            continue
        try:
            for stamp in plan.read:
                read[plan.source_id, stamp.name] = _read_file(Path(plan.path), stamp.name, now)
        except InvalidInput as exc:
            plan.problem = f"{exc}; nothing of this calendar changed"
    with source.unit_of_work() as uow:
        for plan in plans:
            if not plan.problem:
                _store(uow, plan, read, now)
            if plan.problem != plan.stored_problem:
                uow.calendars.checked(plan.source_id, now, plan.problem)


def _store(
    uow: UnitOfWork,
    plan: _Plan,
    read: dict[tuple[int, str], list[ContextEventDraft]],
    now: dt.datetime,
) -> None:
    for name in plan.gone:
        uow.calendars.drop_file(plan.source_id, name)
    for stamp in plan.read:
        uow.calendars.replace_file(
            plan.source_id,
            stamp.model_copy(update={"read_at": now}),
            read[plan.source_id, stamp.name],
        )


def _current_files(target: Path) -> list[CalendarSourceFile] | None:
    """The files of a source as they are now (read_at is filled when they are read);
    None when the source is not there."""
    ((_, kind, files),) = now_cache.calendar_stamps([str(target)])
    if kind == "missing":
        return None
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return [
        CalendarSourceFile(name=name, mtime_ns=mtime, size=size, read_at=epoch)
        for name, mtime, size in files
    ]


def _read_file(target: Path, name: str, now: dt.datetime) -> list[ContextEventDraft]:
    """The events of one file; InvalidInput naming the file (and the line) when broken."""
    from focusplan.exchange import ImportFormatError, parse_import

    path = target / name if name else target
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    try:
        return list(parse_import(data, "ics", now=now).events)
    except ImportFormatError as exc:
        raise InvalidInput(f"{path}: {exc}") from None


def _stored_quickly(
    source: DataSource,
) -> dict[int, tuple[str, str, dict[str, CalendarSourceFile]]] | None:
    """The sources and their files as stored, read with the standard library from a
    current SQLite file; None when the full store must read them."""
    if source.path is None or not source.path.is_file():
        return None
    from focusplan.store.errors import StoreError
    from focusplan.store.schema_version import read_at_head

    def read(connection: sqlite3.Connection) -> tuple[list[Any], list[Any]]:
        rows = connection.execute("SELECT id, path, problem FROM calendar_sources").fetchall()
        if not rows:
            return rows, []
        file_rows = connection.execute(
            "SELECT source_id, name, mtime_ns, size, read_at, events FROM calendar_source_files"
        ).fetchall()
        return rows, file_rows

    try:
        rows, file_rows = read_at_head(source.path, read)
    except StoreError:
        return None  # a schema behind (the full store migrates it) or a file to report
    if not rows:
        return {}
    from focusplan.store.timestamps import from_db_time

    stored: dict[int, tuple[str, str, dict[str, CalendarSourceFile]]] = {
        int(source_id): (str(path), str(problem), {}) for source_id, path, problem in rows
    }
    for source_id, name, mtime, size, read_at, events in file_rows:
        if source_id in stored:
            stored[source_id][2][name] = CalendarSourceFile.model_construct(
                name=name,
                mtime_ns=int(mtime),
                size=int(size),
                read_at=from_db_time(read_at, dt.UTC),
                events=int(events),
            )
    return stored
