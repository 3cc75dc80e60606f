"""What the day builder knows while it builds a day: the fields every part of it
reads, and the simple lookups on them (energy, meeting load, free time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

from focusplan.attention.layer import LayerParams
from focusplan.domain import PlanBlock, Task
from focusplan.planner.day_tokens import DayTokens
from focusplan.planner.window_minutes import Interval, MinuteClock
from focusplan.planner.working_day import WorkingDay

_MEETING_HORIZON_MINUTES = 120
# Importance at or above which a task left out of the day is named in the notes, and
# which a short day keeps ahead of minor chores.
IMPORTANT: Final[int] = 4
_PRESSING: Final[dt.timedelta] = dt.timedelta(days=2)


@dataclass
class Choice:
    task_id: int
    minutes: int  # length of the block
    position: int  # rank position at the slot
    urgent: bool = False
    reasons: list[str] = field(default_factory=list)  # the ranking's, in its words
    why: str = ""  # the planner's own reason, when it overrode the ranking's order


@dataclass
class DayState:
    day: dt.date
    working: WorkingDay
    params: LayerParams  # the weights, converted once for every slot's ranking
    clock: MinuteClock
    day_end: int  # minutes: end of the working window
    plan_start: int  # minutes: where new blocks may begin
    cut: dt.datetime  # exact time before which the plan is history
    world: dict[int, Task]  # the open tasks as the plan has left them (the ranking's input)
    remaining: dict[int, int]
    in_progress: set[int]
    finished_at: dict[int, int]  # task id -> minute its last block ends (kept or new)
    free: list[Interval]  # free stretches from plan_start, event/lunch-free
    meetings: list[Interval]  # every timed event, merged, for meeting load
    history: list[PlanBlock]
    fixed_blocks: list[PlanBlock]  # events and lunch from the cut on
    all_day_titles: list[str]
    energy: list[float]  # predicted level at each minute of the window, 0..day_end
    due: dict[int, int]  # due-today task id -> deadline minute (capped at day end)
    due_exact: dict[int, dt.datetime]
    waiting_times: list[int]  # minutes when a not-yet-open task may become eligible
    blocks: list[PlanBlock] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)  # of tasks placed in full
    given_up: set[int] = field(default_factory=set)
    last_ranking: list[int] = field(default_factory=list)
    demanding_starts: list[dt.datetime] = field(default_factory=list)  # high-demand blocks
    overdue_minutes: int = 0  # minutes given to quick overdue tasks ahead of the ranking
    set_aside: dict[int, Task] = field(default_factory=dict)  # see `_narrow`
    narrowed: bool = False
    tokens: DayTokens = field(default_factory=DayTokens)  # the ranking's, slot after slot
    # "today" in the plan's words, or "on Tuesday" for a day planned ahead of time.
    day_word: str = "today"

    def _energy(self, minute: int) -> float:
        return self.energy[min(max(minute, 0), self.day_end)]

    def _meeting_load(self, minute: int) -> float:
        horizon = minute + _MEETING_HORIZON_MINUTES
        busy = sum(max(0, min(end, horizon) - max(start, minute)) for start, end in self.meetings)
        return min(1.0, busy / _MEETING_HORIZON_MINUTES)

    def _free_minutes_from(self, slot: int) -> int:
        return sum(max(0, end - max(start, slot)) for start, end in self.free if end > slot)

    def _pressing(self, task_id: int) -> bool:
        """Due today, or within the next two days: any piece worth a minimum block goes,
        since the rules against short pieces must not cost a due time."""
        due_at = self.world[task_id].due
        return task_id in self.due or (
            due_at is not None and due_at - self.clock.at(self.day_end) <= _PRESSING
        )
