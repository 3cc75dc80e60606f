"""Undo never erases a newer write: the app and the CLI are two handles on one file.

`app` and `cli` below are two DataSources on the same database, as the app and a
CLI command in another terminal are; some writes go through a real CLI process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from focusplan.domain import NewTask, TaskPatch
from focusplan.services.energy_log import energy_logs, log_energy
from focusplan.services.focus import active_session, start_focus, stop_focus
from focusplan.services.source import DataSource
from focusplan.services.tasks import (
    add_task,
    complete_task,
    drop_task,
    edit_task,
    get_task,
    reopen_task,
    undo,
)
from focusplan.services.undo import UndoConflict, UndoStep
from focusplan.services.weights import active_weights, rollback_weights
from tests.integration.cli_runner import Focusplan
from tests.integration.test_bad_input import logical_dump


@pytest.fixture
def app(db_path: Path, frozen_now: dt.datetime) -> DataSource:
    return DataSource(str(db_path))


@pytest.fixture
def cli(db_path: Path) -> DataSource:
    return DataSource(str(db_path))


@pytest.fixture
def task_id(app: DataSource, frozen_now: dt.datetime) -> int:
    task, _ = add_task(app, NewTask(title="Write the report", created_at=frozen_now))
    return task.id


def refused(app: DataSource, step: UndoStep, db_path: Path) -> str:
    """Undo the step, which must be refused without writing anything; the message."""
    before = logical_dump(db_path)
    with pytest.raises(UndoConflict) as refusal:
        undo(app, step)
    assert logical_dump(db_path) == before, "a refused undo wrote to the database"
    message = str(refusal.value)
    assert message.endswith("nothing undone")
    return message


def test_undoing_done_after_a_cli_edit_keeps_the_edit_and_says_so(
    app: DataSource, db_path: Path, task_id: int, frozen_now: dt.datetime
) -> None:
    completion = complete_task(app, task_id, frozen_now)
    Focusplan(db_path).ok("edit", str(task_id), "--title", "Write the final report")
    message = refused(app, completion.undo, db_path)
    assert message == f"#{task_id} Write the final report was edited (title) since; nothing undone"
    task = get_task(app, task_id)
    assert (task.title, task.status) == ("Write the final report", "done")


def test_undo_still_applies_when_nothing_changed_since(
    app: DataSource, task_id: int, frozen_now: dt.datetime
) -> None:
    completion = complete_task(app, task_id, frozen_now)
    undo(app, completion.undo)
    assert get_task(app, task_id).status == "open"


Action = Callable[[DataSource, int, dt.datetime], UndoStep]


def _done(source: DataSource, task_id: int, at: dt.datetime) -> UndoStep:
    return complete_task(source, task_id, at).undo


def _drop(source: DataSource, task_id: int, at: dt.datetime) -> UndoStep:
    return drop_task(source, task_id, at)[1]


def _edit(source: DataSource, task_id: int, at: dt.datetime) -> UndoStep:
    return edit_task(source, task_id, TaskPatch(importance=5))[1]


def _reopen(source: DataSource, task_id: int, at: dt.datetime) -> UndoStep:
    complete_task(source, task_id, at)
    return reopen_task(source, task_id)[1]


@pytest.mark.parametrize("action", [_done, _drop, _edit, _reopen], ids=lambda a: a.__name__)
@pytest.mark.parametrize(
    ("later", "words"),
    [
        (lambda s, i, at: edit_task(s, i, TaskPatch(due=at + dt.timedelta(days=2))), "due time"),
        (lambda s, i, at: edit_task(s, i, TaskPatch(tags=("home",))), "tags"),
        (lambda s, i, at: edit_task(s, i, TaskPatch(notes="call Anna first")), "notes"),
    ],
    ids=["due", "tags", "notes"],
)
def test_every_task_undo_refuses_after_another_handle_edited_the_task(
    app: DataSource,
    cli: DataSource,
    db_path: Path,
    task_id: int,
    frozen_now: dt.datetime,
    action: Action,
    later: Callable[[DataSource, int, dt.datetime], object],
    words: str,
) -> None:
    step = action(app, task_id, frozen_now)
    later(cli, task_id, frozen_now)
    assert f"edited ({words}) since" in refused(app, step, db_path)


def test_undoing_done_after_the_cli_reopened_it_says_it_was_reopened(
    app: DataSource, cli: DataSource, db_path: Path, task_id: int, frozen_now: dt.datetime
) -> None:
    completion = complete_task(app, task_id, frozen_now)
    reopen_task(cli, task_id)
    complete_task(cli, task_id, frozen_now + dt.timedelta(hours=1))
    # Done again, an hour later: not the completion the app would undo.
    assert "was edited (completed at" in refused(app, completion.undo, db_path)
    reopen_task(cli, task_id)
    assert "was reopened since" in refused(app, completion.undo, db_path)


def test_undoing_an_add_after_the_task_was_edited_keeps_the_task(
    app: DataSource, db_path: Path, frozen_now: dt.datetime
) -> None:
    task, step = add_task(app, NewTask(title="Buy stamps", created_at=frozen_now))
    Focusplan(db_path).ok("edit", str(task.id), "--project", "errands")
    assert "edited (project) since" in refused(app, step, db_path)
    assert get_task(app, task.id).project == "errands"


def test_undoing_an_add_after_the_task_was_completed_elsewhere_keeps_it(
    app: DataSource, db_path: Path, frozen_now: dt.datetime
) -> None:
    task, step = add_task(app, NewTask(title="Buy stamps", created_at=frozen_now))
    Focusplan(db_path).ok("done", str(task.id))
    assert "was completed since" in refused(app, step, db_path)


def test_undoing_an_edit_of_a_task_undone_elsewhere_says_it_is_gone(
    app: DataSource, cli: DataSource, db_path: Path, frozen_now: dt.datetime
) -> None:
    task, add_step = add_task(cli, NewTask(title="Buy stamps", created_at=frozen_now))
    _, edit_step = edit_task(app, task.id, TaskPatch(importance=4))
    with pytest.raises(UndoConflict):
        undo(cli, add_step)  # the CLI's handle refuses too: the app edited it
    edit_task(cli, task.id, TaskPatch(importance=3))
    _, edit_back = edit_task(cli, task.id, TaskPatch(importance=4))
    undo(cli, edit_back)
    assert get_task(app, task.id).importance == 3
    assert "edited (importance) since" in refused(app, edit_step, db_path)


def test_undoing_an_energy_log_that_is_gone_refuses(
    app: DataSource, cli: DataSource, db_path: Path, frozen_now: dt.datetime
) -> None:
    _, step = log_energy(app, 4, frozen_now, "after coffee")
    undo(cli, step)  # undone once (by the other handle)
    assert "energy log of 10:00 no longer exists" in refused(app, step, db_path)
    assert energy_logs(app) == []


def test_undoing_a_focus_start_after_the_session_was_stopped_keeps_it(
    app: DataSource, db_path: Path, task_id: int, frozen_now: dt.datetime
) -> None:
    started = start_focus(app, task_id, frozen_now)
    Focusplan(db_path).ok("focus", "stop", "--at", "10:40")
    message = refused(app, started.undo, db_path)
    assert message == f"the focus session on task #{task_id} was stopped since; nothing undone"


def test_undoing_done_that_ended_a_session_refuses_when_another_session_runs(
    app: DataSource, cli: DataSource, db_path: Path, frozen_now: dt.datetime
) -> None:
    first, _ = add_task(app, NewTask(title="first", created_at=frozen_now))
    second, _ = add_task(app, NewTask(title="second", created_at=frozen_now))
    start_focus(app, first.id, frozen_now)
    stopped = stop_focus(app, frozen_now + dt.timedelta(minutes=30), done=True)
    assert stopped.undo is not None
    start_focus(cli, second.id, frozen_now + dt.timedelta(minutes=35))
    message = refused(app, stopped.undo, db_path)
    assert message == f"a focus session on task #{second.id} was started since; nothing undone"
    running = active_session(app)
    assert running is not None and running.task_id == second.id


def test_undoing_a_stop_with_done_resumes_the_session_when_nothing_changed(
    app: DataSource, task_id: int, frozen_now: dt.datetime
) -> None:
    start_focus(app, task_id, frozen_now)
    stopped = stop_focus(app, frozen_now + dt.timedelta(minutes=30), done=True)
    assert stopped.undo is not None
    undo(app, stopped.undo)
    running = active_session(app)
    assert running is not None and running.start == frozen_now
    assert get_task(app, task_id).status == "open"


def test_undoing_a_weights_rollback_after_another_rollback_keeps_the_newer_one(
    app: DataSource, db_path: Path, frozen_now: dt.datetime
) -> None:
    from focusplan.store import open_database

    with open_database(db_path) as database, database.unit_of_work() as uow:
        for number in (2, 3):
            uow.weights.add({"w.importance": float(number)}, f"v{number}", frozen_now)
    _, step = rollback_weights(app, 2)
    Focusplan(db_path).ok("weights", "rollback", "1")
    assert refused(app, step, db_path) == "weights v1 were made active since; nothing undone"
    assert active_weights(app).version == 1
    Focusplan(db_path).ok("weights", "rollback", "2")
    undo(app, step)  # the weights are as the rollback left them again: it applies
    assert active_weights(app).version == 3


def test_a_refused_undo_through_the_cli_process_would_exit_2(
    app: DataSource, db_path: Path, task_id: int, frozen_now: dt.datetime
) -> None:
    from focusplan.cli.errors import classify

    step = complete_task(app, task_id, frozen_now).undo
    Focusplan(db_path).ok("edit", str(task_id), "--importance", "5")
    with pytest.raises(UndoConflict) as refusal:
        undo(app, step)
    assert classify(refusal.value)[0] == 2
