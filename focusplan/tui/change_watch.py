"""Noticing that another process wrote to the database, cheaply.

SQLite bumps `PRAGMA data_version` on a connection whenever *another*
connection commits, so one long-lived read-only connection answers "did
anything change?" in microseconds without reading a single table; the app asks
on its refresh tick.

A PostgreSQL server tells instead: every write commits with a NOTIFY, and a
listener (`Listener`, from the services) hears it at once. `push_changes` runs it
in a thread that calls back on every write, so the app reloads as soon as another
machine writes; when the connection is lost it calls back once (the reload then
shows the error) and again when the server is back (the reload recovers). Other
URLs have neither; there we say "maybe" every time and the app reloads each tick.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

# How long the listening thread waits for a notification before looking again whether it
# should stop, and how long it waits before reconnecting after the connection was lost.
LISTEN_SECONDS = 1.0
RECONNECT_SECONDS = 3.0
# After a call back, the writes of a burst (an import, a script) gather for this long and
# make one reload, instead of the app ranking again after every single one.
GATHER_SECONDS = 0.5


class Listener(Protocol):
    def wait(self, timeout: float = 0.0) -> bool | None: ...

    def close(self) -> None: ...


class ChangeWatcher:
    """Answers whether the database changed since the last time we looked."""

    def __init__(self, path: Path | None, listener: Listener | None = None) -> None:
        self._path = path
        self._listener = listener
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._seen: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def pushes(self) -> bool:
        """Whether changes are heard (and `push_changes` can be used), not polled for."""
        return self._listener is not None

    def push_changes(self, on_change: Callable[[], object]) -> None:
        """Call `on_change` (from a thread) whenever another machine writes."""
        if self._listener is None or self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._listen, args=(self._listener, on_change), name="listen", daemon=True
        )
        self._thread.start()

    def _listen(self, listener: Listener, on_change: Callable[[], object]) -> None:
        connected = True
        while not self._stop.is_set():
            heard = listener.wait(LISTEN_SECONDS)
            if heard is None:
                if connected:
                    on_change()  # the reload says the connection is lost
                connected = False
                self._stop.wait(RECONNECT_SECONDS)
                continue
            if heard or not connected:
                on_change()  # a write, or the server is back: the reload recovers
                self._stop.wait(GATHER_SECONDS)
            connected = True

    def _connect(self) -> sqlite3.Connection | None:
        if self._connection is None and self._path is not None and self._path.exists():
            # Never writes, but not `mode=ro`: a read-only connection cannot open a WAL
            # database whose -shm file is missing. Shared by the app's worker threads
            # (guarded by the lock).
            try:
                self._connection = sqlite3.connect(self._path, check_same_thread=False, timeout=1.0)
            except sqlite3.Error:
                return None
        return self._connection

    def _version(self) -> int | None:
        connection = self._connect()
        if connection is None:
            return None
        try:
            row = connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return None
        return int(row[0])

    def mark_seen(self) -> None:
        """Remember the current state: call just before reading, so later writes count."""
        if self._listener is not None:
            return
        with self._lock:
            self._seen = self._version()

    def changed(self) -> bool:
        """Whether anyone committed since `mark_seen` (always True when we cannot tell)."""
        if self._listener is not None:
            if self._thread is not None:
                return False  # the listening thread calls back itself
            return self._listener.wait() is not False
        with self._lock:
            version = self._version()
            if version is None:
                return True
            if version != self._seen:
                self._seen = version
                return True
            return False

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=LISTEN_SECONDS * 2)
            self._thread = None
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
