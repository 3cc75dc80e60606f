"""`rank_tasks`: the properties of DESIGN.md that define "works"."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.attention.ranking import RankInput, RankResult, rank_tasks
from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.domain import DEMANDS, Task

ZONE = ZoneInfo("Europe/Paris")
AT = dt.datetime(2026, 3, 4, 10, 0, tzinfo=ZONE)  # a Wednesday
CTX = RankInput(at=AT, energy=3.5, in_progress=frozenset({2}))


def make_task(task_id: int, **fields: Any) -> Task:
    fields.setdefault("title", f"task {task_id}")
    fields.setdefault("created_at", AT - dt.timedelta(days=2))
    return Task(id=task_id, **fields)


def scores_by_id(result: RankResult) -> dict[int, float]:
    return {int(i): float(p) for i, p in zip(result.ids, result.scores, strict=True)}


def logits_by_id(result: RankResult) -> dict[int, float]:
    return {int(i): float(s) for i, s in zip(result.ids, result.logits, strict=True)}


def assert_same_scores(a: RankResult, b: RankResult) -> None:
    assert sorted(a.ids.tolist()) == sorted(b.ids.tolist())
    first, second = logits_by_id(a), logits_by_id(b)
    for task_id, value in first.items():
        assert second[task_id] == pytest.approx(value, rel=1e-12, abs=1e-12)


@st.composite
def open_tasks(draw: st.DrawFn, max_size: int = 12, first_id: int = 1) -> list[Task]:
    n = draw(st.integers(1, max_size))
    tasks = []
    for offset in range(n):
        task_id = first_id + offset
        due_hours = draw(st.one_of(st.none(), st.integers(-500, 2000)))
        tasks.append(
            make_task(
                task_id,
                importance=draw(st.integers(1, 5)),
                demand=draw(st.sampled_from(DEMANDS)),
                estimate_minutes=draw(st.integers(1, 600)),
                due=None if due_hours is None else AT + dt.timedelta(hours=due_hours),
                created_at=AT - dt.timedelta(hours=draw(st.integers(0, 24 * 400))),
                project=draw(st.sampled_from([None, "thesis", "house", "work"])),
                tags=draw(st.lists(st.sampled_from(["call", "code", "read"]), max_size=2)),
                window=draw(st.sampled_from([None, "morning", "afternoon", "evening"])),
                depends_on=draw(st.lists(st.integers(first_id, task_id), max_size=2))
                if offset
                else (),
            )
        )
    return tasks


# --- permutation equivariance ----------------------------------------------------------


@settings(deadline=None, max_examples=80)
@given(open_tasks(), st.randoms(use_true_random=False))
def test_shuffling_the_tasks_changes_no_score(tasks: list[Task], rng: random.Random) -> None:
    shuffled = list(tasks)
    rng.shuffle(shuffled)
    a = rank_tasks(tasks, CTX, DEFAULT_WEIGHTS)
    b = rank_tasks(shuffled, CTX, DEFAULT_WEIGHTS)
    assert_same_scores(a, b)
    assert a.ids.tolist() == b.ids.tolist()


# --- masking --------------------------------------------------------------------------------


def ineligible_tasks(blocker_id: int) -> list[Task]:
    """Tasks that are no tokens at AT; none of them waits on an eligible task."""
    return [
        make_task(101, status="done", completed_at=AT - dt.timedelta(hours=1), importance=5),
        make_task(102, status="dropped", dropped_at=AT - dt.timedelta(days=1), importance=5),
        make_task(103, created_at=AT + dt.timedelta(hours=1), importance=5, project="thesis"),
        # Not startable yet, and the task blocked by it: neither is a token.
        make_task(blocker_id, not_before=AT + dt.timedelta(days=1), project="thesis"),
        make_task(105, depends_on=(blocker_id,), importance=5, due=AT, project="thesis"),
    ]


@settings(deadline=None, max_examples=60)
@given(open_tasks())
def test_done_dropped_blocked_and_future_tasks_neither_rank_nor_change_scores(
    tasks: list[Task],
) -> None:
    alone = rank_tasks(tasks, CTX, DEFAULT_WEIGHTS)
    with_others = rank_tasks([*tasks, *ineligible_tasks(104)], CTX, DEFAULT_WEIGHTS)
    assert not {101, 102, 103, 104, 105} & set(with_others.ids.tolist())
    assert_same_scores(alone, with_others)


@settings(deadline=None, max_examples=40)
@given(open_tasks(max_size=8))
def test_a_blocked_task_counts_for_its_blocker_but_its_features_do_not_leak(
    tasks: list[Task],
) -> None:
    # Only the number of waiting tasks reaches the blocker (its `unblocks` feature);
    # what the waiting task is like must not reach anyone through attention.
    loud = make_task(200, depends_on=(1,), importance=5, due=AT, project="thesis")
    quiet = make_task(200, depends_on=(1,), importance=1, demand="low", project="other")
    a = rank_tasks([*tasks, loud], CTX, DEFAULT_WEIGHTS)
    b = rank_tasks([*tasks, quiet], CTX, DEFAULT_WEIGHTS)
    assert 200 not in a.ids.tolist()
    assert_same_scores(a, b)


# --- distribution and extremes ----------------------------------------------------------------


def test_a_single_task_gets_all_the_priority() -> None:
    result = rank_tasks([make_task(7)], CTX, DEFAULT_WEIGHTS, explain=True)
    assert result.ids.tolist() == [7]
    assert result.scores.tolist() == [1.0]
    assert result.attention.tolist() == [[1.0]]


def test_no_eligible_task_gives_an_empty_ranking() -> None:
    result = rank_tasks([make_task(1, status="done", completed_at=AT)], CTX, DEFAULT_WEIGHTS)
    assert len(result) == 0
    assert result.scores.size == 0


def extreme_task(task_id: int, rng: random.Random) -> Task:
    return Task.model_construct(
        id=task_id,
        title="x",
        status="open",
        importance=rng.choice((1, 5)),
        demand=rng.choice(DEMANDS),
        estimate_minutes=rng.choice((1, 24 * 60, 10**12)),
        created_at=rng.choice(
            (dt.datetime(1950, 1, 1, tzinfo=dt.UTC), AT, AT - dt.timedelta(microseconds=1))
        ),
        due=rng.choice(
            (
                None,
                dt.datetime(1, 1, 2, tzinfo=dt.UTC),
                dt.datetime(9999, 12, 30, tzinfo=dt.UTC),
                AT,
            )
        ),
        not_before=None,
        project=rng.choice((None, "p", "q", "r")),
        tags=("t",) if rng.random() < 0.5 else (),
        window=rng.choice((None, "evening")),
        depends_on=(task_id - 1,) if task_id % 97 == 0 else (),
        completed_at=None,
        dropped_at=None,
    )


def test_twenty_thousand_extreme_tasks_give_a_finite_distribution() -> None:
    rng = random.Random(0)
    tasks = [extreme_task(i, rng) for i in range(1, 20_001)]
    ctx = RankInput(at=AT, energy=5.0, meeting_load=1.0, in_progress=frozenset(range(1, 20_001, 3)))
    result = rank_tasks(tasks, ctx, DEFAULT_WEIGHTS, explain=True)
    assert result.ids.size == 20_000 - 20_000 // 97  # the blocked ones are not tokens
    assert np.all(np.isfinite(result.logits))
    assert np.all(np.isfinite(result.scores))
    assert result.scores.sum() == pytest.approx(1.0)
    assert result.contributions is not None
    assert all(np.all(np.isfinite(v)) for v in result.contributions.values())


@settings(deadline=None, max_examples=60)
@given(open_tasks(), st.floats(1.0, 5.0), st.floats(0.0, 1.0))
def test_priorities_sum_to_one_and_follow_the_logits(
    tasks: list[Task], energy: float, meetings: float
) -> None:
    result = rank_tasks(
        tasks, RankInput(at=AT, energy=energy, meeting_load=meetings), DEFAULT_WEIGHTS
    )
    assert result.scores.sum() == pytest.approx(1.0)
    assert np.all(np.diff(result.logits) <= 0)
    assert np.all(np.diff(result.scores) <= 0)


# --- energy fit -----------------------------------------------------------------------------


@st.composite
def shared_fields(draw: st.DrawFn) -> dict[str, Any]:
    due_hours = draw(st.one_of(st.none(), st.integers(-300, 3000)))
    return {
        "importance": draw(st.integers(1, 5)),
        "estimate_minutes": draw(st.integers(1, 600)),
        "due": None if due_hours is None else AT + dt.timedelta(hours=due_hours),
        "created_at": AT - dt.timedelta(days=draw(st.integers(1, 3000))),
        "project": draw(st.sampled_from([None, "thesis", "house"])),
        "tags": draw(st.lists(st.sampled_from(["call", "code"]), max_size=2)),
        "window": draw(st.sampled_from([None, "morning", "afternoon", "evening"])),
    }


@settings(deadline=None, max_examples=150)
@given(
    shared=shared_fields(),
    demands=st.sampled_from([("high", "low"), ("high", "medium"), ("medium", "low")]),
    both_in_progress=st.booleans(),
    others=open_tasks(max_size=5, first_id=10),
    day=st.integers(0, 6),
    morning=st.tuples(st.floats(8.0, 11.5), st.floats(4.0, 5.0)),
    afternoon=st.tuples(st.floats(13.0, 16.5), st.floats(1.0, 2.0)),
    meetings=st.floats(0.0, 1.0),
)
def test_energy_fit_swaps_deep_and_light_work_between_morning_and_dip(
    shared: dict[str, Any],
    demands: tuple[str, str],
    both_in_progress: bool,
    others: list[Task],
    day: int,
    morning: tuple[float, float],
    afternoon: tuple[float, float],
    meetings: float,
) -> None:
    deeper, lighter = demands
    pair = [make_task(1, demand=deeper, **shared), make_task(2, demand=lighter, **shared)]
    in_progress = frozenset({1, 2}) if both_in_progress else frozenset()

    def rank_at(hour: float, energy: float) -> dict[int, float]:
        at = (AT + dt.timedelta(days=day)).replace(hour=0) + dt.timedelta(hours=hour)
        ctx = RankInput(at=at, energy=energy, meeting_load=meetings, in_progress=in_progress)
        return logits_by_id(rank_tasks([*pair, *others], ctx, DEFAULT_WEIGHTS))

    fresh = rank_at(*morning)
    dip = rank_at(*afternoon)
    assert fresh[1] > fresh[2]
    assert dip[1] < dip[2]


# --- only what was recorded at or before t --------------------------------------------------


@settings(deadline=None, max_examples=60)
@given(open_tasks(max_size=8))
def test_ranking_at_t_ignores_what_happened_after_t(tasks: list[Task]) -> None:
    before = rank_tasks(tasks, CTX, DEFAULT_WEIGHTS)
    later = AT + dt.timedelta(hours=2)
    # Everything finished afterwards, and new tasks (even ones waiting on these) added.
    history = [task.model_copy(update={"status": "done", "completed_at": later}) for task in tasks]
    history.append(make_task(300, created_at=later, depends_on=(1,), importance=5))
    history.append(make_task(301, created_at=later, project="thesis", due=AT))
    after = rank_tasks(history, CTX, DEFAULT_WEIGHTS)
    assert_same_scores(before, after)


def test_dependency_finished_after_t_still_blocks_at_t() -> None:
    tasks = [
        make_task(1, status="done", completed_at=AT + dt.timedelta(minutes=5)),
        make_task(2, depends_on=(1,)),
    ]
    assert rank_tasks(tasks, CTX, DEFAULT_WEIGHTS).ids.tolist() == [1]


# --- explanation ---------------------------------------------------------------------------------


@settings(deadline=None, max_examples=60)
@given(open_tasks(), st.floats(1.0, 5.0))
def test_contributions_add_up_exactly_to_each_logit(tasks: list[Task], energy: float) -> None:
    ctx = RankInput(at=AT, energy=energy, in_progress=frozenset({1, 3}))
    result = rank_tasks(tasks, ctx, DEFAULT_WEIGHTS, explain=True)
    assert result.contributions is not None
    total = np.sum(list(result.contributions.values()), axis=0)
    assert np.max(np.abs(total - result.logits)) <= 1e-9


@settings(deadline=None, max_examples=40)
@given(open_tasks(), st.integers(0, 10))
def test_attention_among_the_top_tasks_is_row_stochastic(tasks: list[Task], k: int) -> None:
    result = rank_tasks(tasks, CTX, DEFAULT_WEIGHTS, explain=True, top_attention=k)
    top = min(k, len(result))
    assert result.attention_ids.tolist() == result.ids[:top].tolist()
    assert result.attention.shape == (top, top)
    np.testing.assert_allclose(result.attention.sum(axis=1), 1.0)
    assert np.all((result.attention_mass > 0) & (result.attention_mass <= 1 + 1e-12))


def test_without_explain_there_is_no_explanation() -> None:
    result = rank_tasks([make_task(1), make_task(2)], CTX, DEFAULT_WEIGHTS)
    assert result.contributions is None
    assert result.features is None
    assert result.attention.shape == (0, 0)
    assert result.attention_ids.size == 0


# --- the principles, one at a time ----------------------------------------------------------------


def top_of(tasks: list[Task], ctx: RankInput = CTX) -> int:
    return int(rank_tasks(tasks, ctx, DEFAULT_WEIGHTS).ids[0])


def test_more_important_ranks_first() -> None:
    assert top_of([make_task(1, importance=2), make_task(3, importance=4)]) == 3


def test_overdue_ranks_before_no_deadline() -> None:
    assert top_of([make_task(1), make_task(3, due=AT - dt.timedelta(hours=6))]) == 3


def test_what_unblocks_the_most_ranks_first() -> None:
    tasks = [
        make_task(1),
        make_task(3),
        make_task(4, depends_on=(3,)),
        make_task(5, depends_on=(4,)),
    ]
    assert top_of(tasks) == 3


def test_the_task_in_progress_ranks_first() -> None:
    ctx = RankInput(at=AT, energy=3, in_progress=frozenset({3}))
    assert top_of([make_task(1), make_task(3)], ctx) == 3


def test_project_of_the_task_in_progress_rises_with_it() -> None:
    tasks = [
        make_task(1, project="thesis"),
        make_task(3, project="thesis"),
        make_task(4, project="house"),
        *[make_task(10 + k, project=f"other{k}") for k in range(6)],
    ]
    ctx = RankInput(at=AT, energy=3, in_progress=frozenset({1}))
    logits = logits_by_id(rank_tasks(tasks, ctx, DEFAULT_WEIGHTS))
    assert logits[3] > logits[4]


# --- validation -------------------------------------------------------------------------------------


def test_bad_weights_raise() -> None:
    with pytest.raises(ValueError, match="temperature"):
        rank_tasks([make_task(1)], CTX, {"temperature": -1.0})
    with pytest.raises(ValueError, match="unknown weight names: no such weight"):
        rank_tasks([make_task(1)], CTX, {"no such weight": 1.0})
    with pytest.raises(ValueError, match="finite"):
        rank_tasks([make_task(1)], CTX, {"residual.importance": math.nan})


def test_duplicate_ids_raise() -> None:
    with pytest.raises(ValueError, match="unique"):
        rank_tasks([make_task(1), make_task(1)], CTX, DEFAULT_WEIGHTS)


def test_negative_top_attention_raises() -> None:
    with pytest.raises(ValueError, match="top_attention"):
        rank_tasks([make_task(1)], CTX, DEFAULT_WEIGHTS, top_attention=-1)
