"""Building one day: slot-by-slot decoding with the ranking, day-wide decisions (the
best hours for demanding work, quick overdue tasks first, due times), breaks, notes."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from focusplan.attention.layer import LayerParams, params_from_named
from focusplan.attention.ranking import RankInput, rank_tasks
from focusplan.domain import ContextEvent, EnergyLog, PlanBlock, Task
from focusplan.energy import EnergyModel
from focusplan.planner.reasons import HIGH_ENERGY, QUICK_MINUTES, ranking_reasons
from focusplan.planner.working_day import WEEKDAY_NAMES, WorkingDay

_UTC = dt.UTC
_MEETING_HORIZON_MINUTES = 120
_RECENT_LOG_MINUTES = 120  # as `energy_at`: a log this recent is the energy, not the curve
_LEFT_OUT_NOTES: Final[int] = 3
_OVERDUE_FIRST_MINUTES: Final[int] = 60
# Importance at or above which a task left out of the day is named in the notes, and
# at or below which a task with nothing pressing waits behind those when time is short.
_IMPORTANT: Final[int] = 4
_MINOR: Final[int] = 2
# Energies this close count as equal when deciding whether a minute is among the best.
_ENERGY_TIE: Final[float] = 1e-6
# Above this many open tasks, later rankings of the day see only what can matter (`_narrow`).
_NARROW_ABOVE: Final[int] = 1_000
_NARROW_KEEP: Final[int] = 300
_PRESSING: Final[dt.timedelta] = dt.timedelta(days=2)

# --------------------------------------------------------------------------- internals

Interval = tuple[int, int]


def _merge(intervals: Sequence[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(span: Interval, cuts: Sequence[Interval]) -> list[Interval]:
    """`span` minus the merged, sorted `cuts`."""
    pieces: list[Interval] = []
    cursor, end = span
    for cut_start, cut_end in cuts:
        if cut_end <= cursor or cut_start >= end:
            continue
        if cut_start > cursor:
            pieces.append((cursor, cut_start))
        cursor = max(cursor, cut_end)
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


@dataclass(frozen=True)
class _Clock:
    """Whole minutes from the start of the working window, in UTC."""

    base: dt.datetime
    zone: dt.tzinfo

    def at(self, minute: int) -> dt.datetime:
        """Local time, with the offset of that instant as a fixed zone: Python compares
        two times of one zone by their wall clocks, which in the hour repeated when the
        clocks go back puts 02:10 (the second time) before 02:50; across zones it
        compares instants."""
        return _local(self.base + dt.timedelta(minutes=minute), self.zone)

    def offset(self, when: dt.datetime) -> float:
        return (when.astimezone(_UTC) - self.base).total_seconds() / 60

    def floor(self, when: dt.datetime) -> int:
        return math.floor(self.offset(when))

    def ceil(self, when: dt.datetime) -> int:
        return math.ceil(self.offset(when))


@dataclass
class _Choice:
    task_id: int
    minutes: int  # length of the block
    position: int  # rank position at the slot
    urgent: bool = False
    reasons: list[str] = field(default_factory=list)  # the ranking's, in its words
    why: str = ""  # the planner's own reason, when it overrode the ranking's order


@dataclass
class DayBuilder:
    day: dt.date
    working: WorkingDay
    params: LayerParams  # the weights, converted once for every slot's ranking
    clock: _Clock
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
    overdue_minutes: int = 0  # minutes given to quick overdue tasks ahead of the ranking
    set_aside: dict[int, Task] = field(default_factory=dict)  # see `_narrow`
    narrowed: bool = False
    # "today" in the plan's words, or "on Tuesday" for a day planned ahead of time.
    day_word: str = "today"

    @classmethod
    def create(
        cls,
        day: dt.date,
        tasks: Sequence[Task],
        events: Sequence[ContextEvent],
        energy_logs: Sequence[EnergyLog],
        weights: Mapping[str, float],
        working: WorkingDay,
        zone: dt.tzinfo,
        now: dt.datetime | None,
        kept: Sequence[PlanBlock],
        sleep_hours: float | None,
    ) -> DayBuilder:
        # Instants in UTC from here on (see `_Clock.at`): comparisons of two times of one
        # zone would go by the wall clock.
        window_start, window_end = (t.astimezone(_UTC) for t in working.window(day, zone))
        if now is not None:
            now = now.astimezone(_UTC)
        clk = _Clock(base=window_start, zone=zone)
        day_end = clk.floor(window_end)
        cut = window_start if now is None or now < window_start else now
        step = working.step_minutes
        plan_start = min(day_end, math.ceil(clk.offset(cut) / step) * step)

        day_start = dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(_UTC)
        history = _history(kept, now, day_start=day_start, zone=zone)
        timed = [e for e in events if not e.all_day and e.end > e.start]
        meetings = _merge([(clk.floor(e.start), clk.ceil(e.end)) for e in timed])
        in_window = [
            e for e in timed if e.end > window_start and e.start < window_end and e.end > cut
        ]
        busy = _merge(
            [(max(clk.floor(e.start), 0), min(clk.ceil(e.end), day_end)) for e in in_window]
        )
        fixed_blocks = _event_blocks(in_window, cut, window_end, zone)
        lunch: list[Interval] = []
        if working.lunch_start is not None and working.lunch_end is not None:
            lunch_span = (
                clk.floor(dt.datetime.combine(day, working.lunch_start, tzinfo=zone)),
                clk.ceil(dt.datetime.combine(day, working.lunch_end, tzinfo=zone)),
            )
            for start, end in _subtract(lunch_span, busy):
                if clk.at(end) <= cut:
                    continue
                lunch.append((start, end))
                # A lunch already under way goes on from `now` (not from the grid).
                first = _local(max(clk.at(start), cut), zone)
                fixed_blocks.append(
                    PlanBlock(start=first, end=clk.at(end), kind="break", title="Lunch")
                )
        free = _subtract((plan_start, day_end), _merge(busy + lunch))

        all_day_titles = [
            e.title or "an all-day event"
            for e in events
            if e.all_day and e.start < window_end and e.end > window_start
        ]

        energy = _energy_by_minute(
            energy_logs,
            (now if now is not None else window_start).astimezone(zone),
            clk,
            day_end,
            sleep_hours,
        )

        plan_start_at = clk.at(plan_start)
        # Closed tasks can leave the ranking's input: a dependency that is absent
        # blocks nothing, exactly like one that is done (`eligible_tasks`).
        world = {
            task.id: task
            for task in tasks
            if task.open_at(plan_start_at) or plan_start_at < task.created_at < window_end
        }

        min_block = working.min_block_minutes
        kept_minutes: dict[int, float] = {}
        finished_at: dict[int, int] = {}
        for block in history:
            if block.kind == "focus" and block.task_id is not None:
                kept_minutes[block.task_id] = kept_minutes.get(block.task_id, 0.0) + block.minutes
        remaining: dict[int, int] = {}
        in_progress: set[int] = set()
        for task_id, task in world.items():
            left = task.estimate_minutes
            if task_id in kept_minutes:
                in_progress.add(task_id)
                left = max(min_block, math.ceil(task.estimate_minutes - kept_minutes[task_id]))
                world[task_id] = task.model_copy(update={"estimate_minutes": left})
            remaining[task_id] = left

        # Due today, or due before the next working day leaves room to do it (09:00
        # tomorrow): either way today is the last chance, so the due check covers both.
        last_chance = _next_working_start(working, day, zone) + dt.timedelta(
            minutes=working.min_block_minutes
        )
        due: dict[int, int] = {}
        due_exact: dict[int, dt.datetime] = {}
        for task_id in remaining:
            due_at = world[task_id].due
            if due_at is None:
                continue
            if due_at.astimezone(zone).date() == day or window_end <= due_at < last_chance:
                due_exact[task_id] = due_at
                due[task_id] = min(clk.floor(due_at), day_end)
        waiting_times = sorted(
            {
                clk.ceil(moment)
                for task_id in remaining
                for moment in (world[task_id].not_before, world[task_id].created_at)
                if moment is not None and moment > plan_start_at and moment < window_end
            }
        )
        ahead = now is not None and now.astimezone(zone).date() < day
        return cls(
            day_word=f"on {WEEKDAY_NAMES[day.weekday()]}" if ahead else "today",
            day=day,
            working=working,
            params=params_from_named(weights),
            clock=clk,
            day_end=day_end,
            plan_start=plan_start,
            cut=cut,
            world=world,
            remaining=remaining,
            in_progress=in_progress,
            finished_at=finished_at,
            free=free,
            meetings=meetings,
            history=history,
            fixed_blocks=fixed_blocks,
            all_day_titles=all_day_titles,
            energy=energy,
            due=due,
            due_exact=due_exact,
            waiting_times=waiting_times,
        )

    # ------------------------------------------------------------------ the decoding loop

    def build(self) -> tuple[list[PlanBlock], list[str]]:
        for start, end in self.free:
            self._fill(start, end)
        blocks = _join_at_cut(
            sorted(self.history + self.fixed_blocks + self.blocks, key=_order), self.cut
        )
        # A rest after the day's last work is no rest: the day ends there.
        while blocks and blocks[-1].kind == "break" and blocks[-1].title == "Break":
            if blocks[-1].start < self.cut:
                break
            blocks.pop()
        return blocks, self._notes()

    def _fill(self, start: int, end: int) -> None:
        slot = start
        min_block = self.working.min_block_minutes
        while end - slot >= min_block and self.remaining:
            choice = self._choose(slot, end)
            if choice is None:
                later = [t for t in self.waiting_times if t > slot]
                if not later or later[0] >= end:
                    return
                step = self.working.step_minutes
                slot = math.ceil(later[0] / step) * step
                continue
            slot = self._place(choice, slot, end)

    def _choose(self, slot: int, end: int) -> _Choice | None:
        energy = self._energy(slot)
        context = RankInput(
            at=self.clock.at(slot),
            energy=energy,
            meeting_load=self._meeting_load(slot),
            day_end=self.clock.at(self.day_end),
            in_progress=frozenset(self.in_progress),
            day_start=self.clock.at(0),
        )
        result = rank_tasks(
            list(self.world.values()), context, self.params, explain=True, top_attention=0
        )
        ids = [int(task_id) for task_id in result.ids if int(task_id) in self.remaining]
        position = {int(task_id): pos for pos, task_id in enumerate(result.ids)}
        if not self.narrowed and len(self.world) > _NARROW_ABOVE:
            self._narrow(ids)
            ids = [task_id for task_id in ids if task_id in self.remaining]
        self.last_ranking = ids
        choice = self._decide(ids, slot, end)
        if self.due:
            choice = self._respect_due_times(choice, ids, slot, end)
        if choice is None:
            return None
        choice.position = position[choice.task_id]
        says = {"in_progress"}
        if choice.task_id in self.due_exact:
            says |= {"due", "quick_due"}  # the planner names the due time itself
        choice.reasons = ranking_reasons(
            result,
            choice.position,
            context,
            self.world,
            frozenset(self.in_progress),
            planner_says=frozenset(says),
        )
        return choice

    def _narrow(self, ranked: Sequence[int]) -> None:
        """After the day's first ranking of a very long list, rank only what can matter.

        A day holds a few dozen blocks; of ten thousand open tasks, the ones the first
        ranking put below the first `_NARROW_KEEP` cannot reach them, yet every later
        ranking would pay for all of them. Kept: the best-ranked, every task due by
        today's last chance, in progress, or still to open today; then what those wait
        for (an absent dependency would block nothing) and what waits for them (what a
        task unblocks still counts). The rest are set aside, for the notes only.
        """
        self.narrowed = True
        start = self.clock.at(self.plan_start)
        keep = set(ranked[:_NARROW_KEEP]) | set(self.due) | self.in_progress
        keep.update(
            task_id
            for task_id, task in self.world.items()
            if task.created_at > start or (task.not_before or start) > start
        )
        children: dict[int, list[int]] = {}
        for task_id, task in self.world.items():
            for dep in task.depends_on:
                children.setdefault(dep, []).append(task_id)
        for step in (lambda t: self.world[t].depends_on, lambda t: children.get(t, ())):
            stack = list(keep)
            while stack:
                for other in step(stack.pop()):
                    if other in self.world and other not in keep:
                        keep.add(other)
                        stack.append(other)
        for task_id in [t for t in self.world if t not in keep]:
            self.set_aside[task_id] = self.world.pop(task_id)
            self.remaining.pop(task_id, None)

    def _decide(self, ranked: Sequence[int], slot: int, end: int) -> _Choice | None:
        """The ranking's order, adjusted by what only the whole day shows.

        The ranking sees one moment; the planner also sees the rest of the day, and
        applies, in this order: a short overdue task clears first; when the day
        cannot hold every task, low-importance chores wait behind important work;
        high-demand work goes to the best predicted hours still free and lighter
        work fills the others. Due times are checked after this (`_respect_due_times`).
        """
        gap = end - slot
        moment = self.clock.at(slot)
        overdue = {
            t for t in ranked if (due_at := self.world[t].due) is not None and due_at <= moment
        }
        order = self._triage(ranked, slot, overdue)
        today = self._todays_share(order, slot)
        quick = self._overdue_quick([t for t in ranked if t in overdue], today, gap)
        if quick is not None:
            return quick
        by_energy = self._by_energy(order, today, slot, gap)
        if by_energy is not None:
            return by_energy
        return self._first_fit(order, gap)

    def _first_fit(self, order: Sequence[int], gap: int, why: str = "") -> _Choice | None:
        """The first task whose next natural piece fits the gap, else the first that can
        go at all (it fills the gap and continues later rather than leave it empty)."""
        fallback: _Choice | None = None
        for task_id in order:
            left = self.remaining[task_id]
            minutes = self._block_minutes(left, gap, urgent=self._pressing(task_id))
            if minutes is None:
                continue
            piece = self._block_minutes(left, self.working.max_block_minutes)
            if piece is not None and gap >= piece:
                return _Choice(task_id, minutes, position=-1, why=why)
            if fallback is None:
                fallback = _Choice(task_id, minutes, position=-1, why=why)
        return fallback

    def _pressing(self, task_id: int) -> bool:
        """Due today, or within the next two days: any piece worth a minimum block goes,
        since the rules against short pieces must not cost a due time."""
        due_at = self.world[task_id].due
        return task_id in self.due or (
            due_at is not None and due_at - self.clock.at(self.day_end) <= _PRESSING
        )

    def _free_minutes_from(self, slot: int) -> int:
        return sum(max(0, end - max(start, slot)) for start, end in self.free if end > slot)

    def _triage(self, ranked: Sequence[int], slot: int, overdue: set[int]) -> list[int]:
        """The ranking's order, except that when the rest of the day cannot hold every
        task, importance 1–2 tasks with nothing pressing go after importance 4–5 ones:
        a person short of time drops the chores, not the work that matters."""
        if sum(self.remaining[t] for t in ranked) <= self._free_minutes_from(slot):
            return list(ranked)
        if not any(self.world[t].importance >= _IMPORTANT for t in ranked):
            return list(ranked)
        # Pressing: due before the next working day could take it, overdue, or started.
        first = [
            t
            for t in ranked
            if self.world[t].importance > _MINOR
            or t in self.due
            or t in overdue
            or t in self.in_progress
        ]
        chosen = set(first)
        return first + [t for t in ranked if t not in chosen]

    def _todays_share(self, order: Sequence[int], slot: int) -> list[int]:
        """The head of `order` that the rest of the day can hold: the tasks today is for."""
        room = self._free_minutes_from(slot)
        share: list[int] = []
        total = 0
        for task_id in order:
            if total >= room:
                break
            share.append(task_id)
            total += max(self.remaining[task_id], self.working.min_block_minutes)
        return share

    def _overdue_quick(
        self, overdue: Sequence[int], today: Sequence[int], gap: int
    ) -> _Choice | None:
        """A short overdue task (of today's share, or of some importance) goes first: it
        has waited long enough and costs little of the fresh hours (earliest due first;
        at most `_OVERDUE_FIRST_MINUTES` a day, so a long backlog cannot eat the peak)."""
        if self.overdue_minutes >= _OVERDUE_FIRST_MINUTES:
            return None  # enough of the fresh hours went to clearing the backlog
        share = set(today)
        quick = [
            t
            for t in overdue  # eligible now: not blocked, not waiting for not_before
            if self.remaining[t] <= QUICK_MINUTES and (t in share or self.world[t].importance >= 3)
        ]
        quick.sort(key=lambda t: (self.world[t].due, t))
        for task_id in quick:
            minutes = self._block_minutes(self.remaining[task_id], gap)
            if minutes is not None and minutes >= self.remaining[task_id]:
                self.overdue_minutes += minutes
                return _Choice(task_id, minutes, position=-1, why="quick to clear first")
        return None

    def _by_energy(
        self, order: Sequence[int], today: Sequence[int], slot: int, gap: int
    ) -> _Choice | None:
        """Demanding work in the best free hours left, lighter work in the others.

        The high-demand tasks of today's share need H minutes; the best H free minutes
        from `slot` on (by predicted energy) are their place. In one of those minutes
        the best-ranked high-demand task goes now, whatever the ranking put first; in
        another, the best-ranked lighter task goes, cut so as not to eat into the peak.
        None: the ranking's order stands (no demanding work today, or nothing else).
        """
        high = [t for t in today if self.world[t].demand == "high"]
        if not high:
            return None
        need = sum(self.remaining[t] for t in high)
        # The breaks between those blocks take free minutes too.
        need += self.working.break_minutes * (math.ceil(need / self.working.block_minutes) - 1)
        minutes_left = [
            minute for start, end in self.free for minute in range(max(start, slot), end)
        ]
        if not minutes_left:
            return None
        levels = sorted((self._energy(m) for m in minutes_left), reverse=True)
        threshold = levels[min(need, len(levels)) - 1]
        if self._energy(slot) >= threshold - _ENERGY_TIE:
            fresh = self._energy(slot) >= HIGH_ENERGY
            why = (
                "your best hours for demanding work" if fresh else "the best energy left in the day"
            )
            pick = self._first_fit(high, gap, why=why)
            if pick is not None:
                return pick
            return None
        peak = next(m for m in minutes_left if self._energy(m) >= threshold - _ENERGY_TIE)
        if peak <= slot:
            return None
        lighter = [t for t in order if self.world[t].demand != "high"]
        before_peak = min(gap, peak - slot)
        if before_peak < self.working.min_block_minutes:
            return None
        on_grid = peak - peak % self.working.step_minutes  # 16:20, not 16:21
        waits = f"demanding work waits for {_hhmm(self.clock.at(on_grid), self.clock.zone)}"
        return self._first_fit(lighter, before_peak, why=f"lighter work · {waits}")

    def _place(self, choice: _Choice, slot: int, end: int) -> int:
        task_id = choice.task_id
        task = self.world[task_id]
        block_end = slot + choice.minutes
        left = self.remaining[task_id] - choice.minutes
        energy = self._energy(slot)
        self.blocks.append(
            PlanBlock(
                start=self.clock.at(slot),
                end=self.clock.at(block_end),
                kind="focus",
                task_id=task_id,
                title=task.title,
                energy=round(energy, 2),
                reason=self._reason(choice, task, slot, energy, left),
            )
        )
        if left > 0:
            self.remaining[task_id] = left
            self.in_progress.add(task_id)
            self.world[task_id] = task.model_copy(update={"estimate_minutes": left})
        else:
            # Placed in full: done as of its block's end, which is before the next slot.
            # Leaving the ranking's input removes it from the candidates and unblocks
            # what depends on it (an absent dependency blocks nothing).
            del self.remaining[task_id]
            self.in_progress.discard(task_id)
            self.finished_at[task_id] = block_end
            self.titles[task_id] = task.title
            del self.world[task_id]
        next_slot = self._break_end(block_end, end)
        # A break is the rest between two blocks; one that runs into lunch, a meeting or
        # the end of the day is no break (lunch is the rest): that time stays free.
        if block_end < next_slot < end:
            self.blocks.append(
                PlanBlock(
                    start=self.clock.at(block_end),
                    end=self.clock.at(next_slot),
                    kind="break",
                    title="Break",
                )
            )
        return next_slot

    # ------------------------------------------------------------------ sizes and breaks

    def _block_minutes(self, left: int, gap: int, urgent: bool = False) -> int | None:
        """The next block for a task with `left` minutes in a `gap`, or None if it cannot go.

        A block is a focus length (`block_minutes`), or less to finish the task. It runs
        longer, up to `max_block_minutes`, to finish a task that would otherwise leave a
        tail shorter than `tail_minutes`; when it cannot, it stops early enough to leave a
        tail worth a block. A piece that does not finish the task is itself at least
        `tail_minutes`: a long task resumed for a quarter of an hour is not worth it.
        Unless `urgent`: to finish before its due time, any piece of a minimum block goes.
        """
        working = self.working
        focus = working.block_minutes
        tail = working.min_block_minutes if urgent else working.tail_minutes
        whole = max(left, working.min_block_minutes)
        if left <= focus or (left < focus + tail and left <= working.max_block_minutes):
            if whole <= gap:
                return whole
            piece = self._piece(left, min(gap, focus), tail)
            # What fits one block is split only for most of it (80 of 90 minutes before
            # lunch), not into halves: a gap that holds a third of it takes other work.
            if piece is None or (not urgent and 3 * piece < 2 * left):
                return None
            return piece
        return self._piece(left, min(gap, focus), tail)

    @staticmethod
    def _piece(left: int, room: int, tail: int) -> int | None:
        """A part of a task that does not finish it: at most `room`, leaving at least `tail`."""
        minutes = min(room, left - tail)
        return minutes if minutes >= tail else None

    def _break_end(self, focus_end: int, end: int) -> int:
        low = self._energy(focus_end) < self.working.low_energy_below
        length = self.working.long_break_minutes if low else self.working.break_minutes
        stop = min(focus_end + length, end)
        if end - stop < self.working.min_block_minutes:
            stop = end  # the rest of the stretch is too short for a block: rest instead
        return stop

    def _energy(self, minute: int) -> float:
        return self.energy[min(max(minute, 0), self.day_end)]

    def _meeting_load(self, minute: int) -> float:
        horizon = minute + _MEETING_HORIZON_MINUTES
        busy = sum(max(0, min(end, horizon) - max(start, minute)) for start, end in self.meetings)
        return min(1.0, busy / _MEETING_HORIZON_MINUTES)

    # ------------------------------------------------------------------ due times

    def _due_order(self, task_id: int) -> tuple[int, int]:
        # By id among equal due times, not by rank: the order must be the same at every slot.
        return (self.due[task_id], task_id)

    def _urgent_pick(self, lefts: Mapping[int, int], slot: int, end: int) -> _Choice | None:
        """The earliest-due task whose next block fits the stretch from `slot` to `end`."""
        for task_id in sorted(lefts, key=self._due_order):
            minutes = self._block_minutes(lefts[task_id], end - slot, urgent=True)
            if minutes is not None:
                return _Choice(task_id, minutes, position=-1, urgent=True)
        return None

    def _due_times_hold(self, lefts: Mapping[int, int], start: int) -> bool:
        """Can every task in `lefts` still finish by its due time from `start`?

        Decided by laying out only these tasks, earliest due first, with the very
        block and break rules the planner uses, rather than by counting minutes: a
        22-minute task cannot use a 21-minute gap plus a 15-minute one. Because the
        planner falls back on exactly this layout's first step whenever the check
        fails after its own choice, a due time that holds at one slot keeps holding.
        """
        left = {task_id: minutes for task_id, minutes in lefts.items() if minutes > 0}
        # Earliest due first, sorted once: a sort per step made this cubic in the number
        # of tasks due today (hundreds, in a ten-thousand-task backlog).
        order = sorted(left, key=self._due_order)
        head = 0  # order[head] is the earliest-due task still left
        min_block = self.working.min_block_minutes
        for free_start, free_end in self.free:
            if not left:
                break
            slot = max(free_start, start)
            while left and free_end - slot >= min_block:
                while order[head] not in left:
                    head += 1
                if self.due[order[head]] <= slot:
                    return False
                pick = None
                for task_id in order[head:]:
                    if task_id in left:
                        minutes = self._block_minutes(left[task_id], free_end - slot, urgent=True)
                        if minutes is not None:
                            pick = (task_id, minutes)
                            break
                if pick is None:
                    break
                task_id, minutes = pick
                finish = slot + minutes
                left[task_id] -= minutes
                if left[task_id] <= 0:
                    if finish > self.due[task_id]:
                        return False
                    del left[task_id]
                slot = self._break_end(finish, free_end)
        return not left

    def _respect_due_times(
        self, choice: _Choice | None, ids: Sequence[int], slot: int, end: int
    ) -> _Choice | None:
        """The ranking's choice, unless taking it now would make a due-today task miss
        (or, when nothing else goes here, the earliest-due task that fits)."""
        position = {task_id: pos for pos, task_id in enumerate(ids) if task_id in self.due}
        urgent = {
            task_id: self.remaining[task_id]
            for task_id in position
            if task_id in self.remaining and task_id not in self.given_up
        }
        if urgent and not self._due_times_hold(urgent, slot):
            # First give up those that cannot make it even alone, then, while the rest
            # cannot all make it, the lowest-ranked.
            for task_id in list(urgent):
                if not self._due_times_hold({task_id: urgent[task_id]}, slot):
                    self.given_up.add(task_id)
                    del urgent[task_id]
            while urgent and not self._due_times_hold(urgent, slot):
                lowest = max(urgent, key=lambda t: position[t])
                self.given_up.add(lowest)
                del urgent[lowest]
        if not urgent:
            return choice
        if choice is None:
            return self._urgent_pick(urgent, slot, end)
        after = dict(urgent)
        if choice.task_id in after:
            after[choice.task_id] -= choice.minutes
        if self._due_times_hold(after, self._break_end(slot + choice.minutes, end)):
            return choice
        pick = self._urgent_pick(urgent, slot, end)
        return choice if pick is None else pick

    # ------------------------------------------------------------------ words

    def _reason(self, choice: _Choice, task: Task, slot: int, energy: float, left: int) -> str:
        """Why this block: the planner's own decisions, then the ranking's top reasons at
        the block's moment (its time, its energy), then what is left after it."""
        phrases: list[str] = []
        due_at = self.due_exact.get(choice.task_id)
        due_words = ""
        if due_at is not None:
            when = _when(due_at, self.day, self.clock.zone)
            same_day = ":" in when[:3]
            due_words = f"due {'today ' if same_day and self.day_word == 'today' else ''}{when}"
        if choice.urgent and due_at is not None:
            phrases.append(f"{due_words} · placed here to finish in time")
        if choice.why:
            phrases.append(choice.why)
        phrases.extend(choice.reasons)
        if due_at is not None and not choice.urgent:
            phrases.append(due_words)
        if choice.task_id in self.in_progress and "continues" not in phrases:
            phrases.append("continues")
        if left > 0:
            phrases.append(f"{left} min more later")
        if not phrases:
            phrases.append("the best-ranked task that fits here")
        words = [word for phrase in phrases for word in phrase.split(" · ")]
        return " · ".join(dict.fromkeys(words))

    def _notes(self) -> list[str]:
        notes: list[str] = []
        zone = self.clock.zone
        if self.plan_start >= self.day_end and self.cut > self.clock.at(0):
            notes.append("the working day is over; nothing left to plan")
        notes.extend(f"all day: {title}" for title in self.all_day_titles)
        for task_id, due_at in sorted(self.due_exact.items(), key=lambda item: (item[1], item[0])):
            done = self.finished_at.get(task_id)
            if done is not None and done <= self.clock.floor(due_at):
                continue
            title = self.titles.get(task_id) or self.world[task_id].title
            when = _when(due_at, self.day, zone)
            if due_at.astimezone(zone).date() != self.day:
                notes.append(
                    f"'{title}' is due {when}, before your next working day, "
                    f"and cannot be finished {self.day_word}"
                )
            elif due_at <= self.cut:
                placed = [b for b in self.blocks if b.task_id == task_id]
                notes.append(
                    f"'{title}' was due {when} and is late: "
                    + (
                        f"it goes at {_hhmm(placed[0].start, zone)}"
                        if placed
                        else f"there is no room for it {self.day_word}"
                    )
                )
            else:
                notes.append(f"'{title}' is due {when} but cannot fit before then")
        notes.extend(self._unfinished_notes())
        notes.extend(self._left_out_notes())
        return notes

    def _unfinished_notes(self) -> list[str]:
        """Work started in this plan that the day cannot finish: left for another day
        rather than squeezed into a block too short to be worth it."""
        started = dict.fromkeys(
            b.task_id for b in self.blocks if b.kind == "focus" and b.task_id is not None
        )
        return [
            f"'{self.world[task_id].title}' goes on another day: {self.remaining[task_id]} min left"
            for task_id in started
            if task_id in self.remaining and task_id not in self.due_exact
        ]

    def _left_out_notes(self) -> list[str]:
        """Important open tasks with no block today, each with the reason (at most three)."""
        planned = {b.task_id for b in self.blocks if b.kind == "focus"}
        planned.update(b.task_id for b in self.history if b.kind == "focus")
        rank_of = {task_id: pos for pos, task_id in enumerate(self.last_ranking)}
        missing = [
            task
            for task in itertools.chain(self.world.values(), self.set_aside.values())
            if task.importance >= _IMPORTANT
            and task.id not in planned
            and task.id not in self.due_exact
            and task.created_at <= self.clock.at(self.day_end)
        ]
        if not missing or self.plan_start >= self.day_end:
            return []  # a day that is over has no room to explain
        missing.sort(key=lambda t: (-t.importance, rank_of.get(t.id, len(rank_of)), t.id))
        notes = [
            f"'{task.title}' (importance {task.importance}{self._holds_up(task)}) "
            f"is not planned {self.day_word}: {self._left_out_reason(task)}"
            for task in missing[:_LEFT_OUT_NOTES]
        ]
        if len(missing) > _LEFT_OUT_NOTES:
            more = len(missing) - _LEFT_OUT_NOTES
            tasks = f"task{'s' if more != 1 else ''}"
            notes.append(f"{more} more important {tasks} not planned {self.day_word}")
        return notes

    def _holds_up(self, task: Task) -> str:
        """ ", holds up 'Build' due Fri 17:00 and 1 more": why leaving it out matters."""
        waiting = [t for t in self.world.values() if task.id in t.depends_on]
        if not waiting:
            return ""
        dated = sorted((t for t in waiting if t.due is not None), key=lambda t: (t.due, t.id))
        first = dated[0] if dated else min(waiting, key=lambda t: t.id)
        words = f", holds up '{first.title}'"
        if first.due is not None:
            words += f" due {_when(first.due, self.day, self.clock.zone)}"
        if len(waiting) > 1:
            words += f" and {len(waiting) - 1} more"
        return words

    def _left_out_reason(self, task: Task) -> str:
        zone = self.clock.zone
        waiting = [self.world[dep].title for dep in task.depends_on if dep in self.world]
        if waiting:
            return f"it waits for '{waiting[0]}'"
        if task.not_before is not None and task.not_before >= self.clock.at(self.day_end):
            return f"it cannot start before {_when(task.not_before, self.day, zone)}"
        if task.created_at > self.clock.at(self.plan_start):
            return "it was added after the plan's free time was given out"
        if self.plan_start >= self.day_end or not self.blocks:
            return f"no free time is left {self.day_word}"
        return "the free time went to work that is due sooner or ranked higher"


def _energy_by_minute(
    logs: Sequence[EnergyLog],
    cutoff: dt.datetime,
    clk: _Clock,
    day_end: int,
    sleep_hours: float | None,
) -> list[float]:
    """Predicted energy at every minute of the working window, from logs up to `cutoff`.

    The curve is evaluated once for the whole window (one vectorised call, not one
    per slot). As in `energy_at`, a log at most `_RECENT_LOG_MINUTES` old stands for
    the person's energy until it is that old: "I am drained now" beats the curve.
    """
    known = [log for log in logs if log.at <= cutoff]
    model = EnergyModel.fit(known, cutoff)
    hours = []
    for minute in range(day_end + 1):
        local = clk.at(minute)
        hours.append(local.hour + local.minute / 60)
    levels = [float(level) for level in model.curve(hours, sleep_hours)]
    if known:
        latest = max(known, key=lambda log: log.at)
        fresh_until = clk.floor(latest.at + dt.timedelta(minutes=_RECENT_LOG_MINUTES))
        for minute in range(max(0, clk.ceil(latest.at)), min(fresh_until, day_end) + 1):
            levels[minute] = float(latest.level)
    return levels


def _local(when: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """`when` in `zone`, with that instant's offset as a fixed zone (see `_Clock.at`)."""
    local = when.astimezone(zone)
    offset = local.utcoffset()
    return local if offset is None else local.replace(tzinfo=dt.timezone(offset))


def _hhmm(when: dt.datetime, zone: dt.tzinfo) -> str:
    return when.astimezone(zone).strftime("%H:%M")


def _when(when: dt.datetime, day: dt.date, zone: dt.tzinfo) -> str:
    """`11:00` on `day`, `tomorrow 09:00` the day after, `Mon 09:00` further on."""
    local = when.astimezone(zone)
    if local.date() == day:
        return local.strftime("%H:%M")
    if local.date() == day + dt.timedelta(days=1):
        return f"tomorrow {local:%H:%M}"
    return f"{WEEKDAY_NAMES[local.weekday()][:3]} {local:%H:%M}"


def _next_working_start(working: WorkingDay, day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """When the first working day after `day` starts (a week on if none is set)."""
    for offset in range(1, 8):
        later = day + dt.timedelta(days=offset)
        if working.works_on(later):
            return working.window(later, zone)[0]
    return working.window(day + dt.timedelta(days=7), zone)[0]


def _order(block: PlanBlock) -> tuple[dt.datetime, dt.datetime]:
    return (block.start.astimezone(_UTC), block.end.astimezone(_UTC))


def _history(
    kept: Sequence[PlanBlock], now: dt.datetime | None, day_start: dt.datetime, zone: dt.tzinfo
) -> list[PlanBlock]:
    """The blocks of the earlier plan that already happened, a running one cut at `now`."""
    if now is None:
        return []
    past: list[PlanBlock] = []
    for block in kept:
        if block.start >= now or block.end <= day_start:
            continue
        cut = block.model_copy(update={"end": _local(now, zone)})
        past.append(block if block.end <= now else cut)
    return past


def _event_blocks(
    events: Sequence[ContextEvent], start: dt.datetime, end: dt.datetime, zone: dt.tzinfo
) -> list[PlanBlock]:
    """One block per stretch of booked time, clipped to [start, end)."""
    spans: list[tuple[dt.datetime, dt.datetime, list[str]]] = []
    for event in sorted(events, key=lambda e: (e.start, e.end, e.title)):
        first, last = max(event.start, start), min(event.end, end)
        if last <= first:
            continue
        title = event.title or "Busy"
        if spans and first < spans[-1][1]:
            span_start, span_end, titles = spans[-1]
            if title not in titles:
                titles.append(title)
            spans[-1] = (span_start, max(span_end, last), titles)
        else:
            spans.append((first, last, [title]))
    return [
        PlanBlock(
            start=_local(first, zone),
            end=_local(last, zone),
            kind="event",
            title=" / ".join(titles),
        )
        for first, last, titles in spans
    ]


def _join_at_cut(blocks: list[PlanBlock], cut: dt.datetime) -> list[PlanBlock]:
    """An event or lunch running at `now` is in the history (cut at `now`) and in the
    new part (from `now`): show it once. Blocks that merely touch elsewhere stay apart."""
    joined: list[PlanBlock] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and block.kind != "focus"
            and (previous.kind, previous.title) == (block.kind, block.title)
            and previous.end == block.start == cut
        ):
            joined[-1] = previous.model_copy(update={"end": block.end})
        else:
            joined.append(block)
    return joined
