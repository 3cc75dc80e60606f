"""Tokens for the attention layer: which tasks are eligible at `t`, and their features.

A token is ``x_i = [task features f_i ; project signature ; context c]`` (float64,
columns in `FEATURE_NAMES` order; the last context feature is the constant 1).
Everything is judged by what was recorded at or before `t`: a task created later
does not exist yet, one completed later is still open, a dependency completed
later still blocks. Fields are pulled out of the tasks in one Python pass; the
feature maths is vectorised.

Task features beyond the task's own fields come from the moment (`RankInput`):
``due_soon`` (exp(-slack/4 h), slack = hours left minus the task's length; 1 once
it must start or is overdue), ``quick_due`` (``due_soon`` × shortness: full at
15 min, none from an hour), ``same_project`` / ``shared_tags`` (continuity with
the last task done or focused on today: 1/0, and the Jaccard overlap of tags),
``fits_gap`` (tanh((minutes to the next meeting − estimate)/15 min), 0 without
one). Context features: the clock as one harmonic and as twelve two-hour bins,
the weekday (one-hot) and weekend, energy, the share of the working day left,
the meeting load of the next two hours, and ``after_meeting`` (the hour after
the last meeting of today: ~1 up to ~40 minutes after it ended, ½ at 50, ~0 by 75).
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from focusplan.attention.eligibility import eligible_tasks
from focusplan.attention.eligibility import require_aware as _require_aware
from focusplan.attention.eligibility import scan as _scan
from focusplan.attention.task_columns import TaskColumns, scan_columns, wall_micros
from focusplan.attention.weights import (
    CONTEXT_FEATURES,
    FEATURE_NAMES,
    HOUR_BIN_CENTRES,
    SIGNATURE_DIMS,
    SIGNATURE_FEATURES,
    TASK_FEATURES,
    WEEKDAYS,
)
from focusplan.domain import Task

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = [
    "CONTEXT_FEATURES",
    "FEATURE_INDEX",
    "FEATURE_NAMES",
    "N_FEATURES",
    "SIGNATURE_FEATURES",
    "TASK_FEATURES",
    "RankInput",
    "TaskColumns",
    "Tokens",
    "build_column_tokens",
    "build_tokens",
    "context_vector",
    "deadline_pressure",
    "dependents_counts",
    "eligible_tasks",
    "project_signature",
    "tokens_of",
]

N_FEATURES: Final[int] = len(FEATURE_NAMES)
FEATURE_INDEX: Final[dict[str, int]] = {name: i for i, name in enumerate(FEATURE_NAMES)}

# Deadline pressure exp(-h/T) rises over the last couple of weeks (~6% at 14 days,
# 25% at 7, 82% at 1); past the due time it keeps rising as 1 + ½·tanh(overdue/S)
# and saturates at 1.5. S = T/2 makes the two pieces meet with the same slope.
DEADLINE_HOURS: Final[float] = 120.0
OVERDUE_HOURS: Final[float] = DEADLINE_HOURS / 2
ESTIMATE_CLIP: Final[float] = 4.0  # log2(minutes/60): 4 min .. 16 h
AGE_CLIP: Final[float] = 2.0  # log1p(days)/log(31): a month is 1, ~2.6 years is 2
_LOG31: Final[float] = math.log(31.0)
# `due_soon` = exp(-slack/T), slack = hours left minus the hours the task takes: ~1 when
# it must start now, 37% with 4 h to spare, 5% with half a day; overdue it stays 1.
DUE_SOON_HOURS: Final[float] = 4.0
# `quick_due` weighs `due_soon` by shortness: 1 for 15 minutes or less, 0 from an hour.
QUICK_FULL_MINUTES: Final[float] = 15.0
QUICK_NONE_MINUTES: Final[float] = 60.0
# `fits_gap` = tanh((minutes to the next meeting - estimate) / S): ±1 a quarter hour away
# from an exact fit, so "just fits" and "just does not" differ clearly.
FIT_SLACK_MINUTES: Final[float] = 15.0
# `after_meeting`: "the hour after a meeting", a smooth window that is ~1 for the
# first three quarters of an hour and fades through the hour's end:
# σ((T - minutes since the last meeting ended) / W), scaled to be exactly 1 at its end.
AFTER_MEETING_MINUTES: Final[float] = 50.0
AFTER_MEETING_FADE: Final[float] = 8.0
_AFTER_MEETING_AT_END: Final[float] = 1.0 + math.exp(-AFTER_MEETING_MINUTES / AFTER_MEETING_FADE)
HOUR_BIN_WIDTH: Final[float] = 2.0
WINDOW_CENTRES: Final[dict[str, float]] = {"morning": 10.0, "afternoon": 15.0, "evening": 19.0}
_DEMAND: Final[dict[str, float]] = {"low": -1.0, "medium": 0.0, "high": 1.0}
_WINDOW_OR_NAN: Final[dict[str | None, float]] = {None: math.nan, **dict(WINDOW_CENTRES.items())}
_total_seconds = dt.timedelta.total_seconds
_get_fields = operator.attrgetter(
    "id",
    "importance",
    "demand",
    "estimate_minutes",
    "window",
    "project",
    "tags",
    "created_at",
    "due",
)
# Without a day end, a nominal 09:00-18:00 working day in `at`'s zone.
NOMINAL_DAY: Final[tuple[float, float]] = (9.0, 18.0)
_TWO_PI_OVER_DAY: Final[float] = 2.0 * math.pi / 24.0


@dataclass(frozen=True, slots=True)
class RankInput:
    """The context of one ranking: when, how much energy, what surrounds it.

    `at` is read in its own zone (hour of day, weekday), so pass local time.
    `meeting_load` is the share (0..1) of the next two hours taken by events.
    `day_start`/`day_end` bound the working day for `day_left`; when `day_end`
    is None a nominal 09:00-18:00 day is assumed, when only `day_start` is None
    the day is taken to start 9 hours before `day_end`.

    Continuity: `last_task` is the task last done or focused on today before `at`
    (None: nothing yet), with its `last_project` and `last_tags`. Meetings:
    `last_meeting_end` (at or before `at`, today) and `next_meeting_start` (after
    `at`, today), None when there is none. Build it with
    `focusplan.services.ranking.ranking_context`, which the learning uses too.
    """

    at: dt.datetime
    energy: float
    meeting_load: float = 0.0
    day_end: dt.datetime | None = None
    in_progress: frozenset[int] = field(default_factory=frozenset)
    day_start: dt.datetime | None = None
    last_task: int | None = None
    last_project: str | None = None
    last_tags: frozenset[str] = field(default_factory=frozenset)
    last_meeting_end: dt.datetime | None = None
    next_meeting_start: dt.datetime | None = None

    def __post_init__(self) -> None:
        _require_aware(self.at, "at")
        if not (math.isfinite(self.energy) and 1.0 <= self.energy <= 5.0):
            raise ValueError(f"energy must be within 1..5, got {self.energy!r}")
        if not (math.isfinite(self.meeting_load) and 0.0 <= self.meeting_load <= 1.0):
            raise ValueError(f"meeting_load must be within 0..1, got {self.meeting_load!r}")
        for name in ("day_end", "day_start", "last_meeting_end", "next_meeting_start"):
            value = getattr(self, name)
            if value is not None:
                _require_aware(value, name)
        # The ranking at `t` may only use what was known at `t`.
        if self.last_meeting_end is not None and self.last_meeting_end > self.at:
            raise ValueError("last_meeting_end must be at or before at")
        if self.next_meeting_start is not None and self.next_meeting_start < self.at:
            raise ValueError("next_meeting_start must be at or after at")
        if (
            self.day_start is not None
            and self.day_end is not None
            and self.day_end <= self.day_start
        ):
            raise ValueError("day_end must be after day_start")
        if not isinstance(self.in_progress, frozenset):
            object.__setattr__(self, "in_progress", frozenset(self.in_progress))
        if not isinstance(self.last_tags, frozenset):
            object.__setattr__(self, "last_tags", frozenset(self.last_tags))


@dataclass(frozen=True, slots=True)
class Tokens:
    """Token ids (ascending) and their feature rows `X` (N × `N_FEATURES`)."""

    ids: IntArray
    X: FloatArray


def hour_of_day(at: dt.datetime) -> float:
    """Local clock hour of `at` (in its own zone) as a float in [0, 24)."""
    return at.hour + at.minute / 60.0 + (at.second + at.microsecond / 1e6) / 3600.0


# --- eligibility: `attention.eligibility` (numpy-free: completing a task records the choice
# among the eligible tasks without paying for numpy) ------------------------------------


def _dependents_counts(
    waiting: list[Task], open_ids: set[int], wanted: Iterable[int]
) -> dict[int, int]:
    """For each wanted id, how many open tasks wait on it directly or transitively.

    Only open tasks count and the walk goes only through open tasks: a finished
    intermediate no longer waits on anything.

    Linear in the dependency edges for trees and chains. The nodes below a task
    split into disjoint regions: the tree of dependents with exactly one blocker
    under the task itself (`below`, summed bottom-up), and for every task with
    several blockers ("merge" task) reachable from it, that task and its own tree.
    So a count is `below[u] + Σ (1 + below[m])` over the merge tasks `m` reachable
    from `u`, whose set is a bitset over the merge tasks only: O(edges × merges / 64)
    at worst, and linear for chains and forests however long.
    """
    return _dependents_counts_of(((task.id, task.depends_on) for task in waiting), open_ids, wanted)


def _dependents_counts_of(
    waiting: Iterable[tuple[int, Sequence[int]]], open_ids: Collection[int], wanted: Iterable[int]
) -> dict[int, int]:
    """`_dependents_counts` over (task id, its dependencies) pairs: the model path and the
    column path (`build_column_tokens`) count with this one walk."""
    children: dict[int, list[int]] = {}
    parents: dict[int, list[int]] = {}  # the open blockers of each task on an edge
    for task_id, depends_on in waiting:
        mine = [dep for dep in depends_on if dep in open_ids and dep != task_id]
        if mine:
            parents[task_id] = mine
            for dep in mine:
                children.setdefault(dep, []).append(task_id)
    if not children:
        return {}
    # A task waiting on one blocker twice counts as a merge task: still exact (a merge
    # task is counted by its bit, which an OR takes once), and rare.
    merge_bit: dict[int, int] = {}
    for node, blockers in parents.items():
        if len(blockers) > 1:
            merge_bit[node] = 1 << len(merge_bit)
    nodes = children.keys() | parents.keys()
    pending = {node: len(kids) for node, kids in children.items()}
    below: dict[int, int] = {}
    merges: dict[int, int] = {}
    ready = [node for node in parents if node not in children]
    forest = not merge_bit  # chains and trees: the sums alone, no bitsets at all
    while ready:
        node = ready.pop()
        size = 0
        if forest:
            for kid in children.get(node, ()):
                size += 1 + below[kid]
            merges[node] = 0
        else:
            bits = 0
            for kid in children.get(node, ()):
                kid_bit = merge_bit.get(kid)
                if kid_bit is None:
                    size += 1 + below[kid]
                else:
                    bits |= kid_bit
                bits |= merges[kid]
            merges[node] = bits
        below[node] = size
        for parent in parents.get(node, ()):
            left = pending[parent] - 1
            pending[parent] = left
            if not left:
                ready.append(parent)
    merge_size = {bit.bit_length() - 1: 1 + below.get(node, 0) for node, bit in merge_bit.items()}
    counts: dict[int, int] = {}
    for node in wanted:
        if node not in nodes:
            continue
        if node in below:
            total = below[node]
            bits = merges[node]
            while bits:
                low = bits & -bits
                total += merge_size[low.bit_length() - 1]
                bits ^= low
            counts[node] = total
        else:
            # On a dependency cycle, or above one (the store forbids cycles, imports might
            # not): such a task never becomes ready, so count what it reaches by search.
            seen: set[int] = set()
            stack = list(children.get(node, ()))
            while stack:
                kid = stack.pop()
                if kid in seen:
                    continue
                seen.add(kid)
                stack.extend(children.get(kid, ()))
            seen.discard(node)
            counts[node] = len(seen)
    return counts


# --- feature maths (vectorised) ------------------------------------------------------


def deadline_pressure(hours_left: FloatArray) -> FloatArray:
    """Smooth bounded pressure from hours until due (NaN = no due date → 0).

    0 far ahead, ~1 at the due time, rising to at most 1.5 when long overdue;
    continuous with a continuous slope at the due time.
    """
    h = np.asarray(hours_left, dtype=np.float64)
    ahead = np.nan_to_num(h, nan=np.inf, posinf=np.inf, neginf=-np.inf)
    pressure = np.exp(-np.maximum(ahead, 0.0) / DEADLINE_HOURS)
    pressure += 0.5 * np.tanh(np.maximum(-ahead, 0.0) / OVERDUE_HOURS)
    return pressure


@lru_cache(maxsize=4096)
def _label_bits(label: str) -> int:
    # zlib.crc32, not hash(): the same label must map to the same signature in every
    # process (PYTHONHASHSEED) and every version of Python.
    return zlib.crc32(label.casefold().encode("utf-8"))


# Above the distinct (project, tags) pairs of 100,000 tasks (~16,000 in the benchmarks),
# so that the planner's repeated rankings of one day never compute one twice.
@lru_cache(maxsize=65536)
def _signature_code(project: str | None, tags: tuple[str, ...]) -> int:
    labels = sorted({tag.casefold() for tag in tags})
    anchor = project.casefold() if project else (labels[0] if labels else "")
    others = [_label_bits(tag) for tag in labels if tag != anchor]
    anchor_bits = _label_bits(anchor)
    # The anchor (project, else first tag) votes ±1.5, each other tag ±1: never a tie. The
    # others' votes add up to 2·(how many have bit k) − (how many there are), exactly.
    code = 0
    for k in range(SIGNATURE_DIMS):
        ones = 0
        for bits in others:
            ones += bits >> k & 1
        vote = (1.5 if anchor_bits >> k & 1 else -1.5) + (2 * ones - len(others))
        if vote > 0:
            code |= 1 << k
    return code


_SIGN_TABLE: Final[FloatArray] = np.array(
    [
        [
            (1.0 if code >> k & 1 else -1.0) / math.sqrt(SIGNATURE_DIMS)
            for k in range(SIGNATURE_DIMS)
        ]
        for code in range(1 << SIGNATURE_DIMS)
    ],
    dtype=np.float64,
)
_SIGN_TABLE.setflags(write=False)


def project_signature(project: str | None, tags: Collection[str] = ()) -> FloatArray:
    """The ±1/√k signature of a project and tags (unit norm; case-insensitive).

    A task without project or tags still gets one (that of the empty label), so
    every token has the same norm and the project×project self term is a constant.
    """
    return _SIGN_TABLE[_signature_code(project, tuple(tags))].copy()


def context_vector(ctx: RankInput) -> FloatArray:
    """The context features of `ctx` (same for every token), `CONTEXT_FEATURES` order."""
    at = ctx.at
    hour = hour_of_day(at)
    angle = hour * _TWO_PI_OVER_DAY
    if ctx.day_end is not None:
        end = ctx.day_end
        start = ctx.day_start if ctx.day_start is not None else end - dt.timedelta(hours=9)
        span = (end - start).total_seconds()
        day_left = (end - at).total_seconds() / span
    else:
        first, last = NOMINAL_DAY
        day_left = (last - hour) / (last - first)
    weekday = at.weekday()
    after_meeting = 0.0
    if ctx.last_meeting_end is not None:
        minutes = (at - ctx.last_meeting_end).total_seconds() / 60.0
        fade = (minutes - AFTER_MEETING_MINUTES) / AFTER_MEETING_FADE
        after_meeting = _AFTER_MEETING_AT_END / (1.0 + math.exp(min(fade, 700.0)))
    return np.array(
        [
            math.sin(angle),
            math.cos(angle),
            (ctx.energy - 3.0) / 2.0,
            1.0 if weekday >= 5 else 0.0,
            min(1.0, max(0.0, day_left)),
            ctx.meeting_load,
            *hour_bins(hour),
            *(1.0 if day == weekday else 0.0 for day in range(len(WEEKDAYS))),
            after_meeting,
            1.0,
        ],
        dtype=np.float64,
    )


def hour_bins(hour: float) -> list[float]:
    """Triangular two-hour bins of the clock at `hour` (`HOUR_BINS` order).

    Each bin is 1 at its centre and 0 two hours away, circular over midnight; at
    any hour the two nearest bins share 1 between them, so a person's own hours
    can be any piecewise-linear curve with two-hour knots.
    """
    out = []
    for centre in HOUR_BIN_CENTRES:
        delta = (hour - centre + 12.0) % 24.0 - 12.0
        out.append(max(0.0, 1.0 - abs(delta) / HOUR_BIN_WIDTH))
    return out


def _task_matrix(
    tasks: Sequence[Task], ctx: RankInput, unblocks: Mapping[int, int]
) -> tuple[IntArray, FloatArray]:
    n = len(tasks)
    # Pull every field in one C-level pass (attrgetter + zip), then convert columns.
    columns = tuple(zip(*map(_get_fields, tasks), strict=True)) if n else ((),) * 9
    id_col, importance_col, demand_col, minutes_col, window_col = columns[:5]
    project_col, tags_col, created_col, due_col = columns[5:]
    # Elapsed times by Python's aware arithmetic, with `at` in the tasks' own zone: for
    # one zone that is wall-clock time (it differs from absolute time by the DST shift
    # across a change, which these smooth features do not notice) and ~3x cheaper than
    # `timestamp()`, which dominated the cost of ranking a thousand tasks.
    ref = ctx.at
    if n and created_col[0].tzinfo is not ref.tzinfo:
        ref = ref.astimezone(created_col[0].tzinfo)
    age_seconds = np.array(
        list(map(_total_seconds, map(operator.sub, repeat(ref), created_col))), dtype=np.float64
    )
    seconds_left = np.array(
        [math.nan if due is None else (due - ref).total_seconds() for due in due_col],
        dtype=np.float64,
    )
    blocked_by_me = np.zeros(n, dtype=np.float64)
    if unblocks:
        blocked_by_me[:] = [unblocks.get(task_id, 0) for task_id in id_col]
    ids = np.array(id_col, dtype=np.int64)
    X = _feature_matrix(
        ctx,
        ids,
        importance_col,
        demand_col,
        minutes_col,
        window_col,
        project_col,
        tags_col,
        age_seconds,
        seconds_left,
        blocked_by_me,
    )
    return ids, X


def _feature_matrix(
    ctx: RankInput,
    ids: IntArray,
    importance_col: Sequence[int],
    demand_col: Sequence[str],
    minutes_col: Sequence[int],
    window_col: Sequence[str | None],
    project_col: Sequence[str | None],
    tags_col: Sequence[Sequence[str]],
    age_seconds: FloatArray,
    seconds_left: FloatArray,
    blocked_by_me: FloatArray,
) -> FloatArray:
    """The token rows from the tasks' fields as columns: the one feature implementation,
    for tasks as models (`build_tokens`) and as stored columns (`build_column_tokens`).

    `age_seconds` is from creation to `ctx.at`, `seconds_left` from `ctx.at` to the due
    time (NaN: none), `blocked_by_me` the open tasks waiting on each."""
    n = len(ids)
    importance = np.array(importance_col, dtype=np.float64)
    demand = np.array(list(map(_DEMAND.__getitem__, demand_col)), dtype=np.float64)
    minutes = np.array(minutes_col, dtype=np.float64)
    centre = np.array(list(map(_WINDOW_OR_NAN.__getitem__, window_col)), dtype=np.float64)
    codes = np.array(list(map(_signature_code, project_col, tags_col)), dtype=np.intp)

    X = np.empty((n, N_FEATURES), dtype=np.float64)
    col = FEATURE_INDEX
    np.subtract(importance, 3.0, out=X[:, col["importance"]])
    X[:, col["importance"]] /= 2.0
    X[:, col["deadline"]] = deadline_pressure(seconds_left / 3600.0)
    X[:, col["demand"]] = demand
    estimate = X[:, col["estimate"]]
    np.log2(np.maximum(minutes, 1e-9) / 60.0, out=estimate)
    np.clip(estimate, -ESTIMATE_CLIP, ESTIMATE_CLIP, out=estimate)
    age = X[:, col["age"]]
    np.maximum(age_seconds / 86400.0, 0.0, out=age)
    np.log1p(age, out=age)
    age /= _LOG31
    np.minimum(age, AGE_CLIP, out=age)
    np.log1p(blocked_by_me, out=X[:, col["unblocks"]])
    if ctx.in_progress:
        X[:, col["in_progress"]] = np.isin(ids, list(ctx.in_progress))
    else:
        X[:, col["in_progress"]] = 0.0
    fit = np.cos((hour_of_day(ctx.at) - centre) * _TWO_PI_OVER_DAY)
    X[:, col["window_fit"]] = np.nan_to_num(fit, nan=0.0)
    # Hours to spare before it must start to be done on time; no due date: no urgency.
    slack = seconds_left / 3600.0 - minutes / 60.0
    due_soon = X[:, col["due_soon"]]
    np.exp(-np.maximum(np.nan_to_num(slack, nan=np.inf), 0.0) / DUE_SOON_HOURS, out=due_soon)
    shortness = np.log2(QUICK_NONE_MINUTES / np.maximum(minutes, 1e-9))
    shortness /= math.log2(QUICK_NONE_MINUTES / QUICK_FULL_MINUTES)
    np.clip(shortness, 0.0, 1.0, out=shortness)
    np.multiply(due_soon, shortness, out=X[:, col["quick_due"]])
    _continuity(X, ctx, project_col, tags_col)
    if ctx.next_meeting_start is not None:
        gap = (ctx.next_meeting_start - ctx.at).total_seconds() / 60.0
        np.tanh((gap - minutes) / FIT_SLACK_MINUTES, out=X[:, col["fits_gap"]])
    else:
        X[:, col["fits_gap"]] = 0.0
    first_sig = col[SIGNATURE_FEATURES[0]]
    X[:, first_sig : first_sig + SIGNATURE_DIMS] = _SIGN_TABLE[codes]
    first_ctx = col[CONTEXT_FEATURES[0]]
    X[:, first_ctx:] = context_vector(ctx)
    return X


def _continuity(
    X: FloatArray,
    ctx: RankInput,
    project_col: Sequence[str | None],
    tags_col: Sequence[Sequence[str]],
) -> None:
    """Fill `same_project` (1/0) and `shared_tags` (Jaccard overlap) with the last task."""
    same = X[:, FEATURE_INDEX["same_project"]]
    shared = X[:, FEATURE_INDEX["shared_tags"]]
    same[:] = 0.0
    shared[:] = 0.0
    if ctx.last_task is None:
        return
    # Few distinct projects and tag sets among many tasks: compute each once.
    if ctx.last_project:
        last = ctx.last_project.casefold()
        is_last: dict[str | None, bool] = {None: False}
        for project in project_col:
            if project is not None and project not in is_last:
                is_last[project] = project.casefold() == last
        same[:] = list(map(is_last.__getitem__, project_col))
    if ctx.last_tags:
        last_tags = frozenset(tag.casefold() for tag in ctx.last_tags)
        overlap: dict[Sequence[str], float] = {}
        for tags in tags_col:
            if tags not in overlap:
                overlap[tags] = _jaccard(tags, last_tags)
        shared[:] = list(map(overlap.__getitem__, tags_col))


def _jaccard(tags: Sequence[str], other: frozenset[str]) -> float:
    if not tags:
        return 0.0
    mine = {tag.casefold() for tag in tags}
    return len(mine & other) / len(mine | other)


def build_tokens(
    tasks: Sequence[Task], ctx: RankInput, candidates: Collection[int] | None = None
) -> Tokens:
    """The token matrix at `ctx.at`, rows in ascending id order.

    With `candidates` None the tokens are the eligible tasks. Otherwise they are
    the tasks of `tasks` whose id is in `candidates` (a recorded choice set, for
    learning), eligible or not; unknown ids are skipped, so check `Tokens.ids`.
    Dependency counts (`unblocks`) always look at every task open at `ctx.at`.
    """
    scan = _scan(tasks, ctx.at)
    if candidates is None:
        chosen = scan.eligible
    else:
        wanted = set(candidates)
        chosen = [task for task in tasks if task.id in wanted]
    unblocks = (
        _dependents_counts(scan.waiting, scan.open_ids, (task.id for task in chosen))
        if scan.waiting
        else {}
    )
    return tokens_of(chosen, ctx, unblocks)


def tokens_of(chosen: Sequence[Task], ctx: RankInput, unblocks: Mapping[int, int]) -> Tokens:
    """The tokens of `chosen` (distinct ids), their `unblocks` feature read from `unblocks`
    (id → open tasks waiting on it; absent: none): the end of `build_tokens`, for a caller
    that keeps the eligible tasks and their counts across many moments (the day planner,
    whose world barely changes from one slot to the next)."""
    ids, X = _task_matrix(chosen, ctx, unblocks)
    # Ascending ids make every result independent of the input order, bit for bit.
    if ids.size > 1 and np.any(ids[1:] < ids[:-1]):
        order = np.argsort(ids, kind="stable")
        ids, X = ids[order], X[order]
    return Tokens(ids=ids, X=X)


def dependents_counts(
    waiting: list[Task], open_ids: set[int], wanted: Iterable[int]
) -> dict[int, int]:
    """For each wanted id, how many open tasks wait on it directly or transitively (ids
    nothing waits on are left out); `waiting` and `open_ids` as `eligibility.scan` finds
    them. The count of one id does not depend on which others are wanted."""
    return _dependents_counts(waiting, open_ids, wanted)


def _seconds(micros: IntArray) -> FloatArray:
    """Microseconds as seconds, rounded as `timedelta.total_seconds` rounds them."""
    if micros.size and int(np.abs(micros).max()) >= 1 << 53:
        # Beyond 2**53 a float64 holds no exact microsecond count: divide exact integers.
        return np.array([value / 10**6 for value in micros.tolist()], dtype=np.float64)
    return micros / 1e6


def build_column_tokens(columns: TaskColumns, ctx: RankInput) -> Tokens:
    """`build_tokens` (eligible tasks, `candidates` None) on tasks held as columns: the
    same rows, bit for bit, with the times' differences taken on integer microseconds."""
    scan = scan_columns(columns, ctx.at)
    positions = np.flatnonzero(scan.eligible)
    ids = columns.ids[positions]
    if positions.size == len(columns):

        def pick(column: Sequence[Any]) -> Sequence[Any]:
            return column

    elif positions.size > 1:
        take = operator.itemgetter(*positions.tolist())  # one C call per column

        def pick(column: Sequence[Any]) -> Sequence[Any]:
            return take(column)

    else:
        chosen = positions.tolist()

        def pick(column: Sequence[Any]) -> Sequence[Any]:
            return [column[i] for i in chosen]

    unblocks = (
        _dependents_counts_of(scan.waiting, scan.open_ids, ids.tolist()) if scan.waiting else {}
    )
    blocked_by_me = np.zeros(ids.size, dtype=np.float64)
    if unblocks:
        blocked_by_me[:] = [unblocks.get(task_id, 0) for task_id in ids.tolist()]
    # As `_task_matrix`: `at` in the tasks' zone, differences of wall clocks.
    ref = ctx.at if ctx.at.tzinfo is columns.zone else ctx.at.astimezone(columns.zone)
    now = wall_micros(ref)
    age_seconds = _seconds(now - columns.created.wall[positions])
    no_due = ~columns.due.present[positions]
    until_due = columns.due.wall[positions] - now
    until_due[no_due] = 0
    seconds_left = _seconds(until_due)
    seconds_left[no_due] = math.nan
    X = _feature_matrix(
        ctx,
        ids,
        pick(columns.importance),
        pick(columns.demand),
        pick(columns.estimate_minutes),
        pick(columns.window),
        pick(columns.project),
        pick(columns.tags),
        age_seconds,
        seconds_left,
        blocked_by_me,
    )
    if ids.size > 1 and np.any(ids[1:] < ids[:-1]):
        order = np.argsort(ids, kind="stable")
        ids, X = ids[order], X[order]
    return Tokens(ids=ids, X=X)
