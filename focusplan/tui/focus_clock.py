"""The focus/break rhythm (principle 3 and 5): when to suggest a break, when it is over.

Pure: the app feeds it the clock and the running session once a second and
turns the alerts it returns into notifications and the terminal bell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from focusplan.domain import FocusSession

Phase = Literal["idle", "focus", "break"]
Alert = Literal["take_break", "break_over"]


@dataclass(frozen=True)
class FocusState:
    """What the status bar shows."""

    phase: Phase = "idle"
    task_id: int | None = None
    elapsed: dt.timedelta = dt.timedelta(0)
    target: dt.timedelta = dt.timedelta(0)

    @property
    def overtime(self) -> bool:
        return self.phase == "focus" and self.elapsed >= self.target

    @property
    def remaining(self) -> dt.timedelta:
        return max(dt.timedelta(0), self.target - self.elapsed)


class FocusClock:
    def __init__(self, focus_minutes: int, break_minutes: int) -> None:
        self.focus = dt.timedelta(minutes=focus_minutes)
        self.rest = dt.timedelta(minutes=break_minutes)
        self._suggested: set[int] = set()
        self._break_start: dt.datetime | None = None
        # The session whose break is running: its id names the break's moment for `remind`.
        self.break_session_id: int | None = None

    def session_stopped(self, session: FocusSession, at: dt.datetime) -> None:
        """A full focus block earns a break that starts now; a short one does not."""
        if (at - session.start) >= self.focus:
            self._break_start = at
            self.break_session_id = session.id
        else:
            self._break_start = None

    def tick(
        self, now: dt.datetime, session: FocusSession | None
    ) -> tuple[FocusState, Alert | None]:
        if session is not None and session.active:
            self._break_start = None
            elapsed = max(dt.timedelta(0), now - session.start)
            alert: Alert | None = None
            if elapsed >= self.focus and session.id not in self._suggested:
                self._suggested.add(session.id)
                alert = "take_break"
            return FocusState("focus", session.task_id, elapsed, self.focus), alert
        if self._break_start is not None:
            elapsed = max(dt.timedelta(0), now - self._break_start)
            if elapsed >= self.rest:
                self._break_start = None
                return FocusState(), "break_over"
            return FocusState("break", None, elapsed, self.rest), None
        return FocusState(), None
