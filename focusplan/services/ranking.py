"""The ranking at a moment: the snapshot of the database, the energy then, the attention layer.

`ranking_context` is the one place that turns what the database recorded into the
context of a ranking at `t` (energy, meetings, the task in focus, continuity). The
live ranking and the learning's choice reconstruction (`services.reviewing`) both
call it, so the learning sees exactly what the ranking saw.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from focusplan.domain import (
    ContextEvent,
    EnergyEstimate,
    EnergyLog,
    FocusSession,
    RankedTask,
    Ranking,
    Reason,
    Task,
)
from focusplan.services.source import DataSource, Snapshot

if TYPE_CHECKING:
    from focusplan.attention.features import RankInput
    from focusplan.attention.ranking import RankResult
    from focusplan.store.column_snapshot import RankSnapshot

# How far ahead calendar load counts as "meetings soon" for the context features.
MEETING_HORIZON = dt.timedelta(hours=2)
RECENT_ENERGY_MINUTES = 120
# Reasons in words kept per task: the table shows two, `--explain` four, the app six.
REASONS_KEPT = 6


def meeting_load(events: Sequence[ContextEvent], at: dt.datetime) -> float:
    """Share of the next two hours taken by timed events (all-day ones are context only)."""
    horizon_end = at + MEETING_HORIZON
    busy = 0.0
    for event in events:
        if event.all_day:
            continue
        start, end = max(event.start, at), min(event.end, horizon_end)
        if end > start:
            busy += (end - start).total_seconds()
    return min(1.0, busy / MEETING_HORIZON.total_seconds())


def _day_start(at: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(at.date(), dt.time(0), tzinfo=at.tzinfo)


def context_window(at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The span of events and sessions `ranking_context` looks at: `at`'s whole day,
    and at least `MEETING_HORIZON` ahead. Read the snapshot over this span."""
    start = _day_start(at)
    return start, max(start + dt.timedelta(days=1), at + MEETING_HORIZON)


def ranking_context(
    at: dt.datetime,
    *,
    tasks: Sequence[Task],
    energy: Sequence[EnergyLog],
    events: Sequence[ContextEvent],
    sessions: Sequence[FocusSession],
    energy_override: float | None = None,
    recent_energy_minutes: float = RECENT_ENERGY_MINUTES,
    energy_times: Sequence[dt.datetime] | None = None,
    sleep: Mapping[dt.date, float] | None = None,
) -> tuple[RankInput, EnergyEstimate]:
    """The context of a ranking at `at`, from what was recorded before it (pure).

    - energy: the override, else `energy_at` on the logs at or before `at`
      (`energy` in time order with `energy_times` their times: a bisect, not a scan),
      a predicted level lowered by a short night (`sleep`: hours by the day it ended);
    - meetings: the load of the next two hours, the end of the last timed event
      today at or before `at`, the start of the next one today after `at`;
    - in progress: the task of a focus session that started before `at` and runs past it;
    - continuity: the task last completed, or focused on, today *before* `at` (so a
      choice made at `at` is never its own context). A session counts at its end,
      or at `at` while it runs.
    """
    from focusplan.attention.features import RankInput
    from focusplan.energy import energy_at

    if energy_override is not None:
        estimate = EnergyEstimate(level=float(energy_override), source="override")
    else:
        if energy_times is not None:
            known: Sequence[EnergyLog] = energy[: bisect.bisect_right(energy_times, at)]
        else:
            known = [log for log in energy if log.at <= at]
        night = sleep.get(at.date()) if sleep else None
        estimate = energy_at(known, at, recent_energy_minutes, sleep_hours=night)
    day_start = _day_start(at)
    day_end = day_start + dt.timedelta(days=1)
    last_end: dt.datetime | None = None
    next_start: dt.datetime | None = None
    for event in events:
        if event.all_day:
            continue
        if day_start <= event.end <= at and (last_end is None or event.end > last_end):
            last_end = event.end
        if at < event.start < day_end and (next_start is None or event.start < next_start):
            next_start = event.start
    in_progress: set[int] = set()
    # (when, task id) of what was last touched today; the latest wins, ties by id.
    last: tuple[dt.datetime, int] | None = None
    for session in sessions:
        if not session.start < at:
            continue
        running = session.end is None or session.end > at
        if running:
            in_progress.add(session.task_id)
        touched = at if running or session.end is None else session.end
        if touched >= day_start and (last is None or (touched, session.task_id) > last):
            last = (touched, session.task_id)
    by_id: dict[int, Task] = {}
    for task in tasks:
        by_id[task.id] = task
        done = task.completed_at
        if done is not None and day_start <= done < at and (last is None or (done, task.id) > last):
            last = (done, task.id)
    last_task = by_id.get(last[1]) if last is not None else None
    context = RankInput(
        at=at,
        energy=min(5.0, max(1.0, estimate.level)),
        meeting_load=meeting_load(events, at),
        in_progress=frozenset(in_progress),
        last_task=last_task.id if last_task is not None else None,
        last_project=last_task.project if last_task is not None else None,
        last_tags=frozenset(last_task.tags) if last_task is not None else frozenset(),
        last_meeting_end=last_end,
        next_meeting_start=next_start,
    )
    return context, estimate


