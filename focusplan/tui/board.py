"""What one refresh of the app reads: the ranking, every task, energy, the focus session.

Built in a worker thread from one consistent snapshot, then handed to the UI
whole, so every screen shows the same moment. Plain Python (no Textual), so
the bench and tests can build one directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from focusplan.domain import EnergyEstimate, EnergyLog, FocusSession, Ranking, Task
from focusplan.services.source import DataSource

# The first board of a load explains only this many of the best tasks: the reasons in
# words cost ~0.1 ms a task (a second at 10,000), and Today shows the top 100. The
# complete ranking follows from the same snapshot a moment later (`board_stages`).
FIRST_EXPLAINED = 100

# The curve is sampled every half hour over the whole day; screens pick their span.
CURVE_STEP_HOURS = 0.5
CURVE_HOURS: tuple[float, ...] = tuple(
    i * CURVE_STEP_HOURS for i in range(int(24 / CURVE_STEP_HOURS) + 1)
)


@dataclass(frozen=True, eq=False)
class Board:
    """One moment of the person's data. Compared by identity: a new load is a new board."""

    at: dt.datetime
    ranking: Ranking
    tasks: tuple[Task, ...]
    energy_logs: tuple[EnergyLog, ...]
    session: FocusSession | None
    curve_levels: tuple[float, ...] = ()
    curve_hours: tuple[float, ...] = field(default=CURVE_HOURS)
    # Hours slept in the night that ended today (day context: imported or entered).
    sleep_hours: float | None = None
    # False on the quick first board of a load: `ranking.items` then holds only the best
    # tasks (`ranking.eligible` says how many there are); the complete board follows.
    complete: bool = True

    @cached_property
    def by_id(self) -> dict[int, Task]:
        return {task.id: task for task in self.tasks}

    def task(self, task_id: int | None) -> Task | None:
        return None if task_id is None else self.by_id.get(task_id)

    @property
    def energy(self) -> EnergyEstimate:
        return self.ranking.energy

    @cached_property
    def ranked(self) -> dict[int, int]:
        """Rank (1-based) by task id, for the tasks that are eligible now."""
        return {item.id: item.rank for item in self.ranking.items}

    def level_at_hour(self, hour: float) -> float | None:
        """The curve's level at an hour of the day (nearest sample)."""
        if not self.curve_levels:
            return None
        index = min(len(self.curve_levels) - 1, max(0, round(hour / CURVE_STEP_HOURS)))
        return self.curve_levels[index]


def energy_curve(logs: Sequence[EnergyLog], at: dt.datetime) -> tuple[float, ...]:
    """The person's typical level at each CURVE_HOURS hour, fitted on logs up to `at`.

    With no logs yet this is the model's prior day, which is still a fair guess.
    """
    import numpy as np

    from focusplan.energy import EnergyModel

    model = EnergyModel.fit(list(logs), at)
    return tuple(float(x) for x in model.curve(np.asarray(CURVE_HOURS, dtype=float)))


def load_board(source: DataSource, at: dt.datetime, *, recent_energy_minutes: int = 120) -> Board:
    """Read and rank everything the screens show, as of `at` (the complete board)."""
    *_, board = board_stages(source, at, recent_energy_minutes=recent_energy_minutes)
    return board


def board_stages(
    source: DataSource,
    at: dt.datetime,
    *,
    recent_energy_minutes: int = 120,
    first: int = FIRST_EXPLAINED,
) -> Iterator[Board]:
    """The boards of one load, from one snapshot: a quick one whose ranking lists (and
    explains) the best `first` tasks, for the first paint, then the complete one. When
    no more than `first` tasks are eligible the quick board is complete, and the only one.
    """
    from focusplan.services.ranking import context_window, rank_snapshot

    # The same span the CLI reads, so the app ranks with the same context (the day's
    # meetings and sessions: continuity, the hour after a meeting).
    snap = source.snapshot(*context_window(at))
    ranking = rank_snapshot(
        snap, at, explain=True, limit=first, recent_energy_minutes=recent_energy_minutes
    )
    logs = tuple(log for log in snap.energy if log.at <= at)
    eligible = ranking.eligible if ranking.eligible is not None else len(ranking.items)
    board = Board(
        at=at,
        ranking=ranking,
        tasks=tuple(snap.tasks),
        energy_logs=logs,
        session=snap.active_session,
        curve_levels=energy_curve(logs, at),
        sleep_hours=snap.sleep.get(at.date()),
        complete=eligible <= len(ranking.items),
    )
    yield board
    if not board.complete:
        full = rank_snapshot(snap, at, explain=True, recent_energy_minutes=recent_energy_minutes)
        yield replace(board, ranking=full, complete=True)
