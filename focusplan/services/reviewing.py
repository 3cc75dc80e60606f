"""The weekly review: read a week (and the four before it), compute, maybe store new weights.

One unit of work reads everything and, with `apply`, writes the accepted
suggestion as a new weights version, so the suggestion stored is exactly the one
that was measured on the data read.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from focusplan import clock
from focusplan.bulk import collector_paused
from focusplan.domain import Choice, ContextEvent, EnergyLog, FocusSession, Task
from focusplan.review import (
    ReweightPolicy,
    TaskNote,
    WeekReview,
    propose_reweighting,
    week_bounds,
    week_figures,
)
from focusplan.review.choices import Eligibility, RebuiltChoice, rebuild_choices
from focusplan.review.reweighting import FIT_WEEKS, REVIEW_POLICY
from focusplan.services.errors import InvalidInput
from focusplan.services.ranking import MEETING_HORIZON, ranking_context
from focusplan.services.source import DataSource
from focusplan.services.weights import accept_in
from focusplan.store.review_snapshot import ReviewColumns, ReviewRead, ReviewWindow

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from focusplan.attention.features import RankInput
    from focusplan.attention.learning import ChoiceBatch

STALE_LOOKBACK = dt.timedelta(weeks=3)
# Candidates a choice is learnt from: the chosen task and a fixed sample of the others,
# each standing for its share of those left out. A person picks among what is near the
# top of their list, and the fit's work is choices × this² (attention), so a backlog of
# a thousand tasks must not make the weekly review a minute long. 32 (a sampled softmax
# with 31 others) made `review --json` at 1,000 open tasks 2.5× quicker than 64
# (bench/review_scale.py) and left bench/learning.py's figures as they were: its people
# rarely have more open tasks than that at once.
REVIEW_MAX_CANDIDATES = 32


def choice_context(
    choice_at: dt.datetime,
    energy: Sequence[EnergyLog],
    events: Sequence[ContextEvent],
    *,
    energy_times: Sequence[dt.datetime] | None = None,
    tasks: Sequence[Task] = (),
    sessions: Sequence[FocusSession] = (),
    sleep: Mapping[dt.date, float] | None = None,
) -> RankInput:
    """The ranking context at a past moment, exactly as `rank_snapshot` builds it
    (`ranking_context`): energy, meetings, the task in focus, continuity.

    Only energy logged at or before the moment counts; `energy` must be in time
    order (pass `energy_times`, their `at`, to avoid recomputing it per choice).
    """
    times = energy_times if energy_times is not None else [log.at for log in energy]
    context, _ = ranking_context(
        choice_at,
        tasks=tasks,
        energy=energy,
        events=events,
        sessions=sessions,
        energy_times=times,
        sleep=sleep,
    )
    return context


def sample_candidates(choice: Choice | RebuiltChoice, cap: int) -> tuple[tuple[int, ...], float]:
    """At most `cap` of a choice's candidates, the chosen one always among them, and how
    many candidates each other one kept stands for (1.0 when nothing was left out).

    The others are a uniform sample drawn by a hash of (task id, choice time): the
    same choice always keeps the same ones, with no random state.
    """
    if cap < 2:
        raise ValueError("a choice needs at least two candidates")
    count = len(choice.candidates)
    if count <= cap - 1:  # then so are the others
        return _id_tuple(choice.candidates), 1.0
    import numpy as np

    # A rebuilt choice's candidates are already an array (no tuple of every open task).
    every = np.asarray(choice.candidates, dtype=np.int64)
    others = every[every != choice.task_id]
    if others.size <= cap - 1:
        return _id_tuple(choice.candidates), 1.0
    salt = int(choice.at.timestamp()) & 0xFFFFFFFF
    # The same bits as `astype(np.uint64)`, without a copy; the hash in place (at 100,000
    # candidates each new array of the expression was a pass over memory).
    ids = others.view(np.uint64)
    keys = ids * np.uint64(0x9E3779B97F4A7C15)
    keys += np.uint64(salt)
    keys *= np.uint64(0xBF58476D1CE4E5B9)
    keys ^= keys >> np.uint64(31)
    picked = np.sort(ids[np.argpartition(keys, cap - 2)[: cap - 1]]).astype(np.int64)
    kept = sorted([choice.task_id, *picked.tolist()])
    return tuple(kept), others.size / (cap - 1)


def _id_tuple(candidates: Sequence[int] | npt.NDArray[np.int64]) -> tuple[int, ...]:
    return candidates if isinstance(candidates, tuple) else tuple(map(int, candidates))


@dataclass(frozen=True)
class _Backlog:
    """The tasks a review did not read as models (a backlog read as columns): every task
    id, every (task, prerequisite) pair in task id and position order, and the models of
    any tasks by id."""

    known: Collection[int]
    dependencies: Sequence[tuple[int, int]]
    models: Callable[[Collection[int]], dict[int, Task]]


class _TaskIndex:
    """The few tasks each choice's context and tokens depend on, found without a scan.

    The ranking context needs the tasks completed that day and those of focus
    sessions; the tokens need the candidates and, for `unblocks`, the tasks that
    wait on them, directly or through others (what that feature counts). Passing
    only those gives exactly the features of the full list. With a `backlog`,
    `tasks` are only some of the tasks (all those completed and focused on) and
    the others' models are read once, for the choices that need them (`prefetch`).
    """

    def __init__(
        self,
        tasks: Sequence[Task],
        sessions: Sequence[FocusSession],
        backlog: _Backlog | None = None,
    ) -> None:
        self.by_id = {task.id: task for task in tasks}
        self.dependents: dict[int, list[int]] = {}
        self.known: Collection[int] = self.by_id
        self._models = None if backlog is None else backlog.models
        if backlog is None:
            for task in tasks:
                for dep in task.depends_on:
                    self.dependents.setdefault(dep, []).append(task.id)
        else:
            self.known = backlog.known
            for task_id, dep in backlog.dependencies:
                self.dependents.setdefault(dep, []).append(task_id)
        focused = {s.task_id for s in sessions if s.task_id in self.by_id}
        self.focused = [self.by_id[task_id] for task_id in sorted(focused)]
        done = [(task.completed_at, task) for task in tasks if task.completed_at is not None]
        done.sort(key=lambda pair: pair[0])
        self.done = [task for _, task in done]
        self.done_at = [at for at, _ in done]

    def for_context(self, at: dt.datetime) -> list[Task]:
        # Completions of the day before `at` (a day back is a superset of "today").
        first = bisect.bisect_left(self.done_at, at - dt.timedelta(days=1, hours=3))
        last = bisect.bisect_left(self.done_at, at)
        return _unique([*self.done[first:last], *self.focused])

    def token_ids(self, candidates: Sequence[int]) -> list[int]:
        # Every task that waits on a candidate, however far down: with a thousand tasks in
        # dependencies, passing them all to every choice was most of the batch's work.
        found = [task_id for task_id in candidates if task_id in self.known]
        seen = set(found)
        for task_id in found:  # grows while it runs: a walk over the dependents
            for waiter in self.dependents.get(task_id, ()):
                if waiter not in seen:
                    seen.add(waiter)
                    found.append(waiter)
        return found

    def prefetch(self, ids: Collection[int]) -> None:
        """Read the models of `ids` not yet held (one read for every choice's tokens)."""
        missing = [task_id for task_id in ids if task_id not in self.by_id]
        if missing and self._models is not None:
            self.by_id.update(self._models(missing))

    def tasks(self, ids: Sequence[int]) -> list[Task]:
        return [self.by_id[task_id] for task_id in ids]


def _unique(tasks: Sequence[Task]) -> list[Task]:
    return list({task.id: task for task in tasks}.values())


def choice_batch(
    tasks: Sequence[Task],
    energy: Sequence[EnergyLog],
    events: Sequence[ContextEvent],
    choices: Sequence[Choice] | Sequence[RebuiltChoice],
    sessions: Sequence[FocusSession] = (),
    sleep: Mapping[dt.date, float] | None = None,
    *,
    max_candidates: int | None = None,
) -> tuple[ChoiceBatch, list[Choice | RebuiltChoice]]:
    """Token matrices of the choices (the features the ranking saw then) as one batch.

    Pass the focus `sessions` around the choices: the ranking's in-progress and
    continuity features come from them (and from the completions in `tasks`).
    With `max_candidates`, a choice among more keeps the chosen task and a sample
    of the others (`sample_candidates`), each weighted for those left out
    (`ChoiceBatch.weight`); the work and memory are then bounded per choice.
    Returns the batch and the choices it holds (one whose chosen task is no longer
    among its candidates' tokens is left out). The choices may be `RebuiltChoice`s
    (candidates as an array): the same batch, without a tuple of every open task.
    """
    batch, kept, _ = _choice_batch(
        _TaskIndex(tasks, sessions),
        energy,
        events,
        choices,
        sessions,
        sleep,
        max_candidates=max_candidates,
    )
    return batch, kept


def _choice_batch(
    index: _TaskIndex,
    energy: Sequence[EnergyLog],
    events: Sequence[ContextEvent],
    choices: Sequence[Choice] | Sequence[RebuiltChoice],
    sessions: Sequence[FocusSession],
    sleep: Mapping[dt.date, float] | None,
    *,
    max_candidates: int | None,
) -> tuple[ChoiceBatch, list[Choice | RebuiltChoice], _TaskIndex]:
    from focusplan.attention.features import build_tokens
    from focusplan.attention.learning import pack_choices

    ordered = sorted(energy, key=lambda log: log.at)
    times = [log.at for log in ordered]
    # First every choice's candidates and the tasks its tokens need, so that the models
    # of those not held are read at once; then the tokens.
    every: list[Choice | RebuiltChoice] = list(choices)
    sampled = [
        (_id_tuple(choice.candidates), 1.0)
        if max_candidates is None
        else sample_candidates(choice, max_candidates)
        for choice in every
    ]
    needed = [index.token_ids(candidates) for candidates, _ in sampled]
    index.prefetch({task_id for ids in needed for task_id in ids})
    items = []
    weights: list[list[float] | None] = []
    kept: list[Choice | RebuiltChoice] = []
    for choice, (candidates, share), ids in zip(every, sampled, needed, strict=True):
        ctx = choice_context(
            choice.at,
            ordered,
            events,
            energy_times=times,
            tasks=index.for_context(choice.at),
            sessions=sessions,
            sleep=sleep,
        )
        tokens = build_tokens(index.tasks(ids), ctx, candidates=candidates)
        rows = [int(i) for i in tokens.ids]
        if choice.task_id not in rows or len(rows) < 2:
            continue
        chosen = rows.index(choice.task_id)
        items.append((tokens.X, tokens.ids, chosen))
        weights.append(
            None if share == 1.0 else [1.0 if r == chosen else share for r in range(len(rows))]
        )
        kept.append(choice)
    if all(weight is None for weight in weights):
        return pack_choices(items), kept, index
    return pack_choices(items, weights=weights), kept, index


def review_week(
    source: DataSource,
    day: dt.date,
    *,
    now: dt.datetime,
    apply: bool = False,
    policy: ReweightPolicy | None = None,
) -> WeekReview:
    """Review the Monday–Sunday week holding `day`; with `apply`, accept its suggestion.

    The learning fits on the choices of the `FIT_WEEKS` weeks before that week
    *and* of the week itself up to `now`, recent ones weighted more, and judges
    the refit by rolling origin (see `propose_reweighting`). An accepted
    suggestion becomes a new, active weights version whose reason names the
    week and what changed; without a suggestion nothing is written.
    """
    zone = clock.local_zone()
    try:
        start, end = week_bounds(day, zone)
        fit_start = dt.datetime.combine(
            start.date() - dt.timedelta(weeks=FIT_WEEKS), dt.time(0), tzinfo=zone
        )
        # The store keeps UTC: every bound must survive the conversion.
        for moment in (fit_start, end + MEETING_HORIZON):
            moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise InvalidInput(f"cannot review the week of {day.isoformat()}: out of range") from None
    # Nothing after `now` exists yet; the ages of the choices count from here.
    window_end = max(fit_start, min(end, now))
    window = ReviewWindow(
        sessions=(min(fit_start, now - STALE_LOOKBACK), max(end, now)),
        choices=(fit_start, end),
        energy_until=max(end, now),
        events=(fit_start, end + MEETING_HORIZON),
        days=tuple(start.date() + dt.timedelta(days=offset) for offset in range(7)),
    )
    span = _Span(day=day, zone=zone, now=now, start=start, fit_start=fit_start, end=window_end)
    if not apply:
        fast = _fast_read(source, window)
        found = None if fast is None else fast.review(span, policy)
        if found is not None:
            return found
    # Only accepting writes: a plain review takes no write lock.
    with source.unit_of_work() if apply else source.read_only() as uow:
        read = ReviewRead(
            tasks=uow.tasks.list(),
            sessions=uow.sessions.between(*window.sessions),
            choices=uow.choices.between(*window.choices),
            energy=uow.energy.list(until=window.energy_until),
            events=uow.events.between(*window.events),
            sleep=uow.days.sleep_hours(),
            plans=[plan for day in window.days if (plan := uow.plans.get(day)) is not None],
            weights=uow.weights.active(),
        )
        review = _review(read, span, policy, apply=apply)
        if apply and review.suggestion is not None:
            applied = accept_in(
                uow, review.suggestion, based_on=read.weights.version, at=now
            ).version
            review = review.model_copy(update={"applied_version": applied})
    return review


@dataclass(frozen=True)
class _Span:
    """The reviewed week and the window the learning reads (see `review_week`)."""

    day: dt.date
    zone: dt.tzinfo
    now: dt.datetime
    start: dt.datetime  # the week's Monday, local midnight
    fit_start: dt.datetime
    end: dt.datetime  # the end of the learning window: the week's end, or now if earlier


@dataclass(frozen=True)
class _StdlibRead:
    """The read of a current SQLite file with the stdlib (`store.review_snapshot`)."""

    path: Path
    window: ReviewWindow

    def review(self, span: _Span, policy: ReweightPolicy | None) -> WeekReview | None:
        """The review on this read: the plain open tasks as columns (at 100,000 open tasks
        a model each cost more than the rest of the review), or every task as a model
        where a stored time needs it. None: the schema is behind (the full store must
        read, and migrate)."""
        from focusplan.store.review_snapshot import (
            SchemaBehind,
            read_review_columns,
            read_review_inputs,
        )

        try:
            found = read_review_columns(
                self.path,
                self.window,
                lambda read, columns: _review(read, span, policy, apply=False, columns=columns),
            )
            if found is not None:
                return found
            read = read_review_inputs(self.path, self.window)
        except SchemaBehind:
            return None
        return _review(read, span, policy, apply=False)


def _fast_read(source: DataSource, window: ReviewWindow) -> _StdlibRead | None:
    """The stdlib read of a current SQLite file (None: the full store must read)."""
    if source.path is None or not source.path.is_file():
        return None
    return _StdlibRead(source.path, window)


def _review(
    read: ReviewRead,
    span: _Span,
    policy: ReweightPolicy | None,
    *,
    apply: bool,
    columns: ReviewColumns | None = None,
) -> WeekReview:
    # Nothing here makes a cycle that must be freed at once, and with 100,000 tasks in
    # memory every collection scans them all: the figures alone spent a third of their
    # time in the collector (see `bulk.collector_paused`).
    with collector_paused():
        return _reviewed(read, span, policy, apply=apply, columns=columns)


def _backlog(
    read: ReviewRead, columns: ReviewColumns, now: dt.datetime
) -> tuple[Eligibility, _Backlog, tuple[tuple[TaskNote, ...], tuple[TaskNote, ...]]]:
    """What the review reads of the tasks it holds as columns: every task's eligibility,
    the lookups of `_TaskIndex`, and the open tasks' overdue and stale notes."""
    import numpy as np

    from focusplan.review.choices import NEVER, task_micros
    from focusplan.review.open_tasks import open_task_notes

    open_tasks = columns.open_tasks
    created, closed, not_before = task_micros(read.tasks)
    ids = np.concatenate(
        [np.array([task.id for task in read.tasks], dtype=np.int64), open_tasks.ids]
    )
    order = np.argsort(ids, kind="stable")
    eligibility = Eligibility.of_columns(
        ids[order],
        np.concatenate([created, open_tasks.created.utc])[order],
        np.concatenate([closed, np.full(open_tasks.ids.size, NEVER, dtype=np.int64)])[order],
        np.concatenate([not_before, open_tasks.not_before.utc])[order],
        columns.dependencies,
    )
    backlog = _Backlog(
        known=set(ids.tolist()), dependencies=columns.dependencies, models=columns.models
    )
    return eligibility, backlog, open_task_notes(open_tasks, now)


def _reviewed(
    read: ReviewRead,
    span: _Span,
    policy: ReweightPolicy | None,
    *,
    apply: bool,
    columns: ReviewColumns | None,
) -> WeekReview:
    zone, now, current = span.zone, span.now, read.weights
    eligibility, backlog, notes = None, None, None
    if columns is not None:
        eligibility, backlog, notes = _backlog(read, columns, now)
    figures = week_figures(
        span.day,
        zone=zone,
        now=now,
        tasks=read.tasks,
        sessions=read.sessions,
        plans=read.plans,
        energy=read.energy,
        more_notes=notes or ((), ()),
    )
    window_choices = rebuild_choices(
        read.tasks,
        read.sessions,
        read.choices,
        span.fit_start,
        span.end,
        now=now,
        eligibility=eligibility,
        known=None if backlog is None else backlog.known,
    )
    batch, kept, index = _choice_batch(
        _TaskIndex(read.tasks, read.sessions, backlog),
        read.energy,
        read.events,
        window_choices,
        read.sessions,
        read.sleep,
        max_candidates=REVIEW_MAX_CANDIDATES,
    )
    learning, suggestion = propose_reweighting(
        batch,
        [choice.at.astimezone(zone) for choice in kept],
        current.params,
        week_start=span.start.date(),
        reference=span.end.astimezone(zone),
        fit_from=span.fit_start.date(),
        # Every task's title, or with a backlog those of every task the choices hold.
        titles={task.id: task.title for task in index.by_id.values()},
        policy=policy or REVIEW_POLICY,
        current_since=None if current.version == 1 else current.created_at.astimezone(zone),
    )
    return WeekReview(
        figures=figures,
        learning=learning,
        suggestion=suggestion,
        apply_requested=apply,
        applied_version=None,
        weights_version=current.version,
    )
