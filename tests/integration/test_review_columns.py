"""The review's column read (`read_review_columns`) reviews exactly as the models do.

The plain open tasks come as columns and every other task as a model; the review on
that read must equal the review on every task as a model (`read_review_inputs`), for
the figures (overdue and stale lists included), the choices and the learning.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from focusplan.domain import Choice, NewTask, TaskPatch
from focusplan.review.choices import NEVER, Eligibility
from focusplan.review.open_tasks import open_task_notes
from focusplan.services.reviewing import review_week
from focusplan.services.source import DataSource
from focusplan.store import review_snapshot
from focusplan.store.review_snapshot import ReviewWindow, read_review_columns, read_review_inputs
from tests.integration.test_review_cli import REVIEWED, _build_contrarian

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC
NOW = dt.datetime(2026, 11, 22, 20, 0, tzinfo=PARIS)
DAY = dt.timedelta(days=1)
# The night the clocks go back: 02:30 happens twice (both folds are stored below).
FIRST_0230 = dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
SECOND_0230 = dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def _build_backlog(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Open tasks of every kind the figures look at, and the tasks modelled beside them:
    completed, dropped, reopened, in a series, focused on, waiting on others."""
    source = DataSource(str(path))
    with source.unit_of_work() as uow:
        ids = []
        for k in range(40):
            created = NOW - dt.timedelta(days=3 + k, hours=k % 5)
            due = None if k % 3 == 0 else NOW + dt.timedelta(days=(k % 7) - 4, minutes=k)
            task = uow.tasks.add(
                NewTask(
                    title=f"open {k}",
                    importance=1 + k % 5,
                    project=("p", None, "q")[k % 3],
                    tags=("t",) if k % 2 else (),
                    due=due,
                    not_before=NOW - dt.timedelta(days=k) if k % 4 == 1 else None,
                    created_at=created,
                    depends_on=(ids[-1],) if k % 6 == 5 else (),
                )
            )
            ids.append(task.id)
        # Times in the hour that happens twice: created, edited and due there.
        for at in (FIRST_0230, SECOND_0230):
            ids.append(uow.tasks.add(NewTask(title="dst", importance=1, created_at=at)).id)
            ids.append(
                uow.tasks.add(
                    NewTask(title="dst due", importance=2, created_at=at - DAY, due=at)
                ).id
            )
        for k, task_id in enumerate(ids[:12]):
            edited = (NOW - dt.timedelta(days=2 * k)).astimezone(UTC)
            monkeypatch.setenv("FOCUSPLAN_NOW", edited.isoformat())
            uow.tasks.update(task_id, TaskPatch(notes=f"edited {k}"))
        monkeypatch.setenv("FOCUSPLAN_NOW", SECOND_0230.isoformat())
        uow.tasks.update(ids[-4], TaskPatch(notes="edited in the repeated hour"))
        monkeypatch.delenv("FOCUSPLAN_NOW")
        # Closed ones, a reopened one, a series, focus sessions on open tasks.
        for k in range(15):
            start = NOW - dt.timedelta(days=k, hours=3)
            task = uow.tasks.add(
                NewTask(title=f"done {k}", importance=1 + k % 5, created_at=start - 2 * DAY)
            )
            uow.tasks.complete(task.id, start + dt.timedelta(minutes=40), 40)
        dropped = uow.tasks.add(NewTask(title="dropped", created_at=NOW - 30 * DAY))
        uow.tasks.drop(dropped.id, NOW - 2 * DAY)
        reopened = uow.tasks.add(NewTask(title="reopened", importance=1, created_at=NOW - 40 * DAY))
        uow.tasks.complete(reopened.id, NOW - 10 * DAY, 15)
        uow.tasks.reopen(reopened.id)
        series = uow.tasks.add(NewTask(title="series", importance=1, created_at=NOW - 30 * DAY))
        uow.tasks.set_series(series.id, "s-1", None)
        for offset, task_id in ((5, ids[3]), (1, ids[7])):
            uow.sessions.start(task_id, NOW - offset * DAY)
            uow.sessions.stop(NOW - offset * DAY + dt.timedelta(minutes=30))
        uow.choices.add(
            Choice(at=NOW - 2 * DAY, task_id=ids[9], candidates=tuple(ids[:20]), kind="focus")
        )


def _window() -> ReviewWindow:
    return ReviewWindow(
        sessions=(NOW - 60 * DAY, NOW),
        choices=(NOW - 60 * DAY, NOW),
        energy_until=NOW,
        events=(NOW - 60 * DAY, NOW),
        days=tuple(NOW.date() - dt.timedelta(days=offset) for offset in range(7)),
    )


def _models_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_snapshot, "read_review_columns", lambda *args: None)


