"""Energy logs: how the person felt, when."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from focusplan.domain import EnergyLog, EnergyLogDraft
from focusplan.store.errors import NotFound
from focusplan.store.records import EnergyLogRecord
from focusplan.store.repositories.times import local_time, query_bound, require_storable


def _energy_from(record: EnergyLogRecord) -> EnergyLog:
    return EnergyLog.model_validate(
        {
            "id": record.id,
            "at": local_time(record.at),
            "level": record.level,
            "note": record.note,
            "source": record.source,
        }
    )


class EnergyLogRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, draft: EnergyLogDraft) -> EnergyLog:
        require_storable(draft.at)
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
            query = query.where(EnergyLogRecord.at >= query_bound(since, "since"))
        if until is not None:
            query = query.where(EnergyLogRecord.at <= query_bound(until, "until"))
        return [_energy_from(record) for record in self._session.scalars(query)]
