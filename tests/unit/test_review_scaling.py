"""The review at scale computes what the plain computation does: eligibility by columns,
features from only the tasks they depend on, and weighted candidates standing for copies."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.attention import learning
from focusplan.attention.features import N_FEATURES, build_tokens, eligible_tasks
from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.domain import Choice, ContextEvent, EnergyLog, FocusSession, Task
from focusplan.review.choices import Eligibility
from focusplan.services.reviewing import choice_batch, choice_context, sample_candidates

PARIS = ZoneInfo("Europe/Paris")
BASE = dt.datetime(2026, 11, 16, 8, 0, tzinfo=PARIS)


def _random_tasks(rng: random.Random, count: int) -> list[Task]:
    tasks: list[Task] = []
    for task_id in range(1, count + 1):
        created = BASE + dt.timedelta(minutes=rng.randrange(0, 3000, 30))
        fields: dict[str, object] = {
            "title": f"task {task_id}",
            "created_at": created,
            "importance": rng.randint(1, 5),
            "demand": rng.choice(("low", "medium", "high")),
            "estimate_minutes": rng.choice((10, 30, 60, 120)),
            "project": rng.choice((None, "a", "b", "c")),
            "tags": tuple(rng.sample(("x", "y", "z"), rng.randint(0, 2))),
        }
        if rng.random() < 0.4:
            fields["due"] = created + dt.timedelta(hours=rng.uniform(-10, 100))
        if rng.random() < 0.2:
            fields["not_before"] = created + dt.timedelta(minutes=rng.randrange(0, 1500, 30))
        if tasks and rng.random() < 0.25:
            fields["depends_on"] = tuple({rng.randint(1, task_id - 1) for _ in range(2)})
        end = created + dt.timedelta(minutes=rng.randrange(30, 3000, 30))
        roll = rng.random()
        if roll < 0.4:
            fields.update(status="done", completed_at=end, actual_minutes=rng.randint(5, 90))
        elif roll < 0.5:
            fields.update(status="dropped", dropped_at=end)
        tasks.append(Task(id=task_id, **fields))  # type: ignore[arg-type]
    rng.shuffle(tasks)
    return tasks


def _moment(rng: random.Random) -> dt.datetime:
    # On the half hours the tasks' times use too, so ties at a boundary are tried.
    return BASE + dt.timedelta(minutes=rng.randrange(0, 6000, 30))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), count=st.integers(0, 40))
def test_eligibility_by_columns_is_eligible_tasks(seed: int, count: int) -> None:
    rng = random.Random(seed)
    tasks = _random_tasks(rng, count)
    index = Eligibility(tasks)
    for _ in range(5):
        at = _moment(rng)
        assert index.ids(at) == tuple(sorted(t.id for t in eligible_tasks(tasks, at)))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_choice_batch_features_equal_those_from_every_task(seed: int) -> None:
    rng = random.Random(seed)
    tasks = _random_tasks(rng, 30)
    by_id = {task.id: task for task in tasks}
    sessions = [
        FocusSession(
            id=k,
            task_id=rng.choice(list(by_id)),
            start=(start := _moment(rng)),
            end=start + dt.timedelta(minutes=rng.randint(5, 90)),
        )
        for k in range(1, 4)
    ]
    energy = sorted(
        (EnergyLog(id=k, at=_moment(rng), level=rng.randint(1, 5)) for k in range(1, 6)),
        key=lambda log: log.at,
    )
    events = [
        ContextEvent(
            id=1, start=BASE + dt.timedelta(hours=3), end=BASE + dt.timedelta(hours=4), title="m"
        )
    ]
    choices = []
    for _ in range(6):
        at = _moment(rng)
        candidates = tuple(sorted(t.id for t in eligible_tasks(tasks, at)))
        if len(candidates) >= 2:
            choices.append(
                Choice(at=at, task_id=rng.choice(candidates), candidates=candidates, kind="focus")
            )
    batch, kept = choice_batch(tasks, energy, events, choices, sessions)
    assert kept == choices
    for c, choice in enumerate(choices):
        ctx = choice_context(choice.at, energy, events, tasks=tasks, sessions=sessions)
        plain = build_tokens(tasks, ctx, candidates=choice.candidates)
        n = plain.ids.size
        np.testing.assert_array_equal(batch.ids[c, :n], plain.ids)
        np.testing.assert_array_equal(batch.X[c, :n], plain.X)


def _choice(n: int, chosen: int = 0) -> Choice:
    return Choice(at=BASE, task_id=chosen + 1, candidates=tuple(range(1, n + 1)), kind="focus")


def test_a_small_choice_keeps_every_candidate() -> None:
    assert sample_candidates(_choice(5), 8) == ((1, 2, 3, 4, 5), 1.0)


@given(n=st.integers(3, 400), cap=st.integers(2, 64), chosen=st.integers(0, 399))
def test_a_large_choice_keeps_the_chosen_and_a_fixed_sample_standing_for_the_rest(
    n: int, cap: int, chosen: int
) -> None:
    choice = _choice(n, chosen % n)
    kept, share = sample_candidates(choice, cap)
    assert choice.task_id in kept
    assert list(kept) == sorted(set(kept)) and set(kept) <= set(choice.candidates)
    assert len(kept) == min(n, cap)
    assert share * (len(kept) - 1) == pytest.approx(n - 1 if n > cap else len(kept) - 1)
    assert sample_candidates(choice, cap) == (kept, share)


def _tokens(rng: np.random.Generator, n: int) -> np.ndarray:
    X = rng.normal(size=(n, N_FEATURES))
    return X


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), copies=st.integers(1, 4))
def test_a_weighted_candidate_is_exactly_that_many_copies_of_it(seed: int, copies: int) -> None:
    rng = np.random.default_rng(seed)
    items, weighted_items, weights = [], [], []
    for _ in range(4):
        n = int(rng.integers(2, 6))
        X = _tokens(rng, n)
        chosen = int(rng.integers(0, n))
        copied = (chosen + 1) % n
        items.append((np.vstack([X, np.repeat(X[copied : copied + 1], copies - 1, axis=0)]),
                      np.arange(n + copies - 1), chosen))  # fmt: skip
        weighted_items.append((X, np.arange(n), chosen))
        m = np.ones(n)
        m[copied] = copies
        weights.append(m)
    plain = learning.pack_choices(items)
    weighted = learning.pack_choices(weighted_items, weights=weights)
    start = {**DEFAULT_WEIGHTS, "attention_gain": 0.7, "residual.importance": 1.3}
    value_plain, grad_plain = learning.objective(plain, start, DEFAULT_WEIGHTS)
    value_weighted, grad_weighted = learning.objective(weighted, start, DEFAULT_WEIGHTS)
    assert abs(value_plain - value_weighted) <= 1e-9 * max(1.0, abs(value_plain))
    np.testing.assert_allclose(
        [grad_weighted[k] for k in grad_plain], list(grad_plain.values()), rtol=1e-7, atol=1e-9
    )
    assert learning.rank_quality(plain, start) == learning.rank_quality(weighted, start)


def test_weights_of_one_change_nothing() -> None:
    rng = np.random.default_rng(3)
    items = [(_tokens(rng, 5), np.arange(5), 2), (_tokens(rng, 3), np.arange(3), 0)]
    plain = learning.pack_choices(items)
    ones = learning.pack_choices(items, weights=[np.ones(5), None])
    assert ones.weight is not None
    fit_plain = learning.fit_weights(plain, DEFAULT_WEIGHTS, budget=5)
    fit_ones = learning.fit_weights(ones, DEFAULT_WEIGHTS, budget=5)
    assert fit_plain.weights == fit_ones.weights
    assert learning.rank_quality(plain, DEFAULT_WEIGHTS) == learning.rank_quality(
        ones, DEFAULT_WEIGHTS
    )


def test_a_chosen_candidate_must_stand_for_itself() -> None:
    with pytest.raises(ValueError, match="1 if chosen"):
        learning.pack_choices([(np.zeros((2, N_FEATURES)), [1, 2], 0)], weights=[[2.0, 1.0]])
