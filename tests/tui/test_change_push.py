"""A server that tells of writes (LISTEN/NOTIFY): the app is called back at once, told
once when the connection is lost, and again when it is back, so its reload recovers.

The listener here is scripted (what `wait` answers, in order); the real one is tested
against a live server in tests/integration/test_postgres.py.
"""

from __future__ import annotations

import queue
import threading

import pytest

from focusplan.tui import change_watch
from focusplan.tui.change_watch import ChangeWatcher


class ScriptedListener:
    def __init__(self, answers: list[bool | None]) -> None:
        self._answers = list(answers)
        self.finished = threading.Event()
        self.closed = False

    def wait(self, timeout: float = 0.0) -> bool | None:
        if not self._answers:
            self.finished.set()
            threading.Event().wait(0.01)  # nothing more to say: a quiet server
            return False
        return self._answers.pop(0)

    def close(self) -> None:
        self.closed = True


def calls_for(answers: list[bool | None], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    # No pauses between answers: this tests the decisions, not the timing.
    monkeypatch.setattr(change_watch, "RECONNECT_SECONDS", 0)
    monkeypatch.setattr(change_watch, "GATHER_SECONDS", 0)
    listener = ScriptedListener(answers)
    watcher = ChangeWatcher(None, listener)
    heard: queue.SimpleQueue[str] = queue.SimpleQueue()
    watcher.push_changes(lambda: heard.put("reload"))
    listener.finished.wait(timeout=30)
    watcher.close()
    assert listener.closed
    calls = []
    while not heard.empty():
        calls.append(heard.get())
    return calls


def test_each_write_heard_calls_back_and_quiet_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    assert calls_for([False, True, False, True, True], monkeypatch) == ["reload"] * 3


def test_a_lost_connection_calls_back_once_and_once_more_when_it_is_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # lost (reload shows the error), still lost x2 (silence), back (reload recovers)
    assert calls_for([None, None, None, False], monkeypatch) == ["reload", "reload"]


def test_a_pushing_watcher_leaves_the_refresh_tick_nothing_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listener = ScriptedListener([])
    watcher = ChangeWatcher(None, listener)
    assert watcher.pushes
    watcher.push_changes(lambda: None)
    try:
        assert watcher.changed() is False
    finally:
        watcher.close()
