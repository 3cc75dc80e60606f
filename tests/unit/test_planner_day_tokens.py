"""The day planner's tokens kept across slots (planner/day_tokens.py) are the ones the
ranking would find from the whole world at every slot, bit for bit, and the days planned
with them are the days planned without."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from focusplan.attention.features import RankInput, build_tokens, tokens_of
from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.domain import Task
from focusplan.planner import WorkingDay, plan_day
from focusplan.planner.day_tokens import DayTokens

ZONE = ZoneInfo("Europe/Paris")
START = dt.datetime(2026, 11, 23, 9, tzinfo=ZONE)


def random_world(rng: random.Random, size: int) -> dict[int, Task]:
    """Tasks with dependencies (chains, merges, some on absent or closed tasks), some
    created, opening (not_before) or closed later in the day, in shuffled order."""
    world: dict[int, Task] = {}
    for task_id in range(1, size + 1):
        earlier = list(range(1, task_id))
        depends: tuple[int, ...] = ()
        roll = rng.random()
        if earlier and roll < 0.5:
            depends = (
                (task_id - 1,) if roll < 0.3 else tuple(rng.sample(earlier, k=min(2, len(earlier))))
            )
        if rng.random() < 0.05:
            depends = (*depends, size + 100)  # absent: blocks nothing
        created = START - dt.timedelta(days=1)
        if rng.random() < 0.1:
            created = START + dt.timedelta(minutes=rng.randrange(0, 480))
        closed = rng.random()
        completed = dropped = None
        status = "open"
        if closed < 0.05:
            status, completed = "done", created + dt.timedelta(minutes=rng.randrange(1, 600))
        elif closed < 0.08:
            status, dropped = "dropped", created + dt.timedelta(minutes=rng.randrange(1, 600))
        not_before = None
        if rng.random() < 0.1:
            not_before = START + dt.timedelta(minutes=rng.randrange(-60, 480))
        world[task_id] = Task(
            id=task_id,
            title=f"task {task_id}",
            importance=rng.randint(1, 5),
            estimate_minutes=rng.choice((15, 30, 60)),
            depends_on=depends,
            created_at=created,
            status=status,
            completed_at=completed,
            dropped_at=dropped,
            not_before=not_before,
        )
    # In no particular order: the tokens come out by id either way.
    order = list(world)
    rng.shuffle(order)
    return {task_id: world[task_id] for task_id in order}


def same_tokens(world: dict[int, Task], tracker: DayTokens, at: dt.datetime) -> None:
    ctx = RankInput(at=at, energy=3.0)
    expected = build_tokens(list(world.values()), ctx)
    eligible, unblocks = tracker.tokens(world, at)
    got = tokens_of(eligible, ctx, unblocks)
    assert got.ids.tolist() == expected.ids.tolist()
    assert np.array_equal(got.X, expected.X, equal_nan=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(1, 40))
def test_the_kept_tokens_are_the_ones_found_from_the_world(seed: int, size: int) -> None:
    rng = random.Random(seed)
    world = random_world(rng, size)
    tracker = DayTokens()
    at = START
    for _ in range(12):
        same_tokens(world, tracker, at)
        eligible, _ = tracker.tokens(world, at)
        roll = rng.random()
        if eligible and roll < 0.5:
            del world[rng.choice(eligible).id]  # placed in full, as the day builder does
        elif eligible and roll < 0.7:
            task = rng.choice(eligible)  # placed in part: a shorter estimate
            world[task.id] = task.model_copy(update={"estimate_minutes": 5})
        elif world and roll < 0.8:
            del world[rng.choice(list(world))]  # set aside (`_narrow`): any task
        at += dt.timedelta(minutes=rng.choice((0, 5, 30, 45, 90)))


def test_a_long_chain_unblocks_one_step_at_a_time() -> None:
    world = {
        task_id: Task(
            id=task_id,
            title=f"step {task_id}",
            depends_on=(task_id - 1,) if task_id > 1 else (),
            created_at=START - dt.timedelta(days=1),
        )
        for task_id in range(1, 501)
    }
    tracker = DayTokens()
    at = START
    for step in range(1, 11):
        eligible, unblocks = tracker.tokens(world, at)
        assert [task.id for task in eligible] == [step]
        assert unblocks[step] == 500 - step
        same_tokens(world, tracker, at)
        del world[step]
        at += dt.timedelta(minutes=40)


def plans_alike(world: dict[int, Task], monkeypatch: pytest.MonkeyPatch) -> None:
    """The day planned with the kept tokens is the day planned with tokens found anew
    at every slot (what `rank_tasks` on the whole world did)."""
    tasks = list(world.values())
    now = START + dt.timedelta(minutes=20)
    kept = plan_day(START.date(), tasks, [], [], DEFAULT_WEIGHTS, WorkingDay(zone=ZONE.key), now)
    with monkeypatch.context() as patch:
        patch.setattr(DayTokens, "_follow", lambda *_: False)
        found = plan_day(
            START.date(), tasks, [], [], DEFAULT_WEIGHTS, WorkingDay(zone=ZONE.key), now
        )
    assert kept == found
    assert any(block.kind == "focus" for block in kept.blocks)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_a_day_planned_with_the_kept_tokens_is_the_same_day(seed: int) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        plans_alike(random_world(random.Random(seed), 60), monkeypatch)


def test_a_long_list_narrowed_after_the_first_ranking_plans_the_same_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Above NARROW_ABOVE open tasks the day sets most of them aside after one ranking.
    plans_alike(random_world(random.Random(7), 1_500), monkeypatch)
