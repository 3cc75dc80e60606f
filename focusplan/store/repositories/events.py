"""Calendar events (context the ranking and the planner work around)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from focusplan.domain import ContextEvent, ContextEventDraft
from focusplan.store.errors import NotFound
from focusplan.store.records import Base, ContextEventRecord
from focusplan.store.repositories.times import local_time, overlapping, require_storable

_EVENTS: Table = Base.metadata.tables[ContextEventRecord.__tablename__]


def _event_from(record: ContextEventRecord) -> ContextEvent:
    return ContextEvent.model_validate(
        {
            "id": record.id,
            "start": local_time(record.start_at),
            "end": local_time(record.end_at),
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
        require_storable(draft.start, draft.end)
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

    def add_many(self, drafts: Sequence[ContextEventDraft]) -> None:
        """Insert new events in one statement (imports): none of their uids may be stored
        yet, nor appear twice among them (UNIQUE refuses it)."""
        if not drafts:
            return
        for draft in drafts:
            require_storable(draft.start, draft.end)
        self._session.flush()  # after whatever the session still holds
        self._session.execute(
            insert(_EVENTS),
            [
                {
                    "start_at": draft.start,
                    "end_at": draft.end,
                    "title": draft.title,
                    "uid": draft.uid,
                    "source": draft.source,
                    "all_day": draft.all_day,
                }
                for draft in drafts
            ],
        )

    def between(self, start: dt.datetime, end: dt.datetime) -> list[ContextEvent]:
        """Events overlapping [start, end), by start time."""
        query = (
            select(ContextEventRecord)
            .where(overlapping(ContextEventRecord.start_at, ContextEventRecord.end_at, start, end))
            .order_by(ContextEventRecord.start_at, ContextEventRecord.id)
        )
        return [_event_from(record) for record in self._session.scalars(query)]

    def all(self) -> list[ContextEvent]:
        """Every event of any date, by start time."""
        query = select(ContextEventRecord).order_by(
            ContextEventRecord.start_at, ContextEventRecord.id
        )
        return [_event_from(record) for record in self._session.scalars(query)]

    def delete(self, event_id: int) -> None:
        record = self._session.get(ContextEventRecord, event_id)
        if record is None:
            raise NotFound(f"no event {event_id}")
        self._session.delete(record)
        self._session.flush()
