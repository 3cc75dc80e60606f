"""Focus sessions: at most one active at a time (principle 3)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from focusplan.domain import FocusSession
from focusplan.store.errors import NotFound, StoreError
from focusplan.store.records import FocusSessionRecord, TaskRecord
from focusplan.store.repositories.times import local_time, overlapping, require_storable


def _session_from(record: FocusSessionRecord) -> FocusSession:
    return FocusSession.model_validate(
        {
            "id": record.id,
            "task_id": record.task_id,
            "start": local_time(record.start_at),
            "end": local_time(record.end_at),
            "interrupted": record.interrupted,
        }
    )


class FocusSessionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def start(self, task_id: int, at: dt.datetime) -> FocusSession:
        """Begin a session; StoreError if one is already active (one focus at a time)."""
        require_storable(at)
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
        require_storable(at)
        record = self._active_record()
        if record is None:
            return None
        if at < record.start_at:
            raise ValueError("a focus session cannot end before it starts")
        record.end_at = at
        record.interrupted = interrupted
        self._session.flush()
        return _session_from(record)

    def record(
        self, task_id: int, start: dt.datetime, end: dt.datetime | None, interrupted: bool
    ) -> FocusSession:
        """Store a session as it happened (a backup restored), ended or still running."""
        require_storable(start, end)
        if end is None:
            return self.start(task_id, start)
        if end < start:
            raise ValueError("a focus session cannot end before it starts")
        if self._session.get(TaskRecord, task_id) is None:
            raise NotFound(f"no task {task_id}")
        record = FocusSessionRecord(
            task_id=task_id, start_at=start, end_at=end, interrupted=interrupted
        )
        self._session.add(record)
        self._session.flush()
        return _session_from(record)

    def all(self) -> list[FocusSession]:
        """Every session, by start time."""
        query = select(FocusSessionRecord).order_by(
            FocusSessionRecord.start_at, FocusSessionRecord.id
        )
        return [_session_from(record) for record in self._session.scalars(query)]

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
            .where(overlapping(FocusSessionRecord.start_at, FocusSessionRecord.end_at, start, end))
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
