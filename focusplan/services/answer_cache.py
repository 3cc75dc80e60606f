"""Answers of read commands, kept while nothing they were computed from has changed.

A read command (`now`, `rank`, `list`) spends its time importing and computing, not
reading: the same question asked again, with nothing changed, gets the same bytes. An
answer is stored under a *key* that names everything it was computed from, and is
trusted only while a key read afresh is equal to it:

- the database: the file's identity (device, inode, mtime, size: a file copied over it
  or moved into its place is another database), its change counter (raised by triggers
  on every write, whoever writes: `focusplan.store.change_counter`), its schema
  revision, and the mtime and size of every file of its live calendar sources;
- the settings: every `FOCUSPLAN_*` variable (pydantic-settings matches them in any
  case), the config file's path and bytes, what the person's zone is chosen from;
- the program: the interpreter, the mtime and size of every module of focusplan and of
  its migrations, and the site-packages folders on sys.path (an install or upgrade of a
  dependency changes the folder's mtime);
- whatever the caller adds (the command line, the minute, the terminal's width...).

The full path reads the key before and after computing, and stores only when both are
equal: a write that happened meanwhile (by anyone) leaves nothing stored. The counter
only grows, so an equal key means no write at all in between.

Where: one file per question (`answer_file`) in the user's cache folder (0700), each
written aside then renamed (a reader sees a whole file or none; two processes storing
at once each write a whole file, and the last rename wins), 0600 since answers hold
task titles. A file that does not hold exactly what was written (a torn or edited
entry) is ignored: its key line, length and CRC must match. The folder is kept under
MAX_ENTRIES files and MAX_TOTAL_BYTES, oldest first out. Databases that are not files
(PostgreSQL) have no counter here: their commands always take the full path.

`FOCUSPLAN_NO_CACHE=1` turns it off: nothing is read from or written to the cache.

Standard library only (sqlite3, json, zlib): the quick paths import this before click.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

# typing's import is a tenth of the quick path; mypy reads this name as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CACHE_VERSION = 2
NO_CACHE_VARIABLE = "FOCUSPLAN_NO_CACHE"
# Variables that name the moment, the database or the cache rather than a setting; the
# callers that depend on them put them in their own part of the key.
NOT_SETTINGS = frozenset({"FOCUSPLAN_NOW", "FOCUSPLAN_DB", NO_CACHE_VARIABLE})
MAX_ENTRY_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 128 * 1024 * 1024
MAX_ENTRIES = 256
# A temporary file this old was left by a process that died while writing it.
STALE_PARTIAL_SECONDS = 600
_SUFFIX = ".answer"
BUSY_TIMEOUT_SECONDS = 2.0


def disabled(environ: Mapping[str, str] | None = None) -> bool:
    """FOCUSPLAN_NO_CACHE set to anything but "", "0", "false", "no"."""
    value = (os.environ if environ is None else environ).get(NO_CACHE_VARIABLE, "")
    return value.strip().lower() not in ("", "0", "false", "no")


# --- the key -------------------------------------------------------------------------------


def settings_fingerprint(environ: Mapping[str, str] | None = None) -> str:
    """The raw inputs of the settings and the zone: equal inputs, equal settings."""
    env = os.environ if environ is None else environ
    # pydantic-settings reads its variables case-insensitively: `focusplan_focus_minutes`
    # is a setting too.
    values = sorted(
        (name, value)
        for name, value in env.items()
        if name.upper().startswith("FOCUSPLAN_") and name.upper() not in NOT_SETTINGS
    )
    config = env.get("FOCUSPLAN_CONFIG") or _default_config_file(env)
    try:
        config_bytes = Path(config).read_bytes()
    except OSError:
        config_bytes = b""
    # The raw text, not a digest: hashlib alone would cost the quick path 2 ms.
    return json.dumps([values, config, config_bytes.hex(), zone_inputs(env)])


def zone_inputs(env: Mapping[str, str]) -> list[Any]:
    """What `focusplan.clock.local_zone` is chosen from (FOCUSPLAN_TZ is among the
    settings' variables): TZ, the zone file /etc/localtime links to, and the C library's
    view of the local zone, now, for its fixed-offset fallback. Read raw, as zoneinfo's
    import would cost the quick path more than its whole read."""
    import time

    local = time.localtime()
    return [
        env.get("TZ"),
        os.path.realpath("/etc/localtime"),
        list(time.tzname),
        local.tm_gmtoff,
        local.tm_isdst,
    ]


def _default_config_file(env: Mapping[str, str]) -> str:
    # platformdirs' user_config_path, without importing it on the quick path.
    if sys.platform == "darwin":
        return str(Path.home() / "Library" / "Application Support" / "focusplan" / "config.toml")
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return str(Path(base) / "focusplan" / "config.toml")


def program_fingerprint() -> list[Any]:
    """The code that computes the answers: a new version, an edited module of an editable
    install, another interpreter or an upgraded dependency all give another value."""
    package = Path(__file__).resolve().parent.parent
    crc = 0
    for folder in (package, package.parent / "migrations"):
        for name, info in _module_stamps(folder):
            crc = zlib.crc32(f"{name}:{info.st_mtime_ns}:{info.st_size};".encode(), crc)
    folders = []
    # Installed packages only: the rest of sys.path (the working folder, a test runner's
    # own entries) differs between runs of the same program.
    for entry in sys.path:
        if os.path.basename(entry) not in ("site-packages", "dist-packages"):
            continue
        try:
            folders.append([entry, os.stat(entry or ".").st_mtime_ns])
        except OSError:
            continue
    return [sys.version, sys.executable, crc, folders]


def _module_stamps(folder: Path) -> Iterable[tuple[str, os.stat_result]]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in sorted(entries, key=lambda each: each.name):
        if entry.name == "__pycache__" or entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _module_stamps(Path(entry.path))
        elif entry.name.endswith(".py"):
            yield entry.path, entry.stat()


def calendar_file_names(folder: Path) -> list[str]:
    """The event files of a vdir folder (one .ics per event), sorted."""
    return sorted(
        entry.name
        for entry in os.scandir(folder)
        if entry.name.lower().endswith(".ics")
        and not entry.name.startswith(".")
        and entry.is_file()
    )


def calendar_stamps(paths: Iterable[str]) -> list[Any]:
    """(name, mtime_ns, size) of every file of each source path; "missing" for a path
    that is not there. What `source` re-reads on and what the cache is keyed on."""
    stamps: list[Any] = []
    for path in paths:
        target = Path(path)
        try:
            if target.is_dir():
                files = []
                for name in calendar_file_names(target):
                    info = (target / name).stat()
                    files.append([name, info.st_mtime_ns, info.st_size])
                stamps.append([path, "dir", files])
            else:
                info = target.stat()
                stamps.append([path, "file", [["", info.st_mtime_ns, info.st_size]]])
        except OSError:
            stamps.append([path, "missing", []])
    return stamps


def database_key(db_path: Path) -> dict[str, Any] | None:
    """The database's part of the key, read now (None: no key can be read, e.g. no
    database yet, not one of ours, or a schema before the counter)."""
    path = db_path.absolute()
    try:
        info = path.stat()
    except OSError:
        return None
    uri, immutable = _read_only_uri(path)
    try:
        connection = sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
        )
    except sqlite3.Error:
        return None
    try:
        # One read transaction: the counter, the revision and the sources of one moment.
        connection.execute("BEGIN")
        (counter,) = connection.execute("SELECT value FROM change_counter WHERE id = 1").fetchone()
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        sources = [
            source
            for (source,) in connection.execute("SELECT path FROM calendar_sources ORDER BY id")
        ]
        connection.execute("COMMIT")
    except (sqlite3.Error, TypeError, ValueError):
        return None
    finally:
        connection.close()
    calendars = ""
    if sources:
        import hashlib

        stamps = json.dumps(calendar_stamps(sources))
        calendars = hashlib.sha1(stamps.encode("utf-8", "surrogatepass")).hexdigest()
    identity: list[Any] = [info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size]
    if immutable:
        # An immutable read ignores a -wal file: one that appears (someone who may write
        # the file wrote to it) must change the key by itself.
        identity.append(_stamp(path.with_name(path.name + "-wal")))
    return {
        "version": CACHE_VERSION,
        "db": str(path),
        "file": identity,
        "counter": int(counter),
        "revision": str(revision),
        "calendars": calendars,
    }


def _read_only_uri(path: Path) -> tuple[str, bool]:
    """As `focusplan.store.schema_version.read_only_uri` (whose import would cost the quick
    path more than its whole read): a file we cannot write, with no WAL content pending,
    is opened immutable so that no -shm file is left behind with the file's 0400 mode."""
    text = str(path)
    # The three characters a file: URI cannot hold as they are.
    uri = "file:" + text.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    immutable = not os.access(path, os.W_OK) and _stamp(path.with_name(path.name + "-wal"))[1] == 0
    return (uri + "&immutable=1" if immutable else uri), immutable


