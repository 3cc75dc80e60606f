"""The changes the app makes, as plain functions that run in a worker thread.

Each returns an `Outcome` (what to tell the person, how to undo it, which task
to keep highlighted) or raises; `describe_error` turns the exceptions a person
can cause into one readable line. No Textual here: the app only schedules
these and shows their outcomes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from focusplan.domain import FocusSession, NewTask, TaskPatch
from focusplan.services.source import DataSource
from focusplan.services.undo import UndoStep

if TYPE_CHECKING:
    from focusplan.review import Suggestion


@dataclass(frozen=True)
class Outcome:
    message: str
    undo: UndoStep | None = None
    select_task: int | None = None
    # Set when a focus session ended, so the app can start the break clock.
    stopped_session: FocusSession | None = None
    # False when nothing was written (a declined suggestion): no reload is needed.
    changed: bool = True


def add(source: DataSource, task: NewTask) -> Outcome:
    from focusplan.services.tasks import add_task

    created, step = add_task(source, task)
    return Outcome(f"Added #{created.id} {created.title}", step, created.id)


def edit(source: DataSource, task_id: int, patch: TaskPatch) -> Outcome:
    from focusplan.services.tasks import edit_task

    if not patch.model_fields_set:
        return Outcome(f"#{task_id} unchanged", None, task_id)
    after, step = edit_task(source, task_id, patch)
    return Outcome(f"Saved #{after.id} {after.title}", step, after.id)


def complete(source: DataSource, task_id: int, at: dt.datetime) -> Outcome:
    """Mark done; a running session on the task ends with it (the service does both)."""
    from focusplan.services.tasks import complete_task

    completion = complete_task(source, task_id, at)
    task = completion.task
    return Outcome(
        f"Done: #{task.id} {task.title}", completion.undo, None, completion.stopped_session
    )


def drop(source: DataSource, task_id: int, at: dt.datetime) -> Outcome:
    from focusplan.services.tasks import drop_task

    task, step = drop_task(source, task_id, at)
    return Outcome(f"Dropped #{task.id} {task.title}", step)


def reopen(source: DataSource, task_id: int) -> Outcome:
    from focusplan.services.tasks import reopen_task

    task, step = reopen_task(source, task_id)
    return Outcome(f"Reopened #{task.id} {task.title}", step, task.id)


def log_energy(source: DataSource, level: int, at: dt.datetime) -> Outcome:
    from focusplan.services.energy_log import log_energy as log

    entry, step = log(source, level, at)
    return Outcome(f"Energy {entry.level} logged at {entry.at:%H:%M}", step)


def start_focus(source: DataSource, task_id: int, at: dt.datetime) -> Outcome:
    from focusplan.services.focus import start_focus as start

    started = start(source, task_id, at)
    return Outcome(
        f"Focus on #{task_id} {started.task.title} started {started.session.start:%H:%M}",
        None,
        task_id,
    )


def stop_focus(source: DataSource, at: dt.datetime, *, done: bool, interrupted: bool) -> Outcome:
    from focusplan.services.focus import stop_focus as stop

    stopped = stop(source, at, done=done, interrupted=interrupted)
    minutes = round(stopped.session.minutes(at))
    if stopped.completed is not None:
        return Outcome(
            f"Focus stopped after {minutes} min — done: {stopped.completed.title}",
            stopped.undo,
            None,
            stopped.session,
        )
    return Outcome(
        f"Focus stopped after {minutes} min", None, stopped.session.task_id, stopped.session
    )


def accept_suggestion(
    source: DataSource, suggestion: Suggestion, *, based_on: int, at: dt.datetime
) -> Outcome:
    """Store exactly the suggestion shown, if the weights it was measured against still rule."""
    from focusplan.services.weights import accept_suggestion as accept

    stored, step = accept(source, suggestion, based_on=based_on, at=at)
    return Outcome(
        f"Weights version {stored.version} active ({suggestion.reason}); u goes back", step
    )


def reject_suggestion(source: DataSource, suggestion: Suggestion, *, based_on: int) -> Outcome:
    from focusplan.services.weights import reject_suggestion as reject

    reject(source, suggestion, based_on=based_on)
    return Outcome(
        "Suggestion dismissed for this session; the weights are unchanged.", changed=False
    )


# What an undo step's description ("complete 'X'", the services' words) reads as once done.
_DONE_WORDS = (
    ("complete ", "marked done "),
    ("add ", "added "),
    ("edit ", "edited "),
    ("drop ", "dropped "),
    ("reopen ", "reopened "),
    ("energy ", "logged energy "),
    ("focus on ", "started focus on "),
    ("accept weights ", "accepted weights "),
    ("roll back ", "rolled back "),
)


def done_words(description: str) -> str:
    """`complete 'Pay rent'` → `marked done 'Pay rent'`: what the undo took back."""
    for verb, done in _DONE_WORDS:
        if description.startswith(verb):
            return done + description[len(verb) :]
    return description


def undo(source: DataSource, step: UndoStep) -> Outcome:
    from focusplan.services.tasks import undo as undo_step

    undo_step(source, step)
    return Outcome(f"Undid: {done_words(step.description)}")


def warm_up(source: DataSource) -> None:
    """Open the full store (imports SQLAlchemy) so the first change is quick."""
    source.database  # noqa: B018


def describe_error(exc: BaseException) -> str:
    """One line for the person, for the errors their input can cause."""
    from focusplan.services.errors import validation_message

    if type(exc).__name__ == "ValidationError" and isinstance(exc, Exception):
        return validation_message(exc)
    from focusplan.text import clean_line

    # Messages quote titles and file content: nothing in them may drive the terminal.
    text = clean_line(str(exc))
    if isinstance(exc, KeyError) and text.startswith("'"):
        text = text.strip("'")
    return text or type(exc).__name__
