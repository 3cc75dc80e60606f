"""A handle on the person's database that opens SQLAlchemy only when it must.

Reading for a ranking goes through the stdlib sqlite3 snapshot (the cold `rank`
command has ~300 ms in all and SQLAlchemy alone costs most of that); writes,
migrations and non-SQLite URLs go through the full store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from focusplan.domain import ContextEvent, EnergyLog, FocusSession, Task, WeightsVersion

if TYPE_CHECKING:
    from focusplan.store import Database, UnitOfWork


@dataclass(frozen=True)
class Snapshot:
    """Everything the ranking needs, read in one transaction."""

    tasks: list[Task]
    energy: list[EnergyLog]
    weights: WeightsVersion
    active_session: FocusSession | None
    events: list[ContextEvent] = field(default_factory=list)


def sqlite_file(location: str) -> Path | None:
    """The file behind a plain path or a `sqlite:///` URL; None for other URLs."""
    if location.startswith("sqlite:///"):
        rest = location.removeprefix("sqlite:///")
        return None if rest in ("", ":memory:") else Path(rest)
    if "://" in location:
        return None
    return Path(location)


class DataSource:
    """The person's database, named by a path or an SQLAlchemy URL."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.path = sqlite_file(location)

    @cached_property
    def database(self) -> Database:
        from focusplan.store import open_database

        return open_database(self.location)

    def unit_of_work(self) -> UnitOfWork:
        return self.database.unit_of_work()

    def snapshot(self, events_from: dt.datetime, events_to: dt.datetime) -> Snapshot:
        """A consistent read of tasks, energy, weights, the active session and nearby events."""
        if self.path is not None and self.path.exists():
            from focusplan.store.snapshot import SchemaBehind, read_snapshot

            try:
                snap = read_snapshot(self.path)
            except SchemaBehind:
                pass  # migrating needs the full store; fall through
            else:
                events = [e for e in snap.events if e.end > events_from and e.start < events_to]
                return Snapshot(
                    tasks=snap.tasks,
                    energy=snap.energy,
                    weights=snap.weights,
                    active_session=snap.active_session,
                    events=events,
                )
        with self.unit_of_work() as uow:
            return Snapshot(
                tasks=uow.tasks.list(),
                energy=uow.energy.list(),
                weights=uow.weights.active(),
                active_session=uow.sessions.active(),
                events=uow.events.between(events_from, events_to),
            )
