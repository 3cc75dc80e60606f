"""Eligibility at `t` and the token features."""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.attention.features import (
    CONTEXT_FEATURES,
    FEATURE_INDEX,
    N_FEATURES,
    RankInput,
    _dependents_counts,
    _scan,
    _signature_code,
    build_tokens,
    context_vector,
    deadline_pressure,
    eligible_tasks,
    project_signature,
)
from focusplan.attention.weights import HOUR_BINS, SIGNATURE_DIMS, WEEKDAYS
from focusplan.domain import Task

ZONE = ZoneInfo("Europe/Paris")
AT = dt.datetime(2026, 3, 4, 10, 0, tzinfo=ZONE)  # a Wednesday
REPO = Path(__file__).resolve().parents[2]


def make_task(task_id: int, **fields: Any) -> Task:
    fields.setdefault("title", f"task {task_id}")
    fields.setdefault("created_at", AT - dt.timedelta(days=2))
    if fields.get("status") == "done":
        fields.setdefault("completed_at", AT - dt.timedelta(hours=1))
    return Task(id=task_id, **fields)


def feature(tasks: list[Task], name: str, ctx: RankInput | None = None) -> dict[int, float]:
    tokens = build_tokens(tasks, ctx or RankInput(at=AT, energy=3))
    column = tokens.X[:, FEATURE_INDEX[name]]
    return {int(i): float(v) for i, v in zip(tokens.ids, column, strict=True)}


# --- eligibility ---------------------------------------------------------------------

offsets = st.one_of(st.none(), st.integers(-3, 3).map(lambda h: dt.timedelta(hours=h)))


@st.composite
def task_lists(draw: st.DrawFn) -> list[Task]:
    n = draw(st.integers(1, 8))
    tasks = []
    for task_id in range(1, n + 1):
        created = AT + dt.timedelta(hours=draw(st.integers(-5, 1)))
        status = draw(st.sampled_from(["open", "done", "dropped"]))
        after = created + dt.timedelta(hours=draw(st.integers(0, 4)))
        not_before = draw(offsets)
        tasks.append(
            make_task(
                task_id,
                created_at=created,
                status=status,
                completed_at=after if status == "done" else None,
                dropped_at=after if status == "dropped" else None,
                not_before=None if not_before is None else AT + not_before,
                depends_on=draw(st.lists(st.integers(1, n + 2), max_size=2)),
            )
        )
    return tasks


def reference_eligible(tasks: list[Task], at: dt.datetime) -> list[int]:
    by_id = {task.id: task for task in tasks}
    return [
        task.id
        for task in tasks
        if task.open_at(at)
        and (task.not_before is None or task.not_before <= at)
        and all(dep not in by_id or not by_id[dep].open_at(at) for dep in task.depends_on)
    ]


@settings(deadline=None, max_examples=200)
@given(task_lists())
def test_eligible_tasks_match_the_definition_at_every_boundary(tasks: list[Task]) -> None:
    assert [task.id for task in eligible_tasks(tasks, AT)] == reference_eligible(tasks, AT)


def test_task_completed_exactly_at_t_is_not_eligible() -> None:
    done = make_task(1, status="done", completed_at=AT)
    assert eligible_tasks([done], AT) == []


def test_task_completed_after_t_was_still_open_at_t() -> None:
    done_later = make_task(1, status="done", completed_at=AT + dt.timedelta(minutes=1))
    assert [t.id for t in eligible_tasks([done_later], AT)] == [1]


def test_task_created_after_t_does_not_exist_yet() -> None:
    assert eligible_tasks([make_task(1, created_at=AT + dt.timedelta(seconds=1))], AT) == []


def test_dependency_finished_after_t_still_blocks_at_t() -> None:
    blocker = make_task(1, status="done", completed_at=AT + dt.timedelta(hours=1))
    waiting = make_task(2, depends_on=(1,))
    assert [t.id for t in eligible_tasks([blocker, waiting], AT)] == [1]


def test_dropped_or_unknown_dependency_does_not_block() -> None:
    dropped = make_task(1, status="dropped", dropped_at=AT - dt.timedelta(hours=1))
    waiting = make_task(2, depends_on=(1, 99))
    assert [t.id for t in eligible_tasks([dropped, waiting], AT)] == [2]


