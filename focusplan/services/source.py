"""A handle on the person's database that opens SQLAlchemy only when it must.

Reading for a ranking goes through the stdlib sqlite3 snapshot (the cold `rank`
command has ~300 ms in all and SQLAlchemy alone costs most of that); writes,
migrations and non-SQLite URLs go through the full store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from focusplan.domain import Task

if TYPE_CHECKING:
    from collections.abc import Callable

    from focusplan.store import Database, UnitOfWork
    from focusplan.store.column_snapshot import RankSnapshot
    from focusplan.store.postgres import ChangeListener
    from focusplan.store.quick_plans import PlanUnitOfWork
    from focusplan.store.quick_write import QuickUnitOfWork
    from focusplan.store.snapshot import Snapshot


def __getattr__(name: str) -> object:
    # `Snapshot` is still named here for the read paths; the write commands never read
    # one, so its module (and the event and ranking models it uses) loads on first use.
    if name == "Snapshot":
        from focusplan.store.snapshot import Snapshot

        return Snapshot
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_Result = TypeVar("_Result")


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
        # Warnings for the person that are no reason to fail (a calendar folder that is
        # not there); each face shows them its own way.
        self.notices: list[str] = []

    @cached_property
    def database(self) -> Database:
        from focusplan.store import open_database

        return open_database(self.location)

    def close(self) -> None:
        """Close the full store's connections if it was opened: the last connection to
        an SQLite file checkpoints its WAL, and that should happen when the command ends,
        not whenever the garbage collector comes by."""
        database = self.__dict__.pop("database", None)
        if database is not None:
            database.close()

    def ensure_ready(self) -> None:
        """Fail now on a bad location and migrate if needed, without paying for the
        full store when the database is already current.

        A file is checked as the full store checks it on open, without reading its rows
        (at 10,000 tasks reading the whole snapshot here cost the app a third of a second
        before its first paint); a server is proven current by its quick read."""
        if self.path is not None and "?" not in self.location:
            from focusplan.store.quick_write import is_current_file

            if not is_current_file(self.path):
                self.database  # noqa: B018 - opening creates or migrates
            return
        if self._fast_snapshot() is None:
            self.database  # noqa: B018 - opening creates or migrates

    def unit_of_work(self) -> UnitOfWork:
        """A unit of work that may write: it takes the write lock when it begins."""
        return self.database.unit_of_work()

    def write_unit_of_work(self) -> UnitOfWork | QuickUnitOfWork:
        """A unit of work for the quick write commands (add, edit, done, energy).

        On an SQLite file already at the head revision it runs without SQLAlchemy
        (`store.quick_write`: the same checks, settings and locking); anywhere else, or
        once the full store is open (the app), it is `unit_of_work()`."""
        if self.path is not None and "database" not in self.__dict__ and "?" not in self.location:
            from focusplan.store.quick_write import open_quick

            quick = open_quick(self.path)
            if quick is not None:
                return quick
        return self.unit_of_work()

    def plan_unit_of_work(self) -> UnitOfWork | PlanUnitOfWork:
        """A unit of work that stores day plans: without SQLAlchemy where
        `write_unit_of_work` goes without it (`store.quick_plans`), else `unit_of_work()`."""
        if self.path is not None and "database" not in self.__dict__ and "?" not in self.location:
            from focusplan.store.quick_plans import open_plan_unit_of_work

            quick = open_plan_unit_of_work(self.path)
            if quick is not None:
                return quick
        return self.unit_of_work()

    def read_only(self) -> UnitOfWork:
        """A unit of work for actions that only look: it never waits for the write lock,
        so a screen refreshing while a long import writes is not held up by it."""
        return self.database.unit_of_work(read_only=True)

    def _fast_snapshot(self, sessions_since: dt.datetime | None = None) -> Snapshot | None:
        """The stdlib read of a current SQLite file, or None when the full store is needed."""
        if self.path is None:
            return self._server_snapshot(sessions_since)
        if not self.path.is_file():
            return None  # the full store creates it, or says why it cannot be a database
        from focusplan.store.snapshot import SchemaBehind, read_snapshot

        try:
            return read_snapshot(self.path, sessions_since)
        except SchemaBehind:
            return None  # migrating needs the full store

    def change_listener(self) -> ChangeListener | None:
        """What hears other machines' writes on a PostgreSQL server (None elsewhere)."""
        from focusplan.store.postgres import ChangeListener, is_postgres_location

        return ChangeListener(self.location) if is_postgres_location(self.location) else None

    def _server_snapshot(self, sessions_since: dt.datetime | None) -> Snapshot | None:
        """The psycopg-only read of a current PostgreSQL database (None for other URLs)."""
        from focusplan.store.postgres import is_postgres_location

        if not is_postgres_location(self.location):
            return None
        from focusplan.store.snapshot import SchemaBehind, read_server_snapshot

        try:
            return read_server_snapshot(self.location, sessions_since)
        except SchemaBehind:
            return None

    def ranking_read(
        self,
        at: dt.datetime,
        window: tuple[dt.datetime, dt.datetime],
        use: Callable[[RankSnapshot], _Result],
    ) -> _Result | None:
        """`use` on the column read of a current SQLite file for a ranking at `at`
        (`store.column_snapshot`: the open tasks without a model each, events and
        sessions over `window` as `snapshot` reads them); None where `snapshot` is needed."""
        if self.path is None or not self.path.is_file():
            return None
        from focusplan import clock
        from focusplan.services.calendar_sources import refresh_calendars
        from focusplan.store.column_snapshot import read_rank_snapshot
        from focusplan.store.snapshot import SchemaBehind

        refresh_calendars(self, clock.now())
        try:
            return read_rank_snapshot(self.path, clock.local_zone(), at, window, use)
        except SchemaBehind:
            return None

    def tasks(self) -> list[Task]:
        """Every task, through the quick read when it can be used."""
        fast = self._fast_snapshot()
        if fast is not None:
            return fast.tasks
        with self.read_only() as uow:
            return uow.tasks.list()

    def snapshot(self, events_from: dt.datetime, events_to: dt.datetime) -> Snapshot:
        """A consistent read of tasks, energy, weights, the active session, and the events
        and focus sessions overlapping [events_from, events_to).

        Live calendar sources that changed are read again first (calendar_sources)."""
        from focusplan import clock
        from focusplan.services.calendar_sources import refresh_calendars
        from focusplan.store.snapshot import Snapshot

        refresh_calendars(self, clock.now())
        fast = self._fast_snapshot(events_from)
        if fast is not None:
            events = [e for e in fast.events if e.end > events_from and e.start < events_to]
            sessions = [s for s in fast.sessions if s.start < events_to]
            return replace(fast, events=events, sessions=sessions)
        with self.read_only() as uow:
            return Snapshot(
                tasks=uow.tasks.list(),
                energy=uow.energy.list(),
                weights=uow.weights.active(),
                active_session=uow.sessions.active(),
                events=uow.events.between(events_from, events_to),
                sessions=uow.sessions.between(events_from, events_to),
                sleep=uow.days.sleep_hours(),
            )
