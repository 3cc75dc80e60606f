"""PostgreSQL as a home for the same data: one server that several machines point at.

What differs from SQLite, and why:

- The driver is psycopg 3 (`pip install 'focusplan[postgres]'`). A URL typed as
  `postgresql://…` or `postgres://…` means it; SQLAlchemy alone would pick psycopg2.
- Writers take turns, as on SQLite: every write transaction starts by taking one
  transaction-scoped advisory lock (`WRITE_LOCK_KEY`). A user action is a handful of
  small statements, so waiting for the one before is invisible, and no deadlock or
  serialization failure can ever reach the person; after the lock each statement
  (READ COMMITTED) sees every write committed before, so a task dropped on one
  machine is seen as dropped by a `done` on another, which then refuses it.
  `lock_timeout` bounds the wait like SQLite's busy timeout.
- Readers see one moment: read-only transactions are REPEATABLE READ, READ ONLY
  (they never fail to serialize and never wait for writers).
- Migrations take a second advisory lock (`MIGRATION_LOCK_KEY`), so two machines
  opening an old database at once migrate it once: the second finds it current.
- Every write transaction sends `NOTIFY focusplan_changes` before it commits; the
  notification is delivered only if the commit succeeds, which is what lets an open
  app reload at once when another machine writes (see `ChangeListener`).
- Server errors become one line a person can act on (`describe`), raised as
  DatabaseUnavailable (exit 1: the environment, not the input).

This module imports neither SQLAlchemy nor psycopg at import time: the fast read
path (`read_rows`) and the change listener use psycopg alone.
"""

from __future__ import annotations

import contextlib
import select
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from focusplan.store.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL, Connection

DRIVER = "psycopg"
CHANNEL = "focusplan_changes"
# Two constant keys in the advisory-lock space of the database (any 64-bit value;
# these spell "focusplan" write / migrate so a DBA sees whose locks they are).
WRITE_LOCK_KEY = 0x666F637573_0001
MIGRATION_LOCK_KEY = 0x666F637573_0002
LOCK_TIMEOUT = "10s"
CONNECT_TIMEOUT_SECONDS = 10
_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_postgres_location(location: str) -> bool:
    return location.startswith(_SCHEMES)


def with_driver(url: URL) -> URL:
    """`postgresql://` (and `postgres://`) as typed means psycopg 3, the driver we ship."""
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername=f"postgresql+{DRIVER}")
    return url


def libpq_uri(location: str) -> str:
    """The URL as libpq reads it: the same text without SQLAlchemy's `+driver`."""
    scheme, rest = location.split("://", 1)
    return "postgresql://" + rest if scheme.startswith(("postgresql", "postgres")) else location