def test_not_before_in_the_future_is_not_eligible_yet() -> None:
    later = make_task(1, not_before=AT + dt.timedelta(minutes=5))
    now = make_task(2, not_before=AT)
    assert [t.id for t in eligible_tasks([later, now], AT)] == [2]


def test_duplicate_open_ids_raise() -> None:
    with pytest.raises(ValueError, match="unique"):
        eligible_tasks([make_task(1), make_task(1)], AT)


def test_naive_time_raises() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        eligible_tasks([make_task(1)], AT.replace(tzinfo=None))


# --- deadline pressure ----------------------------------------------------------------


def test_deadline_pressure_is_zero_without_due_and_far_ahead() -> None:
    pressure = deadline_pressure(np.array([math.nan, 24.0 * 60]))
    np.testing.assert_allclose(pressure, [0.0, 0.0], atol=1e-4)


def test_deadline_pressure_rises_over_the_last_two_weeks_to_one_at_due() -> None:
    days = np.array([14.0, 7.0, 3.0, 1.0, 0.0])
    pressure = deadline_pressure(days * 24)
    assert pressure[0] < 0.1
    assert np.all(np.diff(pressure) > 0)
    assert pressure[3] > 0.7
    assert pressure[4] == pytest.approx(1.0)


def test_overdue_pressure_keeps_rising_and_saturates_at_one_and_a_half() -> None:
    overdue = deadline_pressure(-np.array([1.0, 24.0, 24.0 * 30, 24.0 * 365 * 50, math.inf]))
    assert np.all(np.diff(overdue) >= 0)
    assert overdue[0] > 1.0
    assert overdue.max() <= 1.5
    assert overdue[-1] == pytest.approx(1.5)


@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_deadline_pressure_is_bounded_and_non_increasing_in_time_left(hours: float) -> None:
    here, later = deadline_pressure(np.array([hours, hours + 1.0]))
    assert 0.0 <= later <= here <= 1.5


def test_deadline_pressure_is_smooth_at_the_due_time() -> None:
    eps = 1e-4
    before, at_due, after = deadline_pressure(np.array([eps, 0.0, -eps]))
    slope_before = (at_due - before) / eps
    slope_after = (after - at_due) / eps
    assert slope_before == pytest.approx(slope_after, rel=1e-3)


# --- task features ----------------------------------------------------------------------


def test_importance_demand_and_estimate_scales() -> None:
    tasks = [
        make_task(1, importance=5, demand="high", estimate_minutes=60),
        make_task(2, importance=1, demand="low", estimate_minutes=15),
    ]
    assert feature(tasks, "importance") == {1: 1.0, 2: -1.0}
    assert feature(tasks, "demand") == {1: 1.0, 2: -1.0}
    assert feature(tasks, "estimate") == {1: 0.0, 2: -2.0}


def test_age_is_one_after_a_month_and_capped_at_two() -> None:
    tasks = [
        make_task(1, created_at=AT - dt.timedelta(days=30)),
        make_task(2, created_at=AT - dt.timedelta(days=365 * 40)),
        make_task(3, created_at=AT),
    ]
    ages = feature(tasks, "age")
    assert ages[1] == pytest.approx(1.0)
    assert ages[2] == 2.0
    assert ages[3] == 0.0


def test_unblocks_counts_open_dependents_transitively() -> None:
    tasks = [
        make_task(1),
        make_task(2, depends_on=(1,)),
        make_task(3, depends_on=(2,)),
        make_task(4, depends_on=(1, 2)),  # reached twice, counted once
        make_task(5, depends_on=(1,), status="done"),  # finished: waits on nothing
        make_task(6, depends_on=(1,), created_at=AT + dt.timedelta(hours=1)),  # after t
    ]
    assert feature(tasks, "unblocks") == {1: pytest.approx(math.log1p(3))}


def test_unblocks_survives_a_dependency_cycle() -> None:
    tasks = [make_task(1), make_task(2, depends_on=(1, 3)), make_task(3, depends_on=(2,))]
    assert feature(tasks, "unblocks") == {1: pytest.approx(math.log1p(2))}


