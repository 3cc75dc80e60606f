"""Task actions: add, edit, complete, drop, reopen, list, and undoing them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from focusplan.domain import Choice, ChoiceKind, NewTask, Task, TaskPatch
from focusplan.services.errors import InvalidInput
from focusplan.services.source import DataSource
from focusplan.services.undo import UndoStep


def add_task(source: DataSource, task: NewTask) -> tuple[Task, UndoStep]:
    with source.unit_of_work() as uow:
        created = uow.tasks.add(task)
    return created, UndoStep(description=f"add '{created.title}'", delete_task_id=created.id)


def edit_task(source: DataSource, task_id: int, patch: TaskPatch) -> tuple[Task, UndoStep]:
    with source.unit_of_work() as uow:
        before = uow.tasks.get(task_id)
        after = uow.tasks.update(task_id, patch)
    return after, UndoStep(description=f"edit '{before.title}'", restore_task=before)


def complete_task(
    source: DataSource, task_id: int, at: dt.datetime, minutes: int | None = None
) -> tuple[Task, UndoStep]:
    """Mark done at `at`; the work is a choice made at `at - minutes` among what was eligible."""
    with source.unit_of_work() as uow:
        before = uow.tasks.get(task_id)
        if before.status == "done":
            raise InvalidInput(f"task {task_id} is already done")
        done = uow.tasks.complete(task_id, at, minutes)
        # Without the minutes it took, the estimate is our best guess of when work began.
        spent = minutes if minutes is not None else before.estimate_minutes
        chosen_at = at - dt.timedelta(minutes=spent)
        choice = _choice_for(uow.tasks.list(), task_id, chosen_at, "completion")
        if choice is not None:
            uow.choices.add(choice)
    step = UndoStep(
        description=f"complete '{before.title}'",
        restore_task=before,
        delete_choice=(task_id, chosen_at.isoformat()) if choice else None,
    )
    return done, step


def drop_task(source: DataSource, task_id: int, at: dt.datetime) -> tuple[Task, UndoStep]:
    with source.unit_of_work() as uow:
        before = uow.tasks.get(task_id)
        dropped = uow.tasks.drop(task_id, at)
    return dropped, UndoStep(description=f"drop '{before.title}'", restore_task=before)


def reopen_task(source: DataSource, task_id: int) -> tuple[Task, UndoStep]:
    with source.unit_of_work() as uow:
        before = uow.tasks.get(task_id)
        reopened = uow.tasks.reopen(task_id)
    return reopened, UndoStep(description=f"reopen '{before.title}'", restore_task=before)


def list_tasks(source: DataSource, statuses: Collection[str] | None = ("open",)) -> list[Task]:
    """Tasks in id order, optionally only some statuses."""
    tasks = source.tasks()
    return tasks if statuses is None else [task for task in tasks if task.status in statuses]


def get_task(source: DataSource, task_id: int) -> Task:
    with source.read_only() as uow:
        return uow.tasks.get(task_id)


def undo(source: DataSource, step: UndoStep) -> None:
    """Reverse one action, in one transaction."""
    with source.unit_of_work() as uow:
        if step.delete_choice is not None:
            task_id, at = step.delete_choice
            uow.choices.delete(task_id, dt.datetime.fromisoformat(at))
        if step.delete_session_id is not None:
            uow.sessions.delete(step.delete_session_id)
        if step.delete_task_id is not None:
            uow.tasks.delete(step.delete_task_id)
        if step.restore_task is not None:
            uow.tasks.restore(step.restore_task)
        if step.delete_energy_id is not None:
            uow.energy.delete(step.delete_energy_id)
        if step.activate_weights is not None:
            uow.weights.activate(step.activate_weights)


def _choice_for(
    tasks: list[Task], task_id: int, at: dt.datetime, kind: ChoiceKind
) -> Choice | None:
    """The choice of `task_id` among the tasks eligible at `at`, if it was one of them."""
    from focusplan.attention.ranking import eligible_tasks

    # The chosen task was being worked on, so judge eligibility as if still open then.
    candidates = [t.id for t in eligible_tasks(tasks, at)]
    if task_id not in candidates:
        return None
    return Choice(at=at, task_id=task_id, candidates=tuple(candidates), kind=kind)
