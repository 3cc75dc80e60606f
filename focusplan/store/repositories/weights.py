"""Weights versions: exactly one active; older ones kept for rollback."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from focusplan.domain import WeightsVersion
from focusplan.store.errors import NotFound, StoreError
from focusplan.store.records import WeightVersionRecord
from focusplan.store.repositories.times import local_time, require_storable


def _weights_from(record: WeightVersionRecord) -> WeightsVersion:
    return WeightsVersion.model_validate(
        {
            "version": record.version,
            "params": dict(record.params),
            "created_at": local_time(record.created_at),
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
        require_storable(at)
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

    def restore_history(self, versions: list[WeightsVersion]) -> None:
        """Replace the whole history with `versions` as they were (a backup restored into a
        database that has only its defaults): same numbers, times, reasons, active flag."""
        if sum(version.active for version in versions) != 1:
            raise ValueError("a weights history needs exactly one active version")
        for version in versions:
            require_storable(version.created_at)
        self._session.execute(
            delete(WeightVersionRecord).execution_options(synchronize_session="fetch")
        )
        self._session.flush()
        for version in sorted(versions, key=lambda v: v.version):
            self._session.add(
                WeightVersionRecord(
                    version=version.version,
                    params={name: float(value) for name, value in version.params.items()},
                    created_at=version.created_at,
                    reason=version.reason,
                    active=version.active,
                )
            )
        self._session.flush()

    def _deactivate_all(self) -> None:
        # Clear the flag first and flush, so the one-active unique index never sees two.
        self._session.execute(
            update(WeightVersionRecord)
            .where(WeightVersionRecord.active.is_(True))
            .values(active=False)
            .execution_options(synchronize_session="fetch")
        )
        self._session.flush()
