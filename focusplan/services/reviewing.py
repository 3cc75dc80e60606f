"""The weekly review: read a week (and the four before it), compute, maybe store new weights.

One unit of work reads everything and, with `apply`, writes the accepted
suggestion as a new weights version, so the suggestion stored is exactly the one
that was measured on the data read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from focusplan import clock
from focusplan.domain import Choice, ContextEvent, EnergyLog, FocusSession, Task
from focusplan.review import (
    ReweightPolicy,
    WeekReview,
    propose_reweighting,
    reconstruct_choices,
    week_bounds,
    week_figures,
)
from focusplan.review.reweighting import FIT_WEEKS, REVIEW_POLICY
from focusplan.services.errors import InvalidInput
from focusplan.services.ranking import MEETING_HORIZON, ranking_context
from focusplan.services.source import DataSource
from focusplan.services.weights import accept_in

if TYPE_CHECKING:
    from focusplan.attention.features import RankInput
    from focusplan.attention.learning import ChoiceBatch

STALE_LOOKBACK = dt.timedelta(weeks=3)


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


def choice_batch(
    tasks: Sequence[Task],
    energy: Sequence[EnergyLog],
    events: Sequence[ContextEvent],
    choices: Sequence[Choice],
    sessions: Sequence[FocusSession] = (),
    sleep: Mapping[dt.date, float] | None = None,
) -> tuple[ChoiceBatch, list[Choice]]:
    """Token matrices of the choices (the features the ranking saw then) as one batch.

    Pass the focus `sessions` around the choices: the ranking's in-progress and
    continuity features come from them (and from the completions in `tasks`).
    Returns the batch and the choices it holds (one whose chosen task is no longer
    among its candidates' tokens is left out).
    """
    from focusplan.attention.features import build_tokens
    from focusplan.attention.learning import pack_choices

    ordered = sorted(energy, key=lambda log: log.at)
    times = [log.at for log in ordered]
    items = []
    kept = []
    for choice in choices:
        ctx = choice_context(
            choice.at,
            ordered,
            events,
            energy_times=times,
            tasks=tasks,
            sessions=sessions,
            sleep=sleep,
        )
        tokens = build_tokens(tasks, ctx, candidates=choice.candidates)
        rows = [int(i) for i in tokens.ids]
        if choice.task_id not in rows or len(rows) < 2:
            continue
        items.append((tokens.X, tokens.ids, rows.index(choice.task_id)))
        kept.append(choice)
    return pack_choices(items), kept


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
    # Only accepting writes: a plain review takes no write lock.
    with source.unit_of_work() if apply else source.read_only() as uow:
        tasks = uow.tasks.list()
        sessions = uow.sessions.between(min(fit_start, now - STALE_LOOKBACK), max(end, now))
        stored = uow.choices.between(fit_start, end)
        energy = uow.energy.list(until=max(end, now))
        events = uow.events.between(fit_start, end + MEETING_HORIZON)
        sleep = uow.days.sleep_hours()
        plans = [
            plan
            for offset in range(7)
            if (plan := uow.plans.get(start.date() + dt.timedelta(days=offset))) is not None
        ]
        current = uow.weights.active()

        figures = week_figures(
            day, zone=zone, now=now, tasks=tasks, sessions=sessions, plans=plans, energy=energy
        )
        window_choices = reconstruct_choices(
            tasks, sessions, stored, fit_start, window_end, now=now
        )
        batch, kept = choice_batch(tasks, energy, events, window_choices, sessions, sleep)
        learning, suggestion = propose_reweighting(
            batch,
            [choice.at.astimezone(zone) for choice in kept],
            current.params,
            week_start=start.date(),
            reference=window_end.astimezone(zone),
            fit_from=fit_start.date(),
            titles={task.id: task.title for task in tasks},
            policy=policy or REVIEW_POLICY,
        )
        applied = None
        if apply and suggestion is not None:
            applied = accept_in(uow, suggestion, based_on=current.version, at=now).version
    return WeekReview(
        figures=figures,
        learning=learning,
        suggestion=suggestion,
        apply_requested=apply,
        applied_version=applied,
        weights_version=current.version,
    )
