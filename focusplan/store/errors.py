"""What can go wrong with the person's database, in words the CLI can print as one line.

Kept free of SQLAlchemy so the fast read path (snapshot.py) and the CLI's error
handler can name these errors without paying for the ORM import.
"""

from __future__ import annotations


class StoreError(Exception):
    """The database cannot be opened or cannot do what was asked; the message says why."""


class NotFound(StoreError, LookupError):
    """A row named by id (a task, a weights version, ...) does not exist."""


class SchemaTooNew(StoreError):
    """The database was migrated by a newer focusplan; this code must not touch it."""


class SchemaBehind(StoreError):
    """The database needs migrations; only `open_database` (not the snapshot) runs them."""


class ReadOnly(StoreError):
    """A write was attempted in a read-only unit of work: a programming error, said plainly."""

    def __init__(self) -> None:
        super().__init__("this action only reads; it cannot change the database")


class DatabaseUnavailable(StoreError):
    """The database server cannot be reached, refused us, or dropped the connection:
    the environment failed, not the input (the CLI exits 1)."""
