"""Alembic, configured in code (no alembic.ini): used by open_database when the schema is behind.

Writing a new migration is a developer's job, done by `migrations/new_revision.py`;
this module only runs them, and imports nothing that opens a database.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from focusplan.store.errors import StoreError
from focusplan.store.schema_version import migrations_dir

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
        if connection.dialect.name == "postgresql":
            from focusplan.store.postgres import lock_for_migration

            lock_for_migration(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if is_sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreError(
                    f"migration left {len(broken)} rows with broken references "
                    f"(first in table {broken[0][0]}); nothing was changed"
                )
