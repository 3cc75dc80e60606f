"""Choices rebuilt from the database: one decision to pick a task up is one choice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from focusplan.domain import Choice, FocusSession, Task
from focusplan.review import reconstruct_choices

PARIS = ZoneInfo("Europe/Paris")
START = dt.datetime(2026, 11, 16, 0, 0, tzinfo=PARIS)
END = dt.datetime(2026, 11, 23, 0, 0, tzinfo=PARIS)
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


def task(task_id: int, **fields: object) -> Task:
    values: dict[str, object] = {"title": f"task {task_id}", "created_at": at(2, 9)}
    values.update(fields)
    if values.get("completed_at") is not None:
        values["status"] = "done"
    return Task(id=task_id, **values)


def rebuild(
    tasks: Sequence[Task], sessions: Sequence[FocusSession] = (), stored: Sequence[Choice] = ()
) -> list[Choice]:
    return reconstruct_choices(tasks, sessions, stored, START, END, now=NOW)


def test_a_completion_with_minutes_is_a_choice_when_the_work_began() -> None:
    tasks = [task(1, completed_at=at(17, 11), actual_minutes=90), task(2), task(3)]
    (choice,) = rebuild(tasks)
    assert choice.at == at(17, 9, 30)
    assert choice.task_id == 1
    assert choice.candidates == (1, 2, 3)
    assert choice.kind == "completion"


def test_a_completion_without_minutes_began_one_estimate_earlier() -> None:
    tasks = [task(1, completed_at=at(17, 11), estimate_minutes=45), task(2)]
    (choice,) = rebuild(tasks)
    assert choice.at == at(17, 10, 15)


def test_candidates_are_what_was_eligible_then() -> None:
    tasks = [
        task(1, completed_at=at(17, 11), actual_minutes=60),
        task(2, created_at=at(17, 10, 30)),  # entered after the choice
        task(3, not_before=at(18, 9)),  # not startable yet
        task(4, depends_on=(5,)),  # blocked by an open task
        task(5),
        task(6, completed_at=at(17, 9)),  # already done
        task(7),
    ]
    choices = [c for c in rebuild(tasks) if c.task_id == 1]
    assert choices[0].candidates == (1, 5, 7)


def test_focus_then_done_on_the_same_task_is_one_choice() -> None:
    tasks = [task(1, completed_at=at(17, 10, 30), actual_minutes=60), task(2)]
    sessions = [FocusSession(id=1, task_id=1, start=at(17, 9), end=at(17, 10, 30))]
    (choice,) = rebuild(tasks, sessions)
    assert (choice.kind, choice.at) == ("focus", at(17, 9))


def test_each_focus_session_start_is_a_choice() -> None:
    tasks = [task(1), task(2)]
    sessions = [
        FocusSession(id=1, task_id=1, start=at(17, 9), end=at(17, 10)),
        FocusSession(id=2, task_id=1, start=at(18, 9), end=at(18, 10)),
    ]
    assert [c.at for c in rebuild(tasks, sessions)] == [at(17, 9), at(18, 9)]


def test_stored_choices_the_database_explains_are_not_counted_twice() -> None:
    tasks = [task(1, completed_at=at(17, 11), actual_minutes=60), task(2)]
    stored = [Choice(at=at(17, 10), task_id=1, candidates=(1, 2), kind="completion")]
    assert len(rebuild(tasks, stored=stored)) == 1


def test_a_stored_choice_of_a_reopened_task_is_kept_with_its_surviving_candidates() -> None:
    tasks = [task(1), task(2)]  # 1 was completed, then reopened: only the stored row remains
    stored = [Choice(at=at(17, 10), task_id=1, candidates=(1, 2, 99), kind="completion")]
    (choice,) = rebuild(tasks, stored=stored)
    assert choice.candidates == (1, 2)


def test_a_choice_with_one_candidate_says_nothing() -> None:
    assert rebuild([task(1, completed_at=at(17, 11), actual_minutes=30)]) == []


def test_work_that_started_before_the_task_existed_starts_at_its_creation() -> None:
    tasks = [
        task(1, created_at=at(17, 10, 50), completed_at=at(17, 11), actual_minutes=60),
        task(2),
    ]
    (choice,) = rebuild(tasks)
    assert choice.at == at(17, 10, 50)


def test_choices_outside_the_window_are_left_out() -> None:
    tasks = [task(1, completed_at=at(16, 0, 30), actual_minutes=60), task(2)]
    assert rebuild(tasks) == []  # work began on Sunday 15th, the week before


def test_the_learning_sees_the_logits_the_ranking_showed_at_that_moment() -> None:
    import numpy as np

    from focusplan.attention.learning import batch_logits
    from focusplan.attention.weights import DEFAULT_WEIGHTS
    from focusplan.domain import ContextEvent, EnergyLog, WeightsVersion
    from focusplan.services.ranking import rank_snapshot
    from focusplan.services.reviewing import choice_batch
    from focusplan.services.source import Snapshot

    tasks = [
        task(1, importance=5, demand="high", due=at(18, 17), project="thesis"),
        task(2, importance=2, demand="low", estimate_minutes=15, project="thesis"),
        task(3, importance=3, tags=("admin",), window="afternoon"),
        task(4, depends_on=(3,)),
        task(5, importance=4, demand="medium", due=at(17, 12), project="ops"),
    ]
    energy = [
        EnergyLog(id=1, at=at(16, 9), level=4),
        EnergyLog(id=2, at=at(17, 8), level=2),
        EnergyLog(id=3, at=at(17, 11), level=5),  # after the choice: must not count
    ]
    events = [ContextEvent(id=1, start=at(17, 10), end=at(17, 11), title="Meeting")]
    moment = at(17, 9, 30)
    weights = WeightsVersion(version=1, params=DEFAULT_WEIGHTS, created_at=at(1, 0), active=True)
    snapshot = Snapshot(
        tasks=tasks, energy=energy, weights=weights, active_session=None, events=events
    )
    ranking = rank_snapshot(snapshot, moment)
    choice = Choice(at=moment, task_id=2, candidates=(1, 2, 3, 5), kind="focus")
    batch, kept = choice_batch(tasks, energy, events, [choice])
    assert kept == [choice]
    logits = batch_logits(batch, DEFAULT_WEIGHTS)[0]
    shown = {item.id: item.logit for item in ranking.items}
    learned = {int(i): float(s) for i, s in zip(batch.ids[0], logits, strict=True) if i >= 0}
    assert learned.keys() == shown.keys()
    np.testing.assert_allclose([learned[i] for i in shown], list(shown.values()), atol=1e-12)