def _stamp(path: Path) -> list[int]:
    try:
        info = path.stat()
    except OSError:
        return [0, 0]
    return [info.st_mtime_ns, info.st_size]


def key_text(key: Mapping[str, Any]) -> bytes:
    """The key as one line of canonical JSON: what an entry's first line must equal."""
    return json.dumps(key, sort_keys=True, separators=(",", ":")).encode("utf-8", "surrogatepass")


# --- the entries ---------------------------------------------------------------------------


def cache_folder() -> Path:
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "focusplan" / "answers"


def answer_file(slot: str) -> Path:
    """The file of one question (`slot`: the database and the question, not what changes
    between answers, so a newer answer replaces the older). Two slots sharing a name
    only evict each other: the key inside names the question in full."""
    data = slot.encode("utf-8", "surrogatepass")
    return cache_folder() / f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{_SUFFIX}"


def load(slot: str, key: Mapping[str, Any]) -> bytes | None:
    """The stored answer when it was stored under exactly `key`, else None."""
    try:
        data = answer_file(slot).read_bytes()
    except OSError:
        return None
    expected = key_text(key)
    first = data.find(b"\n")
    if first < 0 or data[:first] != expected:
        return None
    second = data.find(b"\n", first + 1)
    if second < 0:
        return None
    try:
        size, crc = json.loads(data[first + 1 : second])
    except (ValueError, TypeError):
        return None
    payload = data[second + 1 :]
    if len(payload) != size or zlib.crc32(payload) != crc:
        return None
    return payload


