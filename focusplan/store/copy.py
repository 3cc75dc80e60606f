"""Copying a whole database into another one (SQLite ↔ PostgreSQL), table by table.

Driven by the schema itself (`Base.metadata`, parents before children), so a table
added by a later migration is copied without anyone remembering to list it. Rows go
through the tables' own column types: JSON, booleans and dates come out of one
backend as Python values and go into the other in its own form, and times keep their
stored text. Everything is written in one transaction on the target, which starts by
taking its write lock: a failure leaves the target exactly as it was.

Ids are copied as they are, and each table's id counter is moved on past the highest
id the source ever handed out (not only past the highest left), so a task deleted in
the source never has its id given to a new task in the target either.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Integer, Table, func, select, text

from focusplan.store.engine import READ_ONLY_OPTION, Database
from focusplan.store.records import Base, WeightVersionRecord

# What a freshly migrated database already holds: migration 0002's default weights, and
# migration 0005's one-row count of writes (bookkeeping, not a person's data).
_SEEDED_WEIGHTS = 1
_BOOKKEEPING = frozenset({"change_counter"})


@dataclass(frozen=True)
class CopyReport:
    """Rows copied per table (schema order) and whether the target was emptied first."""

    rows: dict[str, int]
    replaced: bool


class TargetNotEmpty(Exception):
    """The target holds data of its own; the message says how much."""


def copy_everything(source: Database, target: Database, *, replace: bool) -> CopyReport:
    tables = list(Base.metadata.sorted_tables)
    reader = source.engine.execution_options(**{READ_ONLY_OPTION: True})
    with reader.connect() as src, src.begin(), target.engine.connect() as dst, dst.begin():
        held = _rows_held(dst, tables)
        if held and not replace:
            described = ", ".join(f"{count} in {name}" for name, count in held.items())
            raise TargetNotEmpty(f"the target already holds data ({described})")
        for table in reversed(tables):
            dst.execute(table.delete())
        copied: dict[str, int] = {}
        for table in tables:
            rows = [dict(row) for row in src.execute(select(table)).mappings()]
            if rows:
                dst.execute(table.insert(), rows)
            copied[table.name] = len(rows)
        for table in tables:
            counter = _id_counter(table)
            if counter is not None:
                _set_next_id(dst, table, counter, _highest_id(src, table, counter))
        src.rollback()
    return CopyReport(rows=copied, replaced=bool(held))


def _rows_held(connection: Connection, tables: list[Table]) -> dict[str, int]:
    """Rows per table, leaving out what every new database holds (the default weights)."""
    held: dict[str, int] = {}
    for table in tables:
        count = int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        if table.name == WeightVersionRecord.__tablename__ and count == _SEEDED_WEIGHTS:
            count = 0
        if table.name in _BOOKKEEPING:
            count = 0
        if count:
            held[table.name] = count
    return held


def _id_counter(table: Table) -> str | None:
    """The column whose values the database hands out (an integer surrogate key)."""
    primary = list(table.primary_key.columns)
    if len(primary) != 1:
        return None
    column = primary[0]
    if not isinstance(column.type, Integer) or column.autoincrement is False:
        return None
    return column.name


def _highest_id(connection: Connection, table: Table, column: str) -> int:
    highest = int(connection.execute(select(func.max(table.c[column]))).scalar() or 0)
    dialect = connection.dialect.name
    if dialect == "sqlite" and table.dialect_options["sqlite"].get("autoincrement"):
        handed_out = connection.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = :name"), {"name": table.name}
        ).scalar()
        highest = max(highest, int(handed_out or 0))
    elif dialect == "postgresql":
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column},
        ).scalar()
        if sequence is not None:
            last, called = connection.execute(
                text(f"SELECT last_value, is_called FROM {sequence}")
            ).one()
            highest = max(highest, int(last) if called else 0)
    return highest


def _set_next_id(connection: Connection, table: Table, column: str, highest: int) -> None:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column},
        ).scalar()
        if sequence is not None:
            # is_called false at 1: the next id is 1 itself (an empty table).
            connection.execute(
                text("SELECT setval(:sequence, :value, :called)"),
                {"sequence": sequence, "value": max(highest, 1), "called": highest > 0},
            )
    elif dialect == "sqlite" and table.dialect_options["sqlite"].get("autoincrement"):
        connection.execute(
            text("DELETE FROM sqlite_sequence WHERE name = :name"), {"name": table.name}
        )
        if highest:
            connection.execute(
                text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
                {"name": table.name, "seq": highest},
            )
