"""A number that every write to an SQLite database raises, kept by the database itself.

`PRAGMA data_version` only tells one connection about the others' commits, and file
times are too coarse to order a write against a read; a counter raised by triggers is
exact whoever writes (the app, a CLI command, the sqlite3 shell). A quick reader that
cached what it computed (`focusplan now`) stores the counter beside its result and
trusts the result only while the counter is unchanged.

Triggers fire per row, after it is written, inside the writing transaction, so the
counter commits (or rolls back) with the change itself. Alembic's batch mode rebuilds a
table by copying it, which drops its triggers: a migration that rebuilds or adds a
table calls `install_change_triggers` again (a test checks every table has them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

COUNTER_TABLE = "change_counter"
# Tables whose writes are not data: Alembic's own, SQLite's, the counter itself.
UNCOUNTED = frozenset({"alembic_version", "sqlite_sequence", COUNTER_TABLE})
OPERATIONS = ("insert", "update", "delete")
READ_COUNTER = f"SELECT value FROM {COUNTER_TABLE} WHERE id = 1"


def trigger_name(table: str, operation: str) -> str:
    return f"trg_{table}_{operation}_counts"


def counted_tables(connection: Any) -> list[str]:
    """Every table of the database whose writes raise the counter (a DBAPI or SQLAlchemy
    connection on SQLite)."""
    rows = _execute(connection, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [name for (name,) in rows if name not in UNCOUNTED and not name.startswith("sqlite_")]


def install_change_triggers(connection: Any, tables: Iterable[str] | None = None) -> None:
    """(Re)create the three triggers of each table (default: every counted table)."""
    for table in counted_tables(connection) if tables is None else tables:
        for operation in OPERATIONS:
            name = trigger_name(table, operation)
            _execute(connection, f'DROP TRIGGER IF EXISTS "{name}"')
            _execute(
                connection,
                f'CREATE TRIGGER "{name}" AFTER {operation.upper()} ON "{table}" '
                f"BEGIN UPDATE {COUNTER_TABLE} SET value = value + 1 WHERE id = 1; END",
            )


def drop_change_triggers(connection: Any) -> None:
    rows = _execute(
        connection,
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'trg_%_counts'",
    )
    for (name,) in list(rows):
        _execute(connection, f'DROP TRIGGER IF EXISTS "{name}"')


def _execute(connection: Any, sql: str) -> list[tuple[Any, ...]]:
    # SQLAlchemy connections take driver SQL through exec_driver_sql; sqlite3 ones directly.
    runner = getattr(connection, "exec_driver_sql", None) or connection.execute
    result = runner(sql)
    if getattr(result, "returns_rows", True) is False:
        return []  # DDL through SQLAlchemy: nothing to fetch
    return [tuple(row) for row in result.fetchall()]