def engine_options() -> dict[str, Any]:
    # pre_ping: a connection the server dropped (restart, network) is replaced before
    # use, so the app recovers by itself once the server is back.
    return {
        "pool_pre_ping": True,
        "connect_args": {"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    }


def install_hooks(engine: Engine, read_only_option: str) -> None:
    """Turn-taking writers, one-moment readers, a notification on every write commit."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Once per connection, not per transaction: every round trip counts on a server.
        dbapi_connection.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        dbapi_connection.commit()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if connection.get_execution_options().get(read_only_option, False):
            # The first statement of the transaction, as the server requires.
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        connection.info["focusplan_writes"] = True

    @event.listens_for(engine, "commit")
    def _commit(connection: Connection) -> None:
        if connection.info.pop("focusplan_writes", False):
            # Straight on the driver's connection: still inside the transaction, and
            # delivered by the server only if the commit that follows succeeds.
            connection.connection.dbapi_connection.execute(f"NOTIFY {CHANNEL}")  # type: ignore[union-attr]

    @event.listens_for(engine, "rollback")
    def _rollback(connection: Connection) -> None:
        connection.info.pop("focusplan_writes", None)


def read_revision(engine: Engine, read_only_option: str) -> str | None:
    """The schema revision, read without waiting for (or taking) the write lock."""
    with engine.connect().execution_options(**{read_only_option: True}) as connection:
        if connection.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar() is None:
            return None
        value = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return None if value is None else str(value)


def lock_for_migration(connection: Connection) -> None:
    """Held until the migration's transaction ends: a second opener waits, then sees head."""
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")


def describe(error: BaseException, where: str | None = None) -> str:
    """One line for what went wrong with the server, naming the database (password hidden)."""
    text = " ".join(str(getattr(error, "orig", None) or error).split())
    lowered = text.lower()
    server = f"the database server at {where}" if where else "the database server"
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return f"{server} refused the user name or password"
    if "database" in lowered and "does not exist" in lowered:
        return f"{server} has no such database (create it first: createdb NAME)"
    if "connection refused" in lowered or "no such file or directory" in lowered:
        return f"cannot reach {server}: is it running?"
    if "timeout" in lowered and "connect" in lowered:
        return f"cannot reach {server}: it did not answer in time"
    if "lock timeout" in lowered:
        return f"{server} stayed busy with another writer; try again"
    if any(sign in lowered for sign in _DROPPED):
        return f"lost the connection to {server}; nothing was changed"
    return f"{server} failed: {text}"


_DROPPED = (
    "terminat",
    "server closed the connection",
    "consuming input failed",
    "connection is closed",
    "connection is lost",
    "the connection is closed",
)


def is_connection_error(error: BaseException) -> bool:
    """Whether a driver error means the server, not the request, is at fault."""
    orig = getattr(error, "orig", error)
    module = type(orig).__module__
    if not module.startswith("psycopg"):
        return False
    import psycopg

    return isinstance(orig, psycopg.OperationalError | psycopg.InterfaceError) or bool(
        getattr(error, "connection_invalidated", False)
    )


def unavailable(error: BaseException, where: str | None = None) -> DatabaseUnavailable:
    return DatabaseUnavailable(describe(error, where))


def _safe_location(location: str) -> str:
    try:
        import psycopg.conninfo

        params = psycopg.conninfo.conninfo_to_dict(libpq_uri(location))
    except Exception:
        return "the given URL"
    user = f"{params['user']}@" if params.get("user") else ""
    return f"postgresql://{user}{params.get('host', 'localhost')}/{params.get('dbname', '')}"


# --- the fast read path (snapshot.py) ------------------------------------------------------


@contextmanager
def snapshot_rows(
    location: str,
) -> Iterator[Callable[[str, Sequence[object]], Iterator[dict[str, Any]]]]:
    """`rows(sql, args)` over one REPEATABLE READ, READ ONLY transaction: every SELECT
    sees the same moment, as the SQLite snapshot does. SQL uses `?` placeholders."""
    try:
        import psycopg
        from psycopg.rows import dict_row
    except ImportError as exc:
        raise DatabaseUnavailable(
            "PostgreSQL needs the driver: pip install 'focusplan[postgres]'"
        ) from exc
    where = _safe_location(location)
    try:
        connection = psycopg.connect(
            libpq_uri(location), connect_timeout=CONNECT_TIMEOUT_SECONDS, row_factory=dict_row
        )
    except psycopg.Error as exc:
        raise unavailable(exc, where) from exc
    try:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")

        def rows(sql: str, parameters: Sequence[object] = ()) -> Iterator[dict[str, Any]]:
            return iter(connection.execute(sql.replace("?", "%s"), tuple(parameters)).fetchall())

        yield rows
        connection.rollback()
    except psycopg.Error as exc:
        raise unavailable(exc, where) from exc
    finally:
        connection.close()


# --- hearing other machines' writes (tui/change_watch.py) ----------------------------------


class ChangeListener:
    """LISTENs on the change channel of one database.

    `wait(timeout)` says whether a write committed since the last call (True), nothing
    did (False), or the connection is down (None: we cannot tell); the next call
    connects again, so a listener recovers by itself when the server is back.
    """

    def __init__(self, location: str) -> None:
        self._uri = libpq_uri(location)
        self._lock = threading.Lock()
        self._connection: Any = None

    def _connect(self) -> Any:
        if self._connection is None or self._connection.closed:
            import psycopg

            self._connection = psycopg.connect(
                self._uri, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
            )
            self._connection.execute(f"LISTEN {CHANNEL}")
        return self._connection

    def wait(self, timeout: float = 0.0) -> bool | None:
        with self._lock:
            try:
                connection = self._connect()
                if timeout > 0:
                    ready, _, _ = select.select([connection.fileno()], [], [], timeout)
                    if not ready:
                        return False
                # Whatever arrived, all at once: one reload answers a burst of writes.
                return any(True for _ in connection.notifies(timeout=0))
            except Exception:
                self._forget()
                return None

    def _forget(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None

    def close(self) -> None:
        with self._lock:
            self._forget()
