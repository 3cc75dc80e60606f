"""Opening the person's database: where it is, how SQLite is set up, migrate-on-open.

SQLite set-up, per connection (`configure_sqlite_connection`, `_install_sqlite_hooks`;
the quick write path of `quick_write` uses the same):

- `journal_mode=WAL`: readers never block the writer and the writer never blocks
  readers, so the app can sit on the file while CLI commands write to it.
- `synchronous=FULL`: in WAL mode NORMAL already survives a *process* crash, but
  on power loss or an OS crash it can lose the last transactions that were
  acknowledged. FULL syncs the WAL on every commit, so an acknowledged write
  survives both; the cost (one fsync per user action) is invisible at human pace.
- `foreign_keys=ON`, `busy_timeout` 10 s.
- `BEGIN IMMEDIATE` for every write transaction, issued by us instead of the
  driver. The driver's deferred BEGIN starts as a reader and upgrades to a writer
  at the first write; if another connection wrote in between, SQLite answers
  SQLITE_BUSY at once (waiting cannot help a stale snapshot), which busy_timeout
  cannot wait out: that is the "database is locked" a person would see. Taking
  the write lock at BEGIN makes the second writer wait its turn instead.
- A read-only unit of work begins DEFERRED instead, with `query_only` on: it never
  waits for the write lock nor takes it, and SQLite itself refuses a write in it.
  On PostgreSQL it is a `READ ONLY` transaction; on any backend the unit of work
  itself refuses a write before it is sent (see unit_of_work.py).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from focusplan.store.errors import (
    BadLocation,
    SchemaTooNew,
    StoreError,
    damaged,
    error_from_sqlite,
)
from focusplan.store.schema_version import (
    HEAD_COLUMNS,
    known_revisions,
    read_only_uri,
    read_revision,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL
    from sqlalchemy.exc import DBAPIError

    from focusplan.store.unit_of_work import UnitOfWork

# SQLAlchemy is imported inside the functions that need it: the write path of a
# current SQLite file (`quick_write`) shares this module's checks and never loads it.

BUSY_TIMEOUT_SECONDS = 10.0
PRIVATE_FILE_MODE = 0o600
# Files up to this many pages (2 MiB at 4 KiB a page) are checked whole before a write.
FULL_CHECK_PAGES = 512
# Execution option that makes the begin hooks start a read-only transaction.
READ_ONLY_OPTION = "focusplan_read_only"
# Backends whose `SET TRANSACTION READ ONLY` applies to the transaction just begun.
_READ_ONLY_TRANSACTION_DIALECTS = frozenset({"postgresql"})


class Database:
    """An open database: hands out units of work. Close it (or use `with`) when done."""

    def __init__(
        self,
        engine: Engine,
        path: Path | None,
        *,
        backup: Path | None = None,
        migrated_from: str | None = None,
    ) -> None:
        self.engine = engine
        self.path = path
        # The copy taken before this open migrated the file, and the revision it had then.
        self.backup = backup
        self.migrated_from = migrated_from
        from sqlalchemy.orm import sessionmaker

        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            bind=engine.execution_options(**{READ_ONLY_OPTION: True}), expire_on_commit=False
        )

    @property
    def url(self) -> str:
        """The SQLAlchemy URL, password hidden (safe to print)."""
        return self.engine.url.render_as_string(hide_password=True)

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        """One session, one transaction: committed on a clean exit, rolled back on an exception.

        `read_only=True` is for actions that only look: the transaction takes no
        write lock (so it never waits behind a writer, nor makes one wait), any
        write inside it raises StoreError, and it always rolls back.
        """
        from focusplan.store.unit_of_work import UnitOfWork

        if read_only:
            return UnitOfWork(self._read_sessions, read_only=True, path=self.path)
        return UnitOfWork(self._sessions, path=self.path)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Database({self.url!r})"


def open_database(target: str | Path) -> Database:
    """Open (creating if needed) and migrate the database at a path or SQLAlchemy URL.

    Raises StoreError with a one-line message when the folder does not exist, the
    file is not a focusplan database, or the schema is newer than this code
    (SchemaTooNew; the file is left untouched).
    """
    url, path = resolve_target(target)
    if path is not None:
        return _open_sqlite_file(url, path)
    return _open_url(url)


def resolve_target(target: str | Path) -> tuple[URL, Path | None]:
    """(URL, file): a plain path means an SQLite file; a URL is taken as is."""
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError

    if isinstance(target, str) and "://" in target:
        try:
            url = make_url(target)
        except ArgumentError as exc:
            raise StoreError(f"not a database URL: {target}") from exc
        if url.get_backend_name() != "sqlite":
            return _server_url(url), None
        database = url.database or ""
        if database in ("", ":memory:") or url.query.get("mode") == "memory":
            return url, None
        path = Path(database).expanduser().absolute()
        return url.set(database=str(path)), path
    path = Path(target).expanduser().absolute()
    return URL.create("sqlite", database=str(path)), path


def _open_sqlite_file(url: URL, path: Path) -> Database:
    folder = path.parent
    if not folder.is_dir():
        raise BadLocation(f"database folder does not exist: {folder}")
    _refuse_special_file(path)
    if not _create_private_file(path):
        _make_private(path)
        _heal_side_files(path)

    revision, has_tables = _sqlite_file_revision(path)
    chain = known_revisions()
    if revision is not None and revision not in chain:
        raise SchemaTooNew(
            f"{path} was written by a newer focusplan (schema {revision}; "
            f"this version knows up to {chain.head}); upgrade focusplan to open it"
        )
    if revision is not None:
        _refuse_damaged(path, check_schema=revision == chain.head)
    backup: Path | None = None
    if revision != chain.head:
        if has_tables and revision is not None:
            backup = backup_sqlite_file(path, revision)
        from sqlalchemy.pool import NullPool

        migration_engine = _create_engine(url, foreign_keys=False, poolclass=NullPool)
        try:
            _upgrade(migration_engine, is_sqlite=True)
        finally:
            migration_engine.dispose()
    return Database(
        _create_engine(url),
        path,
        backup=backup,
        migrated_from=revision if revision != chain.head else None,
    )


def _server_url(url: URL) -> URL:
    if url.get_backend_name() == "postgresql":
        from focusplan.store.postgres import with_driver

        return with_driver(url)
    return url


def _open_url(url: URL) -> Database:
    engine = _create_engine(url)
    try:
        revision = _url_revision(engine)
        chain = known_revisions()
        if revision is not None and revision not in chain:
            raise SchemaTooNew(
                f"the database at {url.render_as_string(hide_password=True)} was written by a "
                f"newer focusplan (schema {revision}; this version knows up to {chain.head})"
            )
        if revision != chain.head:
            _upgrade(engine, is_sqlite=engine.dialect.name == "sqlite")
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, None, migrated_from=revision if revision != chain.head else None)


def _refuse_special_file(path: Path) -> None:
    """Only a regular file (or none yet) can be a database: a fifo would block the open
    until some writer came, and a device must never be chmodded nor written to."""
    try:
        mode = path.stat().st_mode  # follows a symlink: what it points to is what SQLite opens
    except FileNotFoundError:
        if path.is_symlink():
            raise BadLocation(f"{path} is a symlink to nothing; give the file itself") from None
        return
    except OSError as exc:
        raise StoreError(f"cannot open {path}: {exc.strerror}") from exc
    if stat.S_ISDIR(mode):
        raise BadLocation(f"{path} is a folder, not a focusplan database")
    if not stat.S_ISREG(mode):
        kind = (
            "a fifo"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise BadLocation(f"{path} is {kind}, not a focusplan database")


def _heal_side_files(path: Path) -> None:
    """Give the -wal and -shm files write access back when the database file has it.

    SQLite creates them with the database file's mode: read during a spell when the
    file was 0400, they stay 0400 after the person restores the file's mode, and every
    write fails with "attempt to write a readonly database" until they are fixed.
    """
    try:
        main = path.stat()
    except OSError:
        return
    wanted = stat.S_IMODE(main.st_mode) & 0o600
    if not wanted & stat.S_IWUSR or not os.access(path, os.W_OK):
        return  # still read-only: nothing to heal yet
    for side in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            current = side.stat()
            if current.st_uid == main.st_uid and stat.S_IMODE(current.st_mode) & 0o600 != wanted:
                side.chmod((stat.S_IMODE(current.st_mode) & 0o700) | wanted)


def _refuse_damaged(path: Path, *, check_schema: bool) -> None:
    """Refuse a file whose pages are corrupt or whose tables lack what the schema needs,
    before anything is written into it (a write could only spread the damage).

    `quick_check` reads every page once without the index cross-checks of
    `integrity_check`: about a millisecond for a year of a person's data, but tens of
    milliseconds for 20,000 tasks. Above FULL_CHECK_PAGES only the first page of every
    table is read (where a lost or overwritten root shows); damage deeper in a large
    file is still refused as soon as a read meets it (`error_from_sqlite`).
    """
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.Error as exc:
        raise error_from_sqlite(exc, path, verb="open") from exc
    try:
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
        if pages <= FULL_CHECK_PAGES:
            verdict = connection.execute("PRAGMA quick_check(1)").fetchone()
            if verdict is None or verdict[0] != "ok":
                raise damaged(path, str(verdict[0] if verdict else "no verdict"))
        else:
            _probe_every_table(connection)
        missing = _missing_columns(connection) if check_schema else []
        if missing:
            raise damaged(path, f"missing {', '.join(missing[:3])}")
    except sqlite3.Error as exc:
        raise error_from_sqlite(exc, path, verb="read") from exc
    finally:
        connection.close()


def _probe_every_table(connection: sqlite3.Connection) -> None:
    names = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    for (name,) in names:
        quoted = name.replace('"', '""')
        # NOT INDEXED: a covering index would answer without reading the table's own root.
        connection.execute(f'SELECT * FROM "{quoted}" NOT INDEXED LIMIT 1').fetchall()


def _missing_columns(connection: sqlite3.Connection) -> list[str]:
    """Tables and columns of the current schema (HEAD_COLUMNS: records.py's) that a file at
    the head revision lacks (someone dropped them with another tool, or a page of the schema
    was lost)."""
    missing: list[str] = []
    existing = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    for table, columns in HEAD_COLUMNS.items():
        if table not in existing:
            missing.append(f"table {table}")
            continue
        have = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
        missing.extend(f"{table}.{name}" for name in columns if name not in have)
    return missing


def _create_private_file(path: Path) -> bool:
    """Create `path` empty with mode 0600 before SQLite touches it; False if it already exists.

    SQLite gives its -wal and -shm files the database file's mode, so they stay private too.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    except OSError as exc:
        raise StoreError(f"cannot create {path}: {exc.strerror}") from exc
    os.close(descriptor)
    # The umask can only remove bits, but an odd filesystem may ignore the mode entirely.
    os.chmod(path, PRIVATE_FILE_MODE)
    return True


def _make_private(path: Path) -> None:
    """Take group and other access away from the database and its side files.

    A file copied from a backup or another machine is often 0644, and SQLite gives
    new -wal and -shm files the database's mode, so what is written next would be
    readable by others too.
    """
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            current = stat.S_IMODE(candidate.stat().st_mode)
            if current & 0o077:
                candidate.chmod(current & 0o700)


def _sqlite_file_revision(path: Path) -> tuple[str | None, bool]:
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from exc
    try:
        return read_revision(connection, path)
    finally:
        connection.close()


def backup_sqlite_file(path: Path, revision: str) -> Path:
    """Copy the database aside before migrating it; returns the copy (mode 0600).

    The sqlite3 backup API reads through SQLite, so committed data still in the WAL
    is included (a file copy of the main file alone would miss it). The copy is
    written under a temporary name and linked into place only when complete, so a
    crash mid-copy never leaves a half copy under the name a person would restore.
    """
    partial = path.with_name(f"{path.name}.pre-{revision}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    _create_private_file(partial)
    try:
        source = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
                # One self-contained file, not a WAL database that needs its side files.
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
        finally:
            source.close()
        if stat.S_IMODE(partial.stat().st_mode) != PRIVATE_FILE_MODE:
            partial.chmod(PRIVATE_FILE_MODE)
        copy = _link_without_overwriting(partial, path.with_name(f"{path.name}.pre-{revision}"))
    except sqlite3.Error as exc:
        raise StoreError(f"could not copy {path} aside before migrating: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"could not copy {path} aside before migrating: {exc.strerror}") from exc
    finally:
        partial.unlink(missing_ok=True)
    _sync_folder(path.parent)
    return copy


def _link_without_overwriting(source: Path, stem: Path) -> Path:
    """Give `source` the first free name of `<stem>.bak`, `<stem>.1.bak`, ...

    Never overwrite an earlier copy: it may be the only good one.
    """
    counter = 0
    while True:
        name = stem.with_name(f"{stem.name}.bak" if counter == 0 else f"{stem.name}.{counter}.bak")
        try:
            os.link(source, name)
        except FileExistsError:
            counter += 1
            continue
        except OSError:
            # A filesystem without hard links: a checked rename is the next best thing.
            if name.exists():
                counter += 1
                continue
            os.replace(source, name)
        return name


def _sync_folder(folder: Path) -> None:
    # The new name must survive a power cut as well as the data behind it.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _create_engine(url: URL, *, foreign_keys: bool = True, poolclass: Any = None) -> Engine:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError
    from sqlalchemy.pool import StaticPool

    options: dict[str, Any] = {}
    is_sqlite = url.get_backend_name() == "sqlite"
    if is_sqlite:
        options["connect_args"] = {"timeout": BUSY_TIMEOUT_SECONDS}
        database = url.database or ""
        if database in ("", ":memory:"):
            # One shared connection, or every checkout would see its own empty database.
            options["poolclass"] = StaticPool
            options["connect_args"]["check_same_thread"] = False
    is_postgres = url.get_backend_name() == "postgresql"
    if is_postgres:
        from focusplan.store import postgres

        options.update(postgres.engine_options())
    if poolclass is not None:
        options["poolclass"] = poolclass
    try:
        engine = create_engine(url, **options)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"cannot use database URL {url.render_as_string()}: {exc}") from exc
    if is_sqlite:
        _install_sqlite_hooks(engine, foreign_keys=foreign_keys)
    elif is_postgres:
        postgres.install_hooks(engine, READ_ONLY_OPTION)
    elif engine.dialect.name in _READ_ONLY_TRANSACTION_DIALECTS:
        _install_read_only_hook(engine)
    return engine


def configure_sqlite_connection(dbapi_connection: Any, *, foreign_keys: bool = True) -> None:
    """The settings of every connection that may write (module docstring): this engine's
    and the quick write path's (`quick_write`) alike."""
    # Take transaction control from the driver; the caller issues BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
    finally:
        cursor.close()


def _install_sqlite_hooks(engine: Engine, *, foreign_keys: bool) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        configure_sqlite_connection(dbapi_connection, foreign_keys=foreign_keys)

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        read_only = bool(connection.get_execution_options().get(READ_ONLY_OPTION, False))
        # query_only is a flag of the connection, which the pool hands to readers and
        # writers alike: set it when it differs from what this transaction needs.
        info = connection.connection.info
        if info.get(READ_ONLY_OPTION) is not read_only:
            connection.exec_driver_sql(f"PRAGMA query_only = {'ON' if read_only else 'OFF'}")
            info[READ_ONLY_OPTION] = read_only
        connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


def _install_read_only_hook(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY_OPTION, False):
            # The first statement of the transaction, as the backend requires.
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")


def _url_revision(engine: Engine) -> str | None:
    from sqlalchemy import inspect
    from sqlalchemy.exc import DBAPIError

    try:
        if engine.dialect.name == "postgresql":
            from focusplan.store.postgres import read_revision

            return read_revision(engine, READ_ONLY_OPTION)
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            value = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except DBAPIError as exc:
        if engine.dialect.name == "sqlite":
            raise error_from_sqlite(exc.orig, None, verb="open") from exc
        raise _server_error(engine, exc, "cannot open the database at") from exc
    return None if value is None else str(value)


def _server_error(engine: Engine, exc: DBAPIError, doing: str) -> StoreError:
    where = engine.url.render_as_string(hide_password=True)
    if engine.dialect.name == "postgresql":
        from focusplan.store import postgres

        return postgres.unavailable(exc, where)
    return StoreError(f"{doing} {where}: {exc.orig}")


def _upgrade(engine: Engine, *, is_sqlite: bool) -> None:
    # Alembic is only imported here: opening a current database never pays for it.
    from sqlalchemy.exc import DBAPIError

    from focusplan.store.migrate import upgrade_to_head

    try:
        upgrade_to_head(engine, is_sqlite=is_sqlite)
    except DBAPIError as exc:
        if engine.dialect.name == "postgresql":
            raise _server_error(engine, exc, "migrating failed at") from exc
        path = Path(engine.url.database) if is_sqlite and engine.url.database else None
        raise error_from_sqlite(exc.orig, path, verb="migrate") from exc
