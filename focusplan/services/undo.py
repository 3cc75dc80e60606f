"""Undo of the last change: each mutating action returns the step that reverses it.

A step also remembers what its action left behind (`expect_*`). Undo applies only
while the rows are still exactly that: the app can sit on an undo step for hours
while the CLI, a second app or an import writes to the same file, and undoing
"mark done" must never quietly revert an edit made since. When the rows differ,
undo says what changed and writes nothing (`UndoConflict`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from focusplan.domain import DomainModel, EnergyLog, FocusSession, Task
from focusplan.messages import FIELD_WORDS
from focusplan.services.errors import InvalidInput

if TYPE_CHECKING:
    from focusplan.store import UnitOfWork

# Bookkeeping that moves with any write, not something a person changed.
_IGNORED_TASK_FIELDS = frozenset({"updated_at"})


class UndoStep(DomainModel):
    """How to put the database back as it was before one action."""

    description: str
    delete_task_id: int | None = None
    restore_task: Task | None = None
    delete_energy_id: int | None = None
    delete_session_id: int | None = None
    # Completing a task ends its running focus session; undo lets it run on from its start.
    resume_session: FocusSession | None = None
    # A completion or focus start also recorded a learning choice; undo removes it.
    delete_choice: tuple[int, str] | None = None
    # Accepting a reweighting is undone by making the earlier version active again.
    activate_weights: int | None = None
    # What the action left, which undo checks before it reverses anything.
    expect_task: Task | None = None
    # The next instance of a series that a completion or drop created; undo deletes it.
    expect_next: Task | None = None
    expect_energy: EnergyLog | None = None
    expect_session: FocusSession | None = None
    expect_weights: int | None = None


class UndoConflict(InvalidInput):
    """The rows an undo would reverse were changed by a later write; nothing was undone."""


def require_unchanged(uow: UnitOfWork, step: UndoStep) -> None:
    """Raise UndoConflict unless every row the step reverses is as its action left it.

    Called inside the unit of work that then reverses the step, which holds the write
    lock from its first statement: nothing can change between the check and the undo.
    """
    from focusplan.store.errors import NotFound

    for expected in (step.expect_task, step.expect_next):
        if expected is None:
            continue
        try:
            current = uow.tasks.get(expected.id)
        except NotFound:
            raise _conflict(f"task #{expected.id} no longer exists") from None
        changed = task_changes(expected, current)
        if changed:
            raise _conflict(
                f"#{expected.id} {current.title} was {_changed_words(changed, current)} since"
            )
    if step.expect_energy is not None:
        log = step.expect_energy
        same_moment = uow.energy.list(since=log.at, until=log.at)
        now = next((each for each in same_moment if each.id == log.id), None)
        if now is None:
            raise _conflict(f"the energy log of {log.at:%H:%M} no longer exists")
        if now != log:
            raise _conflict(f"the energy log of {log.at:%H:%M} was changed since")
    if step.expect_session is not None:
        _require_session(uow, step.expect_session)
    if step.resume_session is not None:
        running = uow.sessions.active()
        if running is not None:
            raise _conflict(f"a focus session on task #{running.task_id} was started since")
    if step.expect_weights is not None:
        active = uow.weights.active().version
        if active != step.expect_weights:
            raise _conflict(f"weights v{active} were made active since")


def task_changes(expected: Task, current: Task) -> list[str]:
    """The fields (model names) in which `current` differs from `expected`."""
    before = expected.model_dump()
    after = current.model_dump()
    return [
        name
        for name in before
        if name not in _IGNORED_TASK_FIELDS and before[name] != after.get(name)
    ]


def _require_session(uow: UnitOfWork, expected: FocusSession) -> None:
    from focusplan.store.errors import NotFound

    try:
        current = uow.sessions.get(expected.id)
    except NotFound:
        raise _conflict(f"the focus session on task #{expected.task_id} no longer exists") from None
    if current != expected:
        what = "stopped" if expected.end is None and current.end is not None else "changed"
        raise _conflict(f"the focus session on task #{expected.task_id} was {what} since")


# FIELD_WORDS names one value ("a tag"); a change is to the whole list.
_LIST_WORDS = {"tags": "tags", "depends_on": "dependencies"}
_STATUS_WORDS = {"open": "reopened", "done": "completed", "dropped": "dropped"}


def _changed_words(fields: list[str], current: Task) -> str:
    if "status" in fields:
        return _STATUS_WORDS[current.status]
    words = [
        _LIST_WORDS.get(name) or FIELD_WORDS.get(name, name.replace("_", " ")).removeprefix("the ")
        for name in fields
    ]
    return f"edited ({', '.join(dict.fromkeys(words))})"


def _conflict(what: str) -> UndoConflict:
    return UndoConflict(f"{what}; nothing undone")
