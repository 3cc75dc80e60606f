"""Focus sessions: one at a time (principle 3, avoid dispersion)."""

from __future__ import annotations

import datetime as dt

from focusplan.domain import FocusSession, Task
from focusplan.services.errors import InvalidInput
from focusplan.services.source import DataSource
from focusplan.services.tasks import _choice_for
from focusplan.services.undo import UndoStep


def active_session(source: DataSource) -> FocusSession | None:
    with source.read_only() as uow:
        return uow.sessions.active()


def start_focus(source: DataSource, task_id: int, at: dt.datetime) -> tuple[FocusSession, UndoStep]:
    """Start a session on an open task; starting is a choice among what was eligible."""
    with source.unit_of_work() as uow:
        task = uow.tasks.get(task_id)
        if task.status != "open":
            raise InvalidInput(f"task {task_id} is {task.status}, not open")
        current = uow.sessions.active()
        if current is not None:
            raise InvalidInput(
                f"a focus session on task {current.task_id} is already running; stop it first"
            )
        session = uow.sessions.start(task_id, at)
        choice = _choice_for(uow.tasks.list(), task_id, at, "focus")
        if choice is not None:
            uow.choices.add(choice)
    return session, UndoStep(
        description=f"focus on '{task.title}'",
        delete_session_id=session.id,
        delete_choice=(task_id, at.isoformat()) if choice else None,
    )


def stop_focus(
    source: DataSource, at: dt.datetime, *, done: bool = False, interrupted: bool = False
) -> tuple[FocusSession, Task | None]:
    """Stop the running session; with `done` the task is completed with the session's minutes."""
    with source.unit_of_work() as uow:
        current = uow.sessions.active()
        if current is None:
            raise InvalidInput("no focus session is running")
        stopped = uow.sessions.stop(at, interrupted=interrupted)
        assert stopped is not None
        completed = None
        if done:
            task = uow.tasks.get(current.task_id)
            if task.status == "open":
                minutes = round(stopped.minutes(at)) + (task.actual_minutes or 0)
                completed = uow.tasks.complete(task.id, at, minutes)
    return stopped, completed
