"""Focus sessions: one at a time (principle 3, avoid dispersion)."""

from __future__ import annotations

import datetime as dt

from focusplan.domain import DomainModel, FocusSession, Task
from focusplan.services.errors import InvalidInput
from focusplan.services.source import DataSource
from focusplan.services.tasks import _choice_for, complete_in
from focusplan.services.undo import UndoStep


class FocusStart(DomainModel):
    session: FocusSession
    task: Task
    undo: UndoStep


class FocusStop(DomainModel):
    """The session that ended; with "done", the completed task; how to undo what happened."""

    session: FocusSession
    completed: Task | None
    undo: UndoStep | None


def active_session(source: DataSource) -> FocusSession | None:
    with source.read_only() as uow:
        return uow.sessions.active()


def start_focus(source: DataSource, task_id: int, at: dt.datetime) -> FocusStart:
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
        choice = _choice_for(uow, task_id, at, "focus")
        if choice is not None:
            uow.choices.add(choice)
    step = UndoStep(
        description=f"focus on '{task.title}'",
        delete_session_id=session.id,
        delete_choice=(task_id, at.isoformat()) if choice else None,
        expect_session=session,
    )
    return FocusStart(session=session, task=task, undo=step)


def stop_focus(
    source: DataSource, at: dt.datetime, *, done: bool = False, interrupted: bool = False
) -> FocusStop:
    """Stop the running session; with `done` the task is completed by `complete_in`, the
    same function `done` uses, so both record the session's minutes the same way."""
    with source.unit_of_work() as uow:
        current = uow.sessions.active()
        if current is None:
            raise InvalidInput("no focus session is running")
        if done and uow.tasks.get(current.task_id).status == "open":
            completion = complete_in(uow, current.task_id, at, interrupted=interrupted)
            assert completion.stopped_session is not None
            return FocusStop(
                session=completion.stopped_session,
                completed=completion.task,
                undo=completion.undo,
            )
        stopped = uow.sessions.stop(at, interrupted=interrupted)
        assert stopped is not None
    return FocusStop(session=stopped, completed=None, undo=None)
