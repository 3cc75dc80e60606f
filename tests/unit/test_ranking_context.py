"""`ranking_context`: the one function that turns the records into the ranking's context.

The live ranking and the learning's choice reconstruction both call it; these tests
pin what it reads (only what happened before `t`) and that the two agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.attention.features import build_tokens
from focusplan.domain import Choice, ContextEvent, EnergyLog, FocusSession, Task
from focusplan.services.ranking import context_window, ranking_context
from focusplan.services.reviewing import choice_batch, choice_context

ZONE = ZoneInfo("Europe/Paris")
AT = dt.datetime(2026, 3, 4, 11, 0, tzinfo=ZONE)
MIN = dt.timedelta(minutes=1)


def make_task(task_id: int, **fields: Any) -> Task:
    fields.setdefault("title", f"task {task_id}")
    fields.setdefault("created_at", AT - dt.timedelta(days=2))
    return Task(id=task_id, **fields)


def event(start: dt.datetime, minutes: int, **fields: Any) -> ContextEvent:
    return ContextEvent(
        id=abs(hash((start, minutes))) % 10_000, start=start, end=start + minutes * MIN, **fields
    )


def session(sid: int, task_id: int, start: dt.datetime, end: dt.datetime | None) -> FocusSession:
    return FocusSession(id=sid, task_id=task_id, start=start, end=end)


def context(**records: Any) -> Any:
    records.setdefault("tasks", [])
    records.setdefault("energy", [])
    records.setdefault("events", [])
    records.setdefault("sessions", [])
    at = records.pop("at", AT)
    return ranking_context(at, **records)[0]


TASKS = [
    make_task(1, project="thesis", tags=("write",)),
    make_task(2, project="house", tags=("call",)),
    make_task(3, project="ops"),
]


def test_the_last_task_is_the_latest_completion_or_session_today() -> None:
    done = [
        TASKS[0].model_copy(update={"status": "done", "completed_at": AT - 90 * MIN}),
        *TASKS[1:],
    ]
    focused = [session(1, 2, AT - 60 * MIN, AT - 30 * MIN)]
    ctx = context(tasks=done, sessions=focused)
    assert (ctx.last_task, ctx.last_project, ctx.last_tags) == (2, "house", frozenset({"call"}))
    assert ctx.in_progress == frozenset()


def test_a_running_session_is_in_progress_and_the_last_task() -> None:
    ctx = context(tasks=TASKS, sessions=[session(1, 3, AT - 10 * MIN, None)])
    assert ctx.in_progress == frozenset({3})
    assert ctx.last_task == 3


def test_nothing_from_yesterday_or_after_t_counts_as_the_last_task() -> None:
    yesterday = AT - dt.timedelta(days=1)
    tasks = [
        TASKS[0].model_copy(update={"status": "done", "completed_at": yesterday}),
        TASKS[1].model_copy(update={"status": "done", "completed_at": AT + MIN}),
        TASKS[2],
    ]
    sessions = [session(1, 3, AT + 5 * MIN, None), session(2, 3, yesterday, yesterday + MIN)]
    ctx = context(tasks=tasks, sessions=sessions)
    assert ctx.last_task is None
    assert ctx.in_progress == frozenset()


def test_a_choice_made_at_t_is_never_its_own_context() -> None:
    # A focus session starting at t is the choice itself: not in progress, not "last".
    ctx = context(tasks=TASKS, sessions=[session(1, 1, AT, None)])
    assert ctx.in_progress == frozenset()
    assert ctx.last_task is None


def test_meetings_give_the_end_of_the_last_and_the_start_of_the_next_today() -> None:
    events = [
        event(AT - 120 * MIN, 30),
        event(AT - 60 * MIN, 45),  # ended 15 minutes ago
        event(AT + 40 * MIN, 30),
        event(AT + 300 * MIN, 30),
        event(AT + dt.timedelta(days=1), 30),
        event(AT.replace(hour=0), 24 * 60, all_day=True),
    ]
    ctx = context(events=events)
    assert ctx.last_meeting_end == AT - 15 * MIN
    assert ctx.next_meeting_start == AT + 40 * MIN
    assert 0 < ctx.meeting_load < 1


def test_without_meetings_today_both_are_none() -> None:
    ctx = context(
        events=[event(AT - dt.timedelta(days=1), 60), event(AT + dt.timedelta(days=1), 60)]
    )
    assert ctx.last_meeting_end is None
    assert ctx.next_meeting_start is None


def test_energy_uses_only_logs_at_or_before_t() -> None:
    logs = [EnergyLog(id=1, at=AT - 30 * MIN, level=2), EnergyLog(id=2, at=AT + MIN, level=5)]
    ctx, estimate = ranking_context(AT, tasks=[], energy=logs, events=[], sessions=[])
    assert (ctx.energy, estimate.source) == (2.0, "logged")
    override, _ = ranking_context(
        AT, tasks=[], energy=logs, events=[], sessions=[], energy_override=4.5
    )
    assert override.energy == 4.5


def test_the_context_window_covers_the_whole_day_and_the_meeting_horizon() -> None:
    start, end = context_window(AT.replace(hour=23))
    assert start == AT.replace(hour=0)
    assert end >= AT.replace(hour=23) + dt.timedelta(hours=2)


@settings(deadline=None, max_examples=30)
@given(
    st.lists(st.integers(-600, 600), max_size=5),
    st.lists(st.tuples(st.integers(1, 3), st.integers(-600, 600), st.integers(1, 120)), max_size=4),
)
def test_records_after_t_never_change_the_context(
    completions: list[int], sessions: list[tuple[int, int, int]]
) -> None:
    tasks = [
        task.model_copy(update={"status": "done", "completed_at": AT + offset * MIN})
        if index < len(completions) and (offset := completions[index]) != 0
        else task
        for index, task in enumerate(TASKS)
    ]
    focus = [
        session(k, task_id, AT + start * MIN, AT + (start + length) * MIN)
        for k, (task_id, start, length) in enumerate(sessions)
    ]
    before = context(tasks=tasks, sessions=focus)
    # Drop everything that began after t: the context must not move.
    past_tasks = [
        t
        if t.completed_at is None or t.completed_at <= AT
        else t.model_copy(update={"status": "open", "completed_at": None})
        for t in tasks
    ]
    past_sessions = [
        s if s.end is not None and s.end <= AT else s.model_copy(update={"end": None})
        for s in focus
        if s.start < AT
    ]
    after = context(tasks=past_tasks, sessions=past_sessions)
    assert before == after


def test_learning_sees_the_features_the_ranking_saw() -> None:
    tasks = [
        TASKS[0].model_copy(update={"status": "done", "completed_at": AT - 20 * MIN}),
        make_task(4, project="thesis", tags=("write",), estimate_minutes=30),
        make_task(5, project="house", estimate_minutes=120),
    ]
    events = [event(AT - 50 * MIN, 30), event(AT + 45 * MIN, 60)]
    sessions = [session(1, 1, AT - 80 * MIN, AT - 20 * MIN)]
    logs = [EnergyLog(id=1, at=AT - 3 * dt.timedelta(hours=1), level=4)]
    live, _ = ranking_context(AT, tasks=tasks, energy=logs, events=events, sessions=sessions)
    learned = choice_context(AT, logs, events, tasks=tasks, sessions=sessions)
    assert live == learned
    choice = Choice(at=AT, task_id=4, candidates=(4, 5), kind="focus")
    batch, kept = choice_batch(tasks, logs, events, [choice], sessions)
    assert kept == [choice]
    np.testing.assert_array_equal(batch.X[0, :2], build_tokens(tasks, live).X)