def _snapshot_sessions(snap: Snapshot) -> list[FocusSession]:
    sessions = list(snap.sessions)
    active = snap.active_session
    if active is not None and all(session.id != active.id for session in sessions):
        sessions.append(active)
    return sessions


def rank_snapshot(
    snap: Snapshot,
    at: dt.datetime,
    *,
    energy_override: float | None = None,
    explain: bool = False,
    limit: int | None = None,
    recent_energy_minutes: int = RECENT_ENERGY_MINUTES,
) -> Ranking:
    """Rank with only what was recorded at or before `at`."""
    from focusplan.attention.ranking import rank_tasks

    context, energy = ranking_context(
        at,
        tasks=snap.tasks,
        energy=snap.energy,
        events=snap.events,
        sessions=_snapshot_sessions(snap),
        energy_override=energy_override,
        recent_energy_minutes=recent_energy_minutes,
        sleep=snap.sleep,
    )
    result = rank_tasks(snap.tasks, context, snap.weights.params, explain=explain)
    by_id = {task.id: task for task in snap.tasks}
    return _ranking(result, context, energy, by_id, explain=explain, limit=limit)


def _rank_columns(
    read: RankSnapshot,
    at: dt.datetime,
    *,
    energy_override: float | None,
    explain: bool,
    limit: int | None,
) -> Ranking:
    """`rank_snapshot` on the column read: models only for the tasks it shows."""
    from focusplan.attention.ranking import rank_columns

    snap = read.snapshot
    context, energy = ranking_context(
        at,
        tasks=snap.tasks,
        energy=snap.energy,
        events=snap.events,
        sessions=_snapshot_sessions(snap),
        energy_override=energy_override,
        recent_energy_minutes=RECENT_ENERGY_MINUTES,
        sleep=snap.sleep,
    )
    result = rank_columns(read.columns, context, snap.weights.params, explain=explain)
    count = _count(result, limit)
    shown = [int(task_id) for task_id in result.ids[:count]]
    if context.last_task is not None:
        shown.append(context.last_task)
    return _ranking(result, context, energy, read.models(shown), explain=explain, limit=limit)


def _count(result: RankResult, limit: int | None) -> int:
    return len(result.ids) if limit is None else min(limit, len(result.ids))


def _ranking(
    result: RankResult,
    context: RankInput,
    energy: EnergyEstimate,
    by_id: Mapping[int, Task],
    *,
    explain: bool,
    limit: int | None,
) -> Ranking:
    """The ranking as shown: `by_id` holds at least the shown tasks and the last one."""
    count = _count(result, limit)
    why = _reasons(result, context, by_id, count) if explain else {}
    items = []
    for position in range(count):
        task_id = int(result.ids[position])
        contributions = None
        if explain and result.contributions is not None:
            contributions = {
                name: float(values[position]) for name, values in result.contributions.items()
            }
        items.append(
            RankedTask(
                id=task_id,
                title=by_id[task_id].title,
                rank=position + 1,
                score=float(result.scores[position]),
                logit=float(result.logits[position]),
                contributions=contributions,
                why=why.get(position, ()),
            )
        )
    baseline = None
    if explain and result.contributions is not None and len(result.ids):
        baseline = {name: float(values.mean()) for name, values in result.contributions.items()}
    attention_ids: tuple[int, ...] = ()
    attention: tuple[tuple[float, ...], ...] = ()
    if explain and result.attention is not None:
        attention_ids = tuple(int(i) for i in result.attention_ids)
        attention = tuple(tuple(float(x) for x in row) for row in result.attention)
    return Ranking(
        at=context.at,
        energy=energy,
        items=tuple(items),
        baseline=baseline,
        attention_ids=attention_ids,
        attention=attention,
        eligible=len(result.ids),
    )