def store(slot: str, key: Mapping[str, Any], payload: bytes) -> None:
    """Keep `payload` as the answer under `key` (best effort: a command never fails
    because its answer could not be cached)."""
    if len(payload) > MAX_ENTRY_BYTES:
        return
    target = answer_file(slot)
    header = key_text(key) + b"\n" + json.dumps([len(payload), zlib.crc32(payload)]).encode()
    try:
        _make_private_folder(target.parent)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(header + b"\n")
            handle.write(payload)
        os.replace(partial, target)
        _evict(target.parent, keep=target.name)
    except OSError:
        pass


def _make_private_folder(folder: Path) -> None:
    """`focusplan/answers` under the cache base, each 0700 whatever the umask (mkdir's
    mode is masked, and only the last folder of `parents=True` gets it)."""
    if folder.is_dir():
        return
    folder.parent.parent.mkdir(parents=True, exist_ok=True)
    for each in (folder.parent, folder):
        try:
            each.mkdir(mode=0o700)
        except FileExistsError:
            continue  # another process made it first
        os.chmod(each, 0o700)


def _evict(folder: Path, keep: str) -> None:
    """Oldest answers out until the folder is within MAX_ENTRIES and MAX_TOTAL_BYTES."""
    import time

    now = time.time()
    answers: list[tuple[int, int, str]] = []
    for entry in os.scandir(folder):
        try:
            info = entry.stat()
        except OSError:
            continue  # another process evicted it first
        if entry.name.startswith("."):
            if now - info.st_mtime > STALE_PARTIAL_SECONDS:
                _remove(entry.path)
        elif entry.name.endswith(_SUFFIX):
            answers.append((info.st_mtime_ns, info.st_size, entry.name))
    total = sum(size for _, size, _ in answers)
    answers.sort()
    count = len(answers)
    for _, size, name in answers:
        if count <= MAX_ENTRIES and total <= MAX_TOTAL_BYTES:
            break
        if name == keep:
            continue
        _remove(os.path.join(folder, name))
        count -= 1
        total -= size


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):  # another process removed it first
        os.remove(path)
