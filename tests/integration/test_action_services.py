"""The actions both faces share: one transaction each, with their own undo step."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from focusplan.domain import NewTask
from focusplan.services.errors import InvalidInput
from focusplan.services.focus import active_session, start_focus, stop_focus
from focusplan.services.source import DataSource
from focusplan.services.tasks import complete_task, drop_task, reopen_task, undo
from focusplan.services.weights import active_weights, rollback_weights, weights_history

PARIS = ZoneInfo("Europe/Paris")
NINE = dt.datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)


# Undo, review and learning on both homes (tests/conftest.py).
pytestmark = pytest.mark.both_backends


@pytest.fixture
def source(db_location: str) -> DataSource:
    source = DataSource(db_location)
    with source.unit_of_work() as uow:
        for title in ("write", "read"):
            uow.tasks.add(NewTask(title=title, created_at=NINE - dt.timedelta(days=1)))
    return source


def test_completing_the_focused_task_ends_its_session_in_the_same_change(
    source: DataSource,
) -> None:
    start_focus(source, 1, NINE)
    completion = complete_task(source, 1, NINE + dt.timedelta(minutes=35))
    assert active_session(source) is None
    assert completion.stopped_session is not None
    assert completion.stopped_session.end == NINE + dt.timedelta(minutes=35)
    assert completion.task.actual_minutes == 35


def test_stopping_with_done_is_the_same_completion_as_done(source: DataSource) -> None:
    start_focus(source, 1, NINE)
    via_done = complete_task(source, 1, NINE + dt.timedelta(minutes=20))
    start_focus(source, 2, NINE + dt.timedelta(minutes=30))
    via_stop = stop_focus(source, NINE + dt.timedelta(minutes=50), done=True)
    assert via_stop.completed is not None and via_stop.undo is not None
    assert via_stop.completed.actual_minutes == via_done.task.actual_minutes == 20
    # Both describe the same kind of step: the task back as it was, the session running again.
    assert via_stop.undo.resume_session is not None
    assert via_done.undo.resume_session is not None
    assert via_stop.undo.model_fields_set == via_done.undo.model_fields_set


def test_undoing_a_completion_reopens_the_task_and_lets_its_session_run_on(
    source: DataSource,
) -> None:
    start_focus(source, 1, NINE)
    completion = complete_task(source, 1, NINE + dt.timedelta(minutes=35))
    undo(source, completion.undo)
    running = active_session(source)
    assert running is not None and running.task_id == 1 and running.start == NINE
    with source.unit_of_work() as uow:
        assert uow.tasks.get(1).status == "open"
        assert uow.tasks.get(1).actual_minutes is None


def test_dropping_twice_and_reopening_an_open_task_say_so(source: DataSource) -> None:
    drop_task(source, 1, NINE)
    with pytest.raises(InvalidInput, match="already dropped"):
        drop_task(source, 1, NINE)
    with pytest.raises(InvalidInput, match="already open"):
        reopen_task(source, 2)


def test_rollback_returns_the_step_back_to_the_version_active_before(source: DataSource) -> None:
    with source.unit_of_work() as uow:
        uow.weights.add(dict(uow.weights.active().params), "tuned", NINE)
    active, step = rollback_weights(source, 1)
    assert active.version == 1 == active_weights(source).version
    undo(source, step)
    assert active_weights(source).version == 2
    assert [version.version for version in weights_history(source)] == [1, 2]


def test_a_version_stored_before_a_weight_existed_shows_its_default(source: DataSource) -> None:
    from focusplan.attention.weights import DEFAULT_WEIGHTS

    with source.unit_of_work() as uow:
        uow.weights.add({"residual.importance": 2.0}, "old version", NINE)
    params = active_weights(source).params
    assert params["residual.importance"] == 2.0
    assert params["residual.due_soon"] == DEFAULT_WEIGHTS["residual.due_soon"]
    assert set(params) == set(DEFAULT_WEIGHTS)
