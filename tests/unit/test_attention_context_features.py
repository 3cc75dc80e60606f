"""The context features of issue 11: continuity, hour bins, weekday, meeting gaps, urgency.

Each is pinned by what it means (a task of the last project gets `same_project` 1,
a task that fits before the meeting gets `fits_gap` > 0, ...) and by the properties
that define "works" for the whole ranking: permutation equivariance, masking, no
NaN, exact explanations, nothing after `t`.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.attention.features import (
    FEATURE_INDEX,
    RankInput,
    build_tokens,
    context_vector,
    hour_bins,
)
from focusplan.attention.layer import forward
from focusplan.attention.ranking import rank_tasks
from focusplan.attention.weights import (
    CONTEXT_FEATURES,
    DEFAULT_WEIGHTS,
    HOUR_BINS,
    TASK_FEATURES,
    WEEKDAYS,
)
from focusplan.domain import DEMANDS, Task

ZONE = ZoneInfo("Europe/Paris")
AT = dt.datetime(2026, 3, 4, 10, 0, tzinfo=ZONE)  # a Wednesday
MIN = dt.timedelta(minutes=1)


def make_task(task_id: int, **fields: Any) -> Task:
    fields.setdefault("title", f"task {task_id}")
    fields.setdefault("created_at", AT - dt.timedelta(days=2))
    return Task(id=task_id, **fields)


def column(tasks: list[Task], name: str, ctx: RankInput) -> dict[int, float]:
    tokens = build_tokens(tasks, ctx)
    return {
        int(i): float(x) for i, x in zip(tokens.ids, tokens.X[:, FEATURE_INDEX[name]], strict=True)
    }


def context(ctx: RankInput) -> dict[str, float]:
    return dict(zip(CONTEXT_FEATURES, context_vector(ctx).tolist(), strict=True))


# --- continuity ---------------------------------------------------------------------------


def test_same_project_marks_the_tasks_of_the_last_project_only() -> None:
    tasks = [
        make_task(1, project="Thesis"),
        make_task(2, project="thesis"),
        make_task(3, project="house"),
        make_task(4),
    ]
    ctx = RankInput(at=AT, energy=3, last_task=9, last_project="thesis")
    assert column(tasks, "same_project", ctx) == {1: 1.0, 2: 1.0, 3: 0.0, 4: 0.0}


def test_without_a_last_task_no_task_has_continuity() -> None:
    tasks = [make_task(1, project="thesis", tags=("code",)), make_task(2)]
    ctx = RankInput(at=AT, energy=3)
    assert set(column(tasks, "same_project", ctx).values()) == {0.0}
    assert set(column(tasks, "shared_tags", ctx).values()) == {0.0}


def test_shared_tags_is_the_overlap_of_the_tag_sets() -> None:
    tasks = [
        make_task(1, tags=("code", "review")),
        make_task(2, tags=("CODE",)),
        make_task(3, tags=("call",)),
        make_task(4),
    ]
    ctx = RankInput(at=AT, energy=3, last_task=9, last_tags=frozenset({"code", "review"}))
    assert column(tasks, "shared_tags", ctx) == {1: 1.0, 2: 0.5, 3: 0.0, 4: 0.0}


def test_a_last_task_without_project_gives_no_same_project() -> None:
    tasks = [make_task(1), make_task(2, project="thesis")]
    ctx = RankInput(at=AT, energy=3, last_task=9, last_project=None)
    assert set(column(tasks, "same_project", ctx).values()) == {0.0}


def test_continuity_lifts_the_task_of_the_project_just_worked_on() -> None:
    tasks = [make_task(1, project="house"), make_task(2, project="thesis")]
    scores = {}
    for project in ("house", "thesis"):
        ctx = RankInput(at=AT, energy=3, last_task=9, last_project=project)
        result = rank_tasks(tasks, ctx, DEFAULT_WEIGHTS)
        scores[project] = int(result.ids[0])
    assert scores == {"house": 1, "thesis": 2}


# --- time of day and weekday -----------------------------------------------------------------


@settings(deadline=None, max_examples=80)
@given(st.floats(0.0, 24.0, exclude_max=True))
def test_hour_bins_share_one_between_the_two_nearest(hour: float) -> None:
    bins = hour_bins(hour)
    assert sum(bins) == pytest.approx(1.0, abs=1e-12)
    assert sum(1 for b in bins if b > 0) <= 2
    assert all(0.0 <= b <= 1.0 for b in bins)


@settings(deadline=None, max_examples=40)
@given(st.floats(0.0, 24.0, exclude_max=True), st.floats(-0.01, 0.01))
def test_hour_bins_are_continuous_including_midnight(hour: float, step: float) -> None:
    later = (hour + step) % 24.0
    assert np.max(np.abs(np.subtract(hour_bins(hour), hour_bins(later)))) <= abs(step) / 2 + 1e-9


def test_hour_bins_can_tell_nine_to_eleven_from_the_hours_around_it() -> None:
    # "Deep work 9-11 only": weights on the 09 and 11 bins are full inside the window
    # and gone two hours either side of it.
    inside = [hour_bins(h) for h in (9.0, 10.0, 11.0)]
    outside = [hour_bins(h) for h in (6.5, 13.5)]
    window = [HOUR_BINS.index("hour_09"), HOUR_BINS.index("hour_11")]
    assert all(sum(b[k] for k in window) == pytest.approx(1.0) for b in inside)
    assert all(sum(b[k] for k in window) == 0.0 for b in outside)


@pytest.mark.parametrize("day", range(7))
def test_weekday_is_one_hot_in_the_zone_of_at(day: int) -> None:
    at = AT + dt.timedelta(days=day)
    c = context(RankInput(at=at, energy=3))
    assert [name for name in WEEKDAYS if c[name]] == [WEEKDAYS[at.weekday()]]
    assert c["weekend"] == (1.0 if at.weekday() >= 5 else 0.0)


# --- meetings --------------------------------------------------------------------------------


def test_after_meeting_is_one_at_its_end_and_fades() -> None:
    fresh = context(RankInput(at=AT, energy=3, last_meeting_end=AT))["after_meeting"]
    later = context(RankInput(at=AT, energy=3, last_meeting_end=AT - 60 * MIN))["after_meeting"]
    none = context(RankInput(at=AT, energy=3))["after_meeting"]
    assert fresh == 1.0
    assert 0.0 < later < 0.5
    assert none == 0.0


def test_after_meeting_covers_the_hour_after_it() -> None:
    def after(minutes: int) -> float:
        ended = AT - minutes * MIN
        return float(context(RankInput(at=AT, energy=3, last_meeting_end=ended))["after_meeting"])

    # Most of the hour counts fully; by its end it fades, and later it is gone.
    assert after(30) > 0.9
    assert 0.3 < after(50) < 0.7
    assert after(90) < 0.01
    values = [after(m) for m in range(0, 180, 5)]
    assert values == sorted(values, reverse=True)


def test_fits_gap_says_which_tasks_fit_before_the_next_meeting() -> None:
    tasks = [
        make_task(1, estimate_minutes=20),
        make_task(2, estimate_minutes=45),
        make_task(3, estimate_minutes=120),
    ]
    ctx = RankInput(at=AT, energy=3, next_meeting_start=AT + 45 * MIN)
    fits = column(tasks, "fits_gap", ctx)
    assert fits[1] > 0.8
    assert fits[2] == 0.0
    assert fits[3] < -0.99
    assert set(column(tasks, "fits_gap", RankInput(at=AT, energy=3)).values()) == {0.0}


def test_with_a_meeting_soon_the_task_that_fits_goes_first() -> None:
    tasks = [make_task(1, estimate_minutes=25), make_task(2, estimate_minutes=120)]
    free = rank_tasks(tasks, RankInput(at=AT, energy=3), DEFAULT_WEIGHTS)
    squeezed = rank_tasks(
        tasks, RankInput(at=AT, energy=3, next_meeting_start=AT + 30 * MIN), DEFAULT_WEIGHTS
    )
    assert int(free.ids[0]) == 2  # the whole morning ahead: the long task
    assert int(squeezed.ids[0]) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"last_meeting_end": AT + MIN}, "last_meeting_end"),
        ({"next_meeting_start": AT - MIN}, "next_meeting_start"),
        ({"last_meeting_end": AT.replace(tzinfo=None)}, "last_meeting_end"),
    ],
)
def test_context_from_after_t_is_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RankInput(at=AT, energy=3, **fields)


# --- urgency on the scale of hours -----------------------------------------------------------


@settings(deadline=None, max_examples=80)
@given(st.integers(-5000, 5000), st.integers(-5000, 5000), st.integers(1, 600))
def test_due_soon_grows_as_the_due_time_nears_and_stays_full_once_overdue(
    early: int, late: int, minutes: int
) -> None:
    first, second = sorted((early, late))
    tasks = [
        make_task(1, estimate_minutes=minutes, due=AT + first * MIN),
        make_task(2, estimate_minutes=minutes, due=AT + second * MIN),
        make_task(3, estimate_minutes=minutes),
    ]
    ctx = RankInput(at=AT, energy=3)
    due_soon = column(tasks, "due_soon", ctx)
    quick = column(tasks, "quick_due", ctx)
    assert due_soon[1] >= due_soon[2]
    assert due_soon[3] == 0.0 == quick[3]
    if first + minutes <= 0:
        assert due_soon[1] == 1.0
    assert all(0.0 <= quick[k] <= due_soon[k] <= 1.0 for k in (1, 2))


def test_quick_due_is_full_for_a_quarter_hour_and_gone_from_an_hour() -> None:
    overdue = AT - 60 * MIN
    tasks = [
        make_task(1, estimate_minutes=10, due=overdue),
        make_task(2, estimate_minutes=30, due=overdue),
        make_task(3, estimate_minutes=60, due=overdue),
    ]
    quick = column(tasks, "quick_due", RankInput(at=AT, energy=3))
    assert quick[1] == 1.0
    assert quick[2] == pytest.approx(0.5)
    assert quick[3] == 0.0


# --- the properties of the whole ranking, with every new feature active ---------------------


@st.composite
def rich_case(draw: st.DrawFn) -> tuple[list[Task], RankInput]:
    n = draw(st.integers(1, 10))
    tasks = []
    for task_id in range(1, n + 1):
        due = draw(st.one_of(st.none(), st.integers(-3000, 6000)))
        tasks.append(
            make_task(
                task_id,
                importance=draw(st.integers(1, 5)),
                demand=draw(st.sampled_from(DEMANDS)),
                estimate_minutes=draw(st.integers(1, 600)),
                due=None if due is None else AT + due * MIN,
                project=draw(st.sampled_from([None, "thesis", "house", "ops"])),
                tags=tuple(draw(st.lists(st.sampled_from(["code", "call", "write"]), max_size=2))),
            )
        )
    at = AT + dt.timedelta(minutes=draw(st.integers(0, 7 * 24 * 60)))
    since = draw(st.one_of(st.none(), st.integers(0, 600)))
    until = draw(st.one_of(st.none(), st.integers(0, 600)))
    ctx = RankInput(
        at=at,
        energy=draw(st.floats(1.0, 5.0)),
        meeting_load=draw(st.floats(0.0, 1.0)),
        in_progress=frozenset(draw(st.sets(st.integers(1, n), max_size=2))),
        last_task=draw(st.one_of(st.none(), st.integers(1, n))),
        last_project=draw(st.sampled_from([None, "thesis", "ops"])),
        last_tags=frozenset(draw(st.sets(st.sampled_from(["code", "call"]), max_size=2))),
        last_meeting_end=None if since is None else at - since * MIN,
        next_meeting_start=None if until is None else at + until * MIN,
    )
    return tasks, ctx


def _random_weights(seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    return {
        name: value + rng.gauss(0.0, 0.5) if name != "temperature" else value
        for name, value in DEFAULT_WEIGHTS.items()
    }


@settings(deadline=None, max_examples=40)
@given(rich_case(), st.randoms(use_true_random=False), st.integers(0, 3))
def test_shuffling_the_tasks_changes_no_score(
    case: tuple[list[Task], RankInput], shuffler: random.Random, seed: int
) -> None:
    tasks, ctx = case
    weights = _random_weights(seed)
    shuffled = list(tasks)
    shuffler.shuffle(shuffled)
    a = rank_tasks(tasks, ctx, weights)
    b = rank_tasks(shuffled, ctx, weights)
    assert a.ids.tolist() == b.ids.tolist()
    np.testing.assert_allclose(a.logits, b.logits, rtol=1e-12, atol=1e-12)


@settings(deadline=None, max_examples=40)
@given(rich_case(), st.integers(0, 3))
def test_finished_and_blocked_tasks_change_no_score(
    case: tuple[list[Task], RankInput], seed: int
) -> None:
    tasks, ctx = case
    weights = _random_weights(seed)
    ineligible = [
        make_task(100, project="thesis", tags=("code",), status="done", completed_at=ctx.at - MIN),
        make_task(101, project="ops", status="dropped", dropped_at=ctx.at - MIN),
        make_task(102, project="thesis", not_before=ctx.at + MIN),
        make_task(103, project="house", depends_on=(102,)),
        make_task(104, project="ops", created_at=ctx.at + MIN),
    ]
    alone = rank_tasks(tasks, ctx, weights)
    with_others = rank_tasks([*tasks, *ineligible], ctx, weights)
    assert alone.ids.tolist() == with_others.ids.tolist()
    np.testing.assert_allclose(alone.logits, with_others.logits, rtol=1e-12, atol=1e-12)


@settings(deadline=None, max_examples=40)
@given(rich_case(), st.integers(0, 3))
def test_explanations_add_up_to_every_score_and_nothing_is_nan(
    case: tuple[list[Task], RankInput], seed: int
) -> None:
    tasks, ctx = case
    result = rank_tasks(tasks, ctx, _random_weights(seed), explain=True)
    assert result.contributions is not None
    total = sum(result.contributions.values())
    np.testing.assert_allclose(total, result.logits, rtol=0, atol=1e-9)
    assert np.all(np.isfinite(result.scores))
    assert result.scores.sum() == pytest.approx(1.0)


def test_the_new_features_have_residual_and_value_weights_and_names() -> None:
    for name in ("due_soon", "quick_due", "same_project", "shared_tags", "fits_gap"):
        assert name in TASK_FEATURES
        assert f"residual.{name}" in DEFAULT_WEIGHTS
        assert f"value.{name}" in DEFAULT_WEIGHTS
    for name in (*HOUR_BINS, *WEEKDAYS, "after_meeting"):
        assert f"attn.{name}×demand" in DEFAULT_WEIGHTS


def test_extreme_contexts_stay_finite_for_one_task_and_many() -> None:
    ctx = RankInput(
        at=AT,
        energy=5.0,
        meeting_load=1.0,
        last_task=1,
        last_project="p0",
        last_tags=frozenset({"t0"}),
        last_meeting_end=AT,
        next_meeting_start=AT,
    )
    many = [
        make_task(
            k,
            project=f"p{k % 7}",
            tags=(f"t{k % 3}",),
            estimate_minutes=1 + k % 1440,
            due=AT + dt.timedelta(days=(k % 9000) - 4500),
        )
        for k in range(1, 3001)
    ]
    for tasks in (many[:1], many):
        result = rank_tasks(tasks, ctx, DEFAULT_WEIGHTS, explain=True)
        assert np.all(np.isfinite(result.logits))
        assert result.scores.sum() == pytest.approx(1.0)
    X = build_tokens(many, ctx).X
    assert np.all(np.isfinite(forward(X, DEFAULT_WEIGHTS).logits))
