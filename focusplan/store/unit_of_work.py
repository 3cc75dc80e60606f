"""One user action = one unit of work = one session = one transaction."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from focusplan.store.errors import ReadOnly, Refused, StoreError, error_from_sqlite
from focusplan.store.repositories import (
    CalendarSourceRepository,
    ChoiceRepository,
    DayContextRepository,
    EnergyLogRepository,
    EventRepository,
    FocusSessionRepository,
    PlanRepository,
    ReminderRepository,
    TaskRepository,
    WeightsRepository,
)


class UnitOfWork:
    """`with db.unit_of_work() as uow:` commits on a clean exit and rolls back on an exception.

    The repositories exist only inside the `with` block; what they return are
    pydantic models, still valid after the block ends.

    A read-only unit of work (`read_only=True`, made by `Database.unit_of_work`)
    refuses every write with StoreError before it reaches the database, and rolls
    back at exit whatever happened: nothing it did can ever be committed.
    """

    tasks: TaskRepository
    energy: EnergyLogRepository
    events: EventRepository
    days: DayContextRepository
    sessions: FocusSessionRepository
    weights: WeightsRepository
    choices: ChoiceRepository
    plans: PlanRepository
    reminders: ReminderRepository
    calendars: CalendarSourceRepository

    def __init__(
        self, sessions: sessionmaker[Session], *, read_only: bool = False, path: Path | None = None
    ) -> None:
        self._sessions = sessions
        self._session: Session | None = None
        self.read_only = read_only
        # The SQLite file, so that an error can name it and say how to recover it.
        self._path = path

    def __enter__(self) -> Self:
        if self._session is not None:
            raise StoreError("a unit of work cannot be entered twice")
        session = self._sessions()
        if self.read_only:
            _refuse_writes(session)
        self._session = session
        self.tasks = TaskRepository(session)
        self.energy = EnergyLogRepository(session)
        self.events = EventRepository(session)
        self.days = DayContextRepository(session)
        self.sessions = FocusSessionRepository(session)
        self.weights = WeightsRepository(session)
        self.choices = ChoiceRepository(session)
        self.plans = PlanRepository(session)
        self.reminders = ReminderRepository(session)
        self.calendars = CalendarSourceRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self._session
        if session is None:
            return
        try:
            if exc_type is None and not self.read_only:
                session.commit()
            else:
                session.rollback()
        except DBAPIError as error:
            session.rollback()
            raise self._one_line(error) from error
        finally:
            session.close()
        if isinstance(exc, DBAPIError):
            # A constraint or lock error surfaced mid-action: one line for the person, not SQL.
            raise self._one_line(exc) from exc

    def _one_line(self, error: DBAPIError) -> StoreError:
        if type(error.orig).__module__.startswith("psycopg"):
            return _server_one_line(error)
        if isinstance(error, IntegrityError):  # any backend: the change broke a rule
            return Refused(f"the database refused the change: {error.orig}")
        verb = "read" if self.read_only else "write"
        return error_from_sqlite(error.orig, self._path, verb=verb)

    def flush(self) -> None:
        """Send pending writes now (ids, constraint errors) without ending the transaction."""
        if self._session is None:
            raise StoreError("the unit of work is not open")
        if self.read_only:
            raise ReadOnly()
        self._session.flush()


def _refuse_writes(session: Session) -> None:
    # Both ways a repository writes: flushing ORM objects, and table-level statements.
    @event.listens_for(session, "before_flush")
    def _no_flush(_session: Session, _context: Any, _instances: Any) -> None:
        raise ReadOnly()

    @event.listens_for(session, "do_orm_execute")
    def _no_statement(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            raise ReadOnly()


def _server_one_line(error: DBAPIError) -> StoreError:
    from focusplan.store import postgres

    if postgres.is_connection_error(error):
        return postgres.unavailable(error)
    # PostgreSQL adds DETAIL and HINT lines under the message; the person gets the message.
    reason = next(iter(str(error.orig).strip().splitlines()), "")
    if isinstance(error, IntegrityError):
        return Refused(f"the database refused the change: {reason}")
    return StoreError(f"the database could not do it: {reason}")
