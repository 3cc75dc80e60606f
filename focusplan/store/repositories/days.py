"""Day context: sleep and notes per date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from focusplan.domain import DayContext
from focusplan.store.records import DayContextRecord


class DayContextRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, day: dt.date) -> DayContext | None:
        record = self._session.get(DayContextRecord, day)
        if record is None:
            return None
        return DayContext(date=record.date, sleep_hours=record.sleep_hours, notes=record.notes)

    def sleep_hours(self) -> dict[dt.date, float]:
        """Every day's recorded sleep (the night that ended that day), by date."""
        query = select(DayContextRecord.date, DayContextRecord.sleep_hours).where(
            DayContextRecord.sleep_hours.is_not(None)
        )
        return {day: hours for day, hours in self._session.execute(query) if hours is not None}

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

    def all(self) -> list[DayContext]:
        """Every day's context, by date."""
        query = select(DayContextRecord).order_by(DayContextRecord.date)
        return [
            DayContext(date=record.date, sleep_hours=record.sleep_hours, notes=record.notes)
            for record in self._session.scalars(query)
        ]
