"""Live calendar sources, the files each was read from, and the events they brought.

A source's events are ordinary context events marked `source = "cal<ID>"`, with a uid
`cal<ID>:<file key>:<event uid>`: re-reading one file replaces exactly its events,
removing the source removes all of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from focusplan.domain import CalendarSource, CalendarSourceFile, ContextEventDraft
from focusplan.store.errors import NotFound
from focusplan.store.records import (
    CalendarSourceFileRecord,
    CalendarSourceRecord,
    ContextEventRecord,
)
from focusplan.store.repositories.times import local_time, require_storable

MAX_UID_LENGTH = 500


def source_tag(source_id: int) -> str:
    return f"cal{source_id}"


def file_prefix(source_id: int, name: str) -> str:
    """The uid prefix of the events read from one file of a source."""
    digest = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{source_tag(source_id)}:{digest}:"


def source_uid(source_id: int, name: str, uid: str | None) -> str:
    value = file_prefix(source_id, name) + (uid or "")
    if len(value) > MAX_UID_LENGTH:
        value = file_prefix(source_id, name) + hashlib.sha1(value.encode()).hexdigest()
    return value


class CalendarSourceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, path: str, at: dt.datetime) -> CalendarSource:
        require_storable(at)
        record = CalendarSourceRecord(kind="ics", path=path, added_at=at)
        self._session.add(record)
        self._session.flush()
        return self._model(record)

    def restore(self, calendar: CalendarSource) -> CalendarSource:
        """A source from a backup: its own id when that is free, as its events' uids name it."""
        require_storable(calendar.added_at)
        free = self._session.get(CalendarSourceRecord, calendar.id) is None
        record = CalendarSourceRecord(
            id=calendar.id if free else None,
            kind=calendar.kind,
            path=calendar.path,
            added_at=calendar.added_at,
            checked_at=calendar.checked_at,
            problem=calendar.problem,
        )
        self._session.add(record)
        self._session.flush()
        return self._model(record)

    def by_path(self, path: str) -> CalendarSource | None:
        record = self._session.scalar(
            select(CalendarSourceRecord).where(CalendarSourceRecord.path == path)
        )
        return None if record is None else self._model(record)

    def all(self) -> list[CalendarSource]:
        records = self._session.scalars(
            select(CalendarSourceRecord).order_by(CalendarSourceRecord.id)
        )
        return [self._model(record) for record in records]

    def get(self, source_id: int) -> CalendarSource:
        record = self._session.get(CalendarSourceRecord, source_id)
        if record is None:
            raise NotFound(f"no calendar source {source_id}")
        return self._model(record)

    def remove(self, source_id: int) -> int:
        """Delete the source and its events; returns how many events went."""
        record = self._session.get(CalendarSourceRecord, source_id)
        if record is None:
            raise NotFound(f"no calendar source {source_id}")
        gone = len(
            self._session.scalars(
                select(ContextEventRecord.id).where(
                    ContextEventRecord.source == source_tag(source_id)
                )
            ).all()
        )
        self._session.execute(
            delete(ContextEventRecord).where(ContextEventRecord.source == source_tag(source_id))
        )
        self._session.execute(
            delete(CalendarSourceFileRecord).where(CalendarSourceFileRecord.source_id == source_id)
        )
        self._session.delete(record)
        self._session.flush()
        return int(gone or 0)

    def files(self, source_id: int) -> dict[str, CalendarSourceFile]:
        records = self._session.scalars(
            select(CalendarSourceFileRecord).where(CalendarSourceFileRecord.source_id == source_id)
        )
        return {
            record.name: CalendarSourceFile(
                name=record.name,
                mtime_ns=record.mtime_ns,
                size=record.size,
                read_at=local_time(record.read_at) or record.read_at,
                events=record.events,
            )
            for record in records
        }

    def replace_file(
        self,
        source_id: int,
        stamp: CalendarSourceFile,
        events: list[ContextEventDraft],
    ) -> None:
        """Put one file's events in place of what it held before (moved events move)."""
        self._forget_events(source_id, stamp.name)
        for draft in events:
            require_storable(draft.start, draft.end)
            self._session.add(
                ContextEventRecord(
                    start_at=draft.start,
                    end_at=draft.end,
                    title=draft.title,
                    uid=source_uid(source_id, stamp.name, draft.uid),
                    source=source_tag(source_id),
                    all_day=draft.all_day,
                )
            )
        record = self._session.get(CalendarSourceFileRecord, (source_id, stamp.name))
        if record is None:
            record = CalendarSourceFileRecord(source_id=source_id, name=stamp.name)
            self._session.add(record)
        record.mtime_ns = stamp.mtime_ns
        record.size = stamp.size
        record.read_at = stamp.read_at
        record.events = len(events)
        self._session.flush()

    def drop_file(self, source_id: int, name: str) -> None:
        """A file that left the folder: its events leave the calendar."""
        self._forget_events(source_id, name)
        self._session.execute(
            delete(CalendarSourceFileRecord).where(
                CalendarSourceFileRecord.source_id == source_id,
                CalendarSourceFileRecord.name == name,
            )
        )
        self._session.flush()

    def checked(self, source_id: int, at: dt.datetime, problem: str) -> None:
        record = self._session.get(CalendarSourceRecord, source_id)
        if record is not None:
            record.checked_at = at
            record.problem = problem
            self._session.flush()

    def _forget_events(self, source_id: int, name: str) -> None:
        prefix = file_prefix(source_id, name)
        self._session.execute(
            delete(ContextEventRecord).where(
                ContextEventRecord.source == source_tag(source_id),
                func.substr(ContextEventRecord.uid, 1, len(prefix)) == prefix,
            )
        )

    def _model(self, record: CalendarSourceRecord) -> CalendarSource:
        files, events = self._session.execute(
            select(
                func.count(CalendarSourceFileRecord.name),
                func.coalesce(func.sum(CalendarSourceFileRecord.events), 0),
            ).where(CalendarSourceFileRecord.source_id == record.id)
        ).one()
        return CalendarSource.model_validate(
            {
                "id": record.id,
                "kind": record.kind,
                "path": record.path,
                "added_at": local_time(record.added_at),
                "checked_at": local_time(record.checked_at),
                "problem": record.problem,
                "files": int(files),
                "events": int(events),
            }
        )