def test_the_column_read_holds_every_task_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "backlog.sqlite3"
    _build_backlog(path, monkeypatch)
    full = read_review_inputs(path, _window())

    def check(read: review_snapshot.ReviewRead, columns: review_snapshot.ReviewColumns) -> bool:
        modelled = {task.id for task in read.tasks}
        open_ids = columns.open_tasks.ids.tolist()
        assert not modelled & set(open_ids)
        every = {task.id: task for task in read.tasks} | columns.models(open_ids)
        assert every == {task.id: task for task in full.tasks}
        assert read.sessions == full.sessions and read.choices == full.choices
        assert (read.energy, read.events, read.plans) == (full.energy, full.events, full.plans)
        assert (read.sleep, read.weights) == (full.sleep, full.weights)
        assert columns.open_tasks.titles == [every[i].title for i in open_ids]
        assert columns.dependencies == [
            (task.id, dep) for task in full.tasks for dep in task.depends_on
        ]
        # Each open task's columns are its model's times and fields.
        for row, task_id in enumerate(open_ids):
            task = every[task_id]
            assert task.status == "open" and task.completed_at is None
            assert columns.open_tasks.projects[row] == task.project
            text = columns.open_tasks.due_text[row]
            moment = None if text is None else columns.open_tasks.moment(text)
            assert moment == task.due and (moment is None or moment.fold == task.due.fold)
        # Sessions' tasks, the series and every closed task are models; a reopened task
        # is open like any other.
        assert {s.task_id for s in read.sessions} <= modelled
        assert any(task.series_id for task in read.tasks)
        assert any(task.status == "dropped" for task in read.tasks)
        assert any(every[i].title == "reopened" for i in open_ids)
        return True

    assert read_review_columns(path, _window(), check)


@pytest.mark.parametrize("now", [NOW, NOW.astimezone(UTC), NOW.astimezone(ZoneInfo("Asia/Tokyo"))])
def test_the_open_tasks_notes_are_those_of_their_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, now: dt.datetime
) -> None:
    from focusplan.review.figures import overdue_tasks, stale_tasks

    path = tmp_path / "backlog.sqlite3"
    _build_backlog(path, monkeypatch)

    def notes(read: review_snapshot.ReviewRead, columns: review_snapshot.ReviewColumns) -> bool:
        models = list(columns.models(columns.open_tasks.ids.tolist()).values())
        overdue, stale = open_task_notes(columns.open_tasks, now)
        assert overdue == overdue_tasks(models, now) and overdue
        assert stale == stale_tasks(models, read.sessions, now) and stale
        for mine, theirs in zip(stale, stale_tasks(models, read.sessions, now), strict=True):
            assert mine.last_touched.fold == theirs.last_touched.fold
        return True

    assert read_review_columns(path, _window(), notes)


def test_eligibility_of_columns_is_that_of_the_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    from focusplan.review.choices import task_micros

    path = tmp_path / "backlog.sqlite3"
    _build_backlog(path, monkeypatch)
    tasks = read_review_inputs(path, _window()).tasks
    models = Eligibility(tasks)

    def eligible(read: review_snapshot.ReviewRead, columns: review_snapshot.ReviewColumns) -> bool:
        held = columns.open_tasks
        created, closed, not_before = task_micros(read.tasks)
        ids = np.concatenate([np.array([t.id for t in read.tasks]), held.ids])
        order = np.argsort(ids, kind="stable")
        made = Eligibility.of_columns(
            ids[order],
            np.concatenate([created, held.created.utc])[order],
            np.concatenate([closed, np.full(held.ids.size, NEVER)])[order],
            np.concatenate([not_before, held.not_before.utc])[order],
            columns.dependencies,
        )
        for hours in range(0, 24 * 45, 7):
            at = NOW - dt.timedelta(hours=hours)
            assert made.ids(at) == models.ids(at)
        return True

    assert read_review_columns(path, _window(), eligible)


@pytest.mark.parametrize("now", [NOW, NOW.astimezone(UTC)])
def test_a_review_on_columns_equals_the_review_on_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, now: dt.datetime
) -> None:
    path = tmp_path / "backlog.sqlite3"
    _build_backlog(path, monkeypatch)
    source = DataSource(str(path))
    columns = review_week(source, NOW.date(), now=now)
    _models_only(monkeypatch)
    models = review_week(source, NOW.date(), now=now)
    assert columns == models
    assert columns.figures.overdue and columns.figures.stale and columns.learning.fit_choices


def test_a_review_with_a_suggestion_is_the_same_on_columns(
    tmp_path: Path, frozen_now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "contrarian.sqlite3"
    _build_contrarian(path)
    day = dt.date.fromisoformat(REVIEWED)
    columns = review_week(DataSource(str(path)), day, now=frozen_now)
    _models_only(monkeypatch)
    models = review_week(DataSource(str(path)), day, now=frozen_now)
    assert columns.suggestion is not None and columns.suggestion.movers
    assert columns == models


def test_a_time_only_a_model_can_hold_reads_every_task_as_a_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "backlog.sqlite3"
    _build_backlog(path, monkeypatch)
    with sqlite3.connect(path) as connection:
        # The last hour of the calendar: no zone east of UTC can show it.
        connection.execute(
            "UPDATE tasks SET due = '9999-12-31T23:30:00.000000+00:00'"
            " WHERE id = (SELECT min(id) FROM tasks WHERE completed_at IS NULL)"
        )
    assert read_review_columns(path, _window(), lambda read, columns: True) is None
    source = DataSource(str(path))
    fallback = review_week(source, NOW.date(), now=NOW)
    _models_only(monkeypatch)
    assert fallback == review_week(source, NOW.date(), now=NOW)


def test_a_write_is_seen_by_the_next_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "backlog.sqlite3"
    _build_backlog(path, monkeypatch)
    source = DataSource(str(path))
    before = review_week(source, NOW.date(), now=NOW)
    with source.unit_of_work() as uow:
        late = uow.tasks.add(NewTask(title="late", created_at=NOW - DAY, due=NOW - DAY / 2))
    after = review_week(source, NOW.date(), now=NOW)
    assert late.id not in {note.id for note in before.figures.overdue}
    assert late.id in {note.id for note in after.figures.overdue}
