"""Task actions: add, edit, complete, drop, reopen, list, and undoing them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

from focusplan.domain import Choice, ChoiceKind, DomainModel, FocusSession, NewTask, Task, TaskPatch
from focusplan.services.errors import InvalidInput
from focusplan.services.source import DataSource
from focusplan.services.undo import UndoStep, require_unchanged

if TYPE_CHECKING:
    from focusplan.store import UnitOfWork
    from focusplan.store.quick_write import QuickUnitOfWork

    # What the actions below run in: the full store's unit of work, or on a current
    # SQLite file the quick one (`DataSource.write_unit_of_work`), which has the
    # repository methods these actions call.
    WriteUnit = UnitOfWork | QuickUnitOfWork


class Completion(DomainModel):
    """A completed task, the focus session that ended with it, and how to undo both."""

    task: Task
    stopped_session: FocusSession | None
    undo: UndoStep
    # The next instance of a repeating task, created by this completion (undo removes it).
    next_instance: Task | None = None


def add_task(source: DataSource, task: NewTask) -> tuple[Task, UndoStep]:
    with source.write_unit_of_work() as uow:
        created = uow.tasks.add(_starting_series(task))
    return created, UndoStep(
        description=f"add '{created.title}'", delete_task_id=created.id, expect_task=created
    )


def edit_task(source: DataSource, task_id: int, patch: TaskPatch) -> tuple[Task, UndoStep]:
    with source.write_unit_of_work() as uow:
        before = uow.tasks.get(task_id)
        after = uow.tasks.update(task_id, patch)
        after = _series_after_edit(uow, before, after)
    return after, UndoStep(
        description=f"edit '{before.title}'", restore_task=before, expect_task=after
    )


def complete_task(
    source: DataSource, task_id: int, at: dt.datetime, minutes: int | None = None
) -> Completion:
    """Mark done at `at`; a focus session running on the task ends with it, in one transaction.

    Whichever face completes the task, the session and the task agree afterwards.
    """
    with source.write_unit_of_work() as uow:
        return complete_in(uow, task_id, at, minutes)


def complete_in(
    uow: WriteUnit,
    task_id: int,
    at: dt.datetime,
    minutes: int | None = None,
    *,
    interrupted: bool = False,
) -> Completion:
    """Complete inside an open unit of work (also what stopping a session with "done" does).

    Without `minutes`, a session that ends here says how long it took (added to
    minutes recorded before); without either, the estimate is our best guess of
    when the work began, which is when the choice was made.
    """
    before = uow.tasks.get(task_id)
    if before.status == "done":
        raise InvalidInput(f"task {task_id} is already done")
    running = uow.sessions.active()
    stopped = None
    if running is not None and running.task_id == task_id:
        stopped = uow.sessions.stop(at, interrupted=interrupted)
    if minutes is None and stopped is not None:
        minutes = round(stopped.minutes(at)) + (before.actual_minutes or 0)
    done = uow.tasks.complete(task_id, at, minutes)
    following = _next_instance_in(uow, done, at)
    choice = None
    if stopped is None:
        # A session's start already recorded the choice of this task.
        spent = minutes if minutes is not None else before.estimate_minutes
        choice = _choice_for(uow, task_id, at - dt.timedelta(minutes=spent), "completion")
        if choice is not None:
            uow.choices.add(choice)
    step = UndoStep(
        description=f"complete '{before.title}'",
        restore_task=before,
        resume_session=running if stopped is not None else None,
        delete_choice=(task_id, choice.at.isoformat()) if choice is not None else None,
        delete_task_id=following.id if following is not None else None,
        expect_task=done,
        expect_next=following,
        expect_session=stopped,
    )
    return Completion(task=done, stopped_session=stopped, undo=step, next_instance=following)


def drop_task(source: DataSource, task_id: int, at: dt.datetime) -> tuple[Task, UndoStep]:
    with source.unit_of_work() as uow:
        before = uow.tasks.get(task_id)
        if before.status == "dropped":
            raise InvalidInput(f"task {task_id} is already dropped")
        dropped = uow.tasks.drop(task_id, at)
        following = _next_instance_in(uow, dropped, at)
    return dropped, UndoStep(
        description=f"drop '{before.title}'",
        restore_task=before,
        delete_task_id=following.id if following is not None else None,
        expect_task=dropped,
        expect_next=following,
    )


def reopen_task(source: DataSource, task_id: int) -> tuple[Task, UndoStep]:
    with source.unit_of_work() as uow:
        before = uow.tasks.get(task_id)
        if before.status == "open":
            raise InvalidInput(f"task {task_id} is already open")
        _refuse_second_open_instance(uow, before)
        reopened = uow.tasks.reopen(task_id)
    return reopened, UndoStep(
        description=f"reopen '{before.title}'", restore_task=before, expect_task=reopened
    )


def list_tasks(source: DataSource, statuses: Collection[str] | None = ("open",)) -> list[Task]:
    """Tasks in id order, optionally only some statuses."""
    tasks = source.tasks()
    return tasks if statuses is None else [task for task in tasks if task.status in statuses]


def get_task(source: DataSource, task_id: int) -> Task:
    with source.read_only() as uow:
        return uow.tasks.get(task_id)


def undo(source: DataSource, step: UndoStep) -> None:
    """Reverse one action, in one transaction, if nothing it reverses changed since.

    UndoConflict (invalid input: exit 2, nothing written) says what changed instead.
    """
    with source.unit_of_work() as uow:
        require_unchanged(uow, step)
        if step.delete_choice is not None:
            task_id, at = step.delete_choice
            uow.choices.delete(task_id, dt.datetime.fromisoformat(at))
        if step.delete_session_id is not None:
            uow.sessions.delete(step.delete_session_id)
        if step.delete_task_id is not None:
            uow.tasks.delete(step.delete_task_id)
        if step.restore_task is not None:
            uow.tasks.restore(step.restore_task)
        if step.resume_session is not None:
            # The stopped session goes, and one from the same start runs again.
            uow.sessions.delete(step.resume_session.id)
            uow.sessions.start(step.resume_session.task_id, step.resume_session.start)
        if step.delete_energy_id is not None:
            uow.energy.delete(step.delete_energy_id)
        if step.activate_weights is not None:
            uow.weights.activate(step.activate_weights)


def _choice_for(uow: WriteUnit, task_id: int, at: dt.datetime, kind: ChoiceKind) -> Choice | None:
    """The choice of `task_id` among the tasks eligible at `at`, if it was one of them."""
    # The chosen task was being worked on, so judge eligibility as if still open then.
    candidates = uow.tasks.eligible_ids(at)
    if task_id not in candidates:
        return None
    return Choice(at=at, task_id=task_id, candidates=tuple(candidates), kind=kind)


# --- repeating tasks ----------------------------------------------------------------------------


def _starting_series(task: NewTask) -> NewTask:
    """A new repeating task starts its own series, counted from its due (or not-before)."""
    if task.recur is None or task.series_id is not None:
        return task
    return task.model_copy(
        update={"series_id": _new_series_id(), "recur_anchor": task.due or task.not_before}
    )


def _new_series_id() -> str:
    import uuid

    return uuid.uuid4().hex


def _series_after_edit(uow: WriteUnit, before: Task, after: Task) -> Task:
    """A rule given to a one-off task starts a series; a changed rule counts from the due now.

    Stopping a series (`recur` emptied) keeps `series_id`: the instances done so far stay
    one series in the review.
    """
    if after.recur is None or (after.recur == before.recur and after.series_id is not None):
        return after
    return uow.tasks.set_series(
        after.id, after.series_id or _new_series_id(), after.due or after.not_before
    )


def _next_instance_in(uow: WriteUnit, closed: Task, at: dt.datetime) -> Task | None:
    """Store the instance that follows `closed` (just completed or dropped at `at`), if any.

    None for a one-off task, after the series' `until`, or while another instance of the
    series is open (one open instance at a time).
    """
    if closed.recur is None:
        return None
    from focusplan import clock
    from focusplan.recurrence import next_dates, parse_rule

    latest = closed
    if closed.series_id is not None:
        instances = uow.tasks.series(closed.series_id)
        if any(other.status == "open" and other.id != closed.id for other in instances):
            return None
        # "After the previous due" is after the series' latest date: an import may bring
        # several instances (Taskwarrior makes every missed one), closed in any order.
        latest = max(instances, key=_series_position, default=closed)
    dates = next_dates(
        parse_rule(closed.recur),
        recur_from=closed.recur_from,
        due=latest.due,
        not_before=latest.not_before,
        anchor=closed.recur_anchor,
        until=closed.recur_until,
        closed_at=at,
        zone=clock.local_zone(),
    )
    if dates is None:
        return None
    carried = closed.model_dump(
        include={
            "title",
            "notes",
            "importance",
            "demand",
            "estimate_minutes",
            "project",
            "tags",
            "window",
            "depends_on",
            "recur",
            "recur_from",
            "recur_until",
        }
    )
    following = NewTask(
        **carried,
        due=dates.due,
        not_before=dates.not_before,
        created_at=at,
        series_id=closed.series_id or _new_series_id(),
        recur_anchor=dates.anchor,
    )
    return uow.tasks.add(following)


def _series_position(task: Task) -> tuple[dt.datetime, int]:
    moment = task.due or task.not_before or task.created_at
    return moment, task.id


def _refuse_second_open_instance(uow: UnitOfWork, task: Task) -> None:
    if task.series_id is None or task.recur is None:
        return
    for other in uow.tasks.series(task.series_id):
        if other.status == "open" and other.id != task.id:
            raise InvalidInput(
                f"task {other.id} is the open instance of this repeating task; "
                f"drop it (or undo the completion) before reopening task {task.id}"
            )
