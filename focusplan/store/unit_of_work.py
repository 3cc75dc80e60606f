"""One user action = one unit of work = one session = one transaction."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from focusplan.store.errors import StoreError
from focusplan.store.repositories import (
    ChoiceRepository,
    DayContextRepository,
    EnergyLogRepository,
    EventRepository,
    FocusSessionRepository,
    PlanRepository,
    TaskRepository,
    WeightsRepository,
)


class UnitOfWork:
    """`with db.unit_of_work() as uow:` commits on a clean exit and rolls back on an exception.

    The repositories exist only inside the `with` block; what they return are
    pydantic models, still valid after the block ends.
    """

    tasks: TaskRepository
    energy: EnergyLogRepository
    events: EventRepository
    days: DayContextRepository
    sessions: FocusSessionRepository
    weights: WeightsRepository
    choices: ChoiceRepository
    plans: PlanRepository

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._session: Session | None = None

    def __enter__(self) -> Self:
        if self._session is not None:
            raise StoreError("a unit of work cannot be entered twice")
        session = self._sessions()
        self._session = session
        self.tasks = TaskRepository(session)
        self.energy = EnergyLogRepository(session)
        self.events = EventRepository(session)
        self.days = DayContextRepository(session)
        self.sessions = FocusSessionRepository(session)
        self.weights = WeightsRepository(session)
        self.choices = ChoiceRepository(session)
        self.plans = PlanRepository(session)
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
            if exc_type is None:
                session.commit()
            else:
                session.rollback()
        except DBAPIError as error:
            session.rollback()
            raise _one_line(error) from error
        finally:
            session.close()
        if isinstance(exc, DBAPIError):
            # A constraint or lock error surfaced mid-action: one line for the person, not SQL.
            raise _one_line(exc) from exc

    def flush(self) -> None:
        """Send pending writes now (ids, constraint errors) without ending the transaction."""
        if self._session is None:
            raise StoreError("the unit of work is not open")
        self._session.flush()


def _one_line(error: DBAPIError) -> StoreError:
    if isinstance(error, IntegrityError):
        return StoreError(f"the database refused the change: {error.orig}")
    return StoreError(f"the database could not do it: {error.orig}")
