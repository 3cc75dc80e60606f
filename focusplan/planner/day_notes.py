"""The plan's notes: the day is over, all-day events, due times missed, work left for
another day, important tasks left out and why."""

from __future__ import annotations

import itertools
from typing import Final

from focusplan.domain import Task
from focusplan.planner.day_decisions import DayDecisions
from focusplan.planner.day_state import IMPORTANT
from focusplan.planner.window_minutes import hhmm, when_words

_LEFT_OUT_NOTES: Final[int] = 3
_DUE_NOTES: Final[int] = 8


class DayNotes(DayDecisions):
    def _notes(self) -> list[str]:
        notes: list[str] = []
        if self.plan_start >= self.day_end and self.cut > self.clock.at(0):
            notes.append("the working day is over; nothing left to plan")
        notes.extend(f"all day: {title}" for title in self.all_day_titles)
        notes.extend(self._due_notes())
        notes.extend(self._unfinished_notes())
        notes.extend(self._left_out_notes())
        return notes

    def _due_notes(self) -> list[str]:
        """Due times the plan cannot keep, earliest first; past `_DUE_NOTES` a count (a
        backlog of thousands can have hundreds, and a plan is not the place for them)."""
        notes: list[str] = []
        zone = self.clock.zone
        for task_id, due_at in sorted(self.due_exact.items(), key=lambda item: (item[1], item[0])):
            done = self.finished_at.get(task_id)
            if done is not None and done <= self.clock.floor(due_at):
                continue
            title = self.titles.get(task_id) or self.world[task_id].title
            when = when_words(due_at, self.day, zone)
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
                        f"it goes at {hhmm(placed[0].start, zone)}"
                        if placed
                        else f"there is no room for it {self.day_word}"
                    )
                )
            else:
                notes.append(f"'{title}' is due {when} but cannot fit before then")
        if len(notes) > _DUE_NOTES:
            more = len(notes) - _DUE_NOTES
            tasks = f"task{'s' if more != 1 else ''}"
            notes[_DUE_NOTES:] = [f"{more} more {tasks} due by then cannot be finished in time"]
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
        day_end = self.clock.at(self.day_end)  # once, not once per task of ten thousand
        missing = [
            task
            for task in itertools.chain(self.world.values(), self.set_aside.values())
            if task.importance >= IMPORTANT
            and task.id not in planned
            and task.id not in self.due_exact
            and task.created_at <= day_end
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
            words += f" due {when_words(first.due, self.day, self.clock.zone)}"
        if len(waiting) > 1:
            words += f" and {len(waiting) - 1} more"
        return words

    def _left_out_reason(self, task: Task) -> str:
        zone = self.clock.zone
        waiting = [self.world[dep].title for dep in task.depends_on if dep in self.world]
        if waiting:
            return f"it waits for '{waiting[0]}'"
        if task.not_before is not None and task.not_before >= self.clock.at(self.day_end):
            return f"it cannot start before {when_words(task.not_before, self.day, zone)}"
        if task.created_at > self.clock.at(self.plan_start):
            return "it was added after the plan's free time was given out"
        if self.plan_start >= self.day_end or not self.blocks:
            return f"no free time is left {self.day_word}"
        return "the free time went to work that is due sooner or ranked higher"
