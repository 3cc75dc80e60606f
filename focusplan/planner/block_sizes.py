"""How long a block is and where the break after it ends."""

from __future__ import annotations

from focusplan.planner.day_state import DayState


class BlockSizes(DayState):
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
