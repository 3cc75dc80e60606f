"""Alembic environment, configured in code by focusplan.store.migrate (there is no alembic.ini).

open_database passes its own connection (already inside a transaction, SQLite
foreign keys off) in `config.attributes["connection"]`; the offline mode
(`--sql`) renders the migrations as SQL for a URL's dialect.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from focusplan.store.records import Base, UTCDateTime
from focusplan.store.timestamps import TIMESTAMP_WIDTH

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations must not depend on the app's TypeDecorator: the stored form is plain text.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return f"sa.String(length={TIMESTAMP_WIDTH})"
    return False


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=True,
        # SQLite DDL is transactional once the driver stops committing behind our back.
        transactional_ddl=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("no connection and no sqlalchemy.url given to the migrations")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            _configure_and_run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
