"""Alembic, configured in code (no alembic.ini): used by open_database when the schema is behind.

For developers, a new migration is written with

    python -m focusplan.store.migrate revision "what changes"

which autogenerates it against a scratch database at head and names the file
`YYYY_MM_DD_NNNN_slug.py` with the next sequence number as its revision id.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from focusplan.store.errors import StoreError
from focusplan.store.schema_version import known_revisions, migrations_dir

FILE_TEMPLATE = "%(year)d_%(month).2d_%(day).2d_%(rev)s_%(slug)s"


def _escape(value: str) -> str:
    # Config values go through ConfigParser interpolation; a '%' in a path would break it.
    return value.replace("%", "%%")


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", _escape(str(migrations_dir())))
    config.set_main_option("file_template", _escape(FILE_TEMPLATE))
    if url is not None:
        config.set_main_option("sqlalchemy.url", _escape(url))
    return config


def upgrade_to_head(engine: Engine, *, is_sqlite: bool) -> None:
    """Run every pending migration in one transaction (SQLite DDL is transactional).

    For SQLite the engine must have foreign keys OFF: batch migrations rebuild a
    table by DROP and re-CREATE, and with foreign keys on, the DROP would cascade
    into every child row. Integrity is checked once at the end instead, before commit.
    """
    config = alembic_config()
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if is_sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreError(
                    f"migration left {len(broken)} rows with broken references "
                    f"(first in table {broken[0][0]}); nothing was changed"
                )


def _new_revision(message: str) -> None:
    from focusplan.store.engine import open_database

    next_id = f"{len(known_revisions().revisions) + 1:04d}"
    with tempfile.TemporaryDirectory() as scratch:
        database = open_database(Path(scratch) / "scratch.db")
        try:
            config = alembic_config()
            with database.engine.connect() as connection:
                config.attributes["connection"] = connection
                command.revision(config, message=message, autogenerate=True, rev_id=next_id)
        finally:
            database.close()


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "revision":
        print('usage: python -m focusplan.store.migrate revision "message"', file=sys.stderr)
        return 2
    _new_revision(argv[1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
