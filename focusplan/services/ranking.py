"""The ranking at a moment: the snapshot of the database, the energy then, the attention layer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from focusplan.domain import ContextEvent, EnergyEstimate, RankedTask, Ranking
from focusplan.services.source import DataSource, Snapshot

# How far ahead calendar load counts as "meetings soon" for the context features.
MEETING_HORIZON = dt.timedelta(hours=2)


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


def rank_snapshot(
    snap: Snapshot,
    at: dt.datetime,
    *,
    energy_override: float | None = None,
    explain: bool = False,
    limit: int | None = None,
    recent_energy_minutes: int = 120,
) -> Ranking:
    """Rank with only what was recorded at or before `at`."""
    from focusplan.attention.ranking import RankInput, rank_tasks
    from focusplan.energy import energy_at

    if energy_override is not None:
        energy = EnergyEstimate(level=float(energy_override), source="override")
    else:
        energy = energy_at([log for log in snap.energy if log.at <= at], at, recent_energy_minutes)
    session = snap.active_session
    in_progress = (
        frozenset({session.task_id}) if session is not None and session.start <= at else frozenset()
    )
    result = rank_tasks(
        snap.tasks,
        RankInput(
            at=at,
            energy=energy.level,
            meeting_load=meeting_load(snap.events, at),
            in_progress=in_progress,
        ),
        snap.weights.params,
        explain=explain,
    )
    titles = {task.id: task.title for task in snap.tasks}
    count = len(result.ids) if limit is None else min(limit, len(result.ids))
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
                title=titles[task_id],
                rank=position + 1,
                score=float(result.scores[position]),
                logit=float(result.logits[position]),
                contributions=contributions,
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
        at=at,
        energy=energy,
        items=tuple(items),
        baseline=baseline,
        attention_ids=attention_ids,
        attention=attention,
    )


def rank_at(
    source: DataSource,
    at: dt.datetime,
    *,
    energy_override: float | None = None,
    explain: bool = False,
    limit: int | None = None,
) -> Ranking:
    snap = source.snapshot(at - dt.timedelta(hours=1), at + MEETING_HORIZON)
    return rank_snapshot(snap, at, energy_override=energy_override, explain=explain, limit=limit)
