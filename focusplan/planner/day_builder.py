"""Building one day: slot-by-slot decoding with the ranking. The parts it is made of:
`day_state` (what it knows), `block_sizes`, `due_times`, `day_decisions` (the
adjustments only the whole day shows), `day_notes`; and for setting up a day,
`window_minutes`, `fixed_blocks`, `energy_by_minute`."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

from focusplan.attention.features import tokens_of
from focusplan.attention.layer import params_from_named
from focusplan.attention.ranking import RankInput, rank_tokens
from focusplan.domain import ContextEvent, EnergyLog, PlanBlock, Task
from focusplan.planner.day_decisions import NARROW_ABOVE, WAITS_FOR
from focusplan.planner.day_notes import DayNotes
from focusplan.planner.day_state import Choice
from focusplan.planner.energy_by_minute import energy_by_minute
from focusplan.planner.fixed_blocks import block_order, event_blocks, join_at_cut, past_blocks
from focusplan.planner.reasons import ranking_reasons
from focusplan.planner.window_minutes import (
    UTC,
    Interval,
    MinuteClock,
    fixed_offset_time,
    hhmm,
    merge_intervals,
    next_working_start,
    subtract_intervals,
    when_words,
)
from focusplan.planner.working_day import WEEKDAY_NAMES, WorkingDay


class DayBuilder(DayNotes):
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
        # Instants in UTC from here on (see `MinuteClock.at`): comparisons of two times of one
        # zone would go by the wall clock.
        window_start, window_end = (t.astimezone(UTC) for t in working.window(day, zone))
        if now is not None:
            now = now.astimezone(UTC)
        clk = MinuteClock(base=window_start, zone=zone)
        day_end = clk.floor(window_end)
        cut = window_start if now is None or now < window_start else now
        step = working.step_minutes
        plan_start = min(day_end, math.ceil(clk.offset(cut) / step) * step)

        day_start = dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(UTC)
        history = past_blocks(kept, now, day_start=day_start, zone=zone)
        timed = [e for e in events if not e.all_day and e.end > e.start]
        meetings = merge_intervals([(clk.floor(e.start), clk.ceil(e.end)) for e in timed])
        in_window = [
            e for e in timed if e.end > window_start and e.start < window_end and e.end > cut
        ]
        busy = merge_intervals(
            [(max(clk.floor(e.start), 0), min(clk.ceil(e.end), day_end)) for e in in_window]
        )
        fixed_blocks = event_blocks(in_window, cut, window_end, zone)
        lunch: list[Interval] = []
        if working.lunch_start is not None and working.lunch_end is not None:
            lunch_span = (
                clk.floor(dt.datetime.combine(day, working.lunch_start, tzinfo=zone)),
                clk.ceil(dt.datetime.combine(day, working.lunch_end, tzinfo=zone)),
            )
            for start, end in subtract_intervals(lunch_span, busy):
                if clk.at(end) <= cut:
                    continue
                lunch.append((start, end))
                # A lunch already under way goes on from `now` (not from the grid).
                first = fixed_offset_time(max(clk.at(start), cut), zone)
                fixed_blocks.append(
                    PlanBlock(start=first, end=clk.at(end), kind="break", title="Lunch")
                )
        free = subtract_intervals((plan_start, day_end), merge_intervals(busy + lunch))

        all_day_titles = [
            e.title or "an all-day event"
            for e in events
            if e.all_day and e.start < window_end and e.end > window_start
        ]

        energy = energy_by_minute(
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
        last_chance = next_working_start(working, day, zone) + dt.timedelta(
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

    def build(self) -> tuple[list[PlanBlock], list[str]]:
        for start, end in self.free:
            self._fill(start, end)
        self._true_waits()
        blocks = join_at_cut(
            sorted(self.history + self.fixed_blocks + self.blocks, key=block_order), self.cut
        )
        # A rest after the day's last work is no rest: the day ends there.
        while blocks and blocks[-1].kind == "break" and blocks[-1].title == "Break":
            if blocks[-1].start < self.cut:
                break
            blocks.pop()
        return blocks, self._notes()

    def _true_waits(self) -> None:
        """ "Demanding work waits for 15:50" names the peak as it looked when the block was
        placed; a due task placed later, or a peak seen anew, can move the demanding work.
        Said of the finished plan, it is the start of the next demanding block, and
        without one the lighter work waits for nothing."""
        for index, block in enumerate(self.blocks):
            if block.reason is None or WAITS_FOR not in block.reason:
                continue
            later = min((at for at in self.demanding_starts if at > block.start), default=None)
            phrases = []
            for phrase in block.reason.split(" · "):
                if phrase.startswith(WAITS_FOR):
                    if later is None:
                        continue
                    phrase = WAITS_FOR + hhmm(later, self.clock.zone)
                phrases.append(phrase)
            self.blocks[index] = block.model_copy(update={"reason": " · ".join(phrases)})

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

    def _choose(self, slot: int, end: int) -> Choice | None:
        energy = self._energy(slot)
        context = RankInput(
            at=self.clock.at(slot),
            energy=energy,
            meeting_load=self._meeting_load(slot),
            day_end=self.clock.at(self.day_end),
            in_progress=frozenset(self.in_progress),
            day_start=self.clock.at(0),
        )
        # What `rank_tasks(list(self.world.values()), ...)` ranks, kept across the slots.
        eligible, unblocks = self.tokens.tokens(self.world, context.at)
        result = rank_tokens(
            tokens_of(eligible, context, unblocks),
            context,
            self.params,
            explain=True,
            top_attention=0,
        )
        ids = [int(task_id) for task_id in result.ids if int(task_id) in self.remaining]
        position = {int(task_id): pos for pos, task_id in enumerate(result.ids)}
        if not self.narrowed and len(self.world) > NARROW_ABOVE:
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

    def _place(self, choice: Choice, slot: int, end: int) -> int:
        task_id = choice.task_id
        task = self.world[task_id]
        block_end = slot + choice.minutes
        left = self.remaining[task_id] - choice.minutes
        energy = self._energy(slot)
        if task.demand == "high":
            self.demanding_starts.append(self.clock.at(slot))
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

    def _reason(self, choice: Choice, task: Task, slot: int, energy: float, left: int) -> str:
        """Why this block: the planner's own decisions, then the ranking's top reasons at
        the block's moment (its time, its energy), then what is left after it."""
        phrases: list[str] = []
        due_at = self.due_exact.get(choice.task_id)
        due_words = ""
        if due_at is not None:
            when = when_words(due_at, self.day, self.clock.zone)
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
