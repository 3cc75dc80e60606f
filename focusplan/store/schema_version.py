"""Which schema revision a database is at, and which one this code expects, without Alembic.

Importing Alembic costs tens of milliseconds and SQLAlchemy far more, so the
common case (the database is current) is decided here with the stdlib: the
head revision comes from the `revision = "..."` lines of the version files that
ship with the package, the database's revision from its `alembic_version` row.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from focusplan.store.errors import (
    BadLocation,
    SchemaBehind,
    SchemaTooNew,
    StoreError,
    damaged,
    error_from_sqlite,
)

_Result = TypeVar("_Result")
# How long a quick read waits for a writer's lock (as the full store does).
BUSY_TIMEOUT_SECONDS = 10.0

_REVISION_LINE = re.compile(r"""^revision\s*(?::[^=]*)?=\s*["']([^"']+)["']""", re.MULTILINE)
_DOWN_REVISION_LINE = re.compile(
    r"""^down_revision\s*(?::[^=]*)?=\s*(?:None|["']([^"']+)["'])""", re.MULTILINE
)


# The tables and columns of the head schema, as `records.py` describes them (in its
# `sorted_tables` order), for the check on open (`engine._missing_columns`) without
# SQLAlchemy's import. tests/integration/test_quick_writes.py keeps the two equal.
HEAD_COLUMNS: dict[str, tuple[str, ...]] = {
    "calendar_sources": ("id", "kind", "path", "added_at", "checked_at", "problem"),
    "change_counter": ("id", "value"),
    "context_events": ("id", "start_at", "end_at", "title", "uid", "source", "all_day"),
    "day_context": ("date", "sleep_hours", "notes"),
    "energy_logs": ("id", "at", "level", "note", "source"),
    "plans": ("id", "date", "created_at", "notes", "inputs"),
    "reminders_sent": ("id", "key", "kind", "due_at", "sent_at", "title", "body", "channel"),
    "tasks": (
        "id",
        "title",
        "notes",
        "importance",
        "demand",
        "estimate_minutes",
        "due",
        "not_before",
        "project",
        "time_window",
        "status",
        "created_at",
        "updated_at",
        "completed_at",
        "dropped_at",
        "actual_minutes",
        "external_id",
        "recur",
        "recur_from",
        "recur_until",
        "recur_anchor",
        "series_id",
    ),
    "weight_versions": ("version", "params", "created_at", "reason", "active"),
    "calendar_source_files": ("source_id", "name", "mtime_ns", "size", "read_at", "events"),
    "choices": ("id", "at", "task_id", "candidates", "kind"),
    "focus_sessions": ("id", "task_id", "start_at", "end_at", "interrupted"),
    "plan_blocks": (
        "id",
        "plan_id",
        "position",
        "start_at",
        "end_at",
        "kind",
        "task_id",
        "title",
        "energy",
        "reason",
    ),
    "task_dependencies": ("task_id", "depends_on_id", "position"),
    "task_tags": ("task_id", "position", "tag"),
}


def migrations_dir() -> Path:
    """The Alembic environment: `focusplan.migrations` when installed, `<repo>/migrations` in a checkout.

    The wheel maps the repository's `migrations/` to the package `focusplan.migrations`;
    a plain checkout on sys.path has no such subpackage, so fall back to the sibling folder.
    """
    spec = importlib.util.find_spec("focusplan.migrations")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    import focusplan

    checkout = Path(focusplan.__file__).resolve().parent.parent / "migrations"
    if (checkout / "env.py").is_file():
        return checkout
    raise StoreError("focusplan is installed without its migrations (focusplan.migrations)")


@dataclass(frozen=True)
class RevisionChain:
    """The revisions this code knows, oldest first; the last one is the head."""

    revisions: tuple[str, ...]

    @property
    def head(self) -> str:
        return self.revisions[-1]

    def __contains__(self, revision: object) -> bool:
        return revision in self.revisions


@cache
def known_revisions() -> RevisionChain:
    folder = migrations_dir() / "versions"
    parent_of: dict[str, str | None] = {}
    for script in folder.glob("*.py"):
        if script.name.startswith("__"):
            continue
        text = script.read_text(encoding="utf-8")
        revision = _REVISION_LINE.search(text)
        down = _DOWN_REVISION_LINE.search(text)
        if revision is None or down is None:
            raise StoreError(f"migration {script.name} has no revision/down_revision line")
        parent_of[revision.group(1)] = down.group(1)
    if not parent_of:
        raise StoreError(f"no migrations found in {folder}")
    children: dict[str | None, list[str]] = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    chain: list[str] = []
    current: str | None = None
    while current in children:
        following = children[current]
        if len(following) > 1:
            raise StoreError(f"migrations branch after {current}: {', '.join(sorted(following))}")
        current = following[0]
        chain.append(current)
    if len(chain) != len(parent_of):
        raise StoreError(f"migrations do not form one chain in {folder}")
    return RevisionChain(tuple(chain))


def not_a_database(path: Path) -> StoreError:
    return BadLocation(f"{path} is not a focusplan database")


def store_error_from(error: sqlite3.Error, path: Path) -> StoreError:
    """One line for the person; only SQLite's own verdict makes a file "not a database".

    (The file is never opened behind SQLite's back to look at its header: closing any
    descriptor of a database file drops every POSIX lock this process holds on it,
    including those of SQLite connections still open, which lets other processes
    checkpoint under their feet.)
    """
    return error_from_sqlite(error, path, verb="read")


def read_revision(connection: sqlite3.Connection, path: Path) -> tuple[str | None, bool]:
    """(revision, has_tables): the stored Alembic revision (None: nothing migrated yet),
    and whether the database holds any table of ours.

    A database with tables but no `alembic_version` belongs to some other program.
    """
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not row[0].startswith("sqlite_")
        }
        if "alembic_version" not in tables:
            if tables:
                raise not_a_database(path)
            return None, False
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as exc:
        raise store_error_from(exc, path) from exc
    if len(rows) > 1:
        raise damaged(path, f"{len(rows)} schema revisions recorded; expected one")
    has_tables = len(tables) > 1
    return (str(rows[0][0]) if rows else None), has_tables


def require_head(revision: str | None, where: str) -> None:
    """Refuse a schema this code does not know (newer), or one it must migrate first."""
    chain = known_revisions()
    if revision is not None and revision not in chain:
        raise SchemaTooNew(
            f"{where} was written by a newer focusplan (schema {revision}); upgrade focusplan"
        )
    if revision != chain.head:
        raise SchemaBehind(f"{where} is at schema {revision or 'none'}; {chain.head} needed")


def read_at_head(path: Path, read: Callable[[sqlite3.Connection], _Result]) -> _Result:
    """`read(connection)` in one read-only transaction of a database at the head revision.

    The stdlib path of the quick reads: it never migrates (SchemaBehind sends the caller
    to the full store) and in WAL mode every SELECT inside sees the same moment.
    """
    if not path.is_file():
        raise StoreError(f"no database at {path}")
    try:
        connection = sqlite3.connect(
            read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
        )
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from exc
    try:
        connection.execute("BEGIN")
        revision, _ = read_revision(connection, path)
        require_head(revision, str(path))
        result = read(connection)
        connection.execute("COMMIT")
        return result
    except sqlite3.Error as exc:
        raise store_error_from(exc, path) from exc
    finally:
        connection.close()


def read_only_uri(path: Path) -> str:
    """A URI that opens `path` for reading only, leaving no side file we could not remove.

    A WAL reader creates the -shm (and -wal) files with the database file's mode. Read
    while the file is 0400, they would stay 0400 after the person gives the write
    access back, and every write would then fail. A file we cannot write, with no WAL
    content pending, is opened `immutable` instead: SQLite then creates no side file.
    """
    # as_uri() percent-encodes the path, so '?', '#' and '%' in folder names stay part of it.
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if _cannot_write(path) and not _pending_wal(path):
        uri += "&immutable=1"
    return uri


def _cannot_write(path: Path) -> bool:
    return path.exists() and not os.access(path, os.W_OK)


def _pending_wal(path: Path) -> bool:
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 0
    except OSError:
        return False
