"""Due times: whether the tasks due by today's last chance can still all finish in
time, and the earliest-due task when they could not otherwise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from focusplan.planner.block_sizes import BlockSizes
from focusplan.planner.day_state import Choice


class DueTimes(BlockSizes):
    def _due_order(self, task_id: int) -> tuple[int, int]:
        # By id among equal due times, not by rank: the order must be the same at every slot.
        return (self.due[task_id], task_id)

    def _urgent_pick(self, lefts: Mapping[int, int], slot: int, end: int) -> Choice | None:
        """The earliest-due task whose next block fits the stretch from `slot` to `end`."""
        for task_id in sorted(lefts, key=self._due_order):
            minutes = self._block_minutes(lefts[task_id], end - slot, urgent=True)
            if minutes is not None:
                return Choice(task_id, minutes, position=-1, urgent=True)
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
        self, choice: Choice | None, ids: Sequence[int], slot: int, end: int
    ) -> Choice | None:
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
