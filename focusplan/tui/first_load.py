"""The app's first load, begun in a thread before Textual is even imported.

Opening the app costs Textual's import and start-up (~0.6 s of the first paint) and
the first read and ranking (~0.5 s at 10,000 tasks). Started here, the read overlaps
the import and the start-up (SQLite and file reads let the other thread run), and the
app's first load takes its boards from this queue instead of reading again. No Textual
here, so starting it costs nothing on the way in.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from focusplan import clock
from focusplan.services.source import DataSource
from focusplan.tui.change_watch import ChangeWatcher

if TYPE_CHECKING:
    from focusplan.settings import Settings
    from focusplan.tui.board import Board

_END = object()


class FirstLoad:
    """The boards of the first load (`board_stages`), read in a thread begun by `start`."""

    def __init__(self, source: DataSource) -> None:
        self.source = source
        # The app adopts this watcher: marked seen just before this read, so a write
        # that lands while the app starts is noticed by its first poll.
        self.watcher = ChangeWatcher(source.path, source.change_listener())
        self.settings: Settings | None = None
        self._boards: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._more = threading.Event()
        self._thread = threading.Thread(target=self._run, name="first-load", daemon=True)

    @classmethod
    def start(cls, source: DataSource) -> FirstLoad:
        first = cls(source)
        first._thread.start()
        return first

    def _run(self) -> None:
        try:
            from focusplan.settings import load_settings
            from focusplan.tui.board import board_stages

            self.settings = settings = load_settings()
            self.watcher.mark_seen()
            stages = board_stages(
                self.source, clock.now(), recent_energy_minutes=settings.recent_energy_minutes
            )
            for board in stages:
                self._boards.put(board)
                # The rest only when asked: ranking every task (a second at 10,000) must
                # not hold the interpreter while the app starts and paints the first board.
                self._more.wait()
        except Exception as exc:  # handed to the app, which reports it as its own load would
            self._boards.put(exc)
        finally:
            self._boards.put(_END)

    def boards(self) -> Iterator[Board]:
        """The boards as they come (blocking); raises what the read raised. The thread
        goes on to the next board when this is asked for it."""
        asked = False
        while True:
            if asked:
                self._more.set()
            asked = True
            item = self._boards.get()
            if item is _END:
                return
            if isinstance(item, Exception):
                raise item
            yield cast("Board", item)
