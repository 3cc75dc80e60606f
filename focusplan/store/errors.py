"""What can go wrong with the person's database, in words the CLI can print as one line.

Kept free of SQLAlchemy so the fast read path (snapshot.py) and the CLI's error
handler can name these errors without paying for the ORM import.

Two families (CLI.md, "Errors"): the person asked for something that cannot be
(`invalid_input` is True: an unknown id, a `--db` that names a fifo; exit 2), or
the environment failed them (locked, full, read-only, damaged; exit 1).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(Exception):
    """The database cannot be opened or cannot do what was asked; the message says why.

    A plain StoreError is an environment failure; subclasses for invalid input say so.
    """

    invalid_input = False


class NotFound(StoreError, LookupError):
    """A row named by id (a task, a weights version, ...) does not exist."""

    invalid_input = True


class BadLocation(StoreError):
    """`--db` (or FOCUSPLAN_DB) names something that is not a focusplan database."""

    invalid_input = True


class Refused(StoreError):
    """The change breaks a rule the database keeps (a constraint): the request was invalid."""

    invalid_input = True


class SchemaTooNew(StoreError):
    """The database was migrated by a newer focusplan; this code must not touch it."""


class SchemaBehind(StoreError):
    """The database needs migrations; only `open_database` (not the snapshot) runs them."""


class Damaged(StoreError):
    """The file is corrupt or its tables are not what its schema revision says: nothing
    may be written into it until the person has recovered it."""


class Locked(StoreError):
    """Another program held the write lock longer than the busy timeout."""


class NoSpace(StoreError):
    """The disk (or the file size limit) ran out in the middle of a write; rolled back."""


class FileReadOnly(StoreError):
    """The database file, its folder, or its -wal/-shm files cannot be written by us."""


class ReadOnly(StoreError):
    """A write was attempted in a read-only unit of work: a programming error, said plainly."""

    def __init__(self) -> None:
        super().__init__("this action only reads; it cannot change the database")


# SQLite's primary result codes (sqlite3.h); the extended code's low byte is the primary one.
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _CONSTRAINT, _NOTADB = (
    5,
    6,
    8,
    10,
    11,
    13,
    14,
    19,
    26,
)
# SQLITE_ERROR (1) carries these when a table or column the schema revision promises is gone.
_MISSING_SCHEMA = ("no such table", "no such column", "has no column named")


def recovery_hint(path: Path | None) -> str:
    """How to get the data back: the copies taken before migrations, then `.recover`."""
    if path is None:
        return "restore the database from a backup"
    copies = sorted(path.parent.glob(f"{path.name}.pre-*.bak"))
    named = f"restore a copy focusplan kept ({copies[-1].name}) or " if copies else ""
    return (
        f"{named}rescue what is left with `sqlite3 {path} .recover | sqlite3 {path}.recovered`"
        " and open that"
    )


def damaged(path: Path | None, detail: str) -> Damaged:
    where = str(path) if path is not None else "the database"
    return Damaged(f"{where} is damaged ({detail}); nothing was written; {recovery_hint(path)}")


def error_from_sqlite(
    error: BaseException | None, path: Path | None, *, verb: str = "use"
) -> StoreError:
    """One StoreError of the right family for an error SQLite raised (stdlib or via SQLAlchemy).

    `verb` says what was being done ("read", "write") for the catch-all message.
    """
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = " ".join(str(error).split())
    lowered = text.lower()
    where = str(path) if path is not None else "the database"
    if primary == _NOTADB:
        return BadLocation(f"{where} is not a focusplan database")
    if primary == _CORRUPT or "malformed" in lowered or any(s in lowered for s in _MISSING_SCHEMA):
        return damaged(path, text)
    if primary in (_BUSY, _LOCKED) or "database is locked" in lowered:
        return Locked(
            f"{where} is locked: another program kept writing to it for too long; try again"
        )
    if primary == _FULL or "disk is full" in lowered:
        return NoSpace(f"the disk is full: nothing was written to {where}")
    if primary == _READONLY or "readonly database" in lowered:
        return FileReadOnly(
            f"{where} is read-only for you ({text}); "
            "give yourself write access to it, its -wal and -shm files and its folder"
        )
    if primary == _IOERR or "disk i/o error" in lowered:
        return StoreError(
            f"could not {verb} {where}: {text} (is the disk full or the file too large?);"
            " nothing was written"
        )
    if primary == _CANTOPEN:
        return StoreError(f"cannot open {where}: {text}")
    if primary == _CONSTRAINT or isinstance(error, sqlite3.IntegrityError):
        return Refused(f"the database refused the change: {text}")
    return StoreError(f"cannot {verb} {where}: {text}")


class DatabaseUnavailable(StoreError):
    """The database server cannot be reached, refused us, or dropped the connection:
    the environment failed, not the input (the CLI exits 1)."""
