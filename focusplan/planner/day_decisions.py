"""What only the whole day shows: the adjustments the planner makes to the ranking's
order at each slot (quick overdue tasks, chores behind important work when time is
short, demanding work in the best free hours), and narrowing a very long list."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

from focusplan.planner.day_state import IMPORTANT, Choice
from focusplan.planner.due_times import DueTimes
from focusplan.planner.reasons import HIGH_ENERGY, QUICK_MINUTES
from focusplan.planner.window_minutes import hhmm

# How far below the day's peak predicted energy still counts as its best hours.
_BEST_HOURS_MARGIN = 0.5

_OVERDUE_FIRST_MINUTES: Final[int] = 60
# At or below this importance, a task with nothing pressing waits when time is short.
_MINOR: Final[int] = 2
# Energies this close count as equal when deciding whether a minute is among the best.
_ENERGY_TIE: Final[float] = 1e-6
# Above this many open tasks, later rankings of the day see only what can matter (`_narrow`).
NARROW_ABOVE: Final[int] = 1_000
# "lighter work · demanding work waits for 15:50": the start of the next demanding block.
WAITS_FOR: Final[str] = "demanding work waits for "
_NARROW_KEEP: Final[int] = 300


class DayDecisions(DueTimes):
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

    def _decide(self, ranked: Sequence[int], slot: int, end: int) -> Choice | None:
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

    def _first_fit(self, order: Sequence[int], gap: int, why: str = "") -> Choice | None:
        """The first task whose next natural piece fits the gap, else the first that can
        go at all (it fills the gap and continues later rather than leave it empty)."""
        fallback: Choice | None = None
        for task_id in order:
            left = self.remaining[task_id]
            minutes = self._block_minutes(left, gap, urgent=self._pressing(task_id))
            if minutes is None:
                continue
            piece = self._block_minutes(left, self.working.max_block_minutes)
            if piece is not None and gap >= piece:
                return Choice(task_id, minutes, position=-1, why=why)
            if fallback is None:
                fallback = Choice(task_id, minutes, position=-1, why=why)
        return fallback

    def _triage(self, ranked: Sequence[int], slot: int, overdue: set[int]) -> list[int]:
        """The ranking's order, except that when the rest of the day cannot hold every
        task, importance 1–2 tasks with nothing pressing go after importance 4–5 ones:
        a person short of time drops the chores, not the work that matters."""
        if sum(self.remaining[t] for t in ranked) <= self._free_minutes_from(slot):
            return list(ranked)
        if not any(self.world[t].importance >= IMPORTANT for t in ranked):
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
    ) -> Choice | None:
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
                return Choice(task_id, minutes, position=-1, why="quick to clear first")
        return None

    def _by_energy(
        self, order: Sequence[int], today: Sequence[int], slot: int, gap: int
    ) -> Choice | None:
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
            # "Best hours" only near the day's own peak: an afternoon rise to 3.1 after a
            # morning at 4.0 is the best that is left, not the person's best hours.
            level = self._energy(slot)
            fresh = level >= HIGH_ENERGY and level >= max(self.energy) - _BEST_HOURS_MARGIN
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
        # The time is the peak as seen from here; once the day is laid out it becomes the
        # start of the next demanding block (`DayBuilder._true_waits`).
        waits = f"{WAITS_FOR}{hhmm(self.clock.at(on_grid), self.clock.zone)}"
        return self._first_fit(lighter, before_peak, why=f"lighter work · {waits}")