def _reasons(
    result: RankResult, context: RankInput, by_id: Mapping[int, Task], count: int
) -> dict[int, tuple[Reason, ...]]:
    """Plain-word reasons of the first `count` tasks: topics summed, relative to the mean."""
    import numpy as np

    from focusplan.attention.explanation import Facts, lead_weight, reason_text, topic_of
    from focusplan.attention.features import FEATURE_NAMES, NOMINAL_DAY, TASK_FEATURES, hour_of_day

    if result.contributions is None or result.features is None or count == 0:
        return {}
    topics: dict[str, list[str]] = {}
    for name in result.contributions:
        topics.setdefault(topic_of(name), []).append(name)
    names = list(topics)
    # Topic amounts (tasks × topics), each relative to the average eligible task.
    amounts = np.stack(
        [sum(result.contributions[name] for name in topics[topic]) for topic in names], axis=1
    )
    amounts -= amounts.mean(axis=0)
    typical = dict(zip(FEATURE_NAMES, result.features.mean(axis=0).tolist(), strict=True))
    if context.day_end is not None:
        hours_left = max(0.0, (context.day_end - context.at).total_seconds() / 3600)
    else:
        hours_left = max(0.0, NOMINAL_DAY[1] - hour_of_day(context.at))
    last = by_id.get(context.last_task) if context.last_task is not None else None
    facts = Facts(
        at=context.at,
        energy=context.energy,
        day_hours_left=hours_left,
        last_title=last.title if last is not None else None,
        last_tags=context.last_tags,
        next_meeting_start=context.next_meeting_start,
        meeting_load=context.meeting_load,
        typical=typical,
    )
    keep = min(REASONS_KEPT, len(names))
    # The largest topics of every task at once; the sentences only for those.
    shown = amounts[:count]
    order = np.argsort(-np.abs(shown), axis=1, kind="stable")[:, :keep].tolist()
    rows = shown.tolist()  # Python floats: the loop below indexes them one by one
    task_cols = [FEATURE_NAMES.index(name) for name in TASK_FEATURES]
    task_rows = result.features[:count, task_cols].tolist()
    weights_of = [tuple(topics[topic]) for topic in names]
    # A topic of several weights is said by its lead weight: their parts, per shown task.
    parts = {
        name: (result.contributions[name][:count] - result.contributions[name].mean()).tolist()
        for topic in names
        if len(topics[topic]) > 1
        for name in topics[topic]
    }
    out: dict[int, tuple[Reason, ...]] = {}
    for position, (row, top) in enumerate(zip(rows, order, strict=True)):
        task = by_id[int(result.ids[position])]
        features = dict(zip(TASK_FEATURES, task_rows[position], strict=True))
        # Two topics can read the same ("no due date" for both urgency scales): one reason.
        merged: dict[str, tuple[float, tuple[str, ...]]] = {}
        for k in top:
            if abs(row[k]) <= 1e-9:
                continue
            lead = None
            if len(weights_of[k]) > 1:
                lead = lead_weight(((w, parts[w][position]) for w in weights_of[k]), row[k])
            text = reason_text(names[k], row[k], task, features, facts, lead)
            amount, weights = merged.get(text, (0.0, ()))
            merged[text] = (amount + row[k], weights + weights_of[k])
        reasons = [Reason(text=t, amount=a, weights=w) for t, (a, w) in merged.items()]
        reasons.sort(key=lambda reason: -abs(reason.amount))
        out[position] = tuple(reasons)
    return out


def rank_at(
    source: DataSource,
    at: dt.datetime,
    *,
    energy_override: float | None = None,
    explain: bool = False,
    limit: int | None = None,
) -> Ranking:
    window = context_window(at)
    ranked = source.ranking_read(
        at,
        window,
        lambda read: _rank_columns(
            read, at, energy_override=energy_override, explain=explain, limit=limit
        ),
    )
    if ranked is not None:
        return ranked
    snap = source.snapshot(*window)
    return rank_snapshot(snap, at, energy_override=energy_override, explain=explain, limit=limit)
