"""Logging energy and reading the person's energy curve."""

from __future__ import annotations

import datetime as dt

from focusplan.domain import EnergyLog, EnergyLogDraft
from focusplan.services.source import DataSource
from focusplan.services.undo import UndoStep


def log_energy(
    source: DataSource, level: int, at: dt.datetime, note: str = ""
) -> tuple[EnergyLog, UndoStep]:
    draft = EnergyLogDraft(at=at, level=level, note=note, source="manual")
    with source.write_unit_of_work() as uow:
        log = uow.energy.add(draft)
    return log, UndoStep(
        description=f"energy {level} at {at:%H:%M}", delete_energy_id=log.id, expect_energy=log
    )


def energy_logs(
    source: DataSource, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[EnergyLog]:
    with source.read_only() as uow:
        return uow.energy.list(since=since, until=until)
