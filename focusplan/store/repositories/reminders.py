"""Reminders that went out, so that no moment is announced twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from focusplan.domain import Reminder, SentReminder
from focusplan.store.records import ReminderSentRecord
from focusplan.store.repositories.times import local_time, require_storable


def _sent_from(record: ReminderSentRecord) -> SentReminder:
    return SentReminder.model_validate(
        {
            "key": record.key,
            "kind": record.kind,
            "due_at": local_time(record.due_at),
            "title": record.title,
            "body": record.body,
            "sent_at": local_time(record.sent_at),
            "channel": record.channel,
        }
    )


class ReminderRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def sent_keys(self, keys: list[str]) -> set[str]:
        """Which of `keys` were already sent."""
        if not keys:
            return set()
        query = select(ReminderSentRecord.key).where(ReminderSentRecord.key.in_(keys))
        return set(self._session.scalars(query))

    def record(self, reminder: Reminder, sent_at: dt.datetime, channel: str) -> SentReminder:
        require_storable(reminder.due_at, sent_at)
        record = ReminderSentRecord(
            key=reminder.key,
            kind=reminder.kind,
            due_at=reminder.due_at,
            sent_at=sent_at,
            title=reminder.title,
            body=reminder.body,
            channel=channel,
        )
        self._session.add(record)
        self._session.flush()
        return _sent_from(record)

    def set_channel(self, key: str, channel: str) -> None:
        record = self._session.scalar(
            select(ReminderSentRecord).where(ReminderSentRecord.key == key)
        )
        if record is not None:
            record.channel = channel
            self._session.flush()

    def since(self, start: dt.datetime) -> list[SentReminder]:
        query = (
            select(ReminderSentRecord)
            .where(ReminderSentRecord.sent_at >= start)
            .order_by(ReminderSentRecord.sent_at, ReminderSentRecord.id)
        )
        return [_sent_from(record) for record in self._session.scalars(query)]
