"""Noticing that another process wrote to the database, cheaply.

SQLite bumps `PRAGMA data_version` on a connection whenever *another*
connection commits, so one long-lived read-only connection answers "did
anything change?" in microseconds without reading a single table. Other
databases (PostgreSQL URLs) have no such counter; there we say "maybe" every
time and the app simply reloads on its refresh tick.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class ChangeWatcher:
    """Answers whether the database changed since the last time we looked."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._seen: int | None = None

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
        with self._lock:
            self._seen = self._version()

    def changed(self) -> bool:
        """Whether anyone committed since `mark_seen` (always True when we cannot tell)."""
        with self._lock:
            version = self._version()
            if version is None:
                return True
            if version != self._seen:
                self._seen = version
                return True
            return False

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