def reference_dependents(tasks: list[Task]) -> dict[int, int]:
    """The plain definition: per open task, the open tasks reachable through open tasks
    along "waits on" edges (itself excluded), by a search from each task."""
    open_ids = {task.id for task in tasks if task.open_at(AT)}
    waiting_on: dict[int, set[int]] = {}
    for task in tasks:
        if task.id in open_ids:
            for dep in task.depends_on:
                if dep in open_ids and dep != task.id:
                    waiting_on.setdefault(dep, set()).add(task.id)
    # Every task on an edge gets a count (0 for the last of a chain), as the feature does.
    on_edges = set(waiting_on).union(*waiting_on.values())
    counts = {}
    for start in on_edges:
        seen: set[int] = set()
        stack = list(waiting_on.get(start, ()))
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(waiting_on.get(node, ()))
        seen.discard(start)
        counts[start] = len(seen)
    return counts


@st.composite
def dependency_graphs(draw: st.DrawFn) -> list[Task]:
    """Up to 30 tasks, some finished, each waiting on up to three others (unknown ids,
    repeats, diamonds and cycles included)."""
    n = draw(st.integers(1, 30))
    back_only = draw(st.booleans())  # only earlier ids: a DAG, as the store keeps it
    tasks = []
    for task_id in range(1, n + 1):
        high = task_id - 1 if back_only else n + 2
        deps = draw(st.lists(st.integers(1, max(1, high)), max_size=3)) if high >= 1 else []
        status = draw(st.sampled_from(["open", "open", "open", "done"]))
        tasks.append(
            make_task(task_id, status=status, depends_on=[d for d in deps if d != task_id])
        )
    return tasks


@settings(deadline=None, max_examples=300)
@given(dependency_graphs())
def test_dependents_counts_match_a_search_from_every_task(tasks: list[Task]) -> None:
    scan = _scan(tasks, AT)
    wanted = [task.id for task in tasks]
    assert _dependents_counts(scan.waiting, scan.open_ids, wanted) == reference_dependents(tasks)


def test_unblocks_of_a_long_chain_counts_every_later_step() -> None:
    # A chain is the shape that made the old bitsets quadratic; its counts are exact.
    n = 3_000
    tasks = [make_task(1)] + [make_task(k, depends_on=(k - 1,)) for k in range(2, n + 1)]
    scan = _scan(tasks, AT)
    counts = _dependents_counts(scan.waiting, scan.open_ids, range(1, n + 1))
    assert counts == {k: n - k for k in range(1, n + 1)}


def test_in_progress_marks_only_the_listed_tasks() -> None:
    ctx = RankInput(at=AT, energy=3, in_progress=frozenset({2}))
    assert feature([make_task(1), make_task(2)], "in_progress", ctx) == {1: 0.0, 2: 1.0}


def test_window_fit_peaks_at_the_window_centre_and_is_zero_without_window() -> None:
    tasks = [make_task(1, window="morning"), make_task(2, window="evening"), make_task(3)]
    fit = feature(tasks, "window_fit")  # AT is 10:00, the morning centre
    assert fit[1] == pytest.approx(1.0)
    assert fit[2] < 0
    assert fit[3] == 0.0


def test_project_signature_is_a_case_insensitive_unit_vector() -> None:
    sig = project_signature("Thesis", ("writing",))
    assert np.linalg.norm(sig) == pytest.approx(1.0)
    assert set(np.abs(sig).round(12)) == {round(1 / math.sqrt(sig.size), 12)}
    np.testing.assert_array_equal(sig, project_signature("thesis", ("WRITING",)))
    np.testing.assert_array_equal(project_signature(None), project_signature(None, ()))


def test_project_signature_does_not_depend_on_python_hash_seed() -> None:
    code = (
        "from focusplan.attention.features import project_signature as s;"
        "print(s('thesis', ('writing', 'deep')).tolist(), s('admin').tolist())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def reference_signature_code(project: str | None, tags: tuple[str, ...]) -> int:
    """The signature's definition, vote by vote: the anchor (project, else the first tag
    in order) ±1.5 per bit, every other distinct tag ±1, by the bits of its crc32."""
    labels = sorted({tag.casefold() for tag in tags})
    anchor = project.casefold() if project else (labels[0] if labels else "")

    def bits(label: str) -> int:
        return zlib.crc32(label.casefold().encode("utf-8"))

    code = 0
    for k in range(SIGNATURE_DIMS):
        vote = 1.5 if bits(anchor) >> k & 1 else -1.5
        vote += sum(1.0 if bits(tag) >> k & 1 else -1.0 for tag in labels if tag != anchor)
        code |= (vote > 0) << k
    return code


signature_labels = st.text(alphabet="abcXYZßéİǅ ﬁ-", max_size=6)


@settings(deadline=None, max_examples=400)
@given(st.none() | signature_labels, st.lists(signature_labels, max_size=6).map(tuple))
def test_signature_code_is_the_vote_of_its_labels(
    project: str | None, tags: tuple[str, ...]
) -> None:
    assert _signature_code(project, tags) == reference_signature_code(project, tags)


def test_tasks_of_one_project_share_a_signature() -> None:
    tasks = [make_task(1, project="thesis"), make_task(2, project="thesis"), make_task(3)]
    X = build_tokens(tasks, RankInput(at=AT, energy=3)).X
    cols = [FEATURE_INDEX[f"project{k}"] for k in range(6)]
    np.testing.assert_array_equal(X[0, cols], X[1, cols])


# --- context -------------------------------------------------------------------------


def test_context_features_read_the_clock_in_the_zone_of_at() -> None:
    saturday_evening = dt.datetime(2026, 3, 7, 18, 0, tzinfo=ZONE)
    ctx = RankInput(at=saturday_evening, energy=5, meeting_load=0.5)
    c = dict(zip(CONTEXT_FEATURES, context_vector(ctx), strict=True))
    assert c["hour_sin"] == pytest.approx(-1.0)
    assert c["hour_cos"] == pytest.approx(0.0, abs=1e-12)
    assert (c["energy"], c["weekend"], c["day_left"], c["meeting_load"], c["bias"]) == (
        1.0,
        1.0,
        0.0,
        0.5,
        1.0,
    )
    # 18:00 sits halfway between the bins of 17:00 and 19:00; Saturday is its weekday.
    assert {name: c[name] for name in HOUR_BINS if c[name]} == {"hour_17": 0.5, "hour_19": 0.5}
    assert [name for name in WEEKDAYS if c[name]] == ["sat"]
    assert c["after_meeting"] == 0.0


def test_day_left_is_the_fraction_of_the_working_day_still_ahead() -> None:
    start, end = AT.replace(hour=9), AT.replace(hour=17)
    ctx = RankInput(at=AT.replace(hour=13), energy=3, day_start=start, day_end=end)
    assert context_vector(ctx)[4] == pytest.approx(0.5)
    before = RankInput(at=AT.replace(hour=7), energy=3, day_start=start, day_end=end)
    assert context_vector(before)[4] == 1.0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"energy": 0.5}, "energy"),
        ({"energy": math.nan}, "energy"),
        ({"meeting_load": 1.5}, "meeting_load"),
        ({"at": AT.replace(tzinfo=None)}, "timezone-aware"),
        ({"day_end": AT.replace(hour=9), "day_start": AT.replace(hour=17)}, "day_end"),
    ],
)
def test_rank_input_rejects_invalid_context(fields: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"at": AT, "energy": 3.0, **fields}
    with pytest.raises(ValueError, match=message):
        RankInput(**values)


# --- token matrix ----------------------------------------------------------------------


def test_tokens_are_the_eligible_tasks_in_id_order() -> None:
    tasks = [make_task(5), make_task(2), make_task(9, status="done"), make_task(3)]
    tokens = build_tokens(tasks, RankInput(at=AT, energy=3))
    assert tokens.ids.tolist() == [2, 3, 5]
    assert tokens.X.shape == (3, N_FEATURES)


def test_candidate_tokens_include_ineligible_tasks_and_skip_unknown_ids() -> None:
    tasks = [make_task(1), make_task(2, status="done")]
    tokens = build_tokens(tasks, RankInput(at=AT, energy=3), candidates=[2, 1, 42])
    assert tokens.ids.tolist() == [1, 2]


def test_extreme_tasks_give_finite_bounded_features() -> None:
    tasks = [
        Task.model_construct(
            id=1,
            title="huge",
            importance=5,
            demand="high",
            estimate_minutes=10**9,
            created_at=dt.datetime(1900, 1, 1, tzinfo=dt.UTC),
            due=dt.datetime(1901, 1, 1, tzinfo=dt.UTC),
            not_before=None,
            project=None,
            tags=(),
            window=None,
            depends_on=(),
            completed_at=None,
            dropped_at=None,
        ),
        make_task(2, due=dt.datetime(9999, 12, 31, tzinfo=dt.UTC), estimate_minutes=1),
    ]
    X = build_tokens(tasks, RankInput(at=AT, energy=1)).X
    assert np.all(np.isfinite(X))
    assert np.abs(X).max() <= 4.0
